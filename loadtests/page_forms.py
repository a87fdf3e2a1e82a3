"""The forms on a page, as a browser would submit them untouched (Locust users fill in a few
fields on top): text inputs and hidden fields with their values, checked boxes and radios,
the selected option of each list, textareas' text. Standard library only (html.parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise ValueError("no CSRF token on the page")
    return found.group(1)


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)  # what submitting it untouched sends
    options: dict[str, list[str]] = field(default_factory=dict)  # radios' and selects' values


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field_name: str) -> Form:
    """The page's form that has a field named `field_name`."""
    for form in forms(html):
        if field_name in form.values or field_name in form.options:
            return form
    raise ValueError(f"no form with a field {field_name!r} on the page")


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "file", "reset"):
                form.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if self._select_first is None:
                self._select_first = value
                form.values.setdefault(self._select, value)
            if "selected" in a:
                form.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.values[self._textarea] = "".join(self._text).lstrip("\n")
            self._textarea = None
