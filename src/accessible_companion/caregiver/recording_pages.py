"""Message banking on the page: record a phrase in the user's own voice for an item, or upload one.

`/menus/{menu}/items/{index}/record` records from the browser's microphone (static/record.js:
Web Audio to a 16-bit mono WAV, since the WebM/Opus of MediaRecorder is not a format the
companion plays) or takes a WAV, FLAC or Ogg file made elsewhere. Both arrive as the same
form upload; the file is checked, trimmed and written under `recordings/`
(recording_files.py), and the item's `sound:` is set and saved as any change is
(saving.save: checked, in the history, applied). Without the companion running it is saved
to the files all the same.

Browsers allow the microphone only in a secure context: this page on http://127.0.0.1 or
localhost, not at http://192.168.x.x from a phone. There the page says so and offers the
upload instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..audio.headers import MAX_BYTES, MAX_SECONDS
from ..config.document import ConfigDocument, EditError, ItemFields
from ..config.problems import ConfigError, Problem
from . import saving
from .pages import checked_form, render, session_of, state_of
from .recording_files import FOLDER, Placed, RecordingError, place, read_upload, sound_path
from .state import PageState

ACCEPT = ".wav,.flac,.ogg,.oga,.opus,audio/wav,audio/x-wav,audio/flac,audio/ogg"
"""What the file field offers to pick (the server checks the file itself, not its name)."""
FORM_ROOM = 64 * 1024
"""Bytes a form may carry besides its recording (the token, the trim box, multipart framing)."""
MEDIA_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
}
NOT_SPEAKING = (
    "This item does not speak (it {does}), so it cannot play a recording. Only items that speak can."
)


@dataclass(frozen=True)
class ItemInfo:
    """One item as the recording page shows it."""

    menu: str
    index: int
    menu_title: str
    label: str
    say: str
    does: str
    """What the item does in words, when it is not speech ("opens a menu")."""
    sound: str
    """Its `sound:` as written ("" for none)."""
    file: Path | None
    """The recording's file, when it is inside the config folder."""
    shown_file: str
    """That file as the caregiver finds it in the config folder (`recordings/water.wav`)."""
    exists: bool
    other: str = ""
    """Which item plays a file the page was asked about ("“Water” in Needs"), if any."""

    @property
    def speaks(self) -> bool:
        return not self.does

    @property
    def address(self) -> str:
        return f"/menus/{quote(self.menu, safe='')}/items/{self.index}"


@dataclass
class Outcome:
    """How a save went: an error for the file field, problems from the check, or where it went."""

    info: ItemInfo | None = None
    """The item (None: there is no such item)."""
    error: str = ""
    problems: list[Problem] = field(default_factory=list)
    placed: Placed | None = None
    saved: saving.Saved | None = None
    note: str = ""
    """`kept` (an earlier recording of this item is kept) or `renamed` (its name was taken)."""
    earlier: str = ""


def _does(item: ItemFields) -> str:
    action = item.get("action") or ("menu" if item.get("menu") else "speak")
    if action == "speak":
        return ""
    return "opens a menu" if action == "menu" else f"has the action '{action}'"


def _info(config: Path, menu: str, index: int, asked: str = "") -> ItemInfo | None:
    """The item at `menu`/`index` (None if there is none); `asked`: a file under recordings/
    whose item the page wants to name."""
    try:
        return _info_in(ConfigDocument.read(config), config, menu, index, asked)
    except (ConfigError, EditError):
        return None


def _info_in(document: ConfigDocument, config: Path, menu: str, index: int, asked: str = "") -> ItemInfo:
    """The item at `menu`/`index` of `document` (EditError if there is none)."""
    item = document.item(menu, index)
    menu_file = document.menu_file(menu)
    sound = str(item.get("sound", ""))
    file = sound_path(sound, menu_file, config)
    other = ""
    if asked:
        other = _player(document, config, config / FOLDER / Path(asked).name)
    return ItemInfo(
        menu=menu,
        index=index,
        menu_title=document.menu_title(menu) or menu,
        label=str(item.get("label", "")),
        say=str(item.get("say", "")),
        does=_does(item),
        sound=sound,
        file=file,
        shown_file=file.relative_to(config).as_posix() if file else sound,
        exists=file is not None and file.is_file(),
        other=other,
    )


def _player(document: ConfigDocument, config: Path, path: Path) -> str:
    """Which item plays the recording at `path`, in words ("" if none does)."""
    for menu in document.menu_ids():
        for item in document.items(menu):
            if sound_path(str(item.get("sound", "")), document.menu_file(menu), config) == path:
                return f"“{item.get('label', '')}” in {document.menu_title(menu) or menu}"
    return ""


async def _item_or_404(request: Request, asked: str = "") -> ItemInfo:
    state = state_of(request)
    info = await run_in_threadpool(
        _info, state.config, request.path_params["menu"], request.path_params["index"], asked
    )
    if info is None:
        raise HTTPException(404, "There is no such item. It may have been moved or deleted.")
    return info


async def record_page(request: Request) -> Response:
    if request.method == "POST":
        return await _save(request)
    query = request.query_params
    info = await _item_or_404(request, query.get("other", ""))
    return _page(request, info, done=query.get("done", ""))


