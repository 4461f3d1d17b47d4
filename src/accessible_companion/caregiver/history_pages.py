"""The caregiver's page: History. Every kept version with who and when, what each one changed,
and a button that brings one back (a restore is a save of its own, so it can be undone too)."""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..config.problems import Problem
from . import saving
from .history import KEEP
from .pages import checked_form, render, session_of, state_of

CONTEXT_LINES = 3
"""Unchanged lines shown around each change, to help find the place."""
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


# Words for times.


def when_text(at: float) -> str:
    """Local time as a caregiver reads it: "Tue 3 Dec 2024, 14:05"."""
    moment = datetime.fromtimestamp(at)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def ago(at: float, now: float | None = None) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "yesterday", "3 days ago"."""
    seconds = max(0.0, (time.time() if now is None else now) - at)
    for size, one, many in (
        (86400, "yesterday", "days"),
        (3600, "an hour ago", "hours"),
        (60, "a minute ago", "minutes"),
    ):
        count = int(seconds // size)
        if count == 1:
            return one
        if count > 1:
            return f"{count} {many} ago"
    return "just now"


def problem_text(problem: Problem, config: Path) -> str:
    """`menus/home.yaml, line 12: ...`, the file named from the config folder."""
    file = problem.file
    if file == config:
        return problem.message
    name = str(file.relative_to(config)) if file.is_relative_to(config) else file.name
    where = f"{name}, line {problem.line}" if problem.line > 0 else name
    return f"{where}: {problem.message}"


# Differences, line by line.


@dataclass(frozen=True)
class Line:
    kind: str
    """`add`, `del`, `same` or `place` (where in the file the next lines are)."""
    text: str


@dataclass(frozen=True)
class FileDiff:
    name: str
    how: str
    """`added`, `taken out` or `changed`."""
    lines: tuple[Line, ...]


def diff_files(old: dict[str, str], new: dict[str, str]) -> list[FileDiff]:
    """What changed from `old` to `new` (file texts by name), per file, as a unified diff."""
    found = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        how = "added" if before is None else "taken out" if after is None else "changed"
        lines = []
        unified = difflib.unified_diff(
            (before or "").splitlines(), (after or "").splitlines(), n=CONTEXT_LINES, lineterm=""
        )
        for text in list(unified)[2:]:  # past the ---/+++ header: the file is named above
            place = _HUNK.match(text)
            if place:
                # The new file's line, unless the new file has none there (all taken out).
                line = place.group(2) if int(place.group(2)) > 0 else place.group(1)
                lines.append(Line("place", f"Near line {line}:"))
            elif text.startswith("+"):
                lines.append(Line("add", "+ " + text[1:]))
            elif text.startswith("-"):
                lines.append(Line("del", "- " + text[1:]))
            else:
                lines.append(Line("same", "  " + text[1:]))
        found.append(FileDiff(name, how, tuple(lines)))
    return found


# The pages.


async def history(request: Request) -> Response:
    state = state_of(request)
    versions = await run_in_threadpool(state.history.listing)
    newest = await run_in_threadpool(state.history.version, versions[0].number) if versions else None
    current = await run_in_threadpool(saving.file_texts, state.config)
    params = request.query_params
    restored_as = _int(params.get("as"))
    kept = await run_in_threadpool(state.history.before, restored_as) if restored_as else None
    return render(
        request,
        "history.html",
        versions=versions,
        newest_is_now=newest is not None and newest.files == current,
        keep=KEEP,
        when_text=when_text,
        ago=ago,
        restored=_int(params.get("restored")),
        restored_as=restored_as,
        kept_in=kept.number if kept else None,
        in_use=params.get("in_use") == "1",
        removed=params.getlist("removed"),
        same=_int(params.get("same")),
    )


async def version_page(request: Request) -> Response:
    return await _version_page(request, int(request.path_params["number"]))


async def _version_page(
    request: Request, number: int, problems: list[Problem] | None = None, status_code: int = 200
) -> Response:
    state = state_of(request)
    version = await run_in_threadpool(state.history.version, number)
    if version is None:
        raise HTTPException(404, f"There is no version {number}: only the last ones are kept.")
    before = await run_in_threadpool(state.history.before, number)
    current = await run_in_threadpool(saving.file_texts, state.config)
    return render(
        request,
        "history_version.html",
        status_code=status_code,
        version=version,
        before=before,
        changes=diff_files(before.files, version.files) if before else [],
        since=diff_files(version.files, current),
        when_text=when_text,
        ago=ago,
        problems=[problem_text(p, state.config) for p in problems or []],
    )


async def restore(request: Request) -> Response:
    number = int(request.path_params["number"])
    await checked_form(request)
    state = state_of(request)
    saved = await run_in_threadpool(saving.restore, state, number, session_of(request).who)
    if not saved.ok:
        return await _version_page(request, number, saved.problems, status_code=422)
    if saved.version is None:
        return RedirectResponse(f"/history?same={number}", status_code=303)
    query: list[tuple[str, str | int]] = [
        ("restored", number),
        ("as", saved.version),
        ("in_use", int(saved.in_use)),
    ]
    query += [("removed", name) for name in saved.removed]
    return RedirectResponse(f"/history?{urlencode(query)}", status_code=303)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


routes: list[BaseRoute] = [
    Route("/history", history),
    Route("/history/{number:int}", version_page),
    Route("/history/{number:int}/restore", restore, methods=["POST"]),
]
