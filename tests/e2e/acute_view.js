// What a person on a 1366×768 laptop sees of the bot's newest card without scrolling, in the Agents Playground.
// Usage: node acute_view.js <playground url> <message> <screenshot.png> [button to click, then measure again]
// Prints JSON: the newest card's rendered height and, for the acute banner and each line of the card, whether it
// lies inside the chat's visible area.
const { chromium } = require('playwright-core');

const [url, message, screenshot, click] = process.argv.slice(2);

async function settle(page) {
  // The chat scrolls to the newest message; wait until the card count and the scroll position stop changing.
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() => document.querySelectorAll('.ac-adaptiveCard').length + ':' +
      Array.from(document.querySelectorAll('*')).map((e) => e.scrollTop).join(','));
    if (now === last) return;
    last = now;
    await page.waitForTimeout(250);
  }
}

async function measure(page) {
  return page.evaluate(() => {
    const cards = document.querySelectorAll('.ac-adaptiveCard');
    const card = cards[cards.length - 1];
    // The visible area: the card's nearest scrolling ancestor, clipped to the window.
    let area = card.parentElement;
    while (area && !(area.scrollHeight > area.clientHeight && getComputedStyle(area).overflowY !== 'visible')) {
      area = area.parentElement;
    }
    const box = area ? area.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const top = Math.max(0, box.top), bottom = Math.min(window.innerHeight, box.bottom);
    const lines = Array.from(card.querySelectorAll('.ac-textBlock')).map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.innerText.trim(), visible: r.top >= top - 1 && r.bottom <= bottom + 1 };
    });
    const rect = card.getBoundingClientRect();
    return { cardHeight: Math.round(rect.height), visibleHeight: Math.round(bottom - top), lines };
  });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(url, { waitUntil: 'networkidle' });
    const box = page.locator('[data-lexical-editor="true"]');
    await box.waitFor({ timeout: 20000 });
    const before = await page.locator('.ac-adaptiveCard').count();
    await box.click();
    await page.keyboard.type(message);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.ac-adaptiveCard').length > n, before,
                               { timeout: 20000 });
    await settle(page);
    const result = { first: await measure(page) };
    if (screenshot) await page.screenshot({ path: screenshot });
    if (click) {
      const count = await page.locator('.ac-adaptiveCard').count();
      await page.locator('.ac-adaptiveCard').last().getByRole('button', { name: click }).first().click();
      await page.waitForFunction((n) => document.querySelectorAll('.ac-adaptiveCard').length > n, count,
                                 { timeout: 20000 });
      await settle(page);
      result.after = await measure(page);
      if (screenshot) await page.screenshot({ path: screenshot.replace('.png', '-after.png') });
    }
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
