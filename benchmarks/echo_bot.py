"""The baseline: a bare echo bot on stock CloudAdapter, the same aiohttp stack, no state, no cards."""
from __future__ import annotations

import sys

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


class _LocalConfig:
    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))


def create_echo_app() -> web.Application:
    """Stock wiring, as in the Bot Framework samples."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_LocalConfig()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


if __name__ == "__main__":
    web.run_app(create_echo_app(), host="127.0.0.1", port=int(sys.argv[1]), print=lambda *_: None, access_log=None)
