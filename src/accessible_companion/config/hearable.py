"""Voice words the speech model hears poorly: one syllable (issue 14).

A one-syllable word is heard poorly by small grammar models (Korean "둘", two, was heard
right 0 times in 90) and other speech is often taken for it: a short piece of talk fits a
short word. `check` warns, naming where the word is, so a caregiver picks a longer one.
"""

from __future__ import annotations

from dataclasses import fields

from ..core.commands import syllables
from ..core.menus import MenuSet
from ..core.settings import Settings
from .kinds import dotted
from .problems import Problem
from .yaml_lines import LinedYaml, Location


def one_syllable(words: str) -> bool:
    """True for words of exactly one syllable (the ones to warn about)."""
    return syllables(words) == 1


def advice(where: str, words: str) -> str:
    """The warning's text."""
    return (
        f"{where}: '{words}' is one syllable: the speech model hears short words poorly and "
        "takes other speech for them; a word of two or three syllables is heard better"
    )


def short_setting_words(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """Warnings for one-syllable command words and check-in answers (said to choose them)."""
    found: list[tuple[Location, str]] = []
    for field in fields(settings.commands):
        for index, words in enumerate(getattr(settings.commands, field.name)):
            found.append((("settings", "commands", field.name, index), words))
    check_ins = settings.check_ins
    found += [(("settings", "check_ins", "scale", i), words) for i, words in enumerate(check_ins.scale)]
    for i, follow_up in enumerate(check_ins.follow_ups):
        found += [
            (("settings", "check_ins", "follow_ups", i, "answers", j), words)
            for j, words in enumerate(follow_up.answers)
        ]
    # Only words written in this file: the built-in ones it leaves are the caregiver's to keep.
    return [
        _warning(doc, where, words) for where, words in found if where in doc.lines and one_syllable(words)
    ]


def short_item_words(menus: MenuSet, where: dict[str, tuple[LinedYaml, Location]]) -> list[Problem]:
    """Warnings for one-syllable voice words of the caregiver's items (their label when
    they have no `voice`)."""
    warnings = []
    for menu_id, menu in menus.menus.items():
        if menu_id not in where:
            continue
        doc, location = where[menu_id]
        for number, item in enumerate(menu.items):
            for index, words in enumerate(item.voice_words):
                if one_syllable(words):
                    warnings.append(_warning(doc, (*location, "items", number, "voice", index), words))
    return warnings


def _warning(doc: LinedYaml, where: Location, words: str) -> Problem:
    return Problem(doc.file, doc.line(where), advice(dotted(where), words), True)
