#!/usr/bin/env python3
"""Check that every user-facing string in Medvirke is translated to Norwegian Bokmål.

The script first refreshes the message catalogues, exactly as a developer would:

    cd medvirke && python ../manage.py makemessages -l nb -l en --no-location --no-obsolete

using the same Python that runs this script (``sys.executable``), so a string added to the code
or a template since the last translation round shows up as untranslated. It then reads
``medvirke/locale/nb/LC_MESSAGES/django.po`` and fails (exit status 1) with a list of every entry

* whose ``msgstr`` (or any ``msgstr[n]`` of a plural entry) is empty,
* that is marked ``#, fuzzy`` (a guess by msgmerge that nobody has checked), or
* whose translation drops, renames or adds a ``%(name)s`` placeholder compared with its msgid
  (that would raise ``KeyError`` or lose information at run time).

The header entry (empty msgid) is ignored. When all is well it prints
``N strings, all translated to Bokmål`` and exits 0.

Standard library only; run it with the project's virtualenv:
``python scripts/check_translations.py``.
"""

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "medvirke"
NB_PO = PACKAGE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = ["makemessages", "-l", "nb", "-l", "en", "--no-location", "--no-obsolete"]

# A named printf-style placeholder such as %(name)s or %(count)d (conversion included, so
# turning %(count)d into %(count)s is reported too).
PLACEHOLDER = re.compile(r"%\((?P<name>[^)]*)\)[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z]")
ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    # "msgstr" for a singular entry, "msgstr[0]", "msgstr[1]", ... for a plural one.
    msgstr: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        text = self.msgid if self.msgctxt is None else f"[{self.msgctxt}] {self.msgid}"
        return text.replace("\n", "\\n")


def unquote(token: str) -> str:
    """Turn a quoted PO string ("a \\"b\\"\\n") into its text."""
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"not a quoted PO string: {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_po(text: str) -> list[Entry]:
    """Parse a .po file into entries (obsolete "#~" entries and comments other than flags
    are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None  # the keyword that continuation lines ("...") append to
    seen_msgstr = False

    def finish() -> None:
        nonlocal current, key, seen_msgstr
        if current is not None and seen_msgstr:
            entries.append(current)
        current, key, seen_msgstr = None, None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if seen_msgstr:
                finish()
            if line.startswith("#~"):
                continue
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith('"'):
            if current is None or key is None:
                raise ValueError(f"line {number}: string outside an entry")
            value = unquote(line)
            if key == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif key == "msgid":
                current.msgid += value
            elif key == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[key] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and seen_msgstr:
            finish()
        if current is None:
            current = Entry(line=number)
        value = unquote(rest)
        if keyword == "msgctxt":
            current.msgctxt = value
        elif keyword == "msgid":
            current.msgid = value
        elif keyword == "msgid_plural":
            current.msgid_plural = value
        elif keyword == "msgstr" or re.fullmatch(r"msgstr\[\d+\]", keyword):
            current.msgstr[keyword] = value
            seen_msgstr = True
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
        key = keyword
    finish()
    return entries


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def problems(entry: Entry) -> list[str]:
    """What is wrong with one translated entry (an empty list when it is fine)."""
    found: list[str] = []
    if "fuzzy" in entry.flags:
        found.append("marked fuzzy")
    if not entry.msgstr or any(not value for value in entry.msgstr.values()):
        empty = [k for k, v in entry.msgstr.items() if not v] or ["msgstr"]
        found.append(f"not translated ({', '.join(empty)} empty)")
    for key, value in sorted(entry.msgstr.items()):
        if not value:
            continue
        # msgstr[0] is the singular (matches msgid); the other forms match msgid_plural.
        source = entry.msgid
        if entry.msgid_plural is not None and key != "msgstr[0]":
            source = entry.msgid_plural
        expected, actual = placeholders(source), placeholders(value)
        missing, extra = sorted(expected - actual), sorted(actual - expected)
        if missing:
            found.append(f"{key} drops {', '.join(missing)}")
        if extra:
            found.append(f"{key} has {', '.join(extra)}, which the msgid does not")
    return found


def run_makemessages() -> None:
    """Refresh the .po files from the code and templates (same interpreter as this script)."""
    command = [sys.executable, str(ROOT / "manage.py"), *MAKEMESSAGES]
    # The command is fixed and uses our own interpreter: no untrusted input reaches it.
    result = subprocess.run(  # noqa: S603
        command, cwd=PACKAGE_DIR, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"makemessages failed (exit status {result.returncode})")


def main() -> int:
    run_makemessages()
    if not NB_PO.is_file():
        print(f"{NB_PO.relative_to(ROOT)} does not exist", file=sys.stderr)
        return 1
    try:
        entries = [e for e in parse_po(NB_PO.read_text(encoding="utf-8")) if e.msgid]
    except ValueError as error:
        print(f"{NB_PO.relative_to(ROOT)}: {error}", file=sys.stderr)
        return 1
    failures = [(entry, found) for entry in entries if (found := problems(entry))]
    if failures:
        print(f"{NB_PO.relative_to(ROOT)}: {len(failures)} of {len(entries)} strings need work:")
        for entry, found in failures:
            print(f"  line {entry.line}: {entry.label!r}: {'; '.join(found)}")
        return 1
    print(f"{len(entries)} strings, all translated to Bokmål")
    return 0


if __name__ == "__main__":
    sys.exit(main())
