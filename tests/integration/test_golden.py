#!/usr/bin/env python3
"""Golden EVE tests: runs imsentry on each case under tests/golden/<case>/ and compares the
events that matter with tests/golden/<case>/expected.jsonl.

case.yaml keys:
  description  what the case shows (required)
  pcap         capture path relative to the repository root, or a list of them (required)
  args         extra command-line arguments (list, optional)
  config       inline YAML written to a temporary file and passed with -c (optional)
  stats        dotted counter names kept from the final stats event (optional)
  events       event types compared (default: alert, flow, anomaly, stats)
  exit         expected exit status (default 0)
  stderr       substrings that must appear on stderr (optional)

Normalisation (volatile fields are dropped, the rest kept exactly):
  alert    src_ip src_port dest_ip dest_port proto app_proto community_id
           alert.signature_id alert.metadata
  flow     src_ip src_port dest_ip dest_port proto app_proto community_id
           flow.pkts_toserver pkts_toclient bytes_toserver bytes_toclient state reason
  anomaly  src_ip src_port dest_ip dest_port (when present) anomaly.type .event .layer
  stats    only the counters named in case.yaml `stats`, flat, from the LAST stats event
           (a missing counter is null)
Lines are JSON with sorted keys, sorted.  `--update` rewrites expected.jsonl from the sensor's
output and prints the diff (tests/update-golden.sh); review it before committing.
"""

import difflib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

NAME = "test_golden"
DEFAULT_EVENTS = ("alert", "flow", "anomaly", "stats")
TUPLE = ("src_ip", "src_port", "dest_ip", "dest_port", "proto")
CASE_KEYS = {"description", "pcap", "args", "config", "stats", "events", "exit", "stderr"}


def pick(src, keys):
    return {k: src[k] for k in keys if k in src}


def normalise(events, case):
    """The comparable lines (sorted JSON strings) for one run's events."""
    keep = set(case.get("events") or DEFAULT_EVENTS)
    out = []
    last_stats = None
    for e in events:
        et = e.get("event_type")
        if et not in keep:
            continue
        if et == "alert":
            n = pick(e, TUPLE + ("app_proto", "community_id"))
            a = e.get("alert", {})
            n["alert"] = pick(a, ("signature_id", "metadata"))
        elif et == "flow":
            n = pick(e, TUPLE + ("app_proto", "community_id"))
            n["flow"] = pick(e.get("flow", {}), ("pkts_toserver", "pkts_toclient",
                                                 "bytes_toserver", "bytes_toclient",
                                                 "state", "reason"))
        elif et == "anomaly":
            # addresses when the packet got that far; proto is left out (a packet cut short
            # in its IPv6 extension chain has no meaningful transport protocol)
            n = pick(e, ("src_ip", "src_port", "dest_ip", "dest_port"))
            n["anomaly"] = pick(e.get("anomaly", {}), ("type", "event", "layer"))
        elif et == "stats":
            last_stats = e.get("stats", {})
            continue
        else:
            n = {}
        n["event_type"] = et
        out.append(json.dumps(n, sort_keys=True))
    if "stats" in keep and case.get("stats"):
        flat = {name: itlib.stat_get(last_stats or {}, name) for name in case["stats"]}
        out.append(json.dumps({"event_type": "stats", "stats": flat}, sort_keys=True))
    return sorted(out)


def load_case(cdir):
    with open(os.path.join(cdir, "case.yaml"), encoding="utf-8") as f:
        case = yaml.safe_load(f)
    if not isinstance(case, dict):
        raise ValueError("case.yaml is not a mapping")
    unknown = set(case) - CASE_KEYS
    if unknown:
        raise ValueError("case.yaml: unknown keys %s" % sorted(unknown))
    for k in ("description", "pcap"):
        if k not in case:
            raise ValueError("case.yaml: missing %r" % k)
    if isinstance(case["pcap"], str):
        case["pcap"] = [case["pcap"]]
    return case


