"""What a spoken phrase means here: an item of the current menu, or a global command.

Pure lookups; the companion acts on the result. Item words win over command words in a
menu that has both, so "rest" on a menu with a Rest item opens that item.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from .menus import Item
from .settings import Commands


def normalize_words(words: str) -> str:
    """Words as compared: case, punctuation and extra spaces do not count."""
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in words.casefold())
    return " ".join(kept.split())


def tried_phrase(heard: str, phrases: Iterable[str]) -> str:
    """The phrase that words heard but not taken count against: the words themselves when they
    are one of `phrases` (it was heard as that command: unsure, too short, unlike the user's
    takes), else "" (other speech, a filler: no try at any command). The one rule for it."""
    words = normalize_words(heard)
    return words if words and words in {normalize_words(p) for p in phrases} else ""


@dataclass(frozen=True)
class Meaning:
    """What a phrase does: select item `index`, or run `command`."""

    index: int = -1
    command: str = ""


def command_words(commands: Commands) -> dict[str, str]:
    """Normalized words -> command name, for every global command."""
    table: dict[str, str] = {}
    for field in fields(commands):
        for words in getattr(commands, field.name):
            table.setdefault(normalize_words(words), field.name)
    return table


def phrase_table(items: Sequence[Item], commands: Commands) -> dict[str, Meaning]:
    """Everything that can be said in a menu with these items, and what it means."""
    table = {words: Meaning(command=name) for words, name in command_words(commands).items()}
    for index, item in enumerate(items):
        for words in item.voice_words:
            table[normalize_words(words)] = Meaning(index=index)  # items win
    return table


def every_phrase(menus: Iterable[Sequence[Item]], commands: Commands) -> tuple[str, ...]:
    """Every phrase a config can ever listen for (to check against the speech model)."""
    found = dict.fromkeys(command_words(commands))
    for items in menus:
        for item in items:
            found.update(dict.fromkeys(normalize_words(words) for words in item.voice_words))
    found.pop("", None)
    return tuple(found)


_VOWELS = frozenset("aeiouyæøœ" + "аеёиоуыэюяіїєў" + "αεηιουω")


def syllables(words: str) -> int:
    """About how many syllables `words` has: Hangul syllable blocks, and in other scripts
    groups of vowel letters (an English final silent "e", as in "home", does not count)."""
    count = 0
    for word in normalize_words(words).split():
        # Hangul blocks first: NFD would split each into its letters.
        found = sum("\uac00" <= char <= "\ud7a3" for char in word)
        letters = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        before = False
        for index, char in enumerate(letters):
            vowel = char in _VOWELS
            silent = (
                word.endswith("e") and index == len(letters) - 1 and index > 1 and found > 0 and not before
            )
            if vowel and not before and not silent:
                found += 1
            before = vowel
        count += found
    return count
