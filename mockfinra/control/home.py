"""The trainer's home at `GET /_mock`: the demo users (from the live store), the clock and the era with
buttons, links to every page and written demo scripts. The JSON control endpoints are unchanged.

The buttons call the existing JSON endpoints (`POST /_mock/reset`, `/_mock/clock`, `/_mock/era`) with
fetch() from `static/home.js`. When `MOCKFINRA_ADMIN_TOKEN` is set the page shows no passwords or answers
(it loads without the token, as the phone and inbox pages do).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from mockfinra.control.classroom import era_choices, user_cards
from mockfinra.pages import render

#: the advance buttons: label → seconds
CLOCK_STEPS = (("+30 s", 30), ("+5 min", 300), ("+1 day", 86_400), ("+30 days", 30 * 86_400))


def home_page(request: Request) -> HTMLResponse:
    ctx = request.app.state.ctx
    with ctx.store.transaction() as db:
        cards = user_cards(ctx, db)
    invited = next((c for c in cards if c.status_code == "PROVISIONED"), None)
    ready = [c for c in cards if c.status_code == "ACTIVE" and c.password.value and any(q.value for q in c.questions)]
    # the simplest TRACE user for the download script, another one to lock out
    traders = sorted((c for c in ready if "TRACE" in c.entitlements), key=lambda c: len(c.entitlements))
    analyst = traders[0] if traders else (ready[0] if ready else None)
    locker = next((c for c in ready if c is not analyst), analyst)
    return render(
        request,
        "mock/home.html",
        active="home",
        users=cards,
        show_secrets=not ctx.settings.admin_token,
        admin_required=bool(ctx.settings.admin_token),
        clock=ctx.clock.snapshot(),
        clock_steps=CLOCK_STEPS,
        eras=era_choices(ctx),
        invited=invited,
        analyst=analyst,
        locker=locker,
    )