def run_case(args, rep, cdir):
    name = os.path.basename(cdir)
    try:
        case = load_case(cdir)
    except (OSError, ValueError, yaml.YAMLError) as e:
        rep.fail("%s: case.yaml" % name, str(e))
        return
    pcaps = [os.path.join(args.source, p) for p in case["pcap"]]
    missing = [p for p in pcaps if not os.path.exists(p)]
    if missing:
        rep.fail("%s: captures exist" % name, "missing %s" % missing)
        return
    run = itlib.run_sensor(args.binary, pcaps, args=[str(a) for a in case.get("args") or []],
                           config_text=case.get("config"))
    want_rc = case.get("exit", 0)
    rep.check(run.rc == want_rc, "%s: exit %d" % (name, want_rc),
              "exit %d; stderr: %s" % (run.rc, run.stderr.strip()[-1500:]))
    for s in case.get("stderr") or []:
        rep.check(s in run.stderr, "%s: stderr mentions %r" % (name, s),
                  "stderr: %s" % run.stderr.strip()[-1500:])
    try:
        events = run.events()
    except (UnicodeDecodeError, ValueError) as e:
        rep.fail("%s: eve.json parses" % name, str(e))
        return
    got = normalise(events, case)
    exp_path = os.path.join(cdir, "expected.jsonl")
    if args.update:
        old = []
        if os.path.exists(exp_path):
            with open(exp_path, encoding="utf-8") as f:
                old = [ln.rstrip("\n") for ln in f if ln.strip()]
        with open(exp_path, "w", encoding="utf-8") as f:
            f.write("".join(ln + "\n" for ln in got))
        diff = list(difflib.unified_diff(old, got, "a/" + name + "/expected.jsonl",
                                         "b/" + name + "/expected.jsonl", lineterm="", n=1))
        print("\n".join(diff) if diff else "%s: unchanged" % name)
        rep.check(True, "%s: updated" % name)
        return
    if not os.path.exists(exp_path):
        rep.fail("%s: expected.jsonl exists" % name)
        return
    with open(exp_path, encoding="utf-8") as f:
        want = [ln.rstrip("\n") for ln in f if ln.strip()]
    # canonicalise the expected lines too (hand-written files may differ in key order)
    try:
        want = sorted(json.dumps(json.loads(ln), sort_keys=True) for ln in want)
    except ValueError as e:
        rep.fail("%s: expected.jsonl parses" % name, str(e))
        return
    if got == want:
        rep.check(True, "%s: events match expected.jsonl" % name)
    else:
        diff = difflib.unified_diff(want, got, "expected", "imsentry", lineterm="", n=0)
        rep.fail("%s: events match expected.jsonl (%s)" % (name, case["description"].strip()),
                 "\n" + "\n".join(diff))


def main():
    def extra(ap):
        ap.add_argument("--update", action="store_true", help="rewrite expected.jsonl files")
        ap.add_argument("cases", nargs="*", help="only these cases")

    args = itlib.parse_args(__doc__, extra)
    rep = itlib.Reporter(NAME, args.verbose)
    if yaml is None:
        rep.fail("python3-yaml is importable", "install python3-yaml")
        rep.finish()
    if not args.binary or not os.path.exists(args.binary):
        rep.fail("the imsentry binary exists", str(args.binary))
        rep.finish()
    gdir = os.path.join(args.source, "tests", "golden")
    cases = sorted(d for d in os.listdir(gdir)
                   if os.path.isfile(os.path.join(gdir, d, "case.yaml")))
    if args.cases:
        unknown = set(args.cases) - set(cases)
        if unknown:
            rep.fail("cases exist", "unknown cases %s" % sorted(unknown))
        cases = [c for c in cases if c in args.cases]
    rep.check(len(cases) > 0, "tests/golden has cases")
    for c in cases:
        run_case(args, rep, os.path.join(gdir, c))
    rep.finish()


if __name__ == "__main__":
    main()