def _page(
    request: Request,
    info: ItemInfo,
    *,
    done: str = "",
    error: str = "",
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> Response:
    query = request.query_params
    return render(
        request,
        "record.html",
        status_code=status_code,
        item=info,
        done=done,
        version=query.get("version", ""),
        in_use=query.get("in_use") == "1",
        note=query.get("note", ""),
        earlier=Path(query.get("earlier", "")).name,
        other_file=Path(query.get("other", "")).name,
        error=error,
        problems=problems or [],
        accept=ACCEPT,
        max_seconds=int(MAX_SECONDS),
        max_mb=MAX_BYTES // (1024 * 1024),
    )


async def _save(request: Request) -> Response:
    """A recording for the item, from the page's recorder or a file."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES + FORM_ROOM:
        info = await _item_or_404(request)
        too_big = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: a phrase needs far less."
        return _page(request, info, error=too_big, status_code=413)
    form = await checked_form(request)
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    state = state_of(request)
    where = (request.path_params["menu"], request.path_params["index"])
    outcome = await run_in_threadpool(
        _save_upload, state, session_of(request).who, where, data, form.get("trim") is not None
    )
    item = outcome.info
    if item is None:
        raise HTTPException(404, "There is no such item. It may have been moved or deleted.")
    if outcome.error or outcome.problems:
        return _page(request, item, error=outcome.error, problems=outcome.problems, status_code=400)
    assert outcome.placed is not None and outcome.saved is not None
    query = {
        "done": "saved",
        "version": outcome.saved.version,
        "in_use": int(outcome.saved.in_use),
        "note": outcome.note,
    }
    if outcome.note == "kept":
        query["earlier"] = outcome.earlier
    elif outcome.note == "renamed":
        query["other"] = outcome.placed.wanted
    return RedirectResponse(f"{item.address}/record?{urlencode(query)}#result", status_code=303)


def _save_upload(state: PageState, who: str, where: tuple[str, int], data: bytes, trim: bool) -> Outcome:
    """Check, trim and place the recording, then save the item's `sound:` (blocking)."""
    with saving.one_change:
        return _place_and_save(state, who, where, data, trim)


def _place_and_save(state: PageState, who: str, where: tuple[str, int], data: bytes, trim: bool) -> Outcome:
    try:
        document = ConfigDocument.read(state.config)
        info = _info_in(document, state.config, *where)
    except (ConfigError, EditError):
        return Outcome()
    if not data:
        return Outcome(info, error="Choose a recording first, or record one above.")
    if not info.speaks:
        return Outcome(info, error=NOT_SPEAKING.format(does=info.does))
    if len(data) > MAX_BYTES:
        return Outcome(
            info, error=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: a phrase needs far less."
        )
    try:
        pcm = read_upload(data, trim)
    except RecordingError as error:
        return Outcome(info, error=str(error))
    placed = place(pcm, state.config, info.label, document.menu_file(info.menu).parent)
    try:
        document.set_item_field(info.menu, info.index, "sound", placed.sound)
        saved = saving.save(
            state,
            document,
            who=who,
            summary=f"Recorded '{info.label}' in {info.menu_title} ({placed.path.name})",
        )
    except BaseException:
        placed.path.unlink(missing_ok=True)
        raise
    if not saved.ok:
        placed.path.unlink(missing_ok=True)  # nothing names it: the config is as it was
        return Outcome(info, problems=saved.problems)
    note = earlier = ""
    if info.file is not None and info.file != placed.path and info.exists:
        note, earlier = "kept", info.file.name
    elif placed.path.name != placed.wanted:
        note = "renamed"
    return Outcome(info, placed=placed, saved=saved, note=note, earlier=earlier)


async def forget(request: Request) -> Response:
    """The item speaks its words again; the recording's file stays (the history names it)."""
    await checked_form(request)
    info = await _item_or_404(request)
    state = state_of(request)
    saved = await run_in_threadpool(_forget, state, session_of(request).who, info)
    if not saved.ok:
        return _page(request, info, problems=saved.problems, status_code=400)
    query = urlencode({"done": "forgot", "version": saved.version, "in_use": int(saved.in_use)})
    return RedirectResponse(f"{info.address}/record?{query}#result", status_code=303)


def _forget(state: PageState, who: str, info: ItemInfo) -> saving.Saved:
    with saving.one_change:
        return _speak_words(state, who, info)


def _speak_words(state: PageState, who: str, info: ItemInfo) -> saving.Saved:
    try:
        document = ConfigDocument.read(state.config)
        document.set_item_field(info.menu, info.index, "sound", "")
    except (ConfigError, EditError) as error:
        problems = (
            error.problems if isinstance(error, ConfigError) else [Problem(state.config, 0, str(error))]
        )
        return saving.Saved(problems=list(problems))
    summary = f"'{info.label}' in {info.menu_title} speaks its words again (no recording)"
    return saving.save(state, document, who=who, summary=summary)


async def sound_file(request: Request) -> Response:
    """The item's recording, to listen to on the page."""
    info = await _item_or_404(request)
    if info.file is None or not info.exists:
        raise HTTPException(404, "This item has no recording.")
    media_type = MEDIA_TYPES.get(info.file.suffix.lower(), "application/octet-stream")
    return FileResponse(info.file, media_type=media_type, headers={"Cache-Control": "no-store"})


routes: list[BaseRoute] = [
    Route("/menus/{menu}/items/{index:int}/record", record_page, methods=["GET", "POST"]),
    Route("/menus/{menu}/items/{index:int}/record/forget", forget, methods=["POST"]),
    Route("/menus/{menu}/items/{index:int}/sound", sound_file),
]
