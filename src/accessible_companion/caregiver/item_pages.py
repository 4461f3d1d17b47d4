"""The caregiver's page: one item's form (every field, what it does, its recording).

Only the fields the caregiver changed are written (`set_item_field`, `set_action`), so an
untouched default never lands in the file. A refused save shows the form again as typed,
with each problem at its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..config.document import ConfigDocument, EditError
from ..core.menus import Action
from ..core.settings import Mode
from . import editing, flash
from .editing import Outcome
from .field_errors import FieldErrors, ItemPlaces
from .item_words import ACTION_WORDS, ARGUMENTS, FIELD_MEANINGS, FIELD_NAMES, action_of, argument_of
from .pages import checked_form, render, session_of, state_of
from .setting_fields import attribute_docs

TEXT_FIELDS = ("label", "say", "cue", "voice", "source", "sound", "id")
"""Written with `set_item_field`, in this order."""
FORM_FIELDS = (*TEXT_FIELDS, "action", "menu", "mode", "minutes", "answer")

STALE = (
    "This item was changed on another page or device since you opened it. Here it is as it is "
    "now: please make your change again."
)


def _typed(form: FormData) -> dict[str, str]:
    typed = {}
    for name in (*FORM_FIELDS, "was"):
        value = form.get(name)
        typed[name] = value if isinstance(value, str) else ""
    return typed


def _shown(item: Mapping[str, Any]) -> dict[str, str]:
    """An item's values as the form shows them."""
    values = {name: "" for name in FORM_FIELDS}
    for key, value in item.items():
        if key == "voice":
            values[key] = "\n".join(value) if isinstance(value, list) else str(value)
        elif key == "minutes" and isinstance(value, int | float):
            values[key] = f"{value:g}"
        elif isinstance(value, str | int | float):
            values[key] = str(value)
    values["action"] = action_of(item).value
    values["was"] = str(item.get("label", ""))
    return values


def _voice_words(typed: str) -> list[str]:
    return [line.strip() for line in typed.splitlines() if line.strip()]


def _written_voice(old: Any, words: list[str]) -> str | list[str]:
    """One word stays a plain value when it was written so; otherwise a list, as in the shipped files."""
    return words[0] if len(words) == 1 and isinstance(old, str) else words


def _argument(action: Action, typed: Mapping[str, str], errors: FieldErrors) -> str | float | None:
    key = ARGUMENTS.get(action)
    if key is None:
        return None
    text = typed[key].strip()
    if key != "minutes" or not text:
        return text or None
    try:
        minutes = float(text.replace(",", "."))
    except ValueError:
        errors.add("minutes", f"Write a number of minutes, like 5 (not '{text[:40]}').")
        return None
    return int(minutes) if minutes.is_integer() else minutes


def _edit(
    document: ConfigDocument, menu_id: str, index: int, typed: Mapping[str, str]
) -> tuple[FieldErrors, list[str]]:
    """Make the caregiver's changes to item `index`; the problems by field and what changed."""
    errors, changed = FieldErrors(), list[str]()
    old: dict[str, Any] = dict(document.item(menu_id, index))
    if typed["was"] != old.get("label"):
        raise EditError(STALE)
    try:
        action = Action(typed["action"])
    except ValueError:
        errors.add("action", "Choose what choosing this item does.")
        return errors, changed
    argument = _argument(action, typed, errors)
    if not errors and (action, argument) != (action_of(old), argument_of(old)):
        try:
            document.set_action(menu_id, index, action, argument)
            changed.append("action")
        except EditError as error:
            errors.add(ARGUMENTS.get(action, "action"), editing.sentence(str(error)))
    for key in TEXT_FIELDS:
        was = old.get(key)
        if key == "voice":
            words = _voice_words(typed[key])
            before = [was] if isinstance(was, str) else list(was or [])
            if words == before:
                continue
            value: str | list[str] = _written_voice(was, words)
        else:
            value = typed[key].strip()
            if value == (was or ""):
                continue
        try:
            document.set_item_field(menu_id, index, key, value)
            changed.append(key)
        except EditError as error:
            errors.add(key, editing.sentence(str(error)))
    return errors, changed


def _summary(old_label: str, title: str, changed: list[str], new_label: str) -> str:
    if changed == ["label"]:
        return f"Renamed '{old_label}' to '{new_label}' in {title}"
    return f"Changed {editing.joined([FIELD_NAMES[key] for key in changed])} of '{old_label}' in {title}"


async def item_page(request: Request) -> Response:
    menu_id = request.path_params["menu"]
    index: int = request.path_params["index"]
    state = state_of(request)
    if request.method == "GET":
        return await _form(request, menu_id, index)
    form = await checked_form(request)
    typed = _typed(form)
    who = session_of(request).who

    def edit(document: ConfigDocument) -> Outcome:
        title = document.menu_title(menu_id) or menu_id
        errors, changed = _edit(document, menu_id, index, typed)
        if errors or not changed:
            return Outcome(errors=errors)
        new_label = str(document.item(menu_id, index).get("label", ""))
        placer = ItemPlaces(document, menu_id, index, {name: name for name in FORM_FIELDS})
        return editing.save(state, document, who, _summary(typed["was"], title, changed, new_label), [placer])

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    if outcome.errors:
        stale = STALE in outcome.errors.top
        return await _form(request, menu_id, index, outcome.errors, None if stale else typed)
    if outcome.saved is None:
        return flash.redirect(request, request.url.path, "Nothing changed.")
    return flash.redirect(
        request,
        request.url.path,
        flash.saved_words(outcome.saved, state.link is not None),
        outcome.summary + ".",
    )


async def _form(
    request: Request,
    menu_id: str,
    index: int,
    errors: FieldErrors | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    state = state_of(request)

    def look() -> dict[str, Any] | None:
        document = editing.read(state)
        try:
            item = document.item(menu_id, index)
        except EditError:
            return None
        titles = {m: document.menu_title(m) or m for m in document.menu_ids()}
        return {"item": item, "titles": titles}

    found = await editing.looked(request, look)
    if isinstance(found, Response):
        return found
    item, titles = found["item"], found["titles"]
    values = dict(typed) if typed is not None else _shown(item)
    current = action_of(item)
    actions = [
        (action.value, *ACTION_WORDS[action])
        for action in Action
        if action is not Action.SNOOZE or current is Action.SNOOZE
    ]
    mode_docs = attribute_docs(Mode)
    return render(
        request,
        "item.html",
        status_code=400 if errors else 200,
        menu_id=menu_id,
        menu_title=titles.get(menu_id, menu_id),
        index=index,
        label=str(item.get("label", "")),
        values=values,
        image=str(item.get("image", "")),
        errors=errors or FieldErrors(),
        actions=actions,
        arguments={action.value: key for action, key in ARGUMENTS.items()},
        menus=list(titles.items()),
        modes=[(mode.value, mode_docs.get(mode.name, "")) for mode in Mode],
        meanings=FIELD_MEANINGS,
        flash=flash.take(request),
        record_url=f"{request.url.path}/record",
    )


routes: list[BaseRoute] = [
    Route("/menus/{menu}/items/{index:int}", item_page, methods=["GET", "POST"]),
]
