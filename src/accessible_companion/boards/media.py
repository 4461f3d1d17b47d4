"""Pictures and recordings: data: URLs, file types, and safe unique names in the config folder."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.parse
from dataclasses import dataclass, field

IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/svg": ".svg",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/x-icon": ".ico",
    "image/vnd.microsoft.icon": ".ico",
}
SOUND_TYPES = {
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/aac": ".aac",
    "audio/webm": ".webm",
}
TYPES = {"images": IMAGE_TYPES, "sounds": SOUND_TYPES}
"""By folder: content type -> file suffix. Only these are written: a picture or a recording,
never a file a desktop might run."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
MAX_STEM = 60


def decode_data_url(url: str) -> tuple[str, bytes]:
    """(content type, bytes) of a `data:` URL; ValueError when it is not one."""
    if not url.startswith("data:"):
        raise ValueError("not a data: URL")
    head, comma, body = url[5:].partition(",")
    if not comma:
        raise ValueError("a data: URL without a comma")
    parts = [part.strip().lower() for part in head.split(";")]
    try:
        if "base64" in parts[1:]:
            data = base64.b64decode("".join(body.split()), validate=True)
        else:
            data = urllib.parse.unquote_to_bytes(body)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"its base64 cannot be read ({error})") from None
    if not data:
        raise ValueError("it holds nothing")
    return parts[0], data


def suffix_for(kind: str, content_type: str, name: str) -> str:
    """The file suffix for a picture or sound: from its content type, else its name; "" if neither
    is a known kind."""
    known = TYPES[kind]
    if content_type in known:
        return known[content_type]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot >= 0 else ""
    return suffix if suffix in known.values() else ""


def content_type_of(kind: str, name: str) -> str:
    """The content type to write for a file we export, from its suffix ("" if unknown)."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return next((kind_type for kind_type, known in TYPES[kind].items() if known == suffix), "")


def safe_stem(text: str, fallback: str) -> str:
    """A file name part made only of letters, digits, `_` and `-` (never `..` or a slash)."""
    stem = _UNSAFE.sub("-", text).strip("-_")[:MAX_STEM]
    return stem or fallback


@dataclass
class MediaFiles:
    """The files an import writes into the config folder: `images/x.png` -> bytes. The same
    bytes are written once, whichever boards use them."""

    files: dict[str, bytes] = field(default_factory=dict)
    _by_digest: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, kind: str, data: bytes, stem: str, suffix: str) -> str:
        """Keep `data` as `kind/stem.suffix` (a new name if taken); its path in the folder."""
        digest = hashlib.sha256(data).hexdigest()
        if (kind, digest) in self._by_digest:
            return self._by_digest[(kind, digest)]
        base = safe_stem(stem, kind[:-1])
        name = f"{kind}/{base}{suffix}"
        number = 2
        while name in self.files:
            name = f"{kind}/{base}-{number}{suffix}"
            number += 1
        self.files[name] = data
        self._by_digest[(kind, digest)] = name
        return name
