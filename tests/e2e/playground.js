// Drives the Microsoft 365 Agents Playground in headless Chromium the way a person would:
// type a question, wait for the answer card, click one of its buttons, wait for that card.
// Usage: node playground.js <playground url> <question> <text expected in answer> <screenshot.png>
const { chromium } = require('playwright-core');

const [url, question, expected, screenshot] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(url, { waitUntil: 'networkidle' });
    const box = page.locator('[data-lexical-editor="true"]');
    await box.waitFor({ timeout: 20000 });
    await box.click();
    await page.keyboard.type(question);
    await page.keyboard.press('Enter');
    const answer = page.locator('.ac-adaptiveCard', { hasText: expected }).last();
    await answer.waitFor({ timeout: 20000 });
    if (screenshot) await page.screenshot({ path: screenshot });
    const answerText = await answer.innerText();
    const cardsBefore = await page.locator('.ac-adaptiveCard').count();
    // The first button that opens something (not the 👍/👎 feedback row).
    const button = answer.locator('.ac-actionSet [role=button], .ac-actionSet button, .ac-pushButton-content')
      .filter({ hasNotText: /^\s*(👍|👎)\s*$/ }).first();
    const buttonTitle = (await button.innerText()).trim();
    await button.click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.ac-adaptiveCard').length > n, cardsBefore, { timeout: 20000 });
    const lastCard = (await page.locator('.ac-adaptiveCard').last().innerText());
    console.log(JSON.stringify({ answer: answerText, button: buttonTitle, after: lastCard }));
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
