"""The caregiver's page: the menu tree, and adding, moving, renaming and deleting items and menus.

Every change is one POST (with the CSRF token), one edit of `ConfigDocument` and one
`saving.save`, then a redirect whose page says how it went. What cannot be done comes back
on the same page, at the form it came from, and nothing is written. Items are addressed by
their position; each form also carries the label it was shown with, so a change made
meanwhile on another phone is noticed instead of hitting the wrong item.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..config.document import HOME, ConfigDocument, EditError
from ..config.problems import ConfigError
from ..core.menus import Action
from ..core.records import PhraseUsed, PressTimed
from ..journal.store import JournalError, open_existing
from . import editing, flash, item_pages, reach_time
from .editing import Outcome
from .field_errors import FieldErrors, ItemPlaces
from .item_words import action_of, does
from .menu_tree import menu_tree
from .pages import checked_form, render, session_of, state_of
from .state import PageState

STALE = (
    "This menu was changed on another page or device since you opened it. Here it is as it is "
    "now: please make your change again."
)


def menu_url(menu_id: str) -> str:
    return f"/menus#menu-{quote(menu_id)}"


def item_url(menu_id: str, index: int) -> str:
    return f"/menus/{quote(menu_id, safe='')}/items/{index}"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class Reach:
    """The expected seconds to each item from Home and the "Used most" suggestions."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    """By menu id, per item position (menus not reached from Home have none)."""
    reaction: reach_time.Reaction = field(default_factory=lambda: reach_time.Reaction(1.0, 0))
    suggestions: list[tuple[reach_time.Suggestion, str]] = field(default_factory=list)
    """Each with its sentence."""
    note: str = ""
    """Why there are no suggestions from the journal ("" when it was read)."""
    mode: str = ""


def _journal_rows(path: Path | None) -> tuple[list[PressTimed], list[PhraseUsed], str]:
    """The last DAYS days' presses and phrases, or why there are none (blocking)."""
    if path is None:
        return [], [], "This page was not told where the journal is, so it cannot suggest anything from it."
    if not path.is_file():
        return [], [], "There is no journal yet, so there is nothing to suggest from what the user chose."
    since = time.time() - reach_time.DAYS * 24 * 3600
    try:
        with open_existing(path) as journal:
            presses = [row.entry for row in journal.entries(PressTimed, since)]
            return presses, [row.entry for row in journal.phrases(since)], ""
    except JournalError as error:
        return [], [], f"The journal cannot be read just now, so there are no suggestions: {error}"


def _reach(state: PageState, document: ConfigDocument) -> Reach:
    """Times and suggestions for the config as it is in the files (blocking)."""
    try:
        config = document.check()
    except ConfigError:
        return Reach(note="The config has a problem, so times cannot be worked out just now.")
    presses, phrases, note = _journal_rows(state.journal_path)
    reaction = reach_time.reaction_of(presses)
    menus, settings = config.menus, config.settings
    found = reach_time.suggestions(menus, settings, phrases, reaction.seconds)
    if not note and not found:
        note = (
            f"Nothing to suggest: no item chosen {reach_time.MIN_USES} times or more in the last "
            f"{reach_time.DAYS} days sits after items chosen less."
        )
    titles = {m: menus[m].title or m for m in menus.menus}
    return Reach(
        seconds=reach_time.reach_seconds(menus, settings, reaction.seconds),
        reaction=reaction,
        suggestions=[(s, reach_time.suggestion_words(s, titles[s.menu_id])) for s in found],
        note=note,
        mode=settings.scanning.mode.value,
    )


