#!/usr/bin/env python3
"""Validate every line of an imsentry eve.json.

Usage:
    validate_eve.py EVE_JSON --schema schema/imsentry-eve.schema.json
                    [--suricata suricata-8.0.6-schema.json]
                    [--require-types alert,flow,...] [--max-errors N]

Each line must be UTF-8, one JSON object, and valid against the project's
schema (formats checked: IPv4/IPv6 addresses).  With --suricata, alert and
flow events must also be valid against Suricata's stock EVE schema.  With
--require-types, each listed event_type must occur at least once.

Exit status: 0 all valid; 1 a line failed (each failure printed as
FILE:LINE: event_type: path: message); 2 usage or unreadable file;
77 python3's jsonschema module is missing (ctest's "skipped").
"""

import argparse
import collections
import json
import sys

try:
    import jsonschema
    from jsonschema import validators
except ImportError:  # pragma: no cover - depends on the host
    print("validate_eve.py: python3 jsonschema module missing", file=sys.stderr)
    sys.exit(77)

# Event types Suricata's schema is applied to (DESIGN.md: alert and flow).
SURICATA_CHECKED = ("alert", "flow")


def load_validator(path):
    """A validator for the schema at path, formats checked, schema itself checked."""
    try:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"validate_eve.py: cannot read schema {path}: {e}", file=sys.stderr)
        sys.exit(2)
    cls = validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"validate_eve.py: {path} is not a valid schema: {e.message}", file=sys.stderr)
        sys.exit(2)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def where(error):
    """JSON path of a validation error, e.g. alert.metadata.username[0]."""
    out = ""
    for p in error.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(event)"


def deepest(error):
    """The most specific error under an anyOf/allOf/if-then, for a readable message."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def main():
    ap = argparse.ArgumentParser(description="Validate imsentry EVE JSON lines.")
    ap.add_argument("eve", help="eve.json to check")
    ap.add_argument("--schema", required=True, help="imsentry's schema (schema/imsentry-eve.schema.json)")
    ap.add_argument("--suricata", help="Suricata's schema, applied to alert and flow events")
    ap.add_argument("--require-types", default="",
                    help="comma-separated event types that must occur at least once")
    ap.add_argument("--max-errors", type=int, default=20, help="failures printed before stopping")
    args = ap.parse_args()

    ours = load_validator(args.schema)
    suri = load_validator(args.suricata) if args.suricata else None

    try:
        with open(args.eve, "rb") as f:
            raw_lines = f.read().split(b"\n")
    except OSError as e:
        print(f"validate_eve.py: cannot read {args.eve}: {e}", file=sys.stderr)
        return 2
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    elif raw_lines:
        print(f"{args.eve}:{len(raw_lines)}: last line has no newline", file=sys.stderr)
        return 1

    failures = 0
    counts = collections.Counter()

    def fail(lineno, etype, msg):
        nonlocal failures
        failures += 1
        if failures <= args.max_errors:
            print(f"{args.eve}:{lineno}: {etype}: {msg}", file=sys.stderr)

    for lineno, raw in enumerate(raw_lines, 1):
        try:
            text = raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            fail(lineno, "?", f"not UTF-8: {e}")
            continue
        try:
            ev = json.loads(text)
        except ValueError as e:
            fail(lineno, "?", f"not JSON: {e}")
            continue
        if not isinstance(ev, dict):
            fail(lineno, "?", "not a JSON object")
            continue
        etype = ev.get("event_type", "?")
        counts[etype] += 1
        for err in sorted(ours.iter_errors(ev), key=lambda e: list(e.absolute_path)):
            d = deepest(err)
            fail(lineno, etype, f"imsentry schema: {where(d)}: {d.message}")
        if suri and etype in SURICATA_CHECKED:
            for err in sorted(suri.iter_errors(ev), key=lambda e: list(e.absolute_path)):
                d = deepest(err)
                fail(lineno, etype, f"Suricata schema: {where(d)}: {d.message}")

    for t in filter(None, args.require_types.split(",")):
        if counts[t] == 0:
            fail(0, t, "required event type never occurs")

    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no events"
    if failures:
        more = failures - args.max_errors
        if more > 0:
            print(f"... and {more} more failures", file=sys.stderr)
        print(f"validate_eve.py: {args.eve}: {failures} failure(s) ({summary})", file=sys.stderr)
        return 1
    checked = "imsentry" + (" and Suricata (alert, flow)" if suri else "")
    print(f"validate_eve.py: {args.eve}: {len(raw_lines)} lines valid against {checked} "
          f"schema ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
