"""The caregiver report (HTML with the chart first) and the CSV export, on small generated journals."""

from __future__ import annotations

import argparse
import base64
import csv
import dataclasses
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from accessible_companion import journal as journal_cli
from accessible_companion.core.records import (
    ENTRY_TYPES,
    Alert,
    CheckIn,
    ConfigEdit,
    Entry,
    FatigueSignal,
    NotifyResult,
    PhraseUsed,
    Rest,
    RestOffered,
    SpeedChanged,
    VoiceHeard,
)
from accessible_companion.journal.chart import render_chart
from accessible_companion.journal.export import export_csv
from accessible_companion.journal.report import build_report, minutes_text
from accessible_companion.journal.store import NOT_STORED, E, Journal, Stamped, table_of
from accessible_companion.journal.summary import period, summarize

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def at(day: int, hour: float) -> float:
    """Unix time of `hour` o'clock local time on March `day`, 2025."""
    return datetime(2025, 3, day).timestamp() + hour * 3600


NOW = at(10, 20)  # the report is made on Monday 10 March 2025 at 20:00; 14 days = 25 Feb to 10 Mar

SMALL: list[tuple[float, Entry]] = [
    (at(8, 9), CheckIn("How I feel", "energy high", 8.0)),
    (at(8, 15), CheckIn("How I feel", "energy low", 3.0)),
    (at(8, 16), RestOffered("fatigue", True)),
    (at(8, 16.5), Rest(900.0, 900.0, "time")),
    (at(8, 18), Rest(600.0, 300.0, "user")),
    (at(9, 10), CheckIn("How I feel", "energy medium", 5.0)),
    (at(9, 11), CheckIn("How I feel", "in pain", None)),
    (at(9, 13), RestOffered("scheduled", False)),
    (at(9, 14), Alert("hold", "caregiver", 42.0, False)),
    (at(9, 14.01), NotifyResult("webhook", True, "HTTP 200")),
    (at(9, 15), FatigueSignal("misses", 4.0, 3.0)),
    (at(9, 15.01), SpeedChanged(1.5, 1.875, "fatigue")),
    (at(10, 9), CheckIn("How I feel", "energy high", 8.0)),
    (at(10, 12), Rest(1800.0, 1800.0, "time")),
    (at(10, 12.9), Alert("voice", "", None, True)),
    (at(1, 12), CheckIn("How I feel", "old answer", None)),  # 9 days before the 10th
    (at(10, 19), CheckIn("How I feel", 'fish <&> "chips"', None)),
    (at(9, 17.5), ConfigEdit(4, "this computer", "Changed the label of 'Water' in <Needs>")),
    (datetime(2025, 2, 20, 10).timestamp(), ConfigEdit(2, "this computer", "An older change")),  # before
]
# Twelve phrases used 12, 11, ... 1 times: the report shows the top ten.
SMALL += [
    (at(9, 8 + i * 0.01 + k * 0.2), PhraseUsed("phrases", f"Phrase {i:02d}", f"Text {i}."))
    for i in range(12)
    for k in range(12 - i)
]


def make_journal(path: Path, entries: list[tuple[float, Entry]] = SMALL) -> Path:
    with Journal(path) as journal:
        for when, entry in entries:
            journal.record(entry, when)
    return path


@pytest.fixture
def journal_file(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "journal.sqlite3")


