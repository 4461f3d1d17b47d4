"""The rules of the "I'm coming" links: single use, expiry (the alert's end or the lifetime),
another alert's link, a changed token, and where a link is offered at all."""

from __future__ import annotations

from accessible_companion.notify.ack_links import AckLinks, reachable
from accessible_companion.notify.notifier import Notifier


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_link_acknowledges_once_and_then_says_who_did_and_when() -> None:
    links = AckLinks(Clock())
    anna, ben = links.make(1, "Anna"), links.make(1, "Ben")
    assert links.look(anna).state == "open"
    assert links.look(anna).state == "open"  # looking (a chat app's preview) changes nothing
    used = links.use(anna)
    assert (used.state, used.alert, used.contact) == ("acknowledged", 1, "Anna")
    again = links.use(anna)
    assert (again.state, again.by, again.at) == ("used", "Anna", used.at)
    assert len(used.at) == 5 and used.at[2] == ":"  # 14:02
    other = links.use(ben)  # the alert is already acknowledged: Ben's link says by whom
    assert (other.state, other.by) == ("used", "Anna")


def test_a_link_expires_with_its_alert_or_after_its_lifetime() -> None:
    clock = Clock()
    links = AckLinks(clock, lifetime=7200)
    first = links.make(1, "Anna")
    links.end(1)  # the caregiver's key, or the user's cancel
    assert links.use(first).state == "expired"
    assert links.look(first).state == "expired"
    second = links.make(2, "Anna")
    clock.now += 7199
    assert links.look(second).state == "open"
    clock.now += 2
    assert links.use(second).state == "expired"


def test_a_link_of_another_alert_does_not_acknowledge_this_one() -> None:
    links = AckLinks(Clock())
    old = links.make(1, "Anna")
    links.end(1)
    links.make(2, "Anna")
    answer = links.use(old)
    assert (answer.state, answer.alert) == ("expired", 1)
    assert links.look(links.make(2, "Ben")).state == "open"  # alert 2 stayed unacknowledged


def test_a_changed_or_unknown_token_acknowledges_nothing() -> None:
    links = AckLinks(Clock())
    token = links.make(1, "Anna")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.use(changed).state == "unknown"
    assert links.use("").state == "unknown"
    assert links.use(token + "x").state == "unknown"
    assert links.use(token).state == "acknowledged"  # the real one still works
    assert AckLinks(Clock()).use(token).state == "unknown"  # another run never made it


def test_the_link_is_offered_only_where_a_phone_can_reach_the_page() -> None:
    assert reachable("http://192.168.1.7:8765/")
    assert reachable("http://[fd00::2]:8765/")
    assert reachable("http://companion.home:8765/")
    assert not reachable("http://127.0.0.1:8765/")
    assert not reachable("http://[::1]:8765/")
    assert not reachable("http://localhost:8765/")
    assert not reachable("")
    links = AckLinks(Clock())
    key = "Press the caregiver key to stop the alarm."
    assert links.line(1, "Anna", "I'm coming: {url}", key) == key  # no page
    links.page_url = "http://127.0.0.1:8765/"
    assert links.line(1, "Anna", "I'm coming: {url}", key) == key
    links.page_url = "http://192.168.1.7:8765/"
    line = links.line(1, "Anna", "I'm coming: {url}", key)
    assert line.startswith("I'm coming: http://192.168.1.7:8765/ack/")
    token = line.rsplit("/", 1)[1]
    assert len(token) >= 20 and links.look(token).contact == "Anna"


def test_the_notifier_ends_a_contact_s_message_with_its_own_link() -> None:
    """What the notifier queues (sending is tests/notify/test_contacts.py and the e2e run)."""
    from accessible_companion.core.settings import Contact

    links = AckLinks(Clock())
    links.page_url = "http://192.168.1.7:8765/"
    notifier = Notifier(
        contacts=(Contact("Anna", url="json://127.0.0.1:9/a"), Contact("Ben", url="json://127.0.0.1:9/b")),
        links=links,
    )
    notifier.notify(3, "Please come.", "hold", 1, "now", "I'm coming: {url}", "Press the key.")
    notifier.notify(3, "Please come.", "hold", 0, "now")  # no texts given: the message as it is
    queued = list(notifier._pending)
    first, second = queued[0].message.split("\n")
    assert first == "Please come." and second.startswith("I'm coming: http://192.168.1.7:8765/ack/")
    answer = links.look(second.rsplit("/", 1)[1])
    assert (answer.alert, answer.contact) == (3, "Ben")
    assert queued[1].message == "Please come."
    notifier.ended(3)
    assert links.look(second.rsplit("/", 1)[1]).state == "expired"
    notifier.stop()
