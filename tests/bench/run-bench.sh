#!/usr/bin/env bash
# run-bench.sh - time imsentry against a bare libpcap read loop on a large generated capture.
#
# usage: run-bench.sh IMSENTRY BENCH_GEN BENCH_FLOOR WORKDIR
#
# Generates WORKDIR/bench.pcap once (kept while the generator version, size and seed match the
# stamp file WORKDIR/bench.stamp), then runs the floor and imsentry alternately BENCH_RUNS times
# each, and prints a Markdown table of median wall times and throughputs, the imsentry/floor
# throughput ratio and imsentry's peak RSS.  Fails (status 1) when a run exits non-zero or
# imsentry's final stats.decoder.pkts differs from the generator's packet count.
#
# Environment:
#   BENCH_SIZE_MB  capture size in MB of 10^6 bytes (default 400)
#   BENCH_SEED     generator seed (default 20020416)
#   BENCH_RUNS     timed runs of each program (default 5)
#   BENCH_EXTRA    extra imsentry arguments, word-split (e.g. "-c my.yaml")
#   BENCH_NO_PKT_CHECK  set to 1 to skip the decoder.pkts guard (e.g. with a BPF in BENCH_EXTRA)
#   BENCH_KEEP_OUT      set to 0 to remove WORKDIR/out (the last imsentry run's logs) at the end
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 IMSENTRY BENCH_GEN BENCH_FLOOR WORKDIR" >&2
    exit 2
fi
IMSENTRY=$1
GEN=$2
FLOOR=$3
WORK=$4
SIZE_MB=${BENCH_SIZE_MB:-400}
SEED=${BENCH_SEED:-20020416}
RUNS=${BENCH_RUNS:-5}
EXTRA=${BENCH_EXTRA:-}

case "$RUNS" in '' | *[!0-9]* | 0) echo "BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac
case "$SIZE_MB" in '' | *[!0-9]* | 0) echo "BENCH_SIZE_MB must be a positive integer" >&2; exit 2 ;; esac
for prog in "$IMSENTRY" "$GEN" "$FLOOR"; do
    if [ ! -x "$prog" ]; then
        echo "run-bench: $prog: not an executable" >&2
        exit 2
    fi
done
command -v python3 >/dev/null || { echo "run-bench: python3 is required" >&2; exit 2; }

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PCAP=$WORK/bench.pcap
STAMP=$WORK/bench.stamp
OUT=$WORK/out
RESULTS=$WORK/results.tsv

# ---- 1. the capture, generated once ---------------------------------------------------------
want="$("$GEN" -V) size_mb=$SIZE_MB seed=$SEED"
if [ -f "$PCAP" ] && [ -f "$STAMP" ] && [ "$(head -n 1 "$STAMP")" = "$want" ]; then
    echo "run-bench: reusing $PCAP ($want)"
else
    echo "run-bench: generating $PCAP ($want) ..."
    rm -f "$STAMP"
    gen_out=$("$GEN" -s "$SIZE_MB" -S "$SEED" "$PCAP")
    echo "run-bench: $gen_out"
    printf '%s\n%s\n' "$want" "$gen_out" >"$STAMP"
fi
gen_line=$(sed -n 2p "$STAMP")
kv() { # kv KEY "k=v k=v ..." -> value
    local k=$1 pair
    for pair in $2; do
        if [ "${pair%%=*}" = "$k" ]; then
            echo "${pair#*=}"
            return 0
        fi
    done
    echo "run-bench: no $k= in: $2" >&2
    return 1
}
PKTS=$(kv packets "$gen_line")
PKT_BYTES=$(kv packet_bytes "$gen_line")
FILE_BYTES=$(stat -c %s "$PCAP")
if [ "$FILE_BYTES" != "$(kv file_bytes "$gen_line")" ]; then
    echo "run-bench: $PCAP does not match its stamp; delete $STAMP to regenerate" >&2
    exit 1
fi