class Page(HTMLParser):
    """The parts of the report page the tests look at: order of tags, images, and table rows per section."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.order: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.tables: dict[str, list[list[list[str]]]] = {}
        self._section = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.text = text
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.order.append(tag if tag != "section" else f"section#{attributes.get('id')}")
        if tag == "img":
            self.images.append(attributes)
        elif tag == "section":
            self._section = attributes.get("id") or ""
        elif tag == "table":
            self.tables.setdefault(self._section, []).append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._section][-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def table(self, section: str, index: int = 0) -> list[list[str]]:
        return self.tables[section][index]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def chart_of(page: Page) -> bytes:
    (image,) = page.images
    source = image["src"] or ""
    assert source.startswith("data:image/png;base64,")
    return base64.b64decode(source.removeprefix("data:image/png;base64,"), validate=True)


@pytest.fixture
def page(journal_file: Path) -> Page:
    with Journal(journal_file) as journal:
        return Page(build_report(journal, 14, NOW))


# --- the page ---------------------------------------------------------------------------------


def test_the_report_holds_the_chart_as_a_real_png(page: Page) -> None:
    chart = chart_of(page)
    width, height = png_size(chart)
    assert 600 <= width <= 1600 and 500 <= height <= 1600
    assert 10_000 < len(chart) < 500_000
    alt = page.images[0]["alt"] or ""
    assert alt.startswith("Chart of energy check-ins") and "Sat 8 Mar 5.5" in alt


def test_the_chart_comes_before_everything_else(page: Page) -> None:
    first_img = page.order.index("img")
    assert first_img < page.order.index("section#summary")
    assert all(first_img < i for i, tag in enumerate(page.order) if tag.startswith(("section", "table")))
    assert page.order.index("h1") < first_img  # only the title and its dates are above it


def test_rest_numbers_match_the_entries(page: Page) -> None:
    rows = page.table("rests")
    assert rows[0] == ["Day", "Rests", "Minutes rested", "Minutes planned"]
    by_day = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_day) == 14 + 1  # every day of the period and the total
    assert by_day["Sat 8 Mar"] == ["2", "20", "25"]
    assert by_day["Sun 9 Mar"] == ["0", "0", "0"]
    assert by_day["Mon 10 Mar"] == ["1", "30", "30"]
    assert by_day["All days"] == ["3", "50", "55"]
    assert "How rests ended: as planned 2, ended early 1." in page.text


def test_alerts_phrases_checkins_and_speed_are_listed(page: Page) -> None:
    alerts = page.table("alerts")
    assert alerts[1:] == [
        ["Sun 9 Mar, 14:00", "Help now", "long hold", "webhook: delivered", "42 s by caregiver"],
        ["Mon 10 Mar, 12:54", "Help now", "voice", "none", "cancelled by the user"],
    ]
    phrases = page.table("phrases")
    assert phrases[0] == ["Phrase", "Spoken as", "Times"]
    assert [row[0] for row in phrases[1:]] == [f"Phrase {i:02d}" for i in range(10)]
    assert [row[2] for row in phrases[1:]] == [str(12 - i) for i in range(10)]
    energy, answers = page.tables["checkins"]
    assert energy[-3:] == [
        ["Sat 8 Mar", "2", "5.5", "3"],
        ["Sun 9 Mar", "1", "5", "5"],
        ["Mon 10 Mar", "1", "8", "8"],
    ]
    assert answers[1:] == [['fish <&> "chips"', "1"], ["in pain", "1"], ["old answer", "1"]]
    speed, fatigue = page.tables["speed"]
    assert speed[1:] == [["Sun 9 Mar, 15:00", "1.5 s → 1.9 s", "slowed for tiredness"]]
    assert fatigue[1:] == [["Sun 9 Mar, 15:00", "missed selections", "4 (limit 3)"]]


def test_the_summary_cards_under_the_chart(page: Page) -> None:
    cards = re.sub(r"<[^>]+>", "|", page.text.split('id="summary"')[1].split("</section>")[0])
    assert "Energy, average|6 of 10|" in cards  # 8, 3, 5, 8
    assert "Rests|3|50 min in all" in cards
    assert "Calls for help|2|answered in 42 s|" in cards  # the cancelled one has no time to answer
    assert "Most used phrase|Phrase 00|12 times" in cards


@pytest.mark.parametrize(
    ("alerts", "note"),
    [
        ([], "Calls for help|0|none|"),
        ([Alert("menu", "", None, False)], "Calls for help|1|not acknowledged|"),
        ([Alert("voice", "", None, True)], "Calls for help|1|cancelled by the user|"),
        (
            [Alert("hold", "c", 30.0, False), Alert("hold", "c", 90.0, False)],
            "answered in 1 min 00 s (median)",
        ),
    ],
)
def test_the_help_card_says_how_calls_were_answered(tmp_path: Path, alerts: list[Alert], note: str) -> None:
    make_journal(tmp_path / "j.sqlite3", [(at(10, 9 + i), alert) for i, alert in enumerate(alerts)])
    with Journal(tmp_path / "j.sqlite3") as journal:
        text = build_report(journal, 3, NOW)
    assert note in re.sub(r"<[^>]+>", "|", text)


def test_calls_for_help_show_level_contacts_tried_and_response_times(tmp_path: Path) -> None:
    rows: list[tuple[float, Entry]] = [
        (at(9, 8), NotifyResult("apprise", True, "delivered", "Anna")),  # a call before the period's
        (at(10, 9), Alert("hold", "caregiver key", 95.0, False, 1, "ended", "now")),
        (at(10, 9.001), NotifyResult("apprise", True, "delivered", "Anna")),
        (at(10, 9.02), NotifyResult("apprise", False, "HTTP 500 <b>", "Ben")),
        (at(10, 11), Alert("menu", "Anna (link)", 30.0, False, 2, "ended", "need")),
        (at(10, 11.001), NotifyResult("apprise", True, "delivered", "Anna")),
        (at(10, 12), Alert("gesture", "", None, True, 3, "ended", "now")),
        (at(10, 13), Alert("voice", "", None, False, 4, "notified", "now")),
        (at(10, 13.01), NotifyResult("command", False, "exit 1", "command")),
    ]
    make_journal(tmp_path / "j.sqlite3", rows)
    with Journal(tmp_path / "j.sqlite3") as journal:
        page = Page(build_report(journal, 1, NOW))
    assert page.table("alerts")[1:] == [
        [
            "Mon 10 Mar, 09:00",
            "Help now",
            "long hold",
            "Anna: delivered; Ben: failed (HTTP 500 <b>)",
            "1 min 35 s by caregiver key",
        ],
        ["Mon 10 Mar, 11:00", "I need something", "help menu", "Anna: delivered", "30 s by Anna (link)"],
        ["Mon 10 Mar, 12:00", "Help now", "help gesture", "none", "cancelled by the user"],
        ["Mon 10 Mar, 13:00", "Help now", "voice", "command: failed (exit 1)", "not acknowledged"],
    ]
    # The median of 95 s and 30 s, the longest; the cancelled and unanswered calls have no time.
    assert "Response time (2 acknowledged): median 1 min 02 s, longest 1 min 35 s." in page.text
    assert "<b>" not in page.text.split('id="alerts"')[1]


def test_results_go_to_their_own_call_when_calls_overlap_and_deliveries_come_late(tmp_path: Path) -> None:
    """Each result row names its call by key: interleaved results of two overlapping calls, a
    delivery after the next call was raised, and a result of a call raised before the period
    are each placed by it; only a row of an older journal (no key) is placed by time."""
    rows: list[tuple[float, Entry, str | None]] = [
        (at(9, 23.9), Alert("hold", "caregiver key", 600.0, False, 1, "ended", "now"), "s-1"),  # before
        (at(10, 9), Alert("hold", "caregiver key", 300.0, False, 2, "ended", "now"), "s-2"),
        (at(10, 9 + 5 / 3600), NotifyResult("apprise", True, "delivered", "Anna", 2), "s-2"),
        (at(10, 9 + 20 / 3600), NotifyResult("apprise", True, "delivered", "Ben", 1), "s-1"),
        (at(10, 9 + 30 / 3600), Alert("menu", "Dora (link)", 60.0, False, 3, "ended", "need"), "s-3"),
        (at(10, 9 + 35 / 3600), NotifyResult("apprise", True, "delivered", "Dora", 3), "s-3"),
        (at(10, 9 + 40 / 3600), NotifyResult("apprise", False, "HTTP 500", "Carl", 2), "s-2"),
        (at(10, 9 + 50 / 3600), NotifyResult("command", False, "exit 1", "command", 3), "s-3"),
        (at(10, 10), Alert("voice", "", None, False, 4, "notified", "now"), "s-4"),
        (at(10, 10 + 5 / 3600), NotifyResult("apprise", True, "delivered", "Ed", 2), "s-2"),  # late
        (at(10, 11), Alert("gesture", "", None, False, 0, "ended", "now"), None),  # an older journal's
        (at(10, 11.01), NotifyResult("webhook", True, "HTTP 200"), None),
    ]
    with Journal(tmp_path / "j.sqlite3") as journal:
        for when, entry, key in rows:
            journal.record(entry, when, alert_key=key)
        page = Page(build_report(journal, 1, NOW))
    assert [row[2:4] for row in page.table("alerts")[1:]] == [
        ["long hold", "Anna: delivered; Carl: failed (HTTP 500); Ed: delivered"],
        ["help menu", "Dora: delivered; command: failed (exit 1)"],
        ["voice", "none"],
        ["help gesture", "webhook: delivered"],
    ]


def test_caregiver_text_is_escaped(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        text = build_report(journal, 14, NOW)
    assert "fish &lt;&amp;&gt; &quot;chips&quot;" in text and "<&>" not in text


def test_days_limits_the_report(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        short = Page(build_report(journal, 2, NOW))
        long = Page(build_report(journal, 30, NOW))
    assert [row[0] for row in short.table("rests")[1:]] == ["Sun 9 Mar", "Mon 10 Mar", "All days"]
    assert short.table("rests")[-1][1] == "1"  # the two rests of the 8th are out
    with Journal(journal_file) as journal:
        assert "old answer" not in build_report(journal, 9, NOW)
        assert "old answer" in build_report(journal, 10, NOW)
    assert len(long.table("rests")) == 1 + 30 + 1


def test_an_empty_journal_still_makes_a_report(tmp_path: Path) -> None:
    with Journal(tmp_path / "empty.sqlite3") as journal:
        text = build_report(journal, 14, NOW)
    page = Page(text)
    png_size(chart_of(page))
    assert "No energy check-ins in these days." in page.images[0]["alt"]  # type: ignore[operator]
    assert "No calls for help in these days." in text


def test_summary_and_period() -> None:
    dates, since, until = period(3, NOW)
    assert [d.day for d in dates] == [8, 9, 10]
    assert (since, until) == (at(8, 0), at(11, 0))
    assert (
        minutes_text(59.6) == "1 h 00 min"
        and minutes_text(125) == "2 h 05 min"
        and minutes_text(0.2) == "0 min"
    )


def test_summary_means_per_day(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        summary = summarize(journal, 3, NOW)
    assert summary.questions == ("How I feel",)
    assert summary.series_means("How I feel") == [5.5, 5.0, 8.0]
    assert [(row.rests, row.rest_minutes) for row in summary.days] == [(2, 20.0), (0, 0.0), (1, 30.0)]
    # Dots sit within their day, morning left of evening.
    xs = [x for x, _, _ in summary.energy_points]
    assert 0 - 0.35 < xs[0] < xs[1] < 0 + 0.35 and 2 - 0.35 < xs[-1] < 2


def test_config_changes_made_on_the_page_are_listed_last(page: Page) -> None:
    assert page.order.index("section#config") > page.order.index("section#speed")
    section = page.text.split('id="config"')[1].split("</section>")[0]
    assert "Config changes" in section
    assert "Sun 9 Mar, 17:30: Changed the label of &#x27;Water&#x27; in &lt;Needs&gt;" in section
    assert "(version 4, this computer)" in section
    assert "An older change" not in section


def test_no_config_changes_are_said_in_words(tmp_path: Path) -> None:
    with Journal(make_journal(tmp_path / "j.sqlite3", SMALL[:3])) as journal:
        page = build_report(journal, 14, NOW)
    assert "No changes on the caregiver&#x27;s page in these days." in page


VOICE: list[tuple[float, Entry]] = [
    *((at(9, 10 + k * 0.1), VoiceHeard("next", "next", True, "", 0.9)) for k in range(3)),
    (at(9, 11), VoiceHeard("next", "next", False, "unsure (0.41)", 0.41)),
    (at(5, 11), VoiceHeard("next", "next", False, "unsure (0.62)", 0.62)),
    *((at(1, 10 + k * 0.1), VoiceHeard("next", "next", True, "", 0.9)) for k in range(4)),  # the week before
    *(
        (at(8, 9 + k * 0.1), VoiceHeard("go back", "go back", False, "too short (0.08 s)", 0.8))
        for k in range(2)
    ),
    *((at(7, 9 + k * 0.1), VoiceHeard("um", "", False, "not a command", 0.3)) for k in range(3)),
    (at(7, 10), VoiceHeard("water", "", False, "unknown word", 0.2)),
    (at(7, 11), VoiceHeard("oh", "oh", False, "too long (3.20 s)", 0.2)),
    (at(7, 12), VoiceHeard("ah", "", False, "not like the user's takes", 0.2)),
    (datetime(2025, 2, 20, 10).timestamp(), VoiceHeard("next", "next", False, "unsure (0.3)", 0.3)),  # before
]


def test_voice_commands_taken_per_week_and_why_words_were_not(tmp_path: Path) -> None:
    with Journal(make_journal(tmp_path / "j.sqlite3", VOICE)) as journal:
        page = Page(build_report(journal, 14, NOW))
    assert page.order.index("section#voice") > page.order.index("section#pace")
    commands, reasons = page.table("voice", 0), page.table("voice", 1)
    assert commands == [
        ["Command words", "Last 7 days", "The 7 days before"],
        ["next", "3 of 5", "4 of 4"],  # a phrase tried 9 times in these days, most tried first
        ["go back", "0 of 2", "–"],
        ["oh", "0 of 1", "–"],
    ]
    # The top five reasons, an unsure's figure left out so both count as one reason.
    assert reasons == [
        ["Reason", "Times"],
        ["not a command", "3"],
        ["too short", "2"],
        ["unsure", "2"],
        ["not like the user's takes", "1"],
        ["too long", "1"],
    ]


def test_no_voice_commands_are_said_in_words(tmp_path: Path) -> None:
    with Journal(make_journal(tmp_path / "j.sqlite3", SMALL[:3])) as journal:
        page = build_report(journal, 14, NOW)
    assert "No voice commands were heard in these days." in page


def test_the_journal_package_does_not_load_matplotlib() -> None:
    code = "import sys, accessible_companion.journal; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- export -----------------------------------------------------------------------------------


def _parser(type_name: object) -> Callable[[str], Any]:
    """How to read one column back, by the dataclass field's (string) type."""
    match str(type_name).replace(" ", ""):
        case "float":
            return float
        case "int":
            return int
        case "float|None":
            return lambda text: float(text) if text else None
        case "bool":
            return lambda text: text == "yes"
        case _:
            return str


