"""Personal data out of error reports (and JSON log lines).

We cannot know the values of personal fields in advance, so an event is scrubbed in two passes:
1. *learn*: values held under personal keys anywhere in the event (a frame's local `address`,
   `'person_name': 'Ada'` inside a dict's repr, the request body's `email`) are collected;
2. *scrub*: those keys are blanked, and every string in the event (exception messages, other
   locals, breadcrumbs, extra) loses those values, e-mail addresses, phone numbers, UK
   postcodes, IP addresses and the contents of model reprs (`<User: a@b.org>`).
Over-scrubbing a debug value is acceptable; sending someone's address is not.

Personal keys: every field declared `personal` in core.privacy's registry, common ones
(address, phone, email, name, person_*, postcode, password, token, ...), and containers that
usually hold a submission (data, body, args, kwargs).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, quote_plus

REDACTED = "[Filtered]"

COMMON_KEYS = frozenset({
    "address", "phone", "email", "name", "postcode", "password", "token", "keysafe_code",
    "access_notes", "first_name", "last_name", "full_name", "username", "ip", "ip_address",
    "remote_addr", "authorization", "cookie", "cookies", "sessionid", "csrftoken",
    "x_forwarded_for", "x_real_ip", "forwarded", "secret", "user", "mobile", "surname",
})
# Keys whose value is a whole submission: blanked, their own name says nothing about it.
CONTAINER_KEYS = frozenset({
    "data", "body", "payload", "cleaned_data", "post", "args", "kwargs", "db.params", "params",
    "initial", "env",
})
FRAGMENTS = ("address", "phone", "email", "password", "passwd", "secret", "token", "postcode",
             "keysafe", "access_note", "person_", "cookie", "authorization", "csrf", "session",
             "api_key", "apikey", "credential", "forwarded", "real_ip", "mobile")
# `*_name` is a person's name unless it is one of these.
SAFE_NAMES = frozenset({"schema_name", "task_name", "model_name", "app_name", "url_name",
                        "view_name", "field_name", "template_name", "server_name",
                        "queue_name", "table_name", "logger_name", "func_name"})
# Top-level event keys that hold no user input (and the group tag, which must survive).
SKIP = frozenset({"tags", "release", "environment", "sdk", "event_id", "timestamp",
                  "start_timestamp", "level", "platform", "type", "modules", "debug_meta"})
# Under these keys, each child key is judged (a frame's locals, extra, span/breadcrumb data).
KEYED = frozenset({"vars", "extra", "data", "request", "user", "headers", "params"})
HEADERS_DROPPED = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                             "x-forwarded-for", "x-real-ip", "forwarded", "x-csrftoken"})
# Source code and code locations in a frame: not data, and worth keeping readable.
CODE_KEYS = frozenset({"pre_context", "context_line", "post_context", "abs_path", "filename",
                       "module", "function", "package", "instruction_addr"})
NOT_VALUES = frozenset({"None", "True", "False", REDACTED, "''", '""', "[]", "{}"})

EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.+/-])(?:\+|\(\s*)?\d[\d\s().-]{7,18}\d(?![\w.])")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b", re.I)
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
MODEL_REPR = re.compile(r"<([A-Za-z_][\w.]*): [^<>]*>")
# `key': 'value'`, `key=value`, `"key": ["value"]` inside a repr, a query string or a message.
KEYED_TEXT = re.compile(
    r"""(?P<key>[A-Za-z_][\w.-]*)['"]?\s*[:=]\s*\[?\s*"""
    r"""(?:(?P<q>['"])(?P<qval>.*?)(?P=q)|(?P<val>[^\s&,;'"\]}\)>]+))"""
)


def is_personal_key(key: str) -> bool:
    k = key.lower().replace("-", "_")
    if k in COMMON_KEYS or k in CONTAINER_KEYS or k in registry_keys():
        return True
    if k.endswith("_name") and k not in SAFE_NAMES:
        return True
    return any(f in k for f in FRAGMENTS)


def _learns_from(key: str) -> bool:
    # A container's text is learnt from through KEYED_TEXT; learning the whole of it as one
    # value would blank task names and the like everywhere.
    return key.lower() not in CONTAINER_KEYS


def registry_keys() -> frozenset[str]:
    from django.apps import apps

    if not apps.ready:  # too early to read the registry; not cached, so a later call will
        return frozenset()
    return _registry_keys()


