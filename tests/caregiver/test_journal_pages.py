"""The Journal on the caregiver's page: the caregiver report (with its chart) and the CSV files, read
from a real journal file, and kind words when there is none."""

from __future__ import annotations

import base64
import csv
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from accessible_companion.core.records import ENTRY_TYPES, CheckIn, ConfigEdit, PhraseUsed, Rest
from accessible_companion.journal.store import Journal, table_of

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def journal_file(tmp_path: Path, page_state: PageState) -> Path:
    """A journal with a few entries of the last days, as the companion's store writes them."""
    path = tmp_path / "data" / "journal.sqlite3"
    now = time.time()
    with Journal(path) as journal:
        journal.record(CheckIn("How I feel", "energy low", 3.0), now - 3600)
        journal.record(Rest(900.0, 600.0, "user"), now - 3000)
        journal.record(PhraseUsed("phrases", "Water", "I would like some water, please."), now - 2000)
        journal.record(PhraseUsed("phrases", "Water", "I would like some water, please."), now - 1000)
        journal.record(ConfigEdit(4, "this computer", "Renamed 'Water' to 'Drink' in Phrases"), now - 500)
        journal.record(PhraseUsed("phrases", "Yes", "Yes."), now - 40 * 86400)  # long ago
    page_state.journal_path = path
    return path


def test_without_a_journal_the_page_says_so_kindly(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page = client.get("/journal")
    assert page.status_code == 200 and "was not told where the journal is" in page.text
    page_state.journal_path = tmp_path / "none.sqlite3"
    page = client.get("/journal")
    assert "There is no journal yet" in page.text and "/journal/report" not in page.text
    assert client.get("/journal/report", follow_redirects=False).headers["location"] == "/journal"
    assert client.get("/journal/export.zip").status_code == 404
    assert not page_state.journal_path.exists()  # looking made no journal


def test_an_empty_journal_says_nothing_was_recorded(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page_state.journal_path = tmp_path / "empty.sqlite3"
    Journal(page_state.journal_path).close()
    page = client.get("/journal?days=7").text
    assert "Nothing was recorded in the last 7 days." in page


def test_the_journal_page_offers_the_report_and_each_file(client: TestClient, journal_file: Path) -> None:
    page = client.get("/journal?days=30").text
    assert '<option value="30" selected>30 days</option>' in page
    assert '<label for="days">' in page
    assert 'href="/journal/report?days=30"' in page
    assert 'href="/journal/export/phrases.csv?days=30" download>Phrases spoken</a>\n    (2 entries)' in page
    assert "Changes made on this page</a>\n    (1 entry)" in page
    assert page.count('href="/journal/export/') == len(ENTRY_TYPES)


def test_the_report_is_served_with_its_chart_and_the_config_changes(
    client: TestClient, journal_file: Path
) -> None:
    response = client.get("/journal/report?days=7")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>The last 7 days</h1>" in page
    assert '<a href="/journal"' in page.split("<h1>")[0]  # the way back comes first
    found = re.search(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert found is not None
    assert base64.b64decode(found.group(1), validate=True)[:8] == PNG
    config = page.split('id="config"')[1].split("</section>")[0]
    assert "Renamed &#x27;Water&#x27; to &#x27;Drink&#x27; in Phrases" in config
    assert "(version 4, this computer)" in config


def test_each_csv_downloads_with_its_rows(client: TestClient, journal_file: Path) -> None:
    response = client.get("/journal/export/phrases.csv?days=14")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="companion-phrases-\d{4}-\d\d-\d\d\.csv"',
        response.headers["content-disposition"],
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["label"] for row in rows] == ["Water", "Water"]  # the one of 40 days ago is older
    everything = client.get("/journal/export/phrases.csv").text
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 3
    edits = list(csv.DictReader(io.StringIO(client.get("/journal/export/config_edits.csv").text)))
    assert [(r["version"], r["who"], r["summary"]) for r in edits] == [
        ("4", "this computer", "Renamed 'Water' to 'Drink' in Phrases")
    ]
    assert client.get("/journal/export/nothing.csv").status_code == 404


def test_all_files_download_as_one_zip(client: TestClient, journal_file: Path) -> None:
    response = client.get("/journal/export.zip")
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{table_of(k).name}.csv" for k in ENTRY_TYPES)
        checkins = archive.read("checkins.csv").decode("utf-8").splitlines()
    assert checkins[0] == "id,at,local_time,question,answer,value" and len(checkins) == 2


def test_a_damaged_journal_is_not_reported_and_said_so(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"not a database at all " * 200)
    page_state.journal_path = path
    assert "The journal file is damaged" in client.get("/journal").text
    response = client.get("/journal/report")
    assert response.status_code == 503 and "The journal file is damaged" in response.text
    assert client.get("/journal/export.zip").status_code == 503
    assert path.read_bytes().startswith(b"not a database")  # left as it was


def test_a_visitor_without_a_session_gets_no_journal(page_state: PageState, journal_file: Path) -> None:
    with TestClient(
        build_app(page_state), base_url="http://127.0.0.1:8765", client=("192.168.1.7", 5000)
    ) as other:
        for path in ("/journal", "/journal/report", "/journal/export.zip", "/journal/export/phrases.csv"):
            response = other.get(path, follow_redirects=False)
            assert response.status_code in (303, 400, 401, 403), path
            assert "Water" not in response.text and "Companion report" not in response.text
