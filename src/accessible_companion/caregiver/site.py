"""The caregiver's site: the Starlette app and the parts put together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from . import (
    ack_pages,
    board_pages,
    contact_pages,
    history_pages,
    journal_pages,
    login_pages,
    menu_pages,
    recording_pages,
    settings_pages,
    switch_pages,
    voice_pages,
)
from .auth import set_session_cookie
from .pages import HERE, render, state_of
from .state import PageState

OPEN_PATHS = ("/login", "/static/", ack_pages.PREFIX)
"""Reachable without a session (an "I'm coming" link carries its own credential)."""


async def home(request: Request) -> Response:
    untaught = await run_in_threadpool(voice_pages.untaught, state_of(request))
    return render(request, "home.html", untaught=untaught)


class SessionMiddleware(BaseHTTPMiddleware):
    """Every page needs a session; a visitor on this computer gets one while no PIN is set.
    While the page listens on this computer only, a Host that is not this computer's is refused."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        locks = state_of(request).locks
        if not locks.host_ok(request):
            return PlainTextResponse("This page answers only to its own address on this computer.", 400)
        session = locks.session(request)
        fresh = None
        if session is None and locks.may_skip_pin(request):
            session = fresh = locks.open_session("this computer")
        request.state.session = session
        if session is None and not request.url.path.startswith(OPEN_PATHS):
            return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
        response = await call_next(request)
        if fresh is not None:
            set_session_cookie(response, fresh)
        return response


def build_app(state: PageState) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/", home),
        *login_pages.routes,
        *ack_pages.routes,
        *menu_pages.routes,
        *recording_pages.routes,
        *settings_pages.routes,
        *history_pages.routes,
        *switch_pages.routes,
        *voice_pages.routes,
        *journal_pages.routes,
        *board_pages.routes,
        *contact_pages.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    # Compressed: the menu tree is a form per button (about 220 KB for the built-in menus,
    # a few tens once compressed) and is opened on phones; live streams are never compressed.
    middleware = [Middleware(GZipMiddleware, minimum_size=2048), Middleware(SessionMiddleware)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.page = state
    return app
