"""Beredskabsbot: the aiohttp app factory, `python app.py` (what `make run` starts) and `serve`, the app
gunicorn runs in production (`make serve`, the container, App Service: see gunicorn.conf.py).

The only module that touches aiohttp and the Bot Framework adapter together.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import sys

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from botbuilder.core import ConversationState, MessageFactory, ShowTypingMiddleware, Storage, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.auth import SigningKeysUnavailable, token_problem
from bot.background import FileLock, run_once_per_data_store
from bot.logging_privacy import install as install_log_redaction
from bot.plan_bot import PlanBot
from bot.references import BlobReferenceStore, ReferenceStore
from bot.reminders import ReminderService
from bot.usage import BlobUsageLog, SqliteUsageLog, months_ago
from bot.settings import Settings, SettingsError
from bot.wiring import Stores, build_adapter, build_reminders, open_stores
from knowledge import Knowledge, PlanError, load_plan
from knowledge.matcher import Matcher

logger = logging.getLogger("beredskabsbot")

MAX_BODY_BYTES = 1024 * 1024

SETTINGS = web.AppKey("settings", Settings)
KNOWLEDGE = web.AppKey("knowledge", Knowledge)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", PlanBot)
STORAGE = web.AppKey("storage", Storage)
STORES = web.AppKey("stores", Stores)
PLAYGROUND_TASK = web.AppKey("playground_task", asyncio.Task)
REFERENCES = web.AppKey("references", ReferenceStore | BlobReferenceStore)
REMINDERS = web.AppKey("reminders", ReminderService)
USAGE = web.AppKey("usage", SqliteUsageLog | BlobUsageLog)
BACKGROUND_TASK = web.AppKey("background_task", asyncio.Task)
# How often a process that does not run the background work checks whether the one that did has died.
BACKGROUND_RETRY_SECONDS = 30.0
# In-flight turns get this long to finish after SIGTERM (gunicorn's graceful_timeout is a little longer).
SHUTDOWN_SECONDS = 25.0


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


async def messages(request: web.Request) -> web.Response:
    """POST /api/messages: one Bot Framework activity in, replies through the connector."""
    settings = request.app[SETTINGS]
    if request.content_type != "application/json":
        return web.json_response({"error": "Content-Type must be application/json"}, status=415)
    if settings.app_id:
        problem = token_problem(request.headers.get("Authorization"))
        if problem:
            logger.warning("Refused request: %s", problem)
            return web.json_response({"error": "unauthorized"}, status=401)
    body = await request.read()  # aiohttp answers 413 past client_max_size
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _bad_request("body is not valid JSON")
    if not isinstance(data, dict):
        return _bad_request("body must be a JSON object (an activity)")
    # msrest coerces ill-typed scalars ("type": 5 -> "5"); the raw values are checked first.
    if not isinstance(data.get("type"), str):
        return _bad_request("activity.type must be a string")
    if not isinstance(data.get("text", ""), (str, type(None))):
        return _bad_request("activity.text must be a string")
    try:
        activity = Activity().deserialize(data)
    except Exception:  # msrest raises several types for ill-typed fields
        return _bad_request("body is not a valid activity")
    if not isinstance(activity.type, str) or not activity.type:
        return _bad_request("activity.type is required")
    if activity.conversation is None or not activity.conversation.id:
        return _bad_request("activity.conversation.id is required")
    if not isinstance(activity.service_url, str) or not activity.service_url.startswith(("http://", "https://")):
        return _bad_request("activity.serviceUrl is required")

    try:
        invoke_response = await request.app[ADAPTER].process_activity(
            request.headers.get("Authorization", ""), activity, request.app[BOT].on_turn)
    except PermissionError as exc:
        # The reason names the check that failed (signature, issuer, ...), never the token itself.
        logger.warning("Refused request: token did not validate (%s)", exc)
        return web.json_response({"error": "unauthorized"}, status=401)
    except SigningKeysUnavailable:
        return web.json_response({"error": "cannot validate tokens right now"}, status=503,
                                 headers={"Retry-After": "10"})
    if invoke_response:
        return web.json_response(invoke_response.body, status=invoke_response.status)
    return web.Response(status=200)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: the process serves and which plan it runs."""
    knowledge = request.app[KNOWLEDGE]
    return web.json_response({"status": "ok", "plan": knowledge.meta.id, "topics": len(knowledge.topics)})


def _on_turn_error(conversation_state: ConversationState, knowledge: Knowledge):
    async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
        # The exception, never the activity: its text is what staff typed.
        logger.exception("Turn failed (activity type %s)", turn_context.activity.type, exc_info=error)
        try:
            await turn_context.send_activity(MessageFactory.text(knowledge.message("error")))
        except Exception as send_error:  # the connector itself may be what failed
            logger.warning("Could not tell the user about the error: %s", type(send_error).__name__)
        try:
            await conversation_state.delete(turn_context)
        except Exception as delete_error:
            logger.warning("Could not clear conversation state: %s", type(delete_error).__name__)
    return on_turn_error


