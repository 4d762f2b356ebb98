"""Shared helpers for imsentry's integration tests (tests/integration/test_*.py).

Every test script takes --binary B --source S --build D (CMake passes them), reports each check
as it goes, prints a final "N passed, M failed" line and exits 0 (all passed), 1 (a failure) or
77 (skipped: a required outside tool is missing).
"""

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SKIP = 77

# Debian's python3 carries scapy (python3-scapy); the generator needs it.
SYSTEM_PYTHON = "/usr/bin/python3"


def parse_args(description, extra=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--binary", required=False, help="the imsentry binary under test")
    ap.add_argument("--source", required=True, help="the source tree (repository root)")
    ap.add_argument("--build", required=False, help="the build directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every check")
    if extra:
        extra(ap)
    args = ap.parse_args()
    args.source = os.path.abspath(args.source)
    if args.binary:
        args.binary = os.path.abspath(args.binary)
    return args


class Reporter:
    """Counts checks; failures are printed at once with their message."""

    def __init__(self, name, verbose=False):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            if self.verbose:
                print("ok   %s" % what)
        else:
            self.failed += 1
            print("FAIL %s%s" % (what, (": " + detail) if detail else ""))
            sys.stdout.flush()
        return cond

    def fail(self, what, detail=""):
        return self.check(False, what, detail)

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def skip(name, why):
    print("%s: SKIP: %s" % (name, why))
    print("0 passed, 0 failed")
    sys.exit(SKIP)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            h.update(block)
    return h.hexdigest()


# ------------------------------------------------------------------------------------------
# Running the sensor


class Run:
    """Result of one sensor run."""

    def __init__(self, rc, stdout, stderr, logdir, eve_raw):
        self.rc = rc               # exit status (negative: killed by that signal)
        self.stdout = stdout       # text
        self.stderr = stderr       # text
        self.logdir = logdir       # the -l directory
        self.eve_raw = eve_raw     # bytes of eve.json, b"" if absent

    def events(self):
        """Parsed eve.json lines (raises ValueError on an invalid line)."""
        out = []
        for line in self.eve_raw.decode("utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
        return out


def run_sensor(binary, pcaps, logdir=None, args=(), config_text=None, timeout=300, env=None):
    """Runs `binary -r P ... -l logdir [-c cfg] args`; config_text is written to a temp file."""
    own_tmp = None
    if logdir is None:
        own_tmp = tempfile.mkdtemp(prefix="imsentry-it-")
        logdir = os.path.join(own_tmp, "log")
    cmd = [binary]
    for p in pcaps if isinstance(pcaps, (list, tuple)) else [pcaps]:
        cmd += ["-r", p]
    cmd += ["-l", logdir]
    cfg_path = None
    if config_text is not None:
        fd, cfg_path = tempfile.mkstemp(prefix="imsentry-cfg-", suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            f.write(config_text)
        cmd += ["-c", cfg_path]
    cmd += list(args)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                           env=env)
        rc, so, se = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, so, se = -999, e.stdout or b"", (e.stderr or b"") + b"\n[timed out]"
    finally:
        if cfg_path:
            os.unlink(cfg_path)
    eve = os.path.join(logdir, "eve.json")
    raw = b""
    if os.path.exists(eve):
        with open(eve, "rb") as f:
            raw = f.read()
    run = Run(rc, so.decode("utf-8", "replace"), se.decode("utf-8", "replace"), logdir, raw)
    if own_tmp:
        shutil.rmtree(own_tmp, ignore_errors=True)
    return run


def sensor_ready(binary, source):
    """True when the binary runs a capture (the main loop exists) and writes eve.json."""
    if not binary or not os.path.exists(binary):
        return False
    run = run_sensor(binary, [os.path.join(source, "pcaps", "basic-tcp-udp.pcap")], timeout=60)
    return run.rc == 0 and b"event_type" in run.eve_raw


def last_stats(events):
    """The last stats event's "stats" object, or None."""
    st = None
    for e in events:
        if e.get("event_type") == "stats":
            st = e.get("stats")
    return st


def stat_get(stats, dotted):
    """Value of a dotted counter in a nested stats object; None when absent."""
    cur = stats
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


# ------------------------------------------------------------------------------------------
# Capture files: a tiny reader of pcap and pcapng record headers (no tshark needed)

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",  # microseconds
    b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">",  # nanoseconds
}


def count_packets(path):
    """(packets, truncated): whole packet records in a pcap or pcapng file, and whether the
    file ends inside a record.  Raises ValueError when the file is neither format."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in PCAP_MAGICS:
        e = PCAP_MAGICS[magic]
        if len(data) < 24:
            return 0, True
        off, n = 24, 0
        while off < len(data):
            if off + 16 > len(data):
                return n, True
            incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            if off + 16 + incl > len(data):
                return n, True
            off += 16 + incl
            n += 1
        return n, False
    if magic == b"\x0a\x0d\x0d\x0a":
        off, n, e = 0, 0, "<"
        while off < len(data):
            if off + 12 > len(data):
                return n, True
            btype = data[off:off + 4]
            if btype == b"\x0a\x0d\x0d\x0a":
                bom = data[off + 8:off + 12]
                e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
                btype_v = 0x0A0D0D0A
            else:
                btype_v = struct.unpack(e + "I", btype)[0]
            blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
            if blen < 12 or off + blen > len(data):
                return n, True
            if btype_v in (3, 6):  # simple packet block, enhanced packet block
                n += 1
            off += blen
        return n, False
    raise ValueError("%s: not a pcap or pcapng file" % path)


def capture_files(directory):
    """Sorted pcap/pcapng files directly under directory (recursively)."""
    out = []
    for root, _dirs, files in os.walk(directory):
        for fn in files:
            if fn.endswith((".pcap", ".pcapng", ".cap")):
                out.append(os.path.join(root, fn))
    return sorted(out)


def real_pcaps_dir(source):
    d = os.path.normpath(os.path.join(source, "..", "shared", "pcaps", "real"))
    return d if os.path.isdir(d) else None
