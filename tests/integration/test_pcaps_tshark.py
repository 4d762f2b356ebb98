#!/usr/bin/env python3
"""Checks the sample captures in pcaps/ against the claims in pcaps/README.md using tshark,
and checks that pcaps/generate.py is deterministic (regenerating into a temporary directory
gives the committed files byte for byte).

Exit 0 when every claim holds, 1 on a failure, 77 when tshark is not installed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

NAME = "test_pcaps_tshark"
TSHARK_OPTS = ["-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
               "-o", "ip.check_checksum:TRUE"]


def parse_claims(readme):
    """[(file, packets, cut, refuse, [(filter, count)])] from the ```claims block."""
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^```claims\n(.*?)^```", text, re.S | re.M)
    if not m:
        raise ValueError("%s: no ```claims block" % readme)
    claims = []
    for lineno, line in enumerate(m.group(1).splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3:
            raise ValueError("claims line %d: expected FILE | PACKETS | CLAIMS: %r"
                             % (lineno, line))
        fname, pk, rest = parts
        cut = refuse = False
        if pk == "none":
            refuse, packets = True, 0
        elif pk.endswith("+cut"):
            cut, packets = True, int(pk[:-4])
        else:
            packets = int(pk)
        filters = []
        for item in rest.split(";"):
            item = item.strip()
            if not item:
                continue
            if "=>" not in item:
                raise ValueError("claims line %d: %r lacks '=> COUNT'" % (lineno, item))
            flt, cnt = item.rsplit("=>", 1)
            filters.append((flt.strip(), int(cnt)))
        claims.append((fname, packets, cut, refuse, filters))
    return claims


def tshark(path, flt=None):
    cmd = ["tshark", "-n", "-r", path] + TSHARK_OPTS + ["-T", "fields", "-e", "frame.number"]
    if flt is not None:
        cmd += ["-Y", flt]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    lines = [ln for ln in p.stdout.decode().splitlines() if ln.strip()]
    return p.returncode, len(lines), p.stderr.decode("utf-8", "replace")


def tshark_counts(path, filters, chunk=16):
    """Frames matching each filter, from one io,stat run per chunk of filters (a tshark start
    costs ~1 s of CPU: one per capture, not one per claim).  None when tshark cannot do it
    that way (a filter with a comma, which io,stat splits on, or any tshark error): the
    caller then asks per filter, which also names the filter tshark rejects."""
    if any("," in f for f in filters):
        return None
    counts = {}
    for i in range(0, len(filters), chunk):
        part = filters[i:i + chunk]
        cmd = ["tshark", "-n", "-q", "-r", path] + TSHARK_OPTS + \
            ["-z", "io,stat,0," + ",".join(part)]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        rows = [ln for ln in p.stdout.decode("utf-8", "replace").splitlines()
                if re.match(r"^\|\s*[0-9.]+\s*<>", ln)]
        if p.returncode != 0 or len(rows) != 1:
            return None
        cells = [c.strip() for c in rows[0].strip("|").split("|")]
        frames = cells[1::2]
        if len(frames) != len(part) or not all(x.isdigit() for x in frames):
            return None
        for f, x in zip(part, frames):
            counts[f] = int(x)
    return counts


def stderr_msg(err):
    return " ".join(ln for ln in err.splitlines() if "Running as user" not in ln).strip()


def check_claims(rep, pcapdir, claims):
    listed = set()
    for fname, packets, cut, refuse, filters in claims:
        listed.add(fname)
        path = os.path.join(pcapdir, fname)
        if not rep.check(os.path.exists(path), "%s exists" % fname):
            continue
        rc, n, err = tshark(path)
        if refuse:
            rep.check(rc != 0 and "format" in err, "%s: tshark refuses it" % fname,
                      "rc=%d, %d frames, %s" % (rc, n, stderr_msg(err)))
            continue
        if cut:
            rep.check("cut short" in err, "%s: tshark reports it cut short" % fname,
                      "rc=%d, stderr: %s" % (rc, stderr_msg(err)))
        else:
            rep.check(rc == 0 and not stderr_msg(err), "%s: tshark reads it cleanly" % fname,
                      "rc=%d, stderr: %s" % (rc, stderr_msg(err)))
        rep.check(n == packets, "%s: %d packets" % (fname, packets), "tshark reads %d" % n)
        own, own_cut = itlib.count_packets(path)
        rep.check(own == packets and own_cut == cut,
                  "%s: itlib.count_packets agrees (%d%s)" % (fname, packets, "+cut" if cut else ""),
                  "got %d, cut=%s" % (own, own_cut))
        fast = tshark_counts(path, [flt for flt, _ in filters]) if filters else {}
        for flt, want in filters:
            if fast is not None:
                rep.check(fast[flt] == want, "%s: `%s` => %d" % (fname, flt, want),
                          "tshark matches %d" % fast[flt])
                continue
            frc, got, ferr = tshark(path, flt)
            if "was unexpected in this context" in ferr or "is neither a field" in ferr \
                    or "isn't a valid" in ferr:
                rep.fail("%s: filter %r" % (fname, flt), "tshark rejects the filter: %s"
                         % stderr_msg(ferr))
                continue
            rep.check(got == want, "%s: `%s` => %d" % (fname, flt, want), "tshark matches %d" % got)
    on_disk = {f for f in os.listdir(pcapdir) if f.endswith((".pcap", ".pcapng"))}
    for f in sorted(on_disk - listed):
        rep.fail("%s has claims in pcaps/README.md" % f, "file present but not listed")


def check_determinism(rep, source, pcapdir):
    gen = os.path.join(pcapdir, "generate.py")
    py = itlib.SYSTEM_PYTHON if os.path.exists(itlib.SYSTEM_PYTHON) else sys.executable
    tmp = tempfile.mkdtemp(prefix="imsentry-gen-")
    try:
        p = subprocess.run([py, gen, tmp], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=300)
        if not rep.check(p.returncode == 0, "generate.py runs (%s)" % py,
                         p.stderr.decode("utf-8", "replace")[-2000:]):
            return
        committed = sorted(os.path.relpath(f, pcapdir) for f in itlib.capture_files(pcapdir))
        generated = sorted(os.path.relpath(f, tmp) for f in itlib.capture_files(tmp))
        rep.check(committed == generated, "generate.py writes exactly the committed captures",
                  "committed only: %s; generated only: %s"
                  % (sorted(set(committed) - set(generated)),
                     sorted(set(generated) - set(committed))))
        for f in generated:
            a = os.path.join(pcapdir, f)
            if not os.path.exists(a):
                continue
            rep.check(itlib.sha256_file(a) == itlib.sha256_file(os.path.join(tmp, f)),
                      "%s regenerates byte-identical" % f,
                      "sha256 differs: regenerate with `/usr/bin/python3 pcaps/generate.py` "
                      "and commit, or fix the nondeterminism")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def claim_dirs(pcapdir):
    """pcaps/ itself and every family folder pcaps/<family>/ that has a README.md."""
    dirs = [pcapdir]
    for name in sorted(os.listdir(pcapdir)):
        sub = os.path.join(pcapdir, name)
        if os.path.isdir(sub) and os.path.isfile(os.path.join(sub, "README.md")):
            dirs.append(sub)
    return dirs


def main():
    args = itlib.parse_args(__doc__)
    if shutil.which("tshark") is None:
        itlib.skip(NAME, "tshark is not installed")
    rep = itlib.Reporter(NAME, args.verbose)
    pcapdir = os.path.join(args.source, "pcaps")
    for d in claim_dirs(pcapdir):
        rel = os.path.relpath(os.path.join(d, "README.md"), args.source)
        try:
            claims = parse_claims(os.path.join(d, "README.md"))
        except (OSError, ValueError) as e:
            rep.fail("%s claims parse" % rel, str(e))
            continue
        rep.check(len(claims) > 0, "%s has claims" % rel)
        check_claims(rep, d, claims)
    check_determinism(rep, args.source, pcapdir)
    rep.finish()


if __name__ == "__main__":
    main()
