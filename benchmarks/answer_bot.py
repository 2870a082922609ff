"""The product as `make run` serves it, on a given port, for the benchmark."""
from __future__ import annotations

import logging
import sys

from aiohttp import web

from app import create_app
from bot.settings import Settings

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    port, data_dir, plan = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    settings = Settings.from_env({"PORT": str(port), "DATA_DIR": data_dir, "PLAN": plan, "PLAYGROUND": "0"})
    app = create_app(settings)  # run_app accepts the coroutine
    web.run_app(app, host="127.0.0.1", port=port, print=lambda *_: None, access_log=None)
