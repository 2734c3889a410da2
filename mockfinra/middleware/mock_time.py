"""`X-Mock-Time` on every response: the mock clock's time when the response started."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.clock import Clock, isoformat_z


class MockTimeHeader:
    """Every response carries `X-Mock-Time`: the mock clock's time when the response started."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-mock-time", isoformat_z(self.clock.now()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_time)
