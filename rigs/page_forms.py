"""Reading the caregiver page's HTML as a browser would: a form's fields as it would post them,
and the elements that carry an id (to find an error next to its field). For the page's tests
(tests/caregiver/) and its benchmark (bench/page_use.py)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.found and a.get("action") == self.action:
            self.inside = self.found = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = (a.get("value"), "selected" in a), ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self._option is not None:
            value, selected = self._option
            self._options.append((value if value is not None else self._option_text, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline right after <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


Fields = dict[str, str | list[str]]
"""A form's fields as the test client posts them (a name given twice has a list)."""


def form_fields(html: str, action: str) -> Fields:
    """What a browser would post from the first form with this `action` (no button pressed)."""
    parser = _Forms(action)
    parser.feed(html)
    assert parser.found, f"no form posting to {action}"
    fields: Fields = {}
    for name, value in parser.fields:
        if name not in fields:
            fields[name] = value
        else:
            earlier = fields[name]
            fields[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
    return fields


def replaced(fields: Fields, **values: str) -> Fields:
    """`fields` with some values changed or added (dotted names written `scanning__interval`)."""
    return {**fields, **{key.replace("__", "."): value for key, value in values.items()}}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, dict[str, str]] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.attrs[a["id"]] = {"tag": tag, **a}
            self.texts.setdefault(a["id"], "")
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self._open.append((tag, a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, element in self._open:
            if element is not None:
                self.texts[element] += data


def elements(html: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Every element with an id: its attributes, and its text (with its children's)."""
    parser = _Elements()
    parser.feed(html)
    return parser.attrs, parser.texts