def read_csv(kind: type[E], path: Path) -> list[Stamped[E]]:
    """The entries of one exported file, as the journal holds them (the export's inverse)."""
    parsers = {f.name: _parser(f.type) for f in dataclasses.fields(kind) if f.name not in NOT_STORED}
    make: Callable[..., E] = kind
    with path.open(encoding="utf-8", newline="") as file:
        return [
            Stamped(
                int(row["id"]),
                float(row["at"]),
                row["local_time"],
                make(**{name: parse(row[name]) for name, parse in parsers.items()}),
                row.get("alert_key") or None,
            )
            for row in csv.DictReader(file)
        ]


def test_csv_export_round_trips_every_row(journal_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    with Journal(journal_file) as journal:
        written = export_csv(journal, out)
        assert [p.name for p, _ in written] == [f"{table_of(k).name}.csv" for k in ENTRY_TYPES]
        for kind, (file, count) in zip(ENTRY_TYPES, written, strict=True):
            stored = journal.entries(kind)
            assert read_csv(kind, file) == stored and count == len(stored)
    rests = (out / "rests.csv").read_text(encoding="utf-8").splitlines()
    assert rests[0] == "id,at,local_time,planned_seconds,actual_seconds,ended_by"
    assert (out / "rest_offers.csv").read_text(encoding="utf-8").splitlines()[1].endswith(",fatigue,yes")


def test_csv_export_says_which_call_for_help_each_result_is_of(tmp_path: Path) -> None:
    """Two calls overlap: their notification results are told apart by the call's key."""
    with Journal(tmp_path / "journal.sqlite3") as journal:
        journal.record(Alert("hold", "caregiver", None, False), at(9, 14), alert_key="3f9c-1")
        journal.record(Alert("voice", "nurse", None, False), at(9, 14.001), alert_key="3f9c-2")
        journal.record(NotifyResult("webhook", False, "HTTP 500"), at(9, 14.002), alert_key="3f9c-2")
        journal.record(NotifyResult("webhook", True, "HTTP 200"), at(9, 14.003), alert_key="3f9c-1")
        journal.record(NotifyResult("email", True, "sent"), at(9, 14.004))  # its call not known
        export_csv(journal, tmp_path / "csv")
    with (tmp_path / "csv" / "notify_results.csv").open(encoding="utf-8", newline="") as file:
        results = csv.DictReader(file)
        assert list(results.fieldnames or ())[:4] == ["id", "at", "local_time", "alert_key"]
        assert [(r["alert_key"], r["detail"]) for r in results] == [
            ("3f9c-2", "HTTP 500"),
            ("3f9c-1", "HTTP 200"),
            ("", "sent"),
        ]
    with (tmp_path / "csv" / "alerts.csv").open(encoding="utf-8", newline="") as file:
        assert [(r["alert_key"], r["trigger"]) for r in csv.DictReader(file)] == [
            ("3f9c-1", "hold"),
            ("3f9c-2", "voice"),
        ]
    rests = (tmp_path / "csv" / "rests.csv").read_text(encoding="utf-8").splitlines()
    assert "alert_key" not in rests[0]  # only the tables whose rows belong to a call


def test_csv_export_of_the_last_days(journal_file: Path, tmp_path: Path) -> None:
    with Journal(journal_file) as journal:
        written = dict(export_csv(journal, tmp_path, since=period(1, NOW)[1]))
    assert written[tmp_path / "rests.csv"] == 1 and written[tmp_path / "checkins.csv"] == 2


# --- command line -----------------------------------------------------------------------------


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="accessible-companion")
    journal_cli.register(parser.add_subparsers(dest="command"))
    return journal_cli.main(parser.parse_args(argv))


