"""The caregiver's page: settings, one form per group as the YAML has them, and the test alert.

The forms are made from the `Settings` dataclasses (`setting_fields`), so a new setting
shows up by itself. A save writes only the fields whose value changed (an untouched default
stays out of the file) and shows each problem at its field. Secrets (the webhook, anything
`errors.redact` would hide) are shown masked and never sent back; an empty input keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..config.document import ConfigDocument, EditError
from ..config.loader import load_config
from ..config.problems import ConfigError
from ..errors import redact, url_secrets
from . import editing, flash, say_it
from .alert_trial import send_test_alert
from .editing import Outcome
from .field_errors import FieldErrors, SettingPlaces
from .pages import checked_form, render, session_of, state_of
from .setting_fields import (
    Group,
    SettingField,
    groups,
    is_secret,
    masked,
    parse,
    same,
    shown,
    stored,
)
from .setting_fields import group as group_named

SHOWN = "shown"
"""A hidden field naming each checkbox the form showed (an unticked box sends nothing)."""
CLEAR = "clear:"
"""The prefix of the box that removes a secret (its empty input keeps it)."""
SUMMARY_TEXT = 40
"""Characters of a value quoted in a history summary."""


@dataclass(frozen=True)
class FieldView:
    """One setting as the template draws it."""

    field: SettingField
    id: str
    value: str
    """What goes into the input ("" for a secret)."""
    written: bool
    """The config file sets it (else the default applies)."""
    secret: str
    """The masked secret ("" when it is not one)."""
    errors: list[str]

    @property
    def checked(self) -> bool:
        return self.value not in ("", "False", "false")

    @property
    def default(self) -> str:
        if self.field.kind == "yes_no":
            return "on" if self.field.default else "off"
        return shown(self.field, self.field.default).replace("\n", ", ") or "empty"


def _current(document: ConfigDocument, field: SettingField) -> tuple[Any, bool]:
    """The value in use for `field` (written, or its default), and whether it is written."""
    written = document.setting(field.path)
    return (field.default, False) if written is None else (written, True)


def _views(
    document: ConfigDocument, errors: FieldErrors | None, typed: Mapping[str, str] | None
) -> list[tuple[Group, list[tuple[str, str, list[FieldView]]]]]:
    """Every group, its sections and their fields as drawn (`typed` over the values, after a refusal)."""
    drawn = []
    for group in groups():
        sections = []
        for section in group.sections:
            views = []
            for field in section.fields:
                value, written = _current(document, field)
                secret = masked(value) if is_secret(field, value) else ""
                text = "" if secret else shown(field, value)
                if typed is not None and field.path in typed and not secret:
                    text = typed[field.path]
                views.append(
                    FieldView(
                        field,
                        "s-" + field.path.replace(".", "-"),
                        text,
                        written,
                        secret,
                        errors.of(field.path) if errors else [],
                    )
                )
            sections.append((section.title if section.path != group.name else "", section.meaning, views))
        drawn.append((group, sections))
    return drawn


async def settings_page(
    request: Request,
    status_code: int = 200,
    errors: FieldErrors | None = None,
    failed: str = "",
    typed: Mapping[str, str] | None = None,
) -> Response:
    state = state_of(request)
    try:
        document = await run_in_threadpool(editing.read, state)
    except ConfigError as error:
        lines = editing.unreadable(error, state)
        return render(request, "settings.html", status_code, unreadable=lines, drawn=[])
    drawn = await run_in_threadpool(_views, document, errors, typed)
    return render(
        request,
        "settings.html",
        status_code=status_code,
        drawn=drawn,
        failed=failed,
        errors=errors or FieldErrors(),
        flash=flash.take(request),
        unreadable=[],
        shown_field=SHOWN,
        clear_prefix=CLEAR,
    )


def _typed(form: FormData, group: Group) -> dict[str, str]:
    typed = {}
    for field in group.fields:
        if field.kind == "yes_no":
            typed[field.path] = "on" if field.path in form else ""
        else:
            value = form.get(field.path)
            if isinstance(value, str):
                typed[field.path] = value
    return typed


def _changes(
    document: ConfigDocument, group: Group, form: FormData, errors: FieldErrors
) -> list[tuple[SettingField, Any, bool]]:
    """Each field whose typed value differs from the one in use: (field, new value, is secret)."""
    changes = []
    shown_boxes = form.getlist(SHOWN)
    for field in group.fields:
        old, _ = _current(document, field)
        secret = is_secret(field, old)
        if field.kind == "yes_no":
            if field.path not in shown_boxes:
                continue  # not on the form that was posted (a page from before the setting existed)
            new: Any = field.path in form
        else:
            typed = form.get(field.path)
            if not isinstance(typed, str):
                continue
            if secret and form.get(CLEAR + field.path):
                new = [] if field.kind == "lines" else ""
            elif secret and not typed.strip():
                continue  # an empty input keeps the secret
            else:
                try:
                    new = parse(field, typed)
                except ValueError as error:
                    errors.add(field.path, str(error))
                    continue
        if not same(field, old, new):
            changes.append((field, new, secret or is_secret(field, new)))
    return changes


def _summary(group: Group, changes: list[tuple[SettingField, Any, bool]]) -> str:
    parts = []
    for field, new, secret in changes:
        if secret:
            parts.append(f"{field.label.lower()} (not shown: it is a secret)")
            continue
        text = shown(field, new).replace("\n", ", ")
        if field.kind == "yes_no":
            text = "on" if new else "off"
        elif len(text) > SUMMARY_TEXT:
            text = text[: SUMMARY_TEXT - 1] + "…"
        parts.append(f"{field.label.lower()} to {text or 'empty'}")
    return f"Changed {group.title}: {editing.joined(parts)}"


def _words(field: SettingField) -> str:
    """`speech.cue.rate` as `cue rate`: the field's name within its group."""
    return " ".join(field.path.split(".")[1:]).replace("_", " ") or field.label.lower()