async def menus_page(
    request: Request,
    status_code: int = 200,
    errors: Mapping[str, FieldErrors] | None = None,
    typed: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    """The tree; after a refused POST, with its errors at its form (`errors` by form key)."""
    state = state_of(request)

    def look() -> tuple[Any, Reach]:
        document = editing.read(state)
        return menu_tree(document), _reach(state, document)

    try:
        tree, reach = await run_in_threadpool(look)
    except ConfigError as error:
        lines = editing.unreadable(error, state)
        return render(request, "menus.html", status_code, unreadable=lines, tree=None)
    return render(
        request,
        "menus.html",
        status_code=status_code,
        tree=tree,
        reach=reach,
        seconds_words=reach_time.seconds_words,
        ordinal=reach_time.ordinal,
        errors=errors or {},
        typed=typed or {},
        flash=flash.take(request),
        unreadable=[],
    )


def _done(request: Request, url: str, outcome: Outcome, *before: str) -> Response:
    """The redirect after a change that went through (or changed nothing)."""
    url = outcome.goes_to or url
    if outcome.saved is None:
        return flash.redirect(request, url, "Nothing changed.")
    return flash.redirect(
        request, url, *before, flash.saved_words(outcome.saved, state_of(request).link is not None)
    )


def _check_label(document: ConfigDocument, menu_id: str, index: int, was: str) -> None:
    """EditError unless item `index` of `menu_id` still has the label the form showed."""
    if document.item(menu_id, index).get("label") != was:
        raise EditError(STALE)


def _title(document: ConfigDocument, menu_id: str) -> str:
    return document.menu_title(menu_id) or menu_id


# Items.


async def add_item(request: Request) -> Response:
    menu_id = request.path_params["menu"]
    form = await checked_form(request)
    label, say = _text(form, "label"), _text(form, "say")
    state, who = state_of(request), session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        title = _title(document, menu_id)
        if not label:
            return Outcome(errors=FieldErrors({"label": ["An item needs a label."]}))
        index = document.add_item(menu_id, {"label": label, "say": say})
        placer = ItemPlaces(document, menu_id, index, {"label": "label", "say": "say"})
        summary = f"Added '{label}' to {title}"
        return editing.save(state, document, who, summary, [placer], goes_to=item_url(menu_id, index))

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        key = f"add:{menu_id}"
        return await menus_page(request, 400, {key: outcome.errors}, {key: {"label": label, "say": say}})
    return _done(request, menu_url(menu_id), outcome, f"Added '{label}'. Give it its words below.")


async def move_item(request: Request) -> Response:
    menu_id = request.path_params["menu"]
    index: int = request.path_params["index"]
    form = await checked_form(request)
    step, to_menu, was = _text(form, "step"), _text(form, "to_menu"), _text(form, "was")
    position = _text(form, "position")
    state, who = state_of(request), session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        _check_label(document, menu_id, index, was)
        title = _title(document, menu_id)
        if step in ("up", "down"):
            target = index - 1 if step == "up" else index + 1
            if not 0 <= target < len(document.items(menu_id)):
                return Outcome()
            document.move_item(menu_id, index, to_index=target)
            summary, menu, at = f"Moved '{was}' {step} in {title}", menu_id, target
        elif position:
            # The "Used most" suggestion's button: a place in the same menu, counted from 1.
            target = int(position) - 1 if position.isdigit() else -1
            if not 0 <= target < len(document.items(menu_id)):
                raise EditError(f"There is no position {position} in {title}.")
            if target == index:
                return Outcome()
            document.move_item(menu_id, index, to_index=target)
            summary, menu, at = f"Moved '{was}' to position {target + 1} in {title}", menu_id, target
        else:
            if not to_menu:
                raise EditError("Choose the menu to move it to.")
            if to_menu == menu_id:
                return Outcome()
            menu, at = to_menu, document.move_item(menu_id, index, to_menu)
            summary = f"Moved '{was}' from {title} to {_title(document, to_menu)}"
        goes_to = f"/menus#item-{quote(menu)}-{at}"
        return editing.save(state, document, who, summary, goes_to=goes_to)

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        return await menus_page(request, 400, {f"menu:{menu_id}": outcome.errors})
    return _done(request, f"/menus#item-{quote(menu_id)}-{index}", outcome, outcome.summary + ".")


async def delete_item(request: Request) -> Response:
    """GET: asks first (with what the item does). POST: deletes it."""
    menu_id = request.path_params["menu"]
    index: int = request.path_params["index"]
    state = state_of(request)
    if request.method == "GET":
        return await _confirm_item(request, menu_id, index)
    form = await checked_form(request)
    was, who = _text(form, "was"), session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        _check_label(document, menu_id, index, was)
        document.remove_item(menu_id, index)
        return editing.save(state, document, who, f"Deleted '{was}' from {_title(document, menu_id)}")

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        return await _confirm_item(request, menu_id, index, outcome.errors)
    return _done(
        request,
        menu_url(menu_id),
        outcome,
        f"Deleted '{was}'. History keeps every version: it can be brought back from there.",
    )


async def _confirm_item(
    request: Request, menu_id: str, index: int, errors: FieldErrors | None = None
) -> Response:
    state = state_of(request)

    def look() -> dict[str, Any] | None:
        document = editing.read(state)
        try:
            item = document.item(menu_id, index)
        except EditError:
            return None
        tree = menu_tree(document)
        opens = str(item.get("menu", "")) if action_of(item) is Action.MENU else ""
        return {
            "item": item,
            "title": tree.titles.get(menu_id, menu_id),
            "opens": tree.titles.get(opens, ""),
            "does": does(item, tree.titles),
        }

    found = await editing.looked(request, look)
    if not isinstance(found, dict):
        return found
    return render(
        request,
        "menus_delete_item.html",
        status_code=400 if errors else 200,
        menu_id=menu_id,
        index=index,
        errors=errors or FieldErrors(),
        **found,
    )


# Menus.


def _new_id(title: str, taken: list[str]) -> str:
    """An id made from the title: `Family visits` -> `family_visits` (numbered if taken)."""
    base = re.sub(r"[^0-9a-z]+", "_", title.lower()).strip("_") or "menu"
    made, number = base, 2
    while made in taken:
        made, number = f"{base}_{number}", number + 1
    return made


async def add_menu(request: Request) -> Response:
    form = await checked_form(request)
    typed = {name: _text(form, name) for name in ("title", "id", "parent", "first")}
    state, who = state_of(request), session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        errors = FieldErrors()
        title, parent = typed["title"], typed["parent"] or HOME
        if not title:
            errors.add("title", "Give the menu a title: it is shown on the screen.")
        if not typed["first"]:
            errors.add("first", "A menu needs at least one item: write the label of its first item.")
        if parent not in document.menu_ids():
            errors.add("parent", f"There is no menu '{parent}' any more: choose another.")
        if errors:
            return Outcome(errors=errors)
        menu_id = typed["id"] or _new_id(title, document.menu_ids())
        try:
            document.add_menu(menu_id, title, [{"label": typed["first"]}])
        except EditError as error:
            return Outcome(errors=FieldErrors({"id": [editing.sentence(str(error))]}))
        opener = document.add_item(parent, {"label": title, "menu": menu_id})
        placers = [
            ItemPlaces(document, menu_id, 0, {"label": "first"}),
            ItemPlaces(document, parent, opener, {"label": "title"}),
        ]
        summary = f"Added the menu {title}, opened from {_title(document, parent)}"
        return editing.save(state, document, who, summary, placers, goes_to=menu_url(menu_id))

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        return await menus_page(request, 400, {"add-menu": outcome.errors}, {"add-menu": typed})
    return _done(request, "/menus", outcome, f"Added the menu {typed['title']}.")


async def rename_menu(request: Request) -> Response:
    menu_id = request.path_params["menu"]
    form = await checked_form(request)
    typed = {"title": _text(form, "title"), "id": _text(form, "id") or menu_id}
    state, who = state_of(request), session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        old_title = _title(document, menu_id)
        new_id, changes = typed["id"], []
        if menu_id == HOME and new_id != HOME:  # its form has no id field: said at the top
            raise EditError(f"The menu '{HOME}' is where the companion starts; it keeps its id.")
        if new_id != menu_id:
            try:
                count = document.rename_menu(menu_id, new_id)
            except EditError as error:
                return Outcome(errors=FieldErrors({"id": [editing.sentence(str(error))]}))
            plural = count != 1
            openers = f" and the {count} item{'s' if plural else ''} that open{'' if plural else 's'} it"
            changes.append(f"its id to '{new_id}'{openers if count else ''}")
        if typed["title"] != document.menu_title(new_id):
            document.set_menu_title(new_id, typed["title"])
            changes.append(f"its title to '{typed['title']}'" if typed["title"] else "its title to its id")
        if not changes:
            return Outcome()
        summary = f"Changed the menu {old_title}: {editing.joined(changes)}"
        return editing.save(state, document, who, summary, goes_to=menu_url(new_id))

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        key = f"rename:{menu_id}"
        return await menus_page(request, 400, {key: outcome.errors}, {key: typed})
    return _done(request, menu_url(menu_id), outcome, outcome.summary + ".")


def _openers(document: ConfigDocument, menu_id: str) -> list[tuple[str, int, str]]:
    """The items that open `menu_id`: (menu, position, label)."""
    return [
        (other, index, str(item.get("label", "")))
        for other in document.menu_ids()
        for index, item in enumerate(document.items(other))
        if action_of(item) is Action.MENU and item.get("menu") == menu_id and other != menu_id
    ]


async def delete_menu(request: Request) -> Response:
    """GET: asks first (naming the items that open it, which go too). POST: deletes it."""
    menu_id = request.path_params["menu"]
    state = state_of(request)
    if request.method == "GET":
        return await _confirm_menu(request, menu_id)
    await checked_form(request)
    who = session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        title = _title(document, menu_id)
        openers = _openers(document, menu_id)
        for other, index, _ in sorted(openers, key=lambda o: -o[1]):  # the last first: positions hold
            document.remove_item(other, index)
        document.delete_menu(menu_id)
        gone = [f"'{label}' in {_title(document, other)}" for other, _, label in openers]
        plural = "s" if len(gone) != 1 else ""
        also = f" and the item{plural} {editing.joined(gone)} that opened it" if gone else ""
        return editing.save(state, document, who, f"Deleted the menu {title}{also}")

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        return await _confirm_menu(request, menu_id, outcome.errors)
    return _done(
        request, "/menus", outcome, "Deleted. History keeps every version: it can be brought back from there."
    )


async def _confirm_menu(request: Request, menu_id: str, errors: FieldErrors | None = None) -> Response:
    state = state_of(request)

    def look() -> dict[str, Any] | None:
        document = editing.read(state)
        if menu_id not in document.menu_ids():
            return None
        openers = [(_title(document, other), label) for other, _, label in _openers(document, menu_id)]
        return {"title": _title(document, menu_id), "openers": openers, "count": len(document.items(menu_id))}

    found = await editing.looked(request, look)
    if not isinstance(found, dict):
        return found
    return render(
        request,
        "menus_delete.html",
        status_code=400 if errors else 200,
        menu_id=menu_id,
        home=menu_id == HOME,
        errors=errors or FieldErrors(),
        **found,
    )


routes: list[BaseRoute] = [
    Route("/menus", menus_page),
    Route("/menus/add", add_menu, methods=["POST"]),
    Route("/menus/{menu}/rename", rename_menu, methods=["POST"]),
    Route("/menus/{menu}/delete", delete_menu, methods=["GET", "POST"]),
    Route("/menus/{menu}/items", add_item, methods=["POST"]),
    Route("/menus/{menu}/items/{index:int}/move", move_item, methods=["POST"]),
    Route("/menus/{menu}/items/{index:int}/delete", delete_item, methods=["GET", "POST"]),
    *item_pages.routes,
]
