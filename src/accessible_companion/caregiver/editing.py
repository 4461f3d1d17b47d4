"""What the editing pages share: one edit of the config, checked and saved, and how it went.

A handler gathers its form, then hands `attempt` an edit to run in a worker thread (reading
the files, editing, checking and writing all block). Edits from this page run one at a time,
from reading the files to writing them, so two phones saving at once cannot lose a change.
An edit that cannot be made, a config that cannot be read, or a save with problems writes
nothing and comes back as `FieldErrors` for the form it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..config.document import ConfigDocument, EditError
from ..config.problems import ConfigError
from . import saving
from .field_errors import FieldErrors, Placer, place, where
from .pages import render, state_of
from .saving import Saved
from .state import PageState


@dataclass
class Outcome:
    """How an edit went: saved, nothing to save, or problems (nothing written)."""

    errors: FieldErrors = field(default_factory=FieldErrors)
    saved: Saved | None = None
    summary: str = ""
    goes_to: str = ""
    """Where the page goes after it (the item moved, the menu added); "" for where it was."""


Edit = Callable[[ConfigDocument], Outcome]


def attempt(state: PageState, edit: Edit) -> Outcome:
    """Read the config and run `edit` on it (blocking: call from a worker thread)."""
    with saving.one_change:
        try:
            return edit(read(state))
        except ConfigError as error:
            return Outcome(errors=FieldErrors(top=unreadable(error, state)))
        except EditError as error:
            return Outcome(errors=FieldErrors(top=[sentence(str(error))]))


def read(state: PageState) -> ConfigDocument:
    """The config being edited (ConfigError when a file cannot even be parsed)."""
    return ConfigDocument.read(state.config)


def save(
    state: PageState,
    document: ConfigDocument,
    who: str,
    summary: str,
    placers: Sequence[Placer] = (),
    goes_to: str = "",
) -> Outcome:
    """Save the edited `document` (the caller made a change: rendering every file to find out
    costs as much as the check); problems go to the first placer that knows their field."""
    saved = saving.save(state, document, who, summary)
    if saved.ok:
        return Outcome(saved=saved, summary=summary, goes_to=goes_to)
    return Outcome(errors=place(document, saved.problems, placers), summary=summary)


def unreadable(error: ConfigError, state: PageState) -> list[str]:
    """The problems of a config the page cannot even read, as lines for the page."""
    return [f"{where(problem, state.config)}: {problem.message}" for problem in error.problems]


def sentence(text: str) -> str:
    """`an item needs a label` as `An item needs a label.`"""
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def joined(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


async def looked(request: Request, look: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | Response:
    """What `look` found in the config (run in a worker thread), or the page that says why
    there is nothing to show: the config cannot be read, or the menu or item is not there."""
    state = state_of(request)
    try:
        found = await run_in_threadpool(look)
    except ConfigError as error:
        return render(request, "menus.html", unreadable=unreadable(error, state), tree=None)
    if found is None:
        return render(request, "menus_missing.html", status_code=404)
    return found
