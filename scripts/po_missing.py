#!/usr/bin/env python3
"""List the msgids of the module's .pot that a translation lacks.

    python3 scripts/po_missing.py               # order_governance/i18n/zh_CN.po
    python3 scripts/po_missing.py fr            # order_governance/i18n/fr.po
    python3 scripts/po_missing.py path/to/x.po  # any .po against the module's .pot
    python3 scripts/po_missing.py --po-format   # missing entries as .po blocks

Missing: a msgid of the .pot with no entry, an empty msgstr or a fuzzy flag in the
.po. Obsolete: an entry of the .po whose msgid is no longer in the .pot (``#~``
entries included); Odoo ignores them, so they are only reported (``--strict``
fails on them too). Exit code 1 when anything is missing, else 0.

After ``make pot``: run this script, translate what it lists (``--po-format``
prints blocks ready to paste into the .po), then run it again.
"""

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "order_governance" / "i18n"
POT = I18N / "order_governance.pot"


class Entry:
    def __init__(self, msgid, msgstr="", msgctxt=None, **extra):
        self.msgid = msgid
        self.msgstr = msgstr
        self.msgctxt = msgctxt
        self.msgid_plural = extra.get("msgid_plural", "")
        self.msgstr_plural = extra.get("msgstr_plural", {})
        self.flags = extra.get("flags", [])
        self.obsolete = extra.get("obsolete", False)
        self.comments = extra.get("comments", [])

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    def translated(self):
        if "fuzzy" in self.flags:
            return False
        if self.msgid_plural:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


def _parse_simple(path):
    """A small .po parser for when polib is not importable."""
    entries, fields, comments, flags, obsolete = [], {}, [], [], False
    last = None

    def flush():
        nonlocal fields, comments, flags, obsolete, last
        if "msgid" in fields:
            plural = {
                int(key[7:-1]): value
                for key, value in fields.items()
                if key.startswith("msgstr[")
            }
            entries.append(
                Entry(
                    fields["msgid"],
                    fields.get("msgstr", ""),
                    fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural", ""),
                    msgstr_plural=plural,
                    flags=flags,
                    obsolete=obsolete,
                    comments=comments,
                )
            )
        fields, comments, flags, obsolete, last = {}, [], [], False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
        elif line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            else:
                comments.append(raw)
            continue
        if not line:
            flush()
            continue
        if line.startswith('"'):
            if last:
                fields[last] += ast.literal_eval(line)
            continue
        keyword, _sep, value = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            flush()
        fields[keyword] = ast.literal_eval(value.strip())
        last = keyword
    flush()
    return entries


def _parse_polib(path, polib):
    return [
        Entry(
            entry.msgid,
            entry.msgstr,
            entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            msgstr_plural=entry.msgstr_plural,
            flags=entry.flags,
            obsolete=entry.obsolete,
            comments=[
                *(f"#. {line}" for line in entry.comment.splitlines()),
                *(
                    f"#: {name}:{line}" if line else f"#: {name}"
                    for name, line in entry.occurrences
                ),
            ],
        )
        for entry in polib.pofile(str(path))
    ]


def read_po(path):
    """The entries of a .po/.pot file, the header left out."""
    try:
        import polib
    except ImportError:
        entries = _parse_simple(path)
    else:
        entries = _parse_polib(path, polib)
    return [entry for entry in entries if entry.msgid or entry.msgctxt]


def compare(pot_path, po_path):
    """``(missing, obsolete)``: untranslated .pot entries, stale .po ones."""
    template = [entry for entry in read_po(pot_path) if not entry.obsolete]
    translations = read_po(po_path) if po_path.exists() else []
    current = {entry.key: entry for entry in translations if not entry.obsolete}
    wanted = {entry.key for entry in template}
    missing = [
        entry
        for entry in template
        if entry.key not in current or not current[entry.key].translated()
    ]
    obsolete = [
        entry for entry in translations if entry.obsolete or entry.key not in wanted
    ]
    return missing, obsolete


def _quote(text):
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def po_block(entry):
    lines = [*entry.comments]
    if entry.msgctxt is not None:
        lines.append(f"msgctxt {_quote(entry.msgctxt)}")
    lines.append(f"msgid {_quote(entry.msgid)}")
    if entry.msgid_plural:
        lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
        lines.append('msgstr[0] ""')
    else:
        lines.append('msgstr ""')
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "po",
        nargs="?",
        default="zh_CN",
        help="a language code (order_governance/i18n/<code>.po) or a .po path",
    )
    parser.add_argument("--pot", default=str(POT), help="the template (.pot)")
    parser.add_argument(
        "--po-format",
        action="store_true",
        help="print the missing entries as .po blocks with empty msgstr",
    )
    parser.add_argument(
        "--strict", action="store_true", help="also exit 1 on obsolete entries"
    )
    args = parser.parse_args(argv)
    po_path = Path(args.po)
    if po_path.suffix != ".po":
        po_path = I18N / f"{args.po}.po"
    pot_path = Path(args.pot)
    if not pot_path.exists():
        print(f"No template {pot_path}: run `make pot` first.", file=sys.stderr)
        return 2
    missing, obsolete = compare(pot_path, po_path)

    if not po_path.exists():
        print(f"{po_path} does not exist: every msgid is missing.")
    if args.po_format:
        print("\n\n".join(po_block(entry) for entry in missing))
    else:
        for entry in missing:
            print(f"missing: {entry.msgid!r}")
        for entry in obsolete:
            label = "obsolete (#~)" if entry.obsolete else "obsolete"
            print(f"{label}: {entry.msgid!r}")
    print(
        f"{po_path.name}: {len(missing)} missing, {len(obsolete)} obsolete "
        f"(template {pot_path.name})",
        file=sys.stderr,
    )
    if missing or (args.strict and obsolete):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
