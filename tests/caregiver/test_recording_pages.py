"""Recording a phrase in the user's own voice: an upload (as the page's recorder sends it, or a
file made elsewhere) is checked, trimmed, saved under recordings/ and set as the item's `sound:`."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver import recording_pages
from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from accessible_companion.config.document import ConfigDocument
from accessible_companion.config.loader import load_config

from .conftest import RecordingLink, csrf_of

WATER = "/menus/phrases/items/4/record"
"""'Water' in the built-in Phrases menu."""
PAIN = "/menus/phrases/items/3/record"
RATE = 16000


def tone_wav(quiet: float = 0.5, loud: float = 0.5, channels: int = 1, rate: int = RATE) -> bytes:
    """A 16-bit WAV: `quiet` s of silence, `loud` s of a 440 Hz tone at half scale, `quiet` s of silence."""
    samples = [0] * int(quiet * rate)
    samples += [int(16000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(int(loud * rate))]
    samples += [0] * int(quiet * rate)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<" + "h" * channels, *([s] * channels)) for s in samples))
    return out.getvalue()


def seconds_of(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return wav.getnframes() / wav.getframerate()


def upload(
    client: TestClient, address: str, data: bytes, name: str = "recording.wav", trim: bool = True
) -> tuple[int, str, str]:
    """POST a file as the page's form does; (status, location, body)."""
    csrf = csrf_of(client.get(address).text)
    form = {"csrf": csrf, **({"trim": "on"} if trim else {})}
    answer = client.post(
        address, data=form, files={"file": (name, data, "audio/wav")}, follow_redirects=False
    )
    return answer.status_code, answer.headers.get("location", ""), answer.text


def sound_of(config: Path, menu: str, index: int) -> str:
    return str(ConfigDocument.read(config).item(menu, index).get("sound", ""))