async def save_group(request: Request) -> Response:
    group = group_named(request.path_params["group"])
    if group is None:
        raise HTTPException(404, "No such group of settings.")
    form = await checked_form(request)
    state, who = state_of(request), session_of(request).who
    later: list[str] = []  # what changed that the running companion takes only at its next start

    def edit(document: ConfigDocument) -> Outcome:
        errors = FieldErrors()
        changes = _changes(document, group, form, errors)
        later[:] = [_words(field) for field, _, _ in changes if field.needs_restart]
        secrets = _secrets(document, group, changes)
        if not errors:
            for field, new, _ in changes:
                try:
                    document.set_setting(field.path, stored(field, new))
                except EditError as error:
                    errors.add(field.path, editing.sentence(str(error)))
        if errors:
            return Outcome(errors=_redacted(errors, secrets))
        if not changes:
            return Outcome()
        placer = SettingPlaces(document, [field.path for field in group.fields])
        outcome = editing.save(state, document, who, _summary(group, changes), [placer])
        outcome.errors = _redacted(outcome.errors, secrets)
        return outcome

    outcome = await run_in_threadpool(editing.attempt, state, edit)
    url = f"/settings#group-{group.name}"
    if outcome.errors:
        return await settings_page(request, 400, outcome.errors, group.name, _typed(form, group))
    if outcome.saved is None:
        return flash.redirect(request, url, f"Nothing changed in {group.title}.")
    running = state.link is not None
    lines = [flash.saved_words(outcome.saved, running), outcome.summary + "."]
    if running and later:
        lines.append(f"The companion uses the new {editing.joined(later)} from its next start.")
    return flash.redirect(request, url, *lines)


def _secrets(
    document: ConfigDocument, group: Group, changes: list[tuple[SettingField, Any, bool]]
) -> list[str]:
    """The texts of the group's secrets, old and new, to hide from any message shown."""
    values = [value for field in group.fields if is_secret(field, value := _current(document, field)[0])] + [
        new for _, new, secret in changes if secret
    ]
    found: list[str] = []
    for value in values:
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and text.strip():
                found += [text, *(url_secrets(text) if "://" in text else ())]
    return found


def _redacted(errors: FieldErrors, secrets: list[str]) -> FieldErrors:
    if not secrets:
        return errors
    return FieldErrors(
        {name: [redact(m, secrets) for m in messages] for name, messages in errors.fields.items()},
        [redact(m, secrets) for m in errors.top],
    )


async def test_alert(request: Request) -> Response:
    await checked_form(request)
    state = state_of(request)

    def work() -> tuple[bool, list[str]]:
        try:
            config = load_config(state.config)
        except ConfigError as error:
            return False, [
                "The saved config has problems, so its channels cannot be tried. Fix these first:",
                *editing.unreadable(error, state),
            ]
        results = send_test_alert(config.settings.help)
        if not results:
            return False, [
                "No notify command or webhook is saved yet: add one under Help and save it, then try again."
            ]
        good = all(result.ok for result in results)
        head = "Test alert sent; it said it is a test, and the companion did not sound an alarm."
        return good, [head, *(result.words for result in results)]

    good, lines = await run_in_threadpool(work)
    return flash.redirect(request, "/settings#group-help", *lines, good=good)


routes: list[BaseRoute] = [
    Route("/settings", settings_page),
    Route("/settings/test-alert", test_alert, methods=["POST"]),
    Route("/settings/{group}", save_group, methods=["POST"]),
    *say_it.routes,
]
