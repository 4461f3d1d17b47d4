"""Texts that must say something: a blank label is a highlight that shows and says nothing,
a blank message is silence where the user expects an answer (`back: ""` would empty every
Back item)."""

from __future__ import annotations

from dataclasses import fields

from ..core.settings import Settings
from .kinds import dotted
from .problems import Problem
from .schema import MenuModel
from .yaml_lines import LinedYaml, Location


def _blank(doc: LinedYaml, where: Location, text: str) -> list[Problem]:
    return [] if text.strip() else [doc.problem(where, f"{dotted(where)} is blank: write some words")]


def blank_settings(settings: Settings, doc: LinedYaml) -> list[Problem]:
    found: list[Problem] = []
    for field in fields(settings.messages):
        found += _blank(doc, ("settings", "messages", field.name), getattr(settings.messages, field.name))
    check_ins = settings.check_ins
    found += _blank(doc, ("settings", "check_ins", "question"), check_ins.question)
    for index, answer in enumerate(check_ins.scale):
        found += _blank(doc, ("settings", "check_ins", "scale", index), answer)
    for number, follow_up in enumerate(check_ins.follow_ups):
        where: Location = ("settings", "check_ins", "follow_ups", number)
        found += _blank(doc, (*where, "question"), follow_up.question)
        for index, answer in enumerate(follow_up.answers):
            found += _blank(doc, (*where, "answers", index), answer)
    return found


def blank_menu(model: MenuModel, doc: LinedYaml, location: Location) -> list[Problem]:
    found = _blank(doc, (*location, "id"), model.id)
    for number, item in enumerate(model.items):
        found += _blank(doc, (*location, "items", number, "label"), item.label)
    for number, cue in enumerate(model.row_cues):
        found += _blank(doc, (*location, "row_cues", number), cue)
    return found
