"""The caregiver's page: Boards. Every menu out as one .obz (Open Board Format) to open in another
AAC tool, and a board file (.obf or .obz) from another tool in, beside the caregiver's menus."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..boards.api import ExportReport, export_boards
from ..boards.media import safe_stem
from ..boards.problems import BoardsError
from ..config.problems import ConfigError
from .board_import import import_into_config
from .history_pages import problem_text
from .pages import checked_form, render, session_of, state_of

MAX_UPLOAD = 50 * 1024 * 1024
"""The largest board file taken (a big .obz with pictures is a few MB; the reader's own limit is higher)."""
CHUNK = 1024 * 1024
TOO_BIG = (
    f"That file is larger than {MAX_UPLOAD // (1024 * 1024)} MB, which is more than any board set "
    "needs. Nothing was imported. If it holds many large pictures, make them smaller in the tool "
    "it came from and export it again."
)
FIELD = "board"


async def boards(request: Request) -> Response:
    return render(request, "boards.html", max_mb=MAX_UPLOAD // (1024 * 1024))


def _export(config: Path) -> tuple[bytes, ExportReport]:
    with tempfile.TemporaryDirectory(prefix="companion-export-") as temp:
        report = export_boards(Path(temp) / "menus.obz", config)
        return report.out.read_bytes(), report


async def export(request: Request) -> Response:
    state = state_of(request)
    try:
        data, _ = await run_in_threadpool(_export, state.config)
    except ConfigError as error:
        problems = [problem_text(p, state.config) for p in error.problems]
        return _page(
            request,
            409,
            export_error="The menus have problems, so they cannot be exported:",
            export_problems=problems,
        )
    except BoardsError as error:
        return _page(request, 500, export_error=f"The board file could not be made: {error}")
    name = f"companion-menus-{date.today()}.obz"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def import_board(request: Request) -> Response:
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return _page(request, 411, import_error="The browser did not say how large the file is. Try again.")
    if int(length) > MAX_UPLOAD + CHUNK:  # the form's other fields are small
        return _page(request, 413, import_error=TOO_BIG)
    form = await checked_form(request)
    upload = form.get(FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, 400, import_error="Choose a board file (.obf or .obz) first.")
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    stem = safe_stem(Path(name).stem, "board")
    with tempfile.TemporaryDirectory(prefix="companion-upload-") as temp:
        path = Path(temp) / f"{stem}{suffix if suffix in ('.obf', '.obz') else ''}"
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    return _page(request, 413, import_error=TOO_BIG)
                out.write(chunk)
        if size == 0:
            return _page(request, 400, import_error=f"{name} is empty. Nothing was imported.")
        result = await run_in_threadpool(import_into_config, state_of(request), path, session_of(request).who)
    state = state_of(request)
    status = 200 if result.ok else 422
    return _page(
        request,
        status,
        result=result,
        name=name,
        import_problems=[problem_text(p, state.config) for p in result.problems],
    )


def _page(request: Request, status_code: int, **context: object) -> Response:
    return render(
        request, "boards.html", status_code=status_code, max_mb=MAX_UPLOAD // (1024 * 1024), **context
    )


routes: list[BaseRoute] = [
    Route("/boards", boards),
    Route("/boards/export.obz", export),
    Route("/boards/import", import_board, methods=["POST"]),
]
