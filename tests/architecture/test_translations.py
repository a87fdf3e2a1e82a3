"""The Spanish catalogue is complete, not fuzzy, and compiled.

Pure standard library: the .po is parsed here (no polib) and the .mo is read with
gettext.GNUTranslations, so these tests run on machines without gettext installed.
No database is needed.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LC_MESSAGES = REPO / "platform" / "mutualaid" / "locale" / "es" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

COMPILE_HINT = "run compilemessages (see platform/mutualaid/locale/README.md) and commit django.mo"


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def label(self) -> str:
        ctxt = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctxt}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str, where: int) -> str:
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise ValueError(f"django.po line {where}: malformed string {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, in order; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which field a continuation line extends
    in_msgstr = False

    def finish() -> None:
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish(); flags = set(); target = None; in_msgstr = False
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith("#,"):
            if in_msgstr:  # a new entry without a blank line before it
                finish(); target = None; in_msgstr = False
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            if in_msgstr:
                finish(); flags = set(); target = None; in_msgstr = False
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.groups()
            value = _unquote(token, number)
            if keyword in ("msgctxt", "msgid") and (entry is None or in_msgstr):
                finish()
                entry = Entry(line=number, flags=flags)
                flags = set(); in_msgstr = False
            assert entry is not None, f"django.po line {number}: {keyword} before msgid"
            if keyword == "msgctxt":
                entry.msgctxt = value; target = ("msgctxt", None)
            elif keyword == "msgid":
                entry.msgid = value; target = ("msgid", None)
            elif keyword == "msgid_plural":
                entry.msgid_plural = value; target = ("msgid_plural", None)
            else:
                i = int(index) if index is not None else 0
                entry.msgstr[i] = value; target = ("msgstr", i); in_msgstr = True
            continue
        if line.startswith('"') and entry is not None and target is not None:
            value = _unquote(line, number)
            name, i = target
            if name == "msgstr":
                entry.msgstr[i] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"django.po line {number}: cannot parse {raw!r}")
    finish()
    return entries


def _header(entries: list[Entry]) -> dict[str, str]:
    header = next((e for e in entries if e.is_header), None)
    assert header is not None, "django.po has no header entry"
    pairs = (ln.split(":", 1) for ln in header.msgstr.get(0, "").splitlines() if ":" in ln)
    return {k.strip().lower(): v.strip() for k, v in pairs}


def _nplurals(entries: list[Entry]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", _header(entries).get("plural-forms", ""))
    assert match, "django.po header has no Plural-Forms"
    return int(match.group(1))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.is_file(), f"missing {PO.relative_to(REPO)}"
    parsed = parse_po(PO)
    assert any(not e.is_header for e in parsed), "django.po has no messages"
    return parsed


def test_parser_reads_the_whole_catalogue(entries):
    # Every msgid line in the file (outside obsolete entries) became one entry.
    msgid_lines = [ln for ln in PO.read_text(encoding="utf-8").splitlines()
                   if ln.startswith("msgid ")]
    assert len(entries) == len(msgid_lines)


def test_header_is_spanish_with_two_plural_forms(entries):
    header = _header(entries)
    assert header.get("language") == "es"
    assert header.get("plural-forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "charset=utf-8" in header.get("content-type", "").lower()


def test_every_entry_is_translated_and_not_fuzzy(entries):
    nplurals = _nplurals(entries)
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.label()}")
        if e.is_header:
            continue
        if e.msgid_plural is None:
            if not e.msgstr.get(0):
                problems.append(f"empty msgstr: {e.label()}")
        else:
            empty = [i for i in range(nplurals) if not e.msgstr.get(i)]
            if empty:
                problems.append(f"empty msgstr{empty}: {e.label()}")
    assert not problems, "untranslated or fuzzy entries in django.po:\n" + "\n".join(problems)


_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def test_placeholders_survive_translation(entries):
    problems = []
    for e in entries:
        if e.is_header or "python-format" not in e.flags:
            continue
        for i, text in e.msgstr.items():
            source = e.msgid if i == 0 else (e.msgid_plural or e.msgid)
            want = sorted(p for p in _PLACEHOLDER.findall(source) if p != "%%")
            got = sorted(p for p in _PLACEHOLDER.findall(text) if p != "%%")
            if text and want != got:
                problems.append(f"{e.label()} msgstr[{i}]: expected {want}, got {got}")
    assert not problems, "placeholders changed in django.po:\n" + "\n".join(problems)


class _Missing(gettext.NullTranslations):
    """Fallback that makes a message absent from the .mo visible (not just echoed back)."""

    MARK = "\x00missing-from-mo\x00"

    def gettext(self, message):
        return self.MARK

    def ngettext(self, msgid1, msgid2, n):
        return self.MARK

    def pgettext(self, context, message):
        return self.MARK

    def npgettext(self, context, msgid1, msgid2, n):
        return self.MARK


def test_mo_is_compiled_from_the_current_po(entries):
    assert MO.is_file(), f"missing {MO.relative_to(REPO)}: {COMPILE_HINT}"
    with MO.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    mo.add_fallback(_Missing())
    nplurals = _nplurals(entries)
    # For each plural index, some n that selects it under the .mo's own plural rule.
    n_for_index = {}
    for n in range(0, 1001):
        n_for_index.setdefault(mo.plural(n), n)
    problems = []
    for e in entries:
        if e.is_header or "fuzzy" in e.flags:
            continue
        if e.msgid_plural is None:
            if not e.msgstr.get(0):
                continue
            got = (mo.gettext(e.msgid) if e.msgctxt is None
                   else mo.pgettext(e.msgctxt, e.msgid))
            if got != e.msgstr[0]:
                problems.append(f"{e.label()}: .po {e.msgstr[0]!r}, .mo {got!r}")
            continue
        for i in range(nplurals):
            if not e.msgstr.get(i):
                continue
            if i not in n_for_index:
                problems.append(f"{e.label()}: the .mo's plural rule never selects form {i}")
                continue
            n = n_for_index[i]
            got = (mo.ngettext(e.msgid, e.msgid_plural, n) if e.msgctxt is None
                   else mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n))
            if got != e.msgstr[i]:
                problems.append(f"{e.label()} [n={n}]: .po {e.msgstr[i]!r}, .mo {got!r}")
    assert not problems, (
        f"django.mo is out of date with django.po ({COMPILE_HINT}):\n" + "\n".join(problems)
    )


# makemessages' scope (as in platform/mutualaid/locale/README.md): the product's code only.
IGNORED = [".venv", ".var", "tests", "loadtests", "deploy", "core/testing"]


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh (Django's makemessages, in a copy of the source tree, so the
    real catalogue is never touched) and fail on any the committed catalogue does not
    translate: a string added without running makemessages is caught here."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs gettext's xgettext (deploy/dev/system-deps.sh installs it)")
        pytest.skip("gettext's xgettext is not installed (deploy/dev/system-deps.sh)")
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".var", "__pycache__", "node_modules", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutualaid.settings",
           "PYTHONPATH": os.pathsep.join([str(copy), str(copy / "platform")]),
           # Extraction needs no database: name one, so that none is started for the copy.
           "DATABASE_URL": "postgres://unused@127.0.0.1:9/unused"}
    ignore = [f"--ignore={path}" for path in IGNORED]
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "es", *ignore],
                   cwd=copy, env=env, check=True, capture_output=True)
    fresh = parse_po(copy / PO.relative_to(REPO))
    missing = [e.label() for e in fresh if not e.is_header
               and (not e.msgstr.get(0) or "fuzzy" in e.flags)]
    assert not missing, ("strings missing from the Spanish catalogue (run makemessages, "
                         "translate, compilemessages):\n" + "\n".join(missing))
