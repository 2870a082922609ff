"""Build the Teams app package (deployment/build/beredskabsbot-teams.zip) for upload in Teams admin.

    MicrosoftAppId=<bot app id> MUNICIPALITY="Holstebro Kommune" WEBSITE_URL=https://... \
        python deployment/teams/package.py

Run by people, never imported by the bot.
"""
from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent / "build"
FIELDS = {
    "MicrosoftAppId": None,
    "MUNICIPALITY": "Kommunen",
    "WEBSITE_URL": "https://www.kl.dk",
    "PRIVACY_URL": None,
    "TERMS_URL": None,
}
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def render(environ: dict[str, str]) -> dict:
    """The manifest with placeholders filled from the environment; raises ValueError listing problems."""
    values = {k: environ.get(k, "").strip() or default for k, default in FIELDS.items()}
    values["PRIVACY_URL"] = values["PRIVACY_URL"] or values["WEBSITE_URL"]
    values["TERMS_URL"] = values["TERMS_URL"] or values["WEBSITE_URL"]
    problems = []
    if not values["MicrosoftAppId"] or not GUID.match(values["MicrosoftAppId"]):
        problems.append("MicrosoftAppId must be the bot's app id (a GUID)")
    for key in ("WEBSITE_URL", "PRIVACY_URL", "TERMS_URL"):
        if not values[key].startswith("https://"):
            problems.append(f"{key} must be an https:// address")
    if problems:
        raise ValueError("; ".join(problems))
    text = (HERE / "manifest.json").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", json.dumps(value)[1:-1])
    return json.loads(text)


def main() -> int:
    try:
        manifest = render(dict(os.environ))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    BUILD.mkdir(exist_ok=True)
    target = BUILD / "beredskabsbot-teams.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        package.write(HERE / "color.png", "color.png")
        package.write(HERE / "outline.png", "outline.png")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