# ---- 2. timed runs ----------------------------------------------------------------------------
# timeone OUTFILE CMD...: runs CMD (stdout to OUTFILE, stderr to OUTFILE.err) and prints
# "wall_s maxrss_kb status".  Wall time is measured around fork/exec/wait only.  Peak RSS comes
# from GNU time (/usr/bin/time -f %M) when present: ru_maxrss of a child forked from python
# would count python's own pages from before exec.  Without GNU time it falls back to that
# figure, and the report says so.
TIME_BIN=/usr/bin/time
if ! "$TIME_BIN" -f %M -o /dev/null true 2>/dev/null; then
    TIME_BIN=
fi
timeone() {
    python3 - "$TIME_BIN" "$@" <<'PY'
import os, sys, time
time_bin, out_path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
rss_path = out_path + ".rss"
if time_bin:
    argv = [time_bin, "-f", "%M", "-o", rss_path] + argv
out = open(out_path, "wb")
err = open(out_path + ".err", "wb")
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
rss = -ru.ru_maxrss
if time_bin:
    lines = open(rss_path).read().split()
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else -1
print("%.6f %d %d" % (wall, rss, os.waitstatus_to_exitcode(status)))
PY
}

# decoder_pkts EVE: stats.decoder.pkts of the last stats event, or "none".
decoder_pkts() {
    python3 - "$1" <<'PY'
import json, sys
last = None
with open(sys.argv[1], "rb") as f:
    for line in f:
        if b'"stats"' not in line:
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("event_type") == "stats":
            last = ev
try:
    print(int(last["stats"]["decoder"]["pkts"]))
except (TypeError, KeyError, ValueError):
    print("none")
PY
}

# reasm_stats EVE: "reassembled_bytes tcp_memuse_max defrag_memuse_max" from the last stats
# event (tcp.reassembled_bytes, tcp.reassembly_memuse_max, defrag.memuse_max; -1 when absent).
reasm_stats() {
    python3 - "$1" <<'PY'
import json, sys
last = None
with open(sys.argv[1], "rb") as f:
    for line in f:
        if b'"stats"' not in line:
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("event_type") == "stats":
            last = ev
def get(path):
    node = (last or {}).get("stats", {})
    for k in path.split("."):
        if not isinstance(node, dict) or k not in node:
            return -1
        node = node[k]
    return int(node) if isinstance(node, int) else -1
print(get("tcp.reassembled_bytes"), get("tcp.reassembly_memuse_max"), get("defrag.memuse_max"))
PY
}

# Warm the page cache so the first timed run is not the only one reading from disk.
"$FLOOR" "$PCAP" >/dev/null

read -r -a extra_args <<<"$EXTRA"
: >"$RESULTS"
for i in $(seq 1 "$RUNS"); do
    read -r wall rss rc < <(timeone "$WORK/floor.out" "$FLOOR" "$PCAP")
    if [ "$rc" != 0 ]; then
        echo "run-bench: floor run $i exited $rc:" >&2
        cat "$WORK/floor.out.err" >&2
        exit 1
    fi
    fp=$(kv packets "$(cat "$WORK/floor.out")")
    if [ "$fp" != "$PKTS" ]; then
        echo "run-bench: floor read $fp packets, generator wrote $PKTS" >&2
        exit 1
    fi
    printf 'floor\t%s\t%s\n' "$wall" "$rss" >>"$RESULTS"

    rm -rf "$OUT"
    read -r wall rss rc < <(timeone "$WORK/imsentry.out" "$IMSENTRY" -r "$PCAP" -l "$OUT" \
        ${extra_args[@]+"${extra_args[@]}"})
    if [ "$rc" != 0 ]; then
        echo "run-bench: imsentry run $i exited $rc:" >&2
        tail -n 20 "$WORK/imsentry.out.err" >&2
        exit 1
    fi
    if [ ! -f "$OUT/eve.json" ]; then
        echo "run-bench: imsentry run $i wrote no $OUT/eve.json" >&2
        exit 1
    fi
    dp=$(decoder_pkts "$OUT/eve.json")
    if [ "${BENCH_NO_PKT_CHECK:-0}" = 0 ] && [ "$dp" != "$PKTS" ]; then
        echo "run-bench: imsentry stats.decoder.pkts=$dp, generator wrote $PKTS packets" >&2
        exit 1
    fi
    printf 'imsentry\t%s\t%s\n' "$wall" "$rss" >>"$RESULTS"
    printf 'run-bench: run %d/%d done\n' "$i" "$RUNS" >&2
