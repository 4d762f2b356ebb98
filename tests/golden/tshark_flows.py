#!/usr/bin/env python3
"""Drafts golden flow lines for a capture from tshark's view, independently of imsentry, for a
human to review before they go into tests/golden/<case>/expected.jsonl.

    tests/golden/tshark_flows.py pcaps/basic-tcp-udp.pcap

For every TCP/UDP conversation of the innermost IP layer (tunnels peeled by tshark): client =
SYN sender, else the sender of the first packet; packets and bytes (frame.len, i.e. the whole
frame on the wire) per direction; state "closed" when a FIN or RST was seen, "established"
when both directions were, else "new"; reason "shutdown" (these captures last under a second);
community_id computed here (Community ID v1, seed 0).  Also prints decoder.pkts and
decoder.bytes.  Reassembled IP fragments need hand work (see tests/golden/README.md): this
script counts only frames where tshark shows the transport header.
"""

import base64
import hashlib
import ipaddress
import json
import struct
import subprocess
import sys

FIELDS = ["frame.number", "frame.len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags", "ip.version"]


def community_id(proto, sip, sport, dip, dport, seed=0):
    a, b = ipaddress.ip_address(sip), ipaddress.ip_address(dip)
    if (a.packed, sport) > (b.packed, dport):
        a, b, sport, dport = b, a, dport, sport
    data = struct.pack("!H", seed) + a.packed + b.packed + struct.pack("!BBHH", proto, 0, sport,
                                                                      dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def last(v):
    return v.split(",")[-1] if v else ""


def flows(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t"]
                         + sum((["-e", f] for f in FIELDS), []),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    table = {}
    order = []
    pkts = nbytes = 0
    for line in out.splitlines():
        c = dict(zip(FIELDS, line.split("\t")))
        pkts += 1
        nbytes += int(c["frame.len"])
        src = last(c["ipv6.src"]) or last(c["ip.src"])
        dst = last(c["ipv6.dst"]) or last(c["ip.dst"])
        if c["tcp.srcport"]:
            proto, sp, dp = 6, int(last(c["tcp.srcport"])), int(last(c["tcp.dstport"]))
        elif c["udp.srcport"]:
            proto, sp, dp = 17, int(last(c["udp.srcport"])), int(last(c["udp.dstport"]))
        else:
            continue
        key = (proto, frozenset([(src, sp), (dst, dp)]))
        flags = int(last(c["tcp.flags"]) or "0", 16) if proto == 6 else 0
        if key not in table:
            cli = (src, sp)
            if proto == 6 and (flags & 0x12) == 0x12:  # SYN/ACK first: receiver is the client
                cli = (dst, dp)
            table[key] = {"cli": cli, "pkts": [0, 0], "bytes": [0, 0], "fin": False}
            order.append(key)
        t = table[key]
        d = 0 if (src, sp) == t["cli"] else 1
        t["pkts"][d] += 1
        t["bytes"][d] += int(c["frame.len"])
        if flags & 0x05:
            t["fin"] = True
    lines = []
    for key in order:
        t = table[key]
        proto = key[0]
        (cip, cp) = t["cli"]
        (sip, sp) = [e for e in key[1] if e != t["cli"]][0]
        if proto == 6 and t["fin"]:
            state = "closed"
        elif t["pkts"][0] and t["pkts"][1]:
            state = "established"
        else:
            state = "new"
        ev = {"event_type": "flow", "src_ip": cip, "src_port": cp, "dest_ip": sip,
              "dest_port": sp, "proto": "TCP" if proto == 6 else "UDP",
              "community_id": community_id(proto, cip, cp, sip, sp),
              "flow": {"pkts_toserver": t["pkts"][0], "pkts_toclient": t["pkts"][1],
                       "bytes_toserver": t["bytes"][0], "bytes_toclient": t["bytes"][1],
                       "state": state, "reason": "shutdown"}}
        lines.append(json.dumps(ev, sort_keys=True))
    return lines, pkts, nbytes


def main():
    for path in sys.argv[1:]:
        lines, pkts, nbytes = flows(path)
        print("# %s: %d packets, %d bytes" % (path, pkts, nbytes))
        for ln in sorted(lines):
            print(ln)


if __name__ == "__main__":
    main()
