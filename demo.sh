#!/usr/bin/env bash
# Quick start: installs dependencies, builds imsentry, runs it with the
# default configuration and shipped signatures over the bundled sample
# captures in pcaps/, and shows what it found.
#   ./demo.sh [LOGDIR]     (default LOGDIR: ./demo-out)
set -euo pipefail
cd "$(dirname "$0")"

contrib/install-deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target imsentry
out=${1:-demo-out}
rm -f "$out/eve.json"

mapfile -t caps < <(find pcaps -name "*.pcap" -o -name "*.pcapng" | sort | grep -v -e notacapture -e truncated)
args=()
for c in "${caps[@]}"; do args+=(-r "$c"); done
build/imsentry "${args[@]}" -l "$out"

python3 - "$out/eve.json" <<'PY'
import collections, json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kinds = collections.Counter(e["event_type"] for e in events)
print("\n%s: %s" % (sys.argv[1], ", ".join("%d %s" % (n, k) for k, n in sorted(kinds.items()))))
protos = collections.Counter(e.get("app_proto", "unidentified") for e in events
                             if e["event_type"] == "flow")
print("flows by protocol: " + ", ".join("%s %d" % kv for kv in sorted(protos.items())))
for e in events:
    if e["event_type"] == "alert":
        a = e["alert"]
        md = a.get("metadata", {})
        user = " user=%s" % md["username"][0] if "username" in md else ""
        print("alert %s:%s -> %s:%s [%d] %s%s" % (e["src_ip"], e["src_port"], e["dest_ip"],
              e["dest_port"], a["signature_id"], a["signature"], user))
an = collections.Counter(e["anomaly"]["event"] for e in events if e["event_type"] == "anomaly")
if an:
    print("anomalies: " + ", ".join("%s %d" % kv for kv in sorted(an.items())))
PY
