"""An .obf file or an .obz package, read with limits: a board set is data from anywhere, so a
hostile or broken file is refused with where and why, never followed outside the package,
never read past its limits, never crashes the import."""

from __future__ import annotations

import json
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import BoardsError, Problem, RefusedError, place

MAX_FILE_BYTES = 100_000_000
"""The .obf or .obz itself: a board set with its pictures is a few megabytes."""
MAX_BOARD_BYTES = 10_000_000
"""One board's JSON (inline pictures make it big; ten megabytes is plenty)."""
MAX_MEDIA_BYTES = 20_000_000
"""One picture or recording."""
MAX_TOTAL_BYTES = 300_000_000
"""Everything unpacked from one package: a zip bomb stops here, whatever its entries claim."""
MAX_ENTRIES = 20_000
MAX_DEPTH = 32
"""JSON nesting: a board is 6 deep; kept fields go into YAML, which `check` reads to 40 deep."""
FORMAT_PREFIX = "open-board-"
MANIFEST = "manifest.json"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_DRIVE = re.compile(r"^[A-Za-z]:")


def inner_path(text: str) -> str | None:
    """A path inside the package, normalised; None for one that leaves it ("../x", "/x", "C:x")."""
    if not text or "\x00" in text:
        return None
    cleaned = text.replace("\\", "/")
    if cleaned.startswith("/") or _DRIVE.match(cleaned):
        return None
    normal = posixpath.normpath(cleaned)
    if normal in (".", "..") or normal.startswith("../"):
        return None
    return normal


def _depth(data: Any) -> int:
    """How deep lists and objects nest (without recursion: the data may be hostile)."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            todo.extend((child, depth + 1) for child in children)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too big a number")
    return number


def parse_json(raw: bytes, where: str, problems: list[Problem]) -> Any:
    """JSON text to data, or BoardsError naming the line and column; a key given twice in one
    object is told (the last is used, as every JSON reader does)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BoardsError(where, f"not UTF-8 text (byte {error.start:,})") from None
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in items:
            if key in mapping and key not in twice:
                twice.append(key)
            mapping[key] = value
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise BoardsError(f"{where}:{error.lineno}:{error.colno}", f"not valid JSON: {error.msg}") from None
    except ValueError as error:
        raise BoardsError(where, f"not valid JSON: {error}") from None
    except RecursionError:
        raise BoardsError(where, f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    if _depth(data) > MAX_DEPTH:
        raise BoardsError(where, f"nested too deeply (more than {MAX_DEPTH} levels)")
    problems += [
        Problem(where, f"the key '{key}' is given twice in one object; the last is used") for key in twice
    ]
    return data


def _id_paths(value: Any, where: str, problems: list[Problem]) -> dict[str, str]:
    """A manifest `paths.boards` (or images, sounds) mapping: id -> path inside the package."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(where, "expected an object of id: path; left out"))
        return {}
    found: dict[str, str] = {}
    for key, path in value.items():
        normal = inner_path(path) if isinstance(path, str) else None
        if normal is None:
            problems.append(Problem(where, f"'{key}': {path!r} is not a path inside the package; left out"))
        else:
            found[str(key)] = normal
    return found


@dataclass
class Package:
    """A board set: one .obf (`zip` is None) or an .obz with its manifest."""

    name: str
    """The file's name, for messages."""
    single: bytes = b""
    zip: zipfile.ZipFile | None = None
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    root: str = ""
    """The root board's path in the package ("" for a single .obf)."""
    boards: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    sounds: dict[str, str] = field(default_factory=dict)
    read_bytes: int = 0

    @property
    def is_obz(self) -> bool:
        return self.zip is not None

    def where(self, path: str) -> str:
        """How a board file is named in messages: its path in the .obz, or the .obf's name."""
        return path if self.is_obz else self.name

    def has(self, path: str) -> bool:
        return path in self.entries

    def board_json(self, path: str, problems: list[Problem]) -> Any:
        """The parsed JSON of the board at `path`, or BoardsError about that board."""
        raw = self._read(path, MAX_BOARD_BYTES, "the board") if self.is_obz else self.single
        return parse_json(raw, self.where(path), problems)

    def media(self, path: str) -> bytes:
        """A picture or recording in the package, or BoardsError."""
        return self._read(path, MAX_MEDIA_BYTES, "the file")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def _read(self, path: str, limit: int, what: str) -> bytes:
        info = self.entries.get(path)
        if self.zip is None or info is None:
            raise BoardsError(path, "is not in the package")
        if info.file_size > limit:
            raise BoardsError(
                path, f"{what} is {info.file_size:,} bytes unpacked (at most {limit:,}): refused"
            )
        if info.flag_bits & 0x1:
            raise BoardsError(path, "is encrypted: cannot be read")
        self.read_bytes += info.file_size
        if self.read_bytes > MAX_TOTAL_BYTES:
            raise RefusedError(self.name, f"unpacks to more than {MAX_TOTAL_BYTES:,} bytes: refused")
        try:
            with self.zip.open(info) as stream:
                data = stream.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
        ) as error:
            raise BoardsError(path, f"cannot be read from the zip: {error}") from None
        if len(data) > limit:
            raise BoardsError(path, f"{what} is more than {limit:,} bytes unpacked: refused")
        return data


