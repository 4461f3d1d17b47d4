"""The caregiver's site: the Starlette app and the parts put together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from . import (
    board_pages,
    history_pages,
    journal_pages,
    menu_pages,
    recording_pages,
    settings_pages,
    switch_pages,
)
from .auth import SESSION_COOKIE
from .pages import HERE, render, state_of
from .state import PageState

OPEN_PATHS = ("/login", "/static/")
"""Reachable without a session."""


async def home(request: Request) -> Response:
    return render(request, "home.html")


class SessionMiddleware(BaseHTTPMiddleware):
    """Every page needs a session; a visitor from this machine gets one while no PIN is set."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        state = state_of(request)
        session = state.locks.session(request)
        fresh = None
        if session is None and state.locks.may_skip_pin(request):
            session = fresh = state.locks.open_session("this computer")
        request.state.session = session
        if session is None and not request.url.path.startswith(OPEN_PATHS):
            return RedirectResponse("/login", status_code=303)
        response = await call_next(request)
        if fresh is not None:
            response.set_cookie(SESSION_COOKIE, fresh.token, httponly=True, samesite="strict")
        return response


def build_app(state: PageState) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/", home),
        *menu_pages.routes,
        *recording_pages.routes,
        *settings_pages.routes,
        *history_pages.routes,
        *switch_pages.routes,
        *journal_pages.routes,
        *board_pages.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SessionMiddleware)])
    app.state.page = state
    return app
