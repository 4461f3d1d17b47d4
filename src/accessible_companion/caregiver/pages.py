"""What every page handler uses: the shared state, the session, checked forms, templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from .auth import CSRF_FIELD, Session
from .state import PageState

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def state_of(request: Request) -> PageState:
    state: PageState = request.app.state.page
    return state


def session_of(request: Request) -> Session:
    """The visitor's session (the middleware let only visitors with one reach a page)."""
    session: Session = request.state.session
    return session


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's (403 otherwise)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    header = request.headers.get("x-csrf-token")
    token = sent if isinstance(sent, str) else header
    if not state_of(request).locks.csrf_ok(session_of(request), token):
        raise HTTPException(
            403, "This form is out of date or did not come from this page. Reload and try again."
        )
    return form


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A page from `templates/`, with what every page shows (the nav, the session's CSRF token)."""
    state = state_of(request)
    session: Session | None = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        template,
        {
            "csrf": session.csrf if session else "",
            "running": state.link is not None,
            "state": state,
            **context,
        },
        status_code=status_code,
    )
