"""The caregiver's page: Journal. The caregiver report (journal/report.py's page, served as it
is, with a way back) for a chosen number of days, and the journal's CSV files to download.
Read-only; behind the same lock as every page."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..core.records import ENTRY_TYPES
from ..journal.export import export_csv
from ..journal.store import JournalError, open_existing, table_of
from ..journal.summary import period
from .pages import render, state_of

PERIODS = (7, 14, 30, 90, 365)
DEFAULT_DAYS = 14
NAMES = {
    "checkins": "Check-ins",
    "rests": "Rests",
    "rest_offers": "Rests offered",
    "alerts": "Calls for help",
    "phrases": "Phrases spoken",
    "speed_changes": "Scan speed changes",
    "presses": "Presses, as measured",
    "timing_changes": "Timings changed by pacing",
    "fatigue_signals": "Signs of tiredness",
    "notify_results": "Help notifications sent",
    "config_edits": "Changes made on this page",
    "voice_heard": "Voice commands heard",
}
"""Each CSV file (journal table) in words; a table missing here is shown by its file name."""
TABLES = tuple(table_of(kind).name for kind in ENTRY_TYPES)
BACK = (
    '<p style="margin:0.5rem 0"><a href="/journal" style="font-weight:600">'
    "&larr; Back to the caregiver page</a></p>"
)


@dataclass(frozen=True)
class Kind:
    table: str
    name: str
    rows: int


@dataclass(frozen=True)
class Look:
    """What the journal page can say about the journal file."""

    trouble: str = ""
    """Why there is nothing to show (kind words), or ""."""
    kinds: tuple[Kind, ...] = ()
    """Rows of each kind in the chosen days."""


def _days(request: Request) -> int:
    text = request.query_params.get("days", "")
    return int(text) if text.isdigit() and 1 <= int(text) <= 3650 else DEFAULT_DAYS


def _trouble(path: Path | None, error: JournalError | None = None) -> str:
    if path is None:
        return "This page was not told where the journal is, so there is nothing to show here."
    if error is None:
        return (
            "There is no journal yet. The companion starts one when it first records something: "
            "a rest, a check-in, a phrase spoken or a call for help."
        )
    if error.corrupt:
        return (
            "The journal file is damaged, so no report is made from it (it would leave out what was "
            "lost). The companion sets it aside, keeps it, and starts a new one when it next runs."
        )
    return f"The journal cannot be read just now: {error}"


def _look(path: Path | None, days: int | None) -> Look:
    if path is None or not path.is_file():
        return Look(_trouble(path))
    since = period(days)[1] if days else None
    try:
        with open_existing(path) as journal:
            kinds = tuple(
                Kind(
                    table_of(kind).name,
                    NAMES.get(table_of(kind).name, table_of(kind).name),
                    len(journal.entries(kind, since)),
                )
                for kind in ENTRY_TYPES
            )
    except JournalError as error:
        return Look(_trouble(path, error))
    return Look(kinds=kinds)


async def journal_page(request: Request) -> Response:
    state = state_of(request)
    days = _days(request)
    look = await run_in_threadpool(_look, state.journal_path, days)
    return render(
        request,
        "journal.html",
        look=look,
        days=days,
        periods=sorted({*PERIODS, days}),
        empty=bool(look.kinds) and not any(kind.rows for kind in look.kinds),
    )


def _report(path: Path, days: int) -> str:
    from ..journal.report import build_report  # matplotlib only when a report is made

    with open_existing(path) as journal:
        return build_report(journal, days, top=BACK)


async def report(request: Request) -> Response:
    path = state_of(request).journal_path
    if path is None or not path.is_file():
        return RedirectResponse("/journal", status_code=303)
    try:
        page = await run_in_threadpool(_report, path, _days(request))
    except JournalError as error:
        return render(request, "journal.html", status_code=503, look=Look(_trouble(path, error)), days=0)
    return HTMLResponse(page)


def _csv_files(path: Path, days: int | None) -> dict[str, bytes]:
    """Each exported CSV file's bytes by its table name (journal/export.py writes them)."""
    since = period(days)[1] if days else None
    with tempfile.TemporaryDirectory(prefix="companion-export-") as temp, open_existing(path) as journal:
        written = export_csv(journal, Path(temp) / "csv", since)
        return {file.stem: file.read_bytes() for file, _ in written}


def _export_days(request: Request) -> int | None:
    """`days` from the link, or None for everything."""
    return _days(request) if "days" in request.query_params else None


async def _files(request: Request) -> dict[str, bytes]:
    path = state_of(request).journal_path
    if path is None or not path.is_file():
        raise HTTPException(404, _trouble(path))
    try:
        return await run_in_threadpool(_csv_files, path, _export_days(request))
    except JournalError as error:
        raise HTTPException(503, _trouble(path, error)) from None


def _download(data: bytes, name: str, media_type: str) -> Response:
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


async def export_one(request: Request) -> Response:
    table = request.path_params["table"]
    if table not in TABLES:
        raise HTTPException(404, "There is no such part of the journal.")
    files = await _files(request)
    return _download(files[table], f"companion-{table}-{date.today()}.csv", "text/csv; charset=utf-8")


async def export_all(request: Request) -> Response:
    files = await _files(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, data in files.items():
            archive.writestr(f"{table}.csv", data)
    return _download(buffer.getvalue(), f"companion-journal-{date.today()}.zip", "application/zip")


routes: list[BaseRoute] = [
    Route("/journal", journal_page),
    Route("/journal/report", report),
    Route("/journal/export.zip", export_all),
    Route("/journal/export/{table}.csv", export_one),
]