def open_package(path: Path, problems: list[Problem]) -> Package:
    """Read `path` as an .obf (JSON) or an .obz (zip), by what it holds; BoardsError when it is neither
    or cannot be used at all."""
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise BoardsError(str(path), "not a file")
        if size > MAX_FILE_BYTES:
            raise BoardsError(str(path), f"is {size:,} bytes (at most {MAX_FILE_BYTES:,}): refused")
        with path.open("rb") as stream:
            head = stream.read(4)
            if head not in _ZIP_MAGIC:
                if size > MAX_BOARD_BYTES:
                    raise BoardsError(
                        name, f"is {size:,} bytes (a board: at most {MAX_BOARD_BYTES:,}): refused"
                    )
                return Package(name, single=head + stream.read(MAX_BOARD_BYTES))
    except OSError as error:
        raise BoardsError(str(path), f"cannot be read: {error.strerror or error}") from None
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise BoardsError(name, f"not a readable zip (an .obz is one): {error}") from None
    try:
        return _obz(name, archive, problems)
    except BoardsError:
        archive.close()
        raise


def _obz(name: str, archive: zipfile.ZipFile, problems: list[Problem]) -> Package:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BoardsError(name, f"holds {len(infos):,} files (at most {MAX_ENTRIES:,}): refused")
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        normal = inner_path(info.filename)
        if normal is None:
            raise BoardsError(
                name, f"the entry '{info.filename}' points outside the package (a zip-slip path): refused"
            )
        if info.is_dir():
            continue
        if normal in entries:
            raise BoardsError(name, f"two entries are named '{normal}': refused")
        entries[normal] = info
    package = Package(name, zip=archive, entries=entries)
    if MANIFEST not in entries:
        raise BoardsError(name, f"no {MANIFEST} (an .obz names its root board there)")
    manifest = parse_json(package._read(MANIFEST, MAX_BOARD_BYTES, "the manifest"), MANIFEST, problems)
    if not isinstance(manifest, dict):
        raise BoardsError(MANIFEST, "expected a JSON object")
    form = manifest.get("format")
    if form is not None and not (isinstance(form, str) and form.startswith(FORMAT_PREFIX)):
        raise BoardsError(MANIFEST, f"format {form!r} is not the Open Board Format ('open-board-0.1')")
    root = manifest.get("root")
    if not isinstance(root, str) or not root:
        raise BoardsError(MANIFEST, "no 'root': which board comes first is not said")
    normal_root = inner_path(root)
    if normal_root is None:
        raise BoardsError(MANIFEST, f"root '{root}' points outside the package: refused")
    if normal_root not in entries:
        raise BoardsError(MANIFEST, f"root '{root}' is not in the package")
    package.root = normal_root
    paths = manifest.get("paths", {})
    if not isinstance(paths, dict):
        problems.append(Problem(place(MANIFEST, "paths"), "expected an object; left out"))
        paths = {}
    package.boards = _id_paths(paths.get("boards"), place(MANIFEST, "paths.boards"), problems)
    package.images = _id_paths(paths.get("images"), place(MANIFEST, "paths.images"), problems)
    package.sounds = _id_paths(paths.get("sounds"), place(MANIFEST, "paths.sounds"), problems)
    return package