@lru_cache(maxsize=1)
def _registry_keys() -> frozenset[str]:
    from core.privacy.registry import declared_models, policy_for

    return frozenset(name.lower() for model in declared_models()
                     for name in policy_for(model).personal)


class Scrubber:
    """One event's scrubbing: learn() values, then text() and walk()."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        self._pattern: re.Pattern | None = None

    # --- learning -------------------------------------------------------------------------
    def learn(self, value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                self.learn(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.learn(v)
        elif isinstance(value, str):
            self._add(value)

    def _add(self, value: str) -> None:
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]  # a string local arrives as its repr
        if len(value) < 3 or value in NOT_VALUES:
            return
        parts = {value} | {p.strip() for p in re.split(r"[,\n]", value) if len(p.strip()) >= 4}
        for part in parts:
            self.values |= {part, quote(part), quote_plus(part)}
        self._pattern = None

    def learn_tree(self, node, keyed: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if keyed and isinstance(key, str) and is_personal_key(key):
                    if _learns_from(key):
                        self.learn(value)
                    else:
                        self.learn_tree(value, True)
                elif keyed or key not in CODE_KEYS:
                    self.learn_tree(value, keyed or key in KEYED)
        elif isinstance(node, (list, tuple)):
            for item in node:
                self.learn_tree(item, keyed)
        elif isinstance(node, str):
            for m in KEYED_TEXT.finditer(node):
                if is_personal_key(m["key"]):
                    self._add(m["qval"] if m["q"] else m["val"])

    def learn_body(self, body) -> None:
        """A request body: a dict (form, JSON) or raw text (JSON or form-encoded)."""
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                body = dict(parse_qsl(body))
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(key, str) and is_personal_key(key):
                    self.learn(value)

    # --- scrubbing ------------------------------------------------------------------------
    def text(self, s: str) -> str:
        if self.values:
            if self._pattern is None:
                alternatives = "|".join(re.escape(v) for v in
                                        sorted(self.values, key=len, reverse=True))
                self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
            s = self._pattern.sub(REDACTED, s)
        s = KEYED_TEXT.sub(_keyed_sub, s)
        s = MODEL_REPR.sub(lambda m: f"<{m[1]}: {REDACTED}>", s)
        s = EMAIL.sub(REDACTED, s)
        s = POSTCODE.sub(REDACTED, s)
        s = IPV4.sub(REDACTED, s)
        return PHONE.sub(_phone_sub, s)

    def walk(self, node, keyed: bool = False):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if keyed and isinstance(key, str) and is_personal_key(key):
                    out[key] = REDACTED if value not in (None, "", [], {}) else value
                elif key in CODE_KEYS and not keyed:
                    out[key] = value
                else:
                    out[key] = self.walk(value, keyed or key in KEYED)
            return out
        if isinstance(node, list):
            return [self.walk(item, keyed) for item in node]
        if isinstance(node, str):
            return self.text(node)
        return node


def _keyed_sub(m: re.Match) -> str:
    value = m["qval"] if m["q"] else m["val"]
    if not is_personal_key(m["key"]) or value.strip("[]") == "Filtered":  # done already
        return m[0]
    start, end = m.span("qval") if m["q"] else m.span("val")
    return m[0][: start - m.start()] + REDACTED + m[0][end - m.start():]


def _phone_sub(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m[0])
    if not 9 <= len(digits) <= 15 or re.match(r"\d{4}-\d{2}-\d{2}", m[0]):
        return m[0]  # too short or long for a phone number, or a date
    return REDACTED


def scrub_text(s: str) -> str:
    """Patterns only (no learnt values): for log messages."""
    return Scrubber().text(s)


def scrub_event(event: dict) -> dict:
    scrubber = Scrubber()
    request = event.get("request")
    if isinstance(request, dict):
        # The body was collected only so its values could be learnt; it never leaves.
        scrubber.learn_body(request.pop("data", None))
        for key in ("cookies", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items()
                                  if k.lower() not in HEADERS_DROPPED}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key, value in event.items():
        if key not in SKIP:
            scrubber.learn_tree(value, key in KEYED)
    return {key: value if key in SKIP else scrubber.walk(value, key in KEYED)
            for key, value in event.items()}
