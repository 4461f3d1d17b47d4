"""Items and actions in a caregiver's words: what choosing an item does, what each field means."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from ..core.menus import Action

ACTION_WORDS: dict[Action, tuple[str, str]] = {
    Action.SPEAK: ("Say words", "Says the item's words to the room (or plays its recording)."),
    Action.MENU: ("Open a menu", "Opens another menu; Back returns here."),
    Action.BACK: ("Go back", "Goes back one menu."),
    Action.HOME: ("Go home", "Goes to the Home menu."),
    Action.REST: ("Start a rest", "Stops scanning for a rest; a press ends it early."),
    Action.CHECK_IN: ("Check in", "Notes an answer in the journal, or asks how the user feels."),
    Action.HELP: ("Call for help", "Sounds the alert and tells the caregiver (the same as a long hold)."),
    Action.NEED: ("I need something", "A quiet call (no alarm) to the first contact only."),
    Action.SLOWER: ("Scan slower", "Makes the highlight stay longer on each item."),
    Action.FASTER: ("Scan faster", "Makes the highlight move on sooner."),
    Action.MODE: ("Change scanning mode", "Switches how the switch moves and selects."),
    Action.VOICE_ON: ("Voice commands on", "Starts listening for spoken commands."),
    Action.VOICE_OFF: ("Voice commands off", "Stops listening for spoken commands."),
    Action.PAUSE: ("Pause scanning", "Stops the highlight until the next press."),
    Action.SNOOZE: ("Not now", "Puts off an offered rest (used by the offers of rest)."),
}
"""Each action's name on the page and what it does."""

ARGUMENTS: dict[Action, str] = {
    Action.MENU: "menu",
    Action.MODE: "mode",
    Action.REST: "minutes",
    Action.CHECK_IN: "answer",
}
"""The one field each action takes (as ConfigDocument.set_action does)."""

FIELD_MEANINGS = {
    "label": "Shown on the screen and read while scanning. Also what is said, unless 'Words said' has words.",
    "say": "Said to the room by the main voice when the user chooses it. Empty: the label is said.",
    "cue": "Said quietly by the cue voice while the item is highlighted. Empty: the label.",
    "voice": "Words that choose this item by voice, one per line. Empty: the label.",
    "action": "What choosing this item does.",
    "menu": "The menu this item opens.",
    "mode": "The scanning mode it switches to. 'The next mode' goes through them in turn.",
    "minutes": "How long the rest lasts. Empty: the middle one of the rest lengths in Settings.",
    "answer": "The answer noted in the journal. Empty: it asks how the user feels.",
    "source": "Where this advice comes from; kept with it and shown with it.",
    "sound": (
        "A recording of the user's own voice, played instead of the words. The file's name, from "
        "the folder of this menu's file. Empty: the words are spoken."
    ),
    "image": "A picture kept from an imported board (the companion does not show it yet).",
    "id": "Optional. A name for this item, unique in the whole config; it keeps the highlight on "
    "this item after a change.",
}

FIELD_NAMES = {
    "label": "the label",
    "say": "the words said",
    "cue": "the cue",
    "voice": "the voice words",
    "action": "the action",
    "source": "the source",
    "sound": "the recording",
    "id": "the id",
}
"""Item keys in a summary ("Changed the label of 'Water' in Phrases")."""


def action_of(item: Mapping[str, Any]) -> Action:
    """The item's action as the loader reads it: `menu:` alone opens a menu, else it speaks."""
    written = item.get("action")
    if written:
        try:
            return Action(written)
        except ValueError:
            return Action.SPEAK
    return Action.MENU if item.get("menu") else Action.SPEAK


def argument_of(item: Mapping[str, Any]) -> str | float | None:
    key = ARGUMENTS.get(action_of(item))
    value = item.get(key) if key else None
    return value if isinstance(value, str | int | float) and value != "" else None


def does(item: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """What choosing the item does, in a few words: `says "..."`, `opens Needs`, `rest 5 minutes`."""
    action = action_of(item)
    label = str(item.get("label", ""))
    if action is Action.SPEAK:
        if item.get("sound"):
            return f"plays a recording ({PurePath(str(item['sound'])).name})"
        return f'says "{item.get("say") or label}"'
    if action is Action.MENU:
        target = str(item.get("menu", ""))
        return f"opens {titles.get(target, target)}"
    if action is Action.REST:
        minutes = item.get("minutes")
        return f"rest {minutes:g} minutes" if isinstance(minutes, int | float) else "starts a rest"
    if action is Action.CHECK_IN:
        answer = item.get("answer")
        return f'notes "{answer}"' if answer else "asks how the user feels"
    if action is Action.MODE:
        mode = item.get("mode")
        return f"switches scanning to {mode}" if mode else "switches to the next scanning mode"
    if action is Action.HELP:
        return "calls for help"
    if action is Action.NEED:
        return "calls the first contact quietly"
    return ACTION_WORDS[action][0].lower()
