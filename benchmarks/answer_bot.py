"""The product as `make run` serves it, on a given port, for the benchmark (on the shared store when
AZURE_STORAGE_CONNECTION_STRING and STORAGE_CONTAINER are in the environment)."""
from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from app import create_app
from bot.settings import Settings

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    port, data_dir, plan = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    store = {k: v for k, v in os.environ.items() if k in ("AZURE_STORAGE_CONNECTION_STRING", "STORAGE_CONTAINER")}
    settings = Settings.from_env({"PORT": str(port), "DATA_DIR": data_dir, "PLAN": plan, "PLAYGROUND": "0", **store})
    app = create_app(settings)  # run_app accepts the coroutine
    web.run_app(app, host="127.0.0.1", port=port, print=lambda *_: None, access_log=None)
