"""What a display is shown (`Companion.view()`), made from the core's parts, and the state of
voice commands as the status line shows it, followed from the notices' kinds (never their words).
"""

from __future__ import annotations

from .care import CHECK_IN, FOLLOW_UP, REST_OFFER
from .caring import Care
from .events import PageAddress
from .scanner import Scanner
from .utterances import Utterances
from .view import Screen, Shown, View, VoiceState


class VoiceStatus:
    """The voice listener's state, from its notices: ready, lost microphone, no model."""

    def __init__(self) -> None:
        self.ready = False
        self.lost = False
        self.unavailable = False

    def notice(self, kind: str) -> None:
        """A `Notice` of this kind came in."""
        match kind:
            case "voice_ready":
                self.ready, self.unavailable = True, False
            case "voice_unavailable":
                self.unavailable = True
            case "microphone_lost" | "microphone_muted":
                self.lost = True
            case "microphone_back":
                self.lost = False

    def state(self, enabled: bool, asleep: bool) -> VoiceState:
        """`View.voice`: the most important of what is known."""
        if not enabled:
            return "off"
        if self.unavailable:
            return "unavailable"
        if self.lost:
            return "microphone lost"
        if not self.ready:
            return "loading"
        return "asleep" if asleep else "listening"


def screen_of(care_state: str, menu_id: str) -> Screen:
    """What fills the window: a rest, a call for help, one of the companion's questions, a menu."""
    if care_state == "alert":
        return "alert"
    if care_state == "resting":
        return "rest"
    if menu_id == REST_OFFER:
        return "offer"
    if menu_id == CHECK_IN or menu_id.startswith(FOLLOW_UP):
        return "check-in"
    return "menu"


def make_view(
    scanner: Scanner,
    care: Care,
    speech: Utterances,
    shown: Shown,
    voice: VoiceState,
    page: PageAddress | None = None,
) -> View:
    """A snapshot of the scan and care for displays (and where the caregiver's page is)."""
    menu = scanner.menu
    settings = scanner.settings
    row = scanner.row if scanner.highlighting else None
    return View(
        menu=menu.id,
        title=menu.title,
        labels=tuple(item.label for item in menu.items),
        highlight=scanner.index if scanner.highlighting and row is None else None,
        state=care.state or scanner.state(),
        mode=settings.scanning.mode.value,
        interval=settings.scanning.interval,
        speaking=speech.now_saying(),
        notice=shown.text,
        notice_level=shown.level,
        columns=scanner.layout.columns,
        row=row,
        path=tuple(scanner.menus[menu_id].title for menu_id in scanner.stack),
        dwell=scanner.dwell(),
        screen=screen_of(care.state, menu.id),
        rest_until=care.rest_until,
        alert_notified=care.help_on_the_way,
        voice=voice,
        page_url=page.url if page is not None else "",
        page_code=page.code if page is not None else "",
        look=settings.display,
    )
