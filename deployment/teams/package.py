"""Build the Teams app package (deployment/build/beredskabsbot-teams.zip) for upload in the Teams admin centre.

    MicrosoftAppId=<bot app id> MUNICIPALITY="Holstebro Kommune" WEBSITE_URL=https://... \\
        PRIVACY_URL=https://... TERMS_URL=https://... [BOT_DOMAIN=<host>] make package

Fills the manifest from the environment (nothing has a default: every missing variable is named), takes the
version from pyproject.toml, checks the icons, validates the manifest offline against Microsoft's schema
(npm @microsoft/app-manifest, which bundles it; needs Node.js), writes the zip and prints its path last.
Run by people, never imported by the bot.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = HERE.parent / "build"
NODE_DIR = ROOT / ".playground"  # the project's ignored folder for npm tools
VALIDATOR = ("@microsoft/app-manifest@1", "fs-extra@11")  # the validator needs fs-extra beside it

REQUIRED = {
    "MicrosoftAppId": "the bot's Entra ID app id (a GUID; docs/deploy.md, step 1)",
    "MUNICIPALITY": "the municipality's name, shown as the app's developer (at most 32 characters)",
    "WEBSITE_URL": "an https:// page about the bot or the municipality",
    "PRIVACY_URL": "the municipality's https:// privacy page (privatlivspolitik)",
    "TERMS_URL": "an https:// page with the terms of use",
}
OPTIONAL = {"BOT_DOMAIN": "the bot's host name, e.g. beredskabsbot.azurewebsites.net (validDomains)"}
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
MAX_DEVELOPER_NAME = 32  # the schema's limit


class PackageError(Exception):
    """The package cannot be built; `errors` lists every reason."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def render(environ: dict[str, str]) -> dict:
    """The manifest filled from the environment; raises PackageError naming every missing or wrong variable."""
    values = {name: environ.get(name, "").strip() for name in (*REQUIRED, *OPTIONAL)}
    errors = [f"{name} is required: {what}" for name, what in REQUIRED.items() if not values[name]]
    app_id = values["MicrosoftAppId"]
    if app_id and not GUID.match(app_id):
        errors.append(f"MicrosoftAppId must be a GUID (the app registration's Application (client) ID), "
                      f"not {app_id!r}")
    elif app_id and set(app_id) <= {"0", "-"}:
        errors.append("MicrosoftAppId is the all-zero placeholder; use the bot's real app id")
    for name in ("WEBSITE_URL", "PRIVACY_URL", "TERMS_URL"):
        if values[name] and not re.match(r"^https://[^\s/]+\.[^\s]+$", values[name]):
            errors.append(f"{name} must be an https:// address, not {values[name]!r}")
    if len(values["MUNICIPALITY"]) > MAX_DEVELOPER_NAME:
        errors.append(f"MUNICIPALITY must be at most {MAX_DEVELOPER_NAME} characters (Teams' limit), "
                      f"not {len(values['MUNICIPALITY'])}")
    domain = values["BOT_DOMAIN"].lower()
    if domain and not HOST.match(domain):
        errors.append(f"BOT_DOMAIN must be a host name without https:// or a path, not {values['BOT_DOMAIN']!r}")
    if errors:
        raise PackageError(errors)
    text = (HERE / "manifest.json").read_text(encoding="utf-8")
    for name, value in {**values, "VERSION": project_version()}.items():
        text = text.replace("{{" + name + "}}", json.dumps(value)[1:-1])
    manifest = json.loads(text)
    manifest["validDomains"] = [domain] if domain else []
    return manifest


def png_size(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's header; raises PackageError for anything else."""
    data = path.read_bytes()[:26]
    if len(data) < 26 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise PackageError([f"{path.name} is not a PNG file"])
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


def check_icons(folder: Path = HERE) -> None:
    """Teams wants a 192×192 colour icon and a 32×32 transparent outline icon."""
    errors = []
    for name, size in ICONS.items():
        width, height, colour_type = png_size(folder / name)
        if (width, height) != size:
            errors.append(f"{name} must be {size[0]}×{size[1]} pixels, not {width}×{height}")
        if name == "outline.png" and colour_type not in (4, 6):
            errors.append("outline.png must have a transparent background (an alpha channel)")
    if errors:
        raise PackageError(errors)


def ensure_validator() -> dict[str, str]:
    """Install Microsoft's manifest validator into .playground/ once; the environment for running it."""
    if not (shutil.which("node") and shutil.which("npm")):
        raise PackageError(["validating the manifest needs Node.js 18 or newer (node and npm on PATH), "
                            "e.g. 'apt-get install nodejs npm'"])
    missing = [p for p in VALIDATOR if not (NODE_DIR / "node_modules" / p.rsplit("@", 1)[0]).exists()]
    if missing:
        NODE_DIR.mkdir(exist_ok=True)
        result = subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", *missing],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise PackageError([f"could not install the manifest validator: {result.stderr.strip()[-500:]}"])
    return {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}


def validate(manifest: dict) -> str:
    """Validate against the schema the manifest names, offline; returns the validator's OK line."""
    env = ensure_validator()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        result = subprocess.run(["node", str(HERE / "validate.js"), str(path)], cwd=NODE_DIR, env=env,
                                capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise PackageError([f"the manifest does not pass Microsoft's schema: {result.stderr.strip()}"])
    return result.stdout.strip()


def build(environ: dict[str, str], target: Path = BUILD / "beredskabsbot-teams.zip") -> Path:
    """Render, check, validate and zip; returns the zip's path."""
    manifest = render(environ)
    check_icons()
    print(validate(manifest))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for icon in ICONS:
            package.write(HERE / icon, icon)
    return target


def main() -> int:
    try:
        target = build(dict(os.environ))
    except PackageError as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 2
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
