"""Signing in and out: `/login` (the PIN or the pairing code), `/logout`.

Signing in has no session yet to hold a CSRF token, so the form carries its own, matched
against a cookie set with the form (a page elsewhere can read neither). The check itself
(scrypt) runs off the server's event loop.
"""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .auth import CSRF_FIELD, LOGIN_COOKIE, SESSION_COOKIE, Attempt, set_session_cookie
from .pages import checked_form, render, session_of, state_of


def _next_page(value: object) -> str:
    """Where to go after signing in: a path on this site, else home."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def _login_page(request: Request, status_code: int = 200, error: str = "", next_page: str = "/") -> Response:
    locks = state_of(request).locks
    # The token already in this browser is kept: a second tab, or a request the browser makes
    # by itself (its icon) that lands here, must not make the open form out of date.
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status_code,
        login_token=token,
        error=error,
        next_page=next_page,
        pin_set=locks.pin_is_set(),
        pairing=locks.pairing is not None,
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


async def login(request: Request) -> Response:
    if request.method == "GET":
        return _login_page(request, next_page=_next_page(request.query_params.get("next")))
    form = await request.form()
    next_page = _next_page(form.get("next"))
    sent, cookie = form.get(CSRF_FIELD), request.cookies.get(LOGIN_COOKIE)
    if not (isinstance(sent, str) and cookie and secrets.compare_digest(sent.encode(), cookie.encode())):
        error = "This form is out of date. Please try again."
        return _login_page(request, 403, error, next_page)
    pin = form.get("pin")
    address = request.client.host if request.client is not None else "an unknown address"
    attempt = await run_in_threadpool(
        state_of(request).locks.sign_in, address, pin if isinstance(pin, str) else ""
    )
    if attempt.session is None:
        return _refused(request, attempt, next_page)
    response = RedirectResponse(next_page, status_code=303)
    set_session_cookie(response, attempt.session)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _refused(request: Request, attempt: Attempt, next_page: str) -> Response:
    """A wrong PIN or code (401), or a try that came within its wait, unchecked (429)."""
    wait = f"Wait {attempt.wait} second{'s' if attempt.wait != 1 else ''}"
    if attempt.wrong:
        error = "That is not the PIN or the pairing code."
        error += f" {wait} before the next try." if attempt.wait else " Please try again."
        response = _login_page(request, 401, error, next_page)
    else:
        response = _login_page(request, 429, f"Too many wrong tries. {wait}, then try again.", next_page)
    if attempt.wait:
        response.headers["Retry-After"] = str(attempt.wait)
    return response


async def logout(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "logout.html", pin_set=state_of(request).locks.pin_is_set())
    await checked_form(request)
    state_of(request).locks.end_session(session_of(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["GET", "POST"]),
]