done
# The counters are the same every run (same capture): read them from the last one.
read -r REASM_BYTES TCP_MEM_MAX DEFRAG_MEM_MAX < <(reasm_stats "$OUT/eve.json")
if [ "${BENCH_KEEP_OUT:-1}" = 0 ]; then
    rm -rf "$OUT"
fi

# ---- 3. report --------------------------------------------------------------------------------
python3 - "$RESULTS" "$PKTS" "$PKT_BYTES" "$FILE_BYTES" "$RUNS" "$EXTRA" \
    "$REASM_BYTES" "$TCP_MEM_MAX" "$DEFRAG_MEM_MAX" <<'PY'
import statistics, sys
path, pkts, pkt_bytes, file_bytes, runs, extra = sys.argv[1:7]
reasm_bytes, tcp_mem_max, defrag_mem_max = (int(x) for x in sys.argv[7:10])
pkts, pkt_bytes, file_bytes = int(pkts), int(pkt_bytes), int(file_bytes)
rows = {"floor": [], "imsentry": []}
rss = {"floor": [], "imsentry": []}
for line in open(path):
    who, wall, kb = line.split("\t")
    rows[who].append(float(wall))
    rss[who].append(int(kb))

def fmt_rate(v):
    return "%.2f M" % (v / 1e6) if v >= 1e6 else "%.1f k" % (v / 1e3)

med = {k: statistics.median(v) for k, v in rows.items()}
print()
print("Capture: %.1f MB file, %d packets, %.1f MB of packet bytes (avg %.0f B/packet)"
      % (file_bytes / 1e6, pkts, pkt_bytes / 1e6, pkt_bytes / pkts))
print("Median of %s run%s each; Mbit/s counts packet bytes (sum of caplen), not file bytes."
      % (runs, "" if runs == "1" else "s") + (" imsentry args: %s" % extra if extra else ""))
print()
print("| reader | median wall (s) | min-max (s) | packets/s | Mbit/s | vs floor |")
print("|---|---:|---:|---:|---:|---:|")
for who, label in (("floor", "libpcap floor"), ("imsentry", "imsentry -r")):
    w = med[who]
    print("| %s | %.3f | %.3f-%.3f | %s | %.0f | %.3f |"
          % (label, w, min(rows[who]), max(rows[who]), fmt_rate(pkts / w),
             pkt_bytes * 8 / w / 1e6, med["floor"] / w))
print()
approx = any(v < 0 for v in rss["imsentry"] + rss["floor"])
peak = {k: max(abs(x) for x in v) / 1024 for k, v in rss.items()}
print("imsentry peak RSS: %.1f MB (max over runs); floor: %.1f MB%s"
      % (peak["imsentry"], peak["floor"],
         " (no GNU time: includes the launcher's pre-exec pages, a lower bound near 10 MB)"
         if approx else ""))
print("imsentry/floor throughput ratio: %.3f (floor is %.1fx faster)"
      % (med["floor"] / med["imsentry"], med["imsentry"] / med["floor"]))
print()
# Reassembly cost: TCP payload handed to the detectors in order (tcp.reassembled_bytes) over
# imsentry's whole median wall time, and the high-water marks of reassembly memory.
def mb(v):
    return "n/a" if v < 0 else "%.2f MB" % (v / 1e6)
print("| reassembly | value |")
print("|---|---:|")
print("| TCP bytes reassembled (tcp.reassembled_bytes) | %s |" % mb(reasm_bytes))
print("| reassembled MB/s (over imsentry median wall) | %s |"
      % ("n/a" if reasm_bytes < 0 else "%.1f" % (reasm_bytes / med["imsentry"] / 1e6)))
print("| TCP reassembly memory high-water (tcp.reassembly_memuse_max) | %s |" % mb(tcp_mem_max))
print("| defrag memory high-water (defrag.memuse_max) | %s |" % mb(defrag_mem_max))
PY
