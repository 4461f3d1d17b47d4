"""The one error one-liner: flat, never empty, cut with an ellipsis."""

from __future__ import annotations

from accessible_companion.errors import named, one_line


def test_whitespace_runs_and_newlines_become_one_space() -> None:
    assert one_line("  cannot\n  open\tthe device \n") == "cannot open the device"
    assert one_line(OSError("disk\nfull")) == "disk full"


def test_an_error_without_a_message_gives_its_type() -> None:
    assert one_line(TimeoutError()) == "TimeoutError"
    assert one_line("") == ""


def test_a_long_text_is_cut_to_the_limit_with_an_ellipsis() -> None:
    assert one_line("x" * 10, limit=10) == "x" * 10
    assert one_line("x" * 11, limit=10) == "x" * 9 + "…"


def test_named_puts_the_type_first() -> None:
    assert named(ValueError("bad\nvalue")) == "ValueError: bad value"
    assert named(RuntimeError("y" * 50), limit=20) == "RuntimeError: yyyyy…"


# --- secrets ----------------------------------------------------------------------------------

from accessible_companion.errors import redact, url_secrets  # noqa: E402

HOOK = "https://user:pw@hooks.example.org:8443/hook/T0123abc/Xy9ZsecretKEY?token=abc123&v=1#frag"


def test_a_url_keeps_its_host_and_plain_path_and_loses_its_secrets() -> None:
    assert redact(f"cannot post to {HOOK} now") == (
        "cannot post to https://***@hooks.example.org:8443/hook/***/***?***#*** now"
    )
    slack = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    assert redact(slack) == "https://hooks.slack.com/services/***/***/***"
    assert (
        redact("cannot reach 127.0.0.1: Connection refused") == "cannot reach 127.0.0.1: Connection refused"
    )


def test_tokens_by_name_and_bearer_are_hidden() -> None:
    assert redact("Authorization: Bearer eyJhbGciOi.x-y") == "Authorization: Bearer ***"
    assert redact('{"error": "bad token=abc123", "password": "hunter2"}') == (
        '{"error": "bad token=***", "password": "***"}'
    )
    assert redact("api_key: k-1 & secret=s") == "api_key: *** & secret=***"


def test_known_secrets_are_hidden_wherever_they_appear() -> None:
    secrets = url_secrets(HOOK)
    # urllib's own words for a URL with user:password in it, and a server echoing the key.
    assert redact("InvalidURL: nonnumeric port: 'pw@hooks.example.org:8443'", secrets) == (
        "InvalidURL: nonnumeric port: '***@hooks.example.org:8443'"
    )
    assert redact("HTTP 403: no hook Xy9ZsecretKEY (T0123abc)", secrets) == "HTTP 403: no hook *** (***)"
    # An ntfy topic is its own key, though it looks like words.
    assert redact("no topic mytopic-secret", url_secrets("https://ntfy.sh/mytopic-secret")) == "no topic ***"
    # Short query values ("1") are not blanked everywhere: "attempt 1" stays.
    assert redact("attempt 1 of 3", secrets) == "attempt 1 of 3"


def test_redacting_twice_changes_nothing_more() -> None:
    for text in (HOOK, "Bearer abc", "token=x", "plain words"):
        once = redact(text, url_secrets(HOOK))
        assert redact(once, url_secrets(HOOK)) == once == redact(once)
