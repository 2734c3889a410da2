"""Running the app under uvicorn so that a stop signal first ends the outbox's streams and long-polls.

uvicorn's graceful shutdown waits for every open response, and an event stream never finishes by itself:
without this, Ctrl+C with a page listening on `/_mock/messages/stream` would hang.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

#: uvicorn's exit status when the server could not start (e.g. the port is taken)
STARTUP_FAILURE = 3


def run_uvicorn(application: Any, **options: Any) -> None:
    """`uvicorn.run(application, **options)` for an app instance, closing `ctx.outbox` on SIGINT/SIGTERM."""
    import uvicorn

    hub = application.state.ctx.outbox

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            hub.close()
            super().handle_exit(sig, frame)

    server = Server(uvicorn.Config(application, **options))
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    if not server.started:
        sys.exit(STARTUP_FAILURE)
