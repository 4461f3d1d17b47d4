"""Secrets as the page shows them: recognisable, never usable; and a form sent back unchanged
keeps the stored secret."""

from __future__ import annotations

import pytest

from accessible_companion.caregiver.secrets_shown import kept_command, kept_url, shown_command, shown_url

SLACK = "https://hooks.slack.com/services/T0123ABCD/B4567EFGH/XyZabc123def456ghi789"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (SLACK, "https://hooks.slack.com/***"),
        ("https://ntfy.sh/alice-alerts", "https://ntfy.sh/***"),  # a plain-word topic is the key
        ("https://user:pw@example.org:8443/x?token=1", "https://example.org:8443/***"),
        ("https://example.org/?key=abc", "https://example.org/***"),
        ("https://example.org", "https://example.org/"),
        ("", ""),
        ("not a url at all", "***"),
    ],
)
def test_a_url_is_shown_up_to_its_host(url: str, shown: str) -> None:
    assert shown_url(url) == shown


def test_a_command_is_shown_without_its_secrets() -> None:
    argv = [
        "/usr/bin/curl",
        "-u",
        "bob:hunter2",
        "-H",
        "Authorization: Bearer abc.def",
        "--data",
        "hello",
        SLACK,
        "--token=short",
        "sk_live_51Habcdefghij0123",
        "/home/bob/alert.sh",
    ]
    shown = shown_command(argv)
    assert shown == (
        "/usr/bin/curl",
        "-u",
        "***",
        "-H",
        "***",
        "--data",
        "hello",
        "https://hooks.slack.com/***",
        "--token=***",
        "***",
        "/home/bob/alert.sh",
    )
    text = " ".join(shown)
    for secret in ("hunter2", "abc.def", "T0123ABCD", "XyZabc", "short", "sk_live"):
        assert secret not in text


def test_a_secret_sent_back_as_shown_is_kept() -> None:
    assert kept_url(shown_url(SLACK), SLACK) == SLACK
    assert kept_url("https://ntfy.sh/new-topic", SLACK) == "https://ntfy.sh/new-topic"
    assert kept_url("", SLACK) == ""  # emptied: no webhook
    stored = ("/usr/bin/notify", "--token", "abcdef123456xyz", "Help")
    sent = [*shown_command(stored)[:3], "Please come"]
    assert kept_command(sent, stored) == ("/usr/bin/notify", "--token", "abcdef123456xyz", "Please come")
