#!/usr/bin/env python3
"""Runs imsentry on every capture in pcaps/ and on the real captures under
<source>/../shared/pcaps/real/ (when present) and checks the output contract:

- exit 0 (exit 1 for pcaps/notacapture.pcap, the one capture that is not one);
- every eve.json line is valid UTF-8 JSON;
- every event validates against the project schema schema/imsentry-eve.schema.json, and
  alert and flow events also against Suricata's schema (../shared/eve/suricata-8.0.6-schema.json);
- the final stats event's decoder.pkts equals the capture's packet count (counted here by
  reading the pcap/pcapng record headers);
- no output (eve.json, stdout, stderr) contains a password from the real captures'
  `secret` lists in cases.json.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

try:
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None

NAME = "test_schema"
NOT_CAPTURES = {"notacapture.pcap"}


def load_validator(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def first_error(validator, event):
    errs = sorted(validator.iter_errors(event), key=lambda e: list(e.absolute_path))
    if not errs:
        return None
    e = errs[0]
    where = "/".join(str(p) for p in e.absolute_path) or "(top)"
    return "%s: %s%s" % (where, e.message[:300], " (+%d more)" % (len(errs) - 1)
                         if len(errs) > 1 else "")


def secrets_by_pcap(real_dir):
    path = os.path.join(real_dir, "cases.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    out = {}
    for c in cases:
        sec = [s for s in c.get("secret") or [] if s]
        if sec:
            out[os.path.normpath(os.path.join(real_dir, c["pcap"]))] = sec
    return out


def check_capture(rep, args, path, label, own, suri, secrets):
    run = itlib.run_sensor(args.binary, [path])
    if os.path.basename(path) in NOT_CAPTURES and label.startswith("pcaps/"):
        rep.check(run.rc == 1, "%s: exit 1 (not a capture)" % label, "exit %d" % run.rc)
        return
    if not rep.check(run.rc == 0, "%s: exit 0" % label,
                     "exit %d; stderr: %s" % (run.rc, run.stderr.strip()[-800:])):
        return
    events = []
    bad_lines = []
    for i, line in enumerate(run.eve_raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as e:
            bad_lines.append("line %d: %s" % (i, e))
    rep.check(not bad_lines, "%s: every line is UTF-8 JSON" % label, "; ".join(bad_lines[:3]))
    rep.check(len(events) > 0, "%s: eve.json has events" % label)

    own_errs, suri_errs = [], []
    for i, ev in enumerate(events):
        if own is not None:
            err = first_error(own, ev)
            if err:
                own_errs.append("%s event #%d: %s" % (ev.get("event_type"), i + 1, err))
        if suri is not None and ev.get("event_type") in ("alert", "flow"):
            err = first_error(suri, ev)
            if err:
                suri_errs.append("%s event #%d: %s" % (ev.get("event_type"), i + 1, err))
    if own is not None:
        rep.check(not own_errs, "%s: events valid against schema/imsentry-eve.schema.json"
                  % label, "%d invalid; %s" % (len(own_errs), " | ".join(own_errs[:3])))
    if suri is not None:
        rep.check(not suri_errs, "%s: alert/flow events valid against Suricata's schema"
                  % label, "%d invalid; %s" % (len(suri_errs), " | ".join(suri_errs[:3])))

    try:
        want, _cut = itlib.count_packets(path)
    except ValueError as e:
        rep.fail("%s: packet count" % label, str(e))
        want = None
    st = itlib.last_stats(events)
    got = itlib.stat_get(st, "decoder.pkts") if st else None
    if want is not None:
        rep.check(got == want, "%s: decoder.pkts == %d packets in the file" % (label, want),
                  "decoder.pkts %s" % got)
    rep.check(st is not None and events and events[-1].get("event_type") == "stats",
              "%s: the last event is the final stats event" % label)

    if secrets:
        blob = run.eve_raw.decode("utf-8", "replace") + run.stdout + run.stderr
        # also the JSON-decoded strings, in case an escape hides the bytes
        decoded = json.dumps(events, ensure_ascii=False)
        leaked = [s for s in secrets if s in blob or s in decoded]
        rep.check(not leaked, "%s: no password from cases.json in the output" % label,
                  "found %s" % leaked)


def main():
    args = itlib.parse_args(__doc__)
    rep = itlib.Reporter(NAME, args.verbose)
    if jsonschema is None:
        rep.fail("python3-jsonschema is importable", "install python3-jsonschema")
        rep.finish()
    if not rep.check(args.binary and os.path.exists(args.binary), "the imsentry binary exists",
                     str(args.binary)):
        rep.finish()

    own = suri = None
    own_path = os.path.join(args.source, "schema", "imsentry-eve.schema.json")
    try:
        own = load_validator(own_path)
        rep.check(True, "schema/imsentry-eve.schema.json loads")
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        rep.fail("schema/imsentry-eve.schema.json loads", str(e))
    suri_path = os.path.normpath(os.path.join(args.source, "..", "shared", "eve",
                                              "suricata-8.0.6-schema.json"))
    if os.path.exists(suri_path):
        try:
            suri = load_validator(suri_path)
        except (OSError, ValueError, jsonschema.SchemaError) as e:
            rep.fail("Suricata's schema loads", str(e))
    else:
        print("note: %s absent, Suricata schema checks skipped" % suri_path)

    pcapdir = os.path.join(args.source, "pcaps")
    ours = itlib.capture_files(pcapdir)
    rep.check(len(ours) > 0, "pcaps/ has captures")
    for p in ours:
        check_capture(rep, args, p, os.path.relpath(p, args.source), own, suri, [])

    real = itlib.real_pcaps_dir(args.source)
    if real:
        secrets = secrets_by_pcap(real)
        for p in itlib.capture_files(real):
            check_capture(rep, args, p, "real/" + os.path.relpath(p, real), own, suri,
                          secrets.get(os.path.normpath(p), []))
    else:
        print("note: ../shared/pcaps/real absent, real captures skipped")
    rep.finish()


if __name__ == "__main__":
    main()
