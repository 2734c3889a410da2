"""The one Jinja2 environment for HTML pages (MFA sign-in, TRAQS, the virtual phone)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from mockfinra import __version__
from mockfinra.links import Links
from mockfinra.settings import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> Any:
    """Built on first use (jinja2 is imported lazily to keep start-up fast)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


#: the page families whose layout shows the NTF testing window banner
BANNER_PAGES = ("signin/", "traqs/")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `templates/<name>` with `links` (absolute URL builder), `settings` and `era` in scope.

    Sign-in and TRAQS pages also get `ntf_banner` (the NTF testing window of the browser's signed-in user)
    unless the caller gives it. Computing it opens a store transaction: call `render` after closing yours.
    """
    links = Links(request)
    if name.startswith(BANNER_PAGES) and "ntf_banner" not in context:
        context["ntf_banner"] = _ntf_banner(request)
    state = request.app.state
    html = environment().get_template(name).render(
        request=request, links=links, settings=state.settings, era=state.ctx.era, **context
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def _ntf_banner(request: Request) -> dict[str, Any] | None:
    """ASSUMPTION: the MFA pages show the window of the browser's session; before sign-in (no session)
    nobody's firm is known, so they show none."""
    from mockfinra.identity.oidc.responses import SID_COOKIE

    sid = request.cookies.get(SID_COOKIE)
    if not sid:
        return None
    from mockfinra.identity.core.sessions import get_active_session
    from mockfinra.store.users import get_user
    from mockfinra.traqs.ntf_window import banner_for

    ctx = request.app.state.ctx
    with ctx.store.transaction() as db:
        session = get_active_session(ctx, db, sid)
        user = get_user(db, session.user_id) if session else None
        return banner_for(ctx, db, user)
