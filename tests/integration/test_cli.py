#!/usr/bin/env python3
"""Command-line contract of imsentry (DESIGN.md "Command line"): exit statuses and messages.

missing capture -> 1 with one line naming it; not a capture -> 1; truncated capture -> 0 with a
warning and capture.truncated_files; unknown config key -> 1 with "file:line:col"; -T checks
config; -l creates nested directories; eve.json is mode 0640; several -r are read in order and
counted together; no arguments -> usage and 1.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

NAME = "test_cli"

GOOD_CONFIG = """\
# a valid configuration touching a few sections
outputs:
  eve:
    filename: eve.json
stats:
  interval: 30
"""

# line 5, column 5 (1-based) holds the unknown key
BAD_CONFIG = """\
# an unknown key under outputs.eve
outputs:
  eve:
    filename: eve.json
    no-such-key: 1
"""
BAD_LINE, BAD_COL = 5, 5


def run(binary, argv, timeout=120):
    p = subprocess.run([binary] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def lines(text):
    return [ln for ln in text.splitlines() if ln.strip()]


def main():
    args = itlib.parse_args(__doc__)
    rep = itlib.Reporter(NAME, args.verbose)
    if not rep.check(args.binary and os.path.exists(args.binary), "the imsentry binary exists",
                     str(args.binary)):
        rep.finish()
    b = args.binary
    pc = os.path.join(args.source, "pcaps")
    tmp = tempfile.mkdtemp(prefix="imsentry-cli-")
    os.umask(0o022)
    try:
        good_cfg = os.path.join(tmp, "good.yaml")
        bad_cfg = os.path.join(tmp, "bad.yaml")
        with open(good_cfg, "w") as f:
            f.write(GOOD_CONFIG)
        with open(bad_cfg, "w") as f:
            f.write(BAD_CONFIG)

        # no arguments: usage on stderr, exit 1
        rc, so, se = run(b, [])
        rep.check(rc == 1, "no arguments: exit 1", "exit %d" % rc)
        rep.check("usage" in (se + so).lower(), "no arguments: prints usage",
                  "stdout %r stderr %r" % (so[:300], se[:300]))

        # missing capture: exit 1, one line naming the file
        missing = os.path.join(tmp, "does-not-exist.pcap")
        rc, so, se = run(b, ["-r", missing, "-l", os.path.join(tmp, "l1")])
        rep.check(rc == 1, "missing capture: exit 1", "exit %d" % rc)
        rep.check(len(lines(se)) == 1 and missing in se,
                  "missing capture: one stderr line naming the file", repr(se))

        # not a capture: exit 1, names the file
        nac = os.path.join(pc, "notacapture.pcap")
        rc, so, se = run(b, ["-r", nac, "-l", os.path.join(tmp, "l2")])
        rep.check(rc == 1, "notacapture.pcap: exit 1", "exit %d; stderr %r" % (rc, se))
        rep.check("notacapture.pcap" in se, "notacapture.pcap: the message names the file",
                  repr(se))

        # truncated capture: exit 0, a warning, the counter
        r = itlib.run_sensor(b, [os.path.join(pc, "truncated.pcap")])
        rep.check(r.rc == 0, "truncated.pcap: exit 0", "exit %d; stderr %r" % (r.rc, r.stderr))
        rep.check("truncated.pcap" in r.stderr, "truncated.pcap: a warning naming the file",
                  repr(r.stderr))
        try:
            st = itlib.last_stats(r.events())
        except ValueError as e:
            st = None
            rep.fail("truncated.pcap: eve.json parses", str(e))
        rep.check(st is not None and itlib.stat_get(st, "capture.truncated_files") == 1
                  and itlib.stat_get(st, "decoder.pkts") == 8,
                  "truncated.pcap: capture.truncated_files 1, decoder.pkts 8",
                  "stats: %s" % (st and {k: itlib.stat_get(st, k) for k in
                                         ("capture.truncated_files", "decoder.pkts")}))

        # bad config: exit 1 with file:line:col
        basic = os.path.join(pc, "basic-tcp-udp.pcap")
        rc, so, se = run(b, ["-r", basic, "-l", os.path.join(tmp, "l3"), "-c", bad_cfg])
        rep.check(rc == 1, "unknown config key: exit 1", "exit %d" % rc)
        want = "%s:%d:%d" % (bad_cfg, BAD_LINE, BAD_COL)
        rep.check(want in se, "unknown config key: message has %s" % want.replace(tmp, "TMP"),
                  repr(se))
        rep.check("no-such-key" in se, "unknown config key: message names the key", repr(se))
        rep.check(not os.path.exists(os.path.join(tmp, "l3", "eve.json")),
                  "unknown config key: no capture was processed")
        # a config file that does not exist
        rc, so, se = run(b, ["-T", "-c", os.path.join(tmp, "nope.yaml")])
        rep.check(rc == 1 and "nope.yaml" in se, "-T with a missing config: exit 1 naming it",
                  "exit %d; %r" % (rc, se))

        # -T: check only
        rc, so, se = run(b, ["-T", "-c", good_cfg])
        rep.check(rc == 0, "-T with a good config: exit 0", "exit %d; %r" % (rc, se))
        rc, so, se = run(b, ["-T", "-c", bad_cfg])
        rep.check(rc == 1, "-T with a bad config: exit 1", "exit %d; %r" % (rc, se))
        rep.check(want in se, "-T with a bad config: file:line:col", repr(se))
        rc, so, se = run(b, ["-T"])
        rep.check(rc == 0, "-T with built-in defaults: exit 0", "exit %d; %r" % (rc, se))

        # -l creates nested directories; eve.json mode 0640
        nested = os.path.join(tmp, "a", "b", "c")
        rc, so, se = run(b, ["-r", basic, "-l", nested, "-c", good_cfg])
        eve = os.path.join(nested, "eve.json")
        rep.check(rc == 0 and os.path.isfile(eve), "-l creates nested directories",
                  "exit %d; %r" % (rc, se))
        if os.path.isfile(eve):
            mode = stat.S_IMODE(os.stat(eve).st_mode)
            rep.check(mode == 0o640, "eve.json is mode 0640", "mode %o" % mode)

        # several -r: read in order, counted together
        mal = os.path.join(pc, "malformed.pcap")
        ipv6 = os.path.join(pc, "ipv6.pcap")
        r = itlib.run_sensor(b, [basic, ipv6, mal])
        rep.check(r.rc == 0, "three -r: exit 0", "exit %d; %r" % (r.rc, r.stderr))
        try:
            evs = r.events()
        except ValueError as e:
            evs = []
            rep.fail("three -r: eve.json parses", str(e))
        st = itlib.last_stats(evs) or {}
        rep.check(itlib.stat_get(st, "decoder.pkts") == 35 + 13 + 16,
                  "three -r: decoder.pkts is the sum (64)", str(itlib.stat_get(st, "decoder.pkts")))
        rep.check(itlib.stat_get(st, "capture.files") == 3, "three -r: capture.files 3",
                  str(itlib.stat_get(st, "capture.files")))
        flows = {(e.get("src_ip"), e.get("dest_ip")) for e in evs if e.get("event_type") == "flow"}
        rep.check(("10.0.0.2", "192.0.2.10") in flows and ("2001:db8:1::2", "2001:db8:2::10")
                  in flows and ("10.3.0.2", "192.0.2.50") in flows,
                  "three -r: flows from every file", str(sorted(flows)))
        # malformed.pcap comes third: its anomalies are on run packets 49..64, in order
        cnts = [e["pcap_cnt"] for e in evs if e.get("event_type") == "anomaly" and "pcap_cnt" in e]
        if cnts:
            rep.check(all(49 <= c <= 64 for c in cnts) and cnts == sorted(cnts),
                      "three -r: files read in order (anomaly pcap_cnt 49..64)", str(cnts))
        ts = [e.get("timestamp", "") for e in evs if e.get("event_type") == "anomaly"]
        rep.check(len(ts) == 8 and ts == sorted(ts), "three -r: malformed.pcap's 8 anomalies",
                  "%d anomalies" % len(ts))
        # the order the files are given is kept: swapping them moves the anomalies
        r2 = itlib.run_sensor(b, [mal, basic, ipv6])
        try:
            evs2 = r2.events()
        except ValueError:
            evs2 = []
        cnts2 = [e["pcap_cnt"] for e in evs2
                 if e.get("event_type") == "anomaly" and "pcap_cnt" in e]
        if cnts2:
            rep.check(all(1 <= c <= 16 for c in cnts2),
                      "files given first are read first (anomaly pcap_cnt 1..16)", str(cnts2))

        # a missing file among good ones still fails the run with exit 1
        rc, so, se = run(b, ["-r", basic, "-r", missing, "-l", os.path.join(tmp, "l4")])
        rep.check(rc == 1 and missing in se, "good file then missing file: exit 1 naming it",
                  "exit %d; %r" % (rc, se))
        rep.check(not re.search(r"(?i)segmentation|sanitizer|abort", se),
                  "no crash messages", se[-500:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rep.finish()


if __name__ == "__main__":
    main()