async def create_app(settings: Settings | None = None, knowledge: Knowledge | None = None) -> web.Application:
    """Build the bot's web app for one plan; raises PlanError for an invalid plan."""
    settings = settings or Settings.from_env(os.environ)
    knowledge = knowledge or load_plan(settings.plan)
    stores = await open_stores(settings)
    storage = stores.state
    conversation_state = ConversationState(storage)

    adapter = build_adapter(settings)
    adapter.on_turn_error = _on_turn_error(conversation_state, knowledge)
    adapter.use(ShowTypingMiddleware(delay=0.5, period=2.0))
    usage = stores.usage
    reminders = build_reminders(settings, knowledge, adapter, stores, usage)
    references = reminders.references
    bot = PlanBot(knowledge, Matcher(knowledge), conversation_state,
                  flow_timeout_seconds=settings.flow_timeout_minutes * 60,
                  references=references, reminders=reminders, coordinators=settings.coordinators,
                  usage=usage)

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[KNOWLEDGE] = knowledge
    app[ADAPTER] = adapter
    app[BOT] = bot
    app[STORAGE] = storage
    app[STORES] = stores
    app[REFERENCES] = references
    app[REMINDERS] = reminders
    app[USAGE] = usage
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)

    async def resume_broadcasts() -> None:
        # A broadcast cut off by a crash or restart (of any worker) finishes by itself.
        await reminders.resume_unfinished()

    async def give_notices() -> None:
        await reminders.give_notices()

    async def purge_old_usage() -> None:
        # Retention: usage events older than USAGE_RETENTION_MONTHS are deleted.
        await usage.purge(months_ago(dt.date.today(), settings.usage_retention_months))

    async def start_background(app: web.Application) -> None:
        # Once per DATA_DIR, however many gunicorn workers share it (bot/background.py); past one instance
        # each instance has its own DATA_DIR, and blob leases decide what must happen once.
        app[BACKGROUND_TASK] = asyncio.create_task(run_once_per_data_store(
            FileLock(settings.data_dir / "background.lock"), on_every_check=resume_broadcasts,
            daily=[give_notices, purge_old_usage], retry_seconds=BACKGROUND_RETRY_SECONDS))

    async def close_storage(app: web.Application) -> None:
        app[BACKGROUND_TASK].cancel()
        await asyncio.gather(app[BACKGROUND_TASK], return_exceptions=True)
        await reminders.close()
        await stores.close()
    app.on_startup.append(start_background)
    app.on_cleanup.append(close_storage)
    return app


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log lines with method, path, status, size and time: no query string, client address or headers."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.0fms", request.method, request.path, response.status,
                         response.body_length, time * 1000)


def configure_logging() -> None:
    """Log to stderr; conversation ids in Bot Connector URLs are redacted from every record."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Connector URLs hold conversation ids: redacted in every record, and urllib3's retry chatter is not
    # logged at all.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    # The Azure SDK logs every storage request at INFO: noise, and nothing an operator needs.
    logging.getLogger("azure").setLevel(logging.WARNING)
    install_log_redaction(logging.getLogger().handlers)


def load_or_explain() -> tuple[Settings, Knowledge] | None:
    """Settings and plan from the environment, or None after logging every problem with either."""
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        for error in exc.errors:
            logger.error("Configuration: %s", error)
        return None
    try:
        knowledge = load_plan(settings.plan)
    except PlanError as exc:
        for error in exc.errors:
            logger.error("Plan: %s", error)
        logger.error("The plan %r is invalid; the bot does not start. Check it with: make check PLAN=%s",
                     settings.plan, settings.plan)
        return None
    return settings, knowledge


def _warn_if_local(settings: Settings) -> None:
    if settings.local_mode:
        logger.warning("LOCAL MODE: MicrosoftAppId is not set, so authentication is OFF. "
                       "Never expose this process to a network; set MicrosoftAppId, "
                       "MicrosoftAppPassword and MicrosoftAppTenantId in production.")


async def serve() -> web.AppRunner:
    """The production app for gunicorn's aiohttp worker: the same settings and factory as `make run`."""
    configure_logging()
    loaded = load_or_explain()
    if loaded is None:
        # gunicorn.conf.py checks the same before any worker starts; this is for other launchers.
        raise SystemExit(2)
    settings, knowledge = loaded
    _warn_if_local(settings)
    app = await create_app(settings, knowledge)
    return web.AppRunner(app, access_log_class=PathOnlyAccessLogger,
                         access_log=logging.getLogger("beredskabsbot.access"),
                         shutdown_timeout=SHUTDOWN_SECONDS)


def main() -> int:
    """Start the bot on $PORT; in local mode also the Agents Playground."""
    configure_logging()
    # aiohttp's access log holds client addresses; the bot never needs them.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    loaded = load_or_explain()
    if loaded is None:
        return 2
    settings, knowledge = loaded
    logger.info("Plan %s: %s (%d topics)", knowledge.meta.id, knowledge.meta.municipality, len(knowledge.topics))
    _warn_if_local(settings)

    from bot.playground import Playground

    playground = Playground.for_settings(settings)

    async def start_playground(app: web.Application) -> None:
        # In the background: the bot serves at once, even while npm installs the Playground.
        if playground:
            app[PLAYGROUND_TASK] = asyncio.create_task(playground.start())

    async def stop_playground(app: web.Application) -> None:
        if playground:
            app[PLAYGROUND_TASK].cancel()
            await playground.stop()

    async def factory() -> web.Application:
        app = await create_app(settings, knowledge)
        app.on_startup.append(start_playground)
        app.on_cleanup.append(stop_playground)
        return app

    web.run_app(factory(), port=settings.port, print=lambda *_: None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
