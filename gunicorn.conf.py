"""gunicorn's settings for the production server: `make serve`, the container and App Service all run

    gunicorn --config gunicorn.conf.py app:serve

Workers are separate processes on one DATA_DIR (WEB_CONCURRENCY, default 2): background work runs in one of
them at a time (bot/background.py) and the stores take concurrent writes. SIGTERM stops gracefully: turns in
flight get app.SHUTDOWN_SECONDS to finish.
"""
import os
import sys

import app

DEFAULT_WORKERS = 2


def _workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return DEFAULT_WORKERS
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"WEB_CONCURRENCY must be a whole number of worker processes (1 or more), not {raw!r}")
    return int(raw)


# PORT itself is checked with every other setting in on_starting, before anything is bound.
bind = [f"0.0.0.0:{os.environ.get('PORT', '').strip() or 3978}"]
workers = _workers()
worker_class = "aiohttp.GunicornWebWorker"
graceful_timeout = int(app.SHUTDOWN_SECONDS) + 5
# The access log is the app's own (app.PathOnlyAccessLogger: path and status, no client address or query).
accesslog = None
errorlog = "-"


def on_starting(server) -> None:
    """Check settings and plan once, before any worker starts: every problem is reported, then exit 2."""
    app.configure_logging()
    if app.load_or_explain() is None:
        sys.exit(2)


# gunicorn's runtime control socket (23.x has none) is not used, and the container's user has no home for it.
control_socket_disable = True