def test_cli_report_writes_the_page(
    journal_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.html"
    assert run("journal", "report", "--journal", str(journal_file), "--out", str(out), "--days", "400") == 0
    assert capsys.readouterr().out == f"report of the last 400 days written to {out}\n"
    page = Page(out.read_text(encoding="utf-8"))
    png_size(chart_of(page))
    # Health data: only the user may read it (the modes whatever the umask: see tests/test_private.py).
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.parent.stat().st_mode & 0o777 == 0o700  # made by the report
    assert list(out.parent.iterdir()) == [out]  # no temporary file left beside it


def test_cli_without_a_journal_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite3"
    assert run("journal", "report", "--journal", str(missing), "--out", str(tmp_path / "r.html")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"no journal yet at {missing}" in err
    assert not missing.exists() and not (tmp_path / "r.html").exists()


def test_cli_export_and_path(
    journal_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "csv"
    assert run("journal", "export", "--csv", "--journal", str(journal_file), "--out", str(out)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(ENTRY_TYPES) and lines[1] == f"{out / 'rests.csv'} (3 rows)"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert run("journal", "path") == 0
    assert capsys.readouterr().out == f"{tmp_path / 'accessible-companion' / 'journal.sqlite3'}\n"


def test_cli_refuses_a_bad_number_of_days(journal_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("journal", "report", "--journal", str(journal_file), "--days", "0")
    assert exit_.value.code == 2 and "days must be at least 1" in capsys.readouterr().err


# --- the sample in docs/ ----------------------------------------------------------------------


@pytest.mark.real
def test_the_sample_script_renders_the_chart_and_report(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sample-journal"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "entries over 14 days" in done.stdout
    chart = (tmp_path / "report-chart.png").read_bytes()
    png_size(chart)
    page = Page((tmp_path / "report-sample.html").read_text(encoding="utf-8"))
    assert chart_of(page) == chart
    # The committed copies exist (re-run the script after changing the report; bytes differ between
    # matplotlib versions, so they are not compared).
    assert png_size((ROOT / "docs" / "report-chart.png").read_bytes())[0] >= 600
    assert Page((ROOT / "docs" / "report-sample.html").read_text(encoding="utf-8")).images


def test_a_question_with_dollar_signs_is_text_in_the_chart_not_math(tmp_path: Path) -> None:
    # With two questions the legend names each; matplotlib would read "$...$" as mathtext
    # and fail on this one.
    entries = [*SMALL, (at(9, 12), CheckIn("Pain $x^{$ today", "3", 3.0))]
    with Journal(make_journal(tmp_path / "journal.sqlite3", entries)) as journal:
        summary = summarize(journal, 14, NOW)
        assert "Pain $x^{$ today" in summary.questions
        png = render_chart(summary)
    assert png.startswith(b"\x89PNG")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    entries: list[tuple[float, Entry]] = [
        (at(9, 9), PhraseUsed("phrases", '=HYPERLINK("http://x")', "-2+3")),
        (at(9, 10), CheckIn("How I feel", "@SUM(A1)", None)),
        (at(9, 11), PhraseUsed("phrases", "Water", "I would like some water, please.")),
    ]
    with Journal(make_journal(tmp_path / "journal.sqlite3", entries)) as journal:
        export_csv(journal, tmp_path / "csv")
    with (tmp_path / "csv" / f"{table_of(PhraseUsed).name}.csv").open(encoding="utf-8", newline="") as file:
        phrases = list(csv.DictReader(file))
    with (tmp_path / "csv" / f"{table_of(CheckIn).name}.csv").open(encoding="utf-8", newline="") as file:
        check_ins = list(csv.DictReader(file))
    assert [(row["label"], row["text"]) for row in phrases] == [
        ('\'=HYPERLINK("http://x")', "'-2+3"),
        ("Water", "I would like some water, please."),
    ]
    assert check_ins[0]["answer"] == "'@SUM(A1)"
