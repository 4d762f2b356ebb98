#!/usr/bin/env python3
"""Passwords never leave the sensor by default.

Runs the sensor on every capture under pcaps/ (all families) and on the real captures in
../shared/pcaps/real/ (when present), and greps everything it writes (eve.json, stdout and
stderr) for every secret those captures carry: the passwords, digests and encoded credentials
listed in pcaps/*/secrets.json (written by each family's gen.py) and the `secret` lists of the
real captures' cases.json.  None may appear.

Then proves the test can fail: with `credentials: {password: clear}` the recovered passwords
must show, so a sensor that never decoded anything would not pass this test silently.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

NAME = "test_redaction"

# Secrets too short or too common to grep for without false alarms (e.g. "123456" also shows
# up in counters); they are still decoded and redacted like any other.
MIN_SECRET = 5


def family_secrets(source):
    """{capture path: [secrets]} for pcaps/<family>/ with a secrets.json (all its captures)."""
    out = {}
    for sj in sorted(glob.glob(os.path.join(source, "pcaps", "*", "secrets.json"))):
        with open(sj) as f:
            data = json.load(f)
        secrets = data.get("secrets", data) if isinstance(data, dict) else data
        d = os.path.dirname(sj)
        for cap in sorted(glob.glob(os.path.join(d, "*.pcap")) +
                          glob.glob(os.path.join(d, "*.pcapng"))):
            out[cap] = [s for s in secrets if isinstance(s, str)]
    return out


def real_secrets(source):
    """{capture path: [secrets]} from the real captures' cases.json."""
    d = itlib.real_pcaps_dir(source)
    out = {}
    if not d or not os.path.isfile(os.path.join(d, "cases.json")):
        return out
    with open(os.path.join(d, "cases.json")) as f:
        cases = json.load(f)
    for c in cases:
        path = os.path.join(d, c["pcap"])
        if os.path.isfile(path):
            out[path] = list(c.get("secret") or [])
    return out


def leaks(run, secrets):
    """The secrets found in anything the run wrote."""
    blob = run.eve_raw.decode("utf-8", "replace") + run.stdout + run.stderr
    return [s for s in secrets if len(s) >= MIN_SECRET and s in blob]


def main():
    args = itlib.parse_args(__doc__)
    rep = itlib.Reporter(NAME, args.verbose)
    if not itlib.sensor_ready(args.binary, args.source):
        itlib.skip(NAME, "the sensor does not run captures yet")
    fam = family_secrets(args.source)
    real = real_secrets(args.source)
    rep.check(len(fam) > 0, "some family has a secrets.json (pcaps/*/secrets.json)")

    # every capture under pcaps/; those of families without a secrets.json are checked against
    # every family's generated secrets (distinctive strings; the real captures' lists hold
    # common words such as user names of our own captures)
    all_secrets = sorted({s for v in fam.values() for s in v})
    captures = sorted(glob.glob(os.path.join(args.source, "pcaps", "**", "*.pcap"),
                                recursive=True) +
                      glob.glob(os.path.join(args.source, "pcaps", "**", "*.pcapng"),
                                recursive=True))
    # (capture, secrets, whether the secrets are that capture's own list)
    runs = ([(c, v, True) for c, v in real.items()] +
            [(c, fam.get(c, all_secrets), c in fam) for c in captures])
    recovered = {}
    for cap, secrets, own in runs:
        run = itlib.run_sensor(args.binary, [cap], timeout=300)
        rel = os.path.relpath(cap, os.path.dirname(args.source))
        rep.check(run.rc in (0, 1) and run.rc >= 0, "%s: sensor exits normally" % rel,
                  "rc %d" % run.rc)
        found = leaks(run, secrets)
        rep.check(not found, "%s: no secret in eve.json, stdout or stderr" % rel,
                  "leaked %r" % found)
        if (own and "[redacted]" in run.eve_raw.decode("utf-8", "replace") and
                any(len(x) >= MIN_SECRET for x in secrets)):
            recovered[cap] = secrets

    # the test can fail: credentials.password clear writes what was recovered
    clear = "credentials:\n  password: clear\n"
    cap_ok = itlib.run_sensor(args.binary, [os.path.join(args.source, "pcaps", "basic-tcp-udp.pcap")],
                              config_text=clear)
    if cap_ok.rc != 0:
        print("note: credentials.password clear not accepted yet (rc %d): %s"
              % (cap_ok.rc, cap_ok.stderr.strip()[:200]))
    else:
        shown = 0
        for cap, secrets in sorted(recovered.items()):
            run = itlib.run_sensor(args.binary, [cap], config_text=clear)
            if leaks(run, secrets):
                shown += 1
        rep.check(len(recovered) > 0, "some capture carries a redacted password")
        rep.check(shown > 0 and shown >= len(recovered) // 2,
                  "credentials.password clear shows the recovered passwords",
                  "%d of %d captures" % (shown, len(recovered)))
    rep.finish()


if __name__ == "__main__":
    main()