def test_a_recording_is_trimmed_saved_and_played_by_the_item(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    page = client.get(WATER)
    assert page.status_code == 200
    assert "The user's own voice for “Water”" in page.text
    assert 'id="recorder" hidden' in page.text and "/static/record.js" in page.text

    status, location, _ = upload(client, WATER, tone_wav())
    assert status == 303
    saved = config_dir / "recordings" / "Water.wav"
    # 1.5 s sent; the tone's 0.5 s kept with 0.15 s of air on each side.
    assert 0.75 <= seconds_of(saved) <= 0.85
    assert sound_of(config_dir, "phrases", 4) == "../recordings/Water.wav"
    config = load_config(config_dir)
    water = config.menus.menus["phrases"].items[4]
    assert Path(water.sound) == saved and not config.warnings
    newest = page_state.history.versions(1)[0]
    assert newest.summary == "Recorded 'Water' in Phrases (Water.wav)"
    assert link.applied == [f"page:{newest.number}"]

    shown = client.get(location).text
    assert "Saved. “Water” now plays recordings/Water.wav." in shown
    assert "In use now." in shown
    assert 'src="/menus/phrases/items/4/sound"' in shown
    played = client.get("/menus/phrases/items/4/sound")
    assert played.headers["content-type"] == "audio/wav"
    assert played.content == saved.read_bytes()


def test_a_stereo_file_from_elsewhere_is_mixed_to_mono_and_can_be_kept_untrimmed(
    client: TestClient, config_dir: Path
) -> None:
    status, _, _ = upload(client, WATER, tone_wav(channels=2, rate=22050), name="phone.wav", trim=False)
    assert status == 303
    saved = config_dir / "recordings" / "Water.wav"
    assert seconds_of(saved) == pytest.approx(1.5, abs=0.001)
    with wave.open(str(saved), "rb") as wav:
        assert wav.getframerate() == 22050


def test_a_flac_file_is_decoded_in_the_decoders_process(client: TestClient, config_dir: Path) -> None:
    import numpy
    import soundfile

    with wave.open(io.BytesIO(tone_wav()), "rb") as wav:
        samples = numpy.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    flac = io.BytesIO()
    soundfile.write(flac, samples, RATE, format="FLAC", subtype="PCM_16")
    status, _, _ = upload(client, WATER, flac.getvalue(), name="water.flac")
    assert status == 303
    assert 0.75 <= seconds_of(config_dir / "recordings" / "Water.wav") <= 0.85


def test_a_file_that_is_no_recording_is_refused_and_nothing_is_written(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    before = (config_dir / "menus" / "phrases.yaml").read_text(encoding="utf-8")
    status, _, body = upload(client, WATER, b"ID3\x04\x00" + bytes(2000), name="water.mp3")
    assert status == 400
    assert "This file cannot be used: not a WAV, FLAC or Ogg file (it is an MP3)." in body
    assert 'aria-describedby="file-help file-error"' in body and 'id="file-error"' in body
    assert not (config_dir / "recordings").exists()
    assert (config_dir / "menus" / "phrases.yaml").read_text(encoding="utf-8") == before
    assert page_state.history.versions() == [] and link.applied == []


def test_silence_alone_is_refused(client: TestClient, config_dir: Path) -> None:
    status, _, body = upload(client, WATER, tone_wav(loud=0.0))
    assert status == 400
    assert "Nothing loud enough was heard in it, so nothing was saved." in body
    assert not (config_dir / "recordings").exists()
    assert sound_of(config_dir, "phrases", 4) == ""


def test_no_file_chosen_and_no_token_are_refused(client: TestClient, config_dir: Path) -> None:
    csrf = csrf_of(client.get(WATER).text)
    answer = client.post(WATER, data={"csrf": csrf}, files={"file": ("", b"", "application/octet-stream")})
    assert answer.status_code == 400
    assert "Choose a recording first" in answer.text
    answer = client.post(WATER, files={"file": ("water.wav", tone_wav(), "audio/wav")})
    assert answer.status_code == 403
    assert not (config_dir / "recordings").exists()


def test_a_file_too_large_is_refused_before_it_is_read(
    client: TestClient, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recording_pages, "MAX_BYTES", 1000)
    monkeypatch.setattr(recording_pages, "FORM_ROOM", 1000)
    status, _, body = upload(client, WATER, tone_wav())
    assert status == 413
    assert "The file is larger than" in body
    assert not (config_dir / "recordings").exists()


def test_another_items_recording_is_never_replaced(client: TestClient, config_dir: Path) -> None:
    # 'Pain' plays a recording that happens to be called Water.wav.
    folder = config_dir / "recordings"
    folder.mkdir()
    theirs = tone_wav(loud=0.3)
    (folder / "Water.wav").write_bytes(theirs)
    document = ConfigDocument.read(config_dir)
    document.set_item_field("phrases", 3, "sound", "../recordings/Water.wav")
    document.save()

    status, location, _ = upload(client, WATER, tone_wav())
    assert status == 303
    assert (folder / "Water.wav").read_bytes() == theirs
    assert sound_of(config_dir, "phrases", 3) == "../recordings/Water.wav"
    assert sound_of(config_dir, "phrases", 4) == "../recordings/Water-2.wav"
    shown = client.get(location).text
    assert "“Pain” in Phrases already plays" in shown
    assert "a recording called Water.wav, so this one was saved as Water-2.wav." in shown


def test_recording_again_keeps_the_earlier_one_and_history_can_bring_it_back(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    upload(client, WATER, tone_wav())
    first = page_state.history.versions(1)[0]
    status, location, _ = upload(client, WATER, tone_wav(loud=0.8))
    assert status == 303
    assert sound_of(config_dir, "phrases", 4) == "../recordings/Water-2.wav"
    assert (config_dir / "recordings" / "Water.wav").exists()
    assert "The earlier recording (Water.wav) is kept too." in client.get(location).text
    # The version before names the first file, which is still there to play.
    assert "sound: ../recordings/Water.wav" in first.files["menus/phrases.yaml"]


def test_speaking_the_words_again_keeps_the_file(client: TestClient, config_dir: Path) -> None:
    upload(client, WATER, tone_wav())
    csrf = csrf_of(client.get(WATER).text)
    answer = client.post(f"{WATER}/forget", data={"csrf": csrf})
    assert "“Water” speaks its words again." in answer.text
    assert sound_of(config_dir, "phrases", 4) == ""
    assert (config_dir / "recordings" / "Water.wav").exists()
    assert client.get("/menus/phrases/items/4/sound").status_code == 404


def test_an_item_that_does_not_speak_cannot_have_a_recording(client: TestClient, config_dir: Path) -> None:
    more = "/menus/phrases/items/8/record"
    page = client.get(more)
    assert "This item does not speak (it opens a menu)" in page.text
    assert "upload-form" not in page.text
    csrf = csrf_of(client.get(WATER).text)
    answer = client.post(more, data={"csrf": csrf}, files={"file": ("a.wav", tone_wav(), "audio/wav")})
    assert answer.status_code == 400
    assert not (config_dir / "recordings").exists()
    assert client.get("/menus/phrases/items/99/record").status_code == 404
    assert client.get("/menus/nowhere/items/0/record").status_code == 404


def test_without_the_companion_the_recording_is_saved_to_the_files(tmp_path: Path, config_dir: Path) -> None:
    history = History(tmp_path / "history.sqlite3", config_dir)
    app = build_app(PageState(config_dir, history, Locks(), None))
    with TestClient(app, base_url="http://127.0.0.1:8765", client=("127.0.0.1", 50000)) as client:
        status, location, _ = upload(client, WATER, tone_wav())
        assert status == 303
        assert sound_of(config_dir, "phrases", 4) == "../recordings/Water.wav"
        assert "It is used from the companion's next start." in client.get(location).text
    history.close()
