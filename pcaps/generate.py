#!/usr/bin/python3
"""Generates the sample captures in pcaps/ (deterministic, byte-identical on every run).

Run with Debian's python3-scapy:  /usr/bin/python3 pcaps/generate.py [OUTDIR]

Every capture starts at 2002-04-16T12:00:00Z and advances 1 ms per packet; addresses come from
the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and
RFC 1918 clients; MACs are fixed locally administered ones; the only randomness is a
random.Random with a fixed seed.  pcaps/README.md lists what each file holds and the tshark
claims tests/integration/test_pcaps_tshark.py checks.

Ports avoid every protocol imsentry identifies (IM, P2P, proxies, mail, FTP, HTTP, DNS ...) so
these foundation captures stay app_proto-free; TCP servers listen on 9xxx, UDP servers on
91xx, clients use ephemeral ports above them.
"""

import os
import random
import struct
import sys
from decimal import Decimal

import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402
    GRE,
    IP,
    TCP,
    UDP,
    Dot1AD,
    Dot1Q,
    Ether,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop,
    PcapWriter,
    PPPoE,
    Raw,
    CookedLinux,
)
from scapy.contrib.mpls import MPLS  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402

try:
    from scapy.all import PcapNgWriter  # noqa: E402
except ImportError:  # pragma: no cover - scapy < 2.5
    PcapNgWriter = None

# 2002-04-16T12:00:00Z
T0 = 1018958400

MAC_CLIENT = "02:00:00:00:00:01"
MAC_SERVER = "02:00:00:00:00:02"
MAC_ROUTER = "02:00:00:00:00:fe"

DLT_NULL = 0
DLT_EN10MB = 1
DLT_RAW = 101
DLT_LOOP = 108
DLT_LINUX_SLL = 113
DLT_LINUX_SLL2 = 276


class Clock:
    """Packet time: starts at T0, advances step_us per packet."""

    def __init__(self, step_us=1000):
        self.us = 0
        self.step = step_us

    def next(self):
        t = Decimal(T0) + Decimal(self.us) / Decimal(1000000)
        self.us += self.step
        return t


# ---------------------------------------------------------------------------------------------
# L3/L4 builders: each returns a list of (to_server: bool, l3 scapy packet)


def ip_layer(src, dst, v6, ttl, **kw):
    if v6:
        return IPv6(src=src, dst=dst, hlim=ttl)
    return IP(src=src, dst=dst, ttl=ttl, id=kw.get("ipid", 1), flags="DF")


def tcp_session(cli, srv, sport, dport, exchanges, v6=False, cisn=1000, sisn=5000, ext=None):
    """A complete TCP connection: handshake, one client segment and one server segment per
    exchange (each acking the other), a final ACK, then FIN / FIN / ACK.
    2 * len(exchanges) + 7 packets; 5 + n to the server, 2 + n to the client.
    ext(i, l3) may wrap the i-th client packet's IP layer (IPv6 extension headers)."""
    out = []
    c_seq, s_seq = cisn, sisn
    ci = [0]

    def c(flags, seq, ack, data=b""):
        l3 = ip_layer(cli, srv, v6, 64, ipid=100 + len(out))
        l4 = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=65535)
        if flags == "S":
            l4.options = [("MSS", 1460)]
        pkt = l3 / l4 / Raw(data) if data else l3 / l4
        if ext is not None:
            pkt = ext(ci[0], pkt)
        ci[0] += 1
        out.append((True, pkt))

    def s(flags, seq, ack, data=b""):
        l3 = ip_layer(srv, cli, v6, 128, ipid=200 + len(out))
        l4 = TCP(sport=dport, dport=sport, flags=flags, seq=seq, ack=ack, window=65535)
        if flags == "SA":
            l4.options = [("MSS", 1460)]
        out.append((False, l3 / l4 / Raw(data) if data else l3 / l4))

    c("S", c_seq, 0)
    c_seq += 1
    s("SA", s_seq, c_seq)
    s_seq += 1
    c("A", c_seq, s_seq)
    for req, resp in exchanges:
        c("PA", c_seq, s_seq, req)
        c_seq += len(req)
        s("PA", s_seq, c_seq, resp)
        s_seq += len(resp)
    c("A", c_seq, s_seq)
    c("FA", c_seq, s_seq)
    c_seq += 1
    s("FA", s_seq, c_seq)
    s_seq += 1
    c("A", c_seq, s_seq)
    return out


def udp_exchange(cli, srv, sport, dport, exchanges, v6=False, ext=None):
    """One request and one response per exchange: 2 * len(exchanges) packets."""
    out = []
    for i, (req, resp) in enumerate(exchanges):
        p = (ip_layer(cli, srv, v6, 64, ipid=300 + len(out)) / UDP(sport=sport, dport=dport)
             / Raw(req))
        if ext is not None:
            p = ext(i, p)
        out.append((True, p))
        out.append((False, ip_layer(srv, cli, v6, 128, ipid=400 + len(out))
                    / UDP(sport=dport, dport=sport) / Raw(resp)))
    return out


def eth(to_server, l3):
    """Plain Ethernet II framing (EtherType from the IP version)."""
    src, dst = (MAC_CLIENT, MAC_SERVER) if to_server else (MAC_SERVER, MAC_CLIENT)
    return Ether(src=src, dst=dst) / l3


def write_pcap(path, frames, linktype=DLT_EN10MB):
    """frames: list of bytes; one clock per file."""
    clock = Clock()
    w = PcapWriter(path, linktype=linktype, sync=False)
    for f in frames:
        p = Raw(load=bytes(f))
        p.time = clock.next()
        w.write(p)
    w.close()


def l2frames(pkts):
    return [bytes(eth(d, p)) for d, p in pkts]


# ---------------------------------------------------------------------------------------------
# Captures


def basic_packets():
    """Three TCP connections and two UDP exchanges over IPv4 / Ethernet."""
    pkts = []
    pkts += tcp_session("10.0.0.2", "192.0.2.10", 40001, 9000,
                        [(b"hello server\n", b"hello client, nice to meet you\n")])
    pkts += tcp_session("10.0.0.3", "198.51.100.20", 40002, 9001,
                        [(b"first request\n", b"first answer\n"),
                         (b"second request, a little longer\n", b"second answer\n")],
                        cisn=20000, sisn=90000)
    pkts += udp_exchange("192.168.1.5", "203.0.113.30", 50001, 9100,
                         [(b"ping 1", b"pong 1"), (b"ping 2", b"pong 2")])
    pkts += tcp_session("172.16.5.9", "203.0.113.31", 40003, 9002,
                        [(b"x" * 300, b"y" * 700)], cisn=300, sisn=7000)
    pkts += udp_exchange("10.0.0.2", "192.0.2.53", 50002, 9101, [(b"query", b"answer!")])
    return pkts


def gen_basic(out):
    frames = l2frames(basic_packets())
    write_pcap(os.path.join(out, "basic-tcp-udp.pcap"), frames)
    return frames


def gen_ipv6(out):
    def chain(i, pkt):
        # hop-by-hop + destination options on the first two client packets of each flow
        if i >= 2:
            return pkt
        ip6 = pkt[IPv6]
        l4 = ip6.payload
        ip6.remove_payload()
        ip6.nh = 0
        return ip6 / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / l4

    pkts = []
    pkts += tcp_session("2001:db8:1::2", "2001:db8:2::10", 40010, 9010,
                        [(b"hello over six\n", b"hello back over six\n")], v6=True, ext=chain)
    pkts += udp_exchange("2001:db8:1::3", "2001:db8:2::53", 50010, 9110,
                         [(b"v6 ping 1", b"v6 pong 1"), (b"v6 ping 2", b"v6 pong 2")], v6=True,
                         ext=chain)
    write_pcap(os.path.join(out, "ipv6.pcap"), l2frames(pkts))


ERSPAN_II_VER = 1


def erspan_ii_header(session_id, index):
    # ver(4)=1 | vlan(12)=0 ; cos(3) en(2) t(1) session(10) ; reserved(12) index(20)
    w1 = (ERSPAN_II_VER << 28) | (0 << 16) | (0 << 13) | (0 << 11) | (0 << 10) | session_id
    w2 = index & 0xFFFFF
    return struct.pack("!II", w1, w2)


def gen_encap(out):
    """One small TCP session per encapsulation, each with its own inner addresses."""
    frames = []
    encs = ["dot1q", "qinq", "mpls", "pppoe", "gre", "erspan", "vxlan", "ipip"]
    for n, enc in enumerate(encs, start=1):
        cli, srv = "10.%d.0.2" % n, "192.0.2.%d" % (100 + n)
        tag = enc.encode()
        sess = tcp_session(cli, srv, 41000 + n, 9020 + n,
                           [(b"inner data %s\n" % tag, b"inner reply %s\n" % tag)],
                           cisn=1000 * n, sisn=50000 * n)
        for k, (d, l3) in enumerate(sess):
            src, dst = (MAC_CLIENT, MAC_ROUTER) if d else (MAC_ROUTER, MAC_CLIENT)
            osrc, odst = ("203.0.113.1", "203.0.113.2") if d else ("203.0.113.2", "203.0.113.1")
            if enc == "dot1q":
                f = Ether(src=src, dst=dst) / Dot1Q(vlan=100) / l3
            elif enc == "qinq":
                f = Ether(src=src, dst=dst, type=0x88A8) / Dot1AD(vlan=10) / Dot1Q(vlan=20) / l3
            elif enc == "mpls":
                f = (Ether(src=src, dst=dst, type=0x8847) / MPLS(label=1000, s=0, ttl=64)
                     / MPLS(label=2000, s=1, ttl=64) / l3)
            elif enc == "pppoe":
                f = (Ether(src=src, dst=dst, type=0x8864)
                     / PPPoE(version=1, type=1, code=0, sessionid=0x1234)
                     / Raw(b"\x00\x21") / l3)  # PPP protocol IPv4, uncompressed (RFC 2516)
            elif enc == "gre":
                f = (Ether(src=src, dst=dst) / IP(src=osrc, dst=odst, ttl=255, id=k + 1)
                     / GRE(proto=0x0800) / l3)
            elif enc == "erspan":
                # mirrored frame seen by the collector: always monitor -> collector
                inner = Ether(src=src, dst=dst) / l3
                f = (Ether(src=MAC_ROUTER, dst=MAC_SERVER)
                     / IP(src="203.0.113.9", dst="203.0.113.10", ttl=255, id=k + 1)
                     / GRE(seqnum_present=1, sequence_number=k, proto=0x88BE)
                     / Raw(erspan_ii_header(42, k)) / inner)
            elif enc == "vxlan":
                inner = Ether(src=src, dst=dst) / l3
                f = (Ether(src=MAC_ROUTER, dst=MAC_SERVER)
                     / IP(src=osrc, dst=odst, ttl=255, id=k + 1)
                     / UDP(sport=49152 + (7 if d else 8), dport=4789)
                     / VXLAN(flags=0x08, vni=5000) / inner)
            elif enc == "ipip":
                f = (Ether(src=src, dst=dst)
                     / IP(src=osrc, dst=odst, ttl=255, id=k + 1, proto=4) / l3)
            frames.append(bytes(f))
    write_pcap(os.path.join(out, "encap.pcap"), frames)


def link_sessions():
    """What every link-type capture carries: one IPv4 TCP session and one IPv6 UDP exchange."""
    pkts = tcp_session("10.9.0.2", "192.0.2.80", 42001, 9030,
                       [(b"link layer test\n", b"link layer ok\n")])
    pkts += udp_exchange("2001:db8:9::2", "2001:db8:9::80", 50030, 9130,
                         [(b"six ping", b"six pong")], v6=True)
    return pkts


def sll_addr(to_server):
    return MAC_CLIENT if to_server else MAC_SERVER


def gen_linktypes(out):
    pkts = link_sessions()

    # Linux cooked v1 (DLT 113), captured on the client: its packets are "outgoing" (4)
    frames = []
    for d, l3 in pkts:
        proto = 0x86DD if l3.haslayer(IPv6) else 0x0800
        hdr = CookedLinux(pkttype=4 if d else 0, lladdrtype=1, lladdrlen=6,
                          src=bytes.fromhex(sll_addr(d).replace(":", "")) + b"\0\0", proto=proto)
        frames.append(bytes(hdr) + bytes(l3))
    write_pcap(os.path.join(out, "sll.pcap"), frames, DLT_LINUX_SLL)

    # Linux cooked v2 (DLT 276), header written by hand:
    # protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
    frames = []
    for d, l3 in pkts:
        proto = 0x86DD if l3.haslayer(IPv6) else 0x0800
        mac = bytes.fromhex(sll_addr(d).replace(":", "")) + b"\0\0"
        hdr = struct.pack("!HHIHBB8s", proto, 0, 2, 1, 4 if d else 0, 6, mac)
        frames.append(hdr + bytes(l3))
    write_pcap(os.path.join(out, "sll2.pcap"), frames, DLT_LINUX_SLL2)

    # raw IP (DLT 101)
    write_pcap(os.path.join(out, "raw.pcap"), [bytes(l3) for _, l3 in pkts], DLT_RAW)

    # BSD null (DLT 0): 4-byte family in the capturing host's byte order (little-endian here);
    # AF_INET 2; AF_INET6 24 (NetBSD/OpenBSD) for the request, 30 (macOS) for the reply.
    frames = []
    for d, l3 in pkts:
        if l3.haslayer(IPv6):
            af = 24 if d else 30
        else:
            af = 2
        frames.append(struct.pack("<I", af) + bytes(l3))
    write_pcap(os.path.join(out, "null.pcap"), frames, DLT_NULL)

    # OpenBSD loop (DLT 108): family in network byte order; AF_INET 2, AF_INET6 24
    frames = [struct.pack("!I", 24 if l3.haslayer(IPv6) else 2) + bytes(l3) for _, l3 in pkts]
    write_pcap(os.path.join(out, "loop.pcap"), frames, DLT_LOOP)


def frag4(l3, size, order, dup=None):
    """Cuts an IPv4 datagram's payload into size-byte pieces (size % 8 == 0) and returns the
    fragments (as IP packets) in the given order; dup = index of a fragment sent twice,
    right after its first copy."""
    raw = bytes(l3)
    hl = (raw[0] & 0x0F) * 4
    hdr = IP(raw[:hl] + b"")  # parsed header template
    payload = raw[hl:]
    pieces = [payload[i:i + size] for i in range(0, len(payload), size)]
    frags = []
    for i, pc in enumerate(pieces):
        off = i * size
        more = i < len(pieces) - 1
        f = IP(src=hdr.src, dst=hdr.dst, ttl=hdr.ttl, id=hdr.id, proto=hdr.proto,
               flags="MF" if more else 0, frag=off // 8) / Raw(pc)
        frags.append(f)
    res = []
    for i in order:
        res.append(frags[i])
        if dup == i:
            res.append(frags[i])
    return res


def frag6(l3, size, order, ident, dup=None):
    """Like frag4 for IPv6: a Fragment header after the fixed header."""
    raw = bytes(l3)
    nh = raw[6]
    payload = raw[40:]
    hdr = IPv6(raw[:40])
    pieces = [payload[i:i + size] for i in range(0, len(payload), size)]
    frags = []
    for i, pc in enumerate(pieces):
        more = 1 if i < len(pieces) - 1 else 0
        f = (IPv6(src=hdr.src, dst=hdr.dst, hlim=hdr.hlim)
             / IPv6ExtHdrFragment(nh=nh, offset=(i * size) // 8, m=more, id=ident) / Raw(pc))
        frags.append(f)
    res = []
    for i in order:
        res.append(frags[i])
        if dup == i:
            res.append(frags[i])
    return res


def shuffled(n, seed):
    rng = random.Random(seed)
    order = list(range(n))
    while order == sorted(order) or order == sorted(order, reverse=True):
        rng.shuffle(order)
    return order


def gen_frag(out):
    pkts = []
    # 1. IPv4 UDP: a 1200-byte IP payload (UDP header + 1192 bytes) in 3 fragments sent in
    #    reverse, the middle one twice; then an unfragmented reply.
    req = IP(src="10.2.0.2", dst="198.51.100.40", ttl=64, id=0x1111) \
        / UDP(sport=50040, dport=9140) / Raw(bytes(range(256)) * 4 + b"A" * 168)
    for f in frag4(req, 400, [2, 1, 0], dup=1):
        pkts.append((True, f))
    pkts.append((False, IP(src="198.51.100.40", dst="10.2.0.2", ttl=128, id=0x2222)
                 / UDP(sport=9140, dport=50040) / Raw(b"got it")))

    # 2. IPv4 TCP: a 1000-byte data segment cut into 4 fragments sent shuffled.
    sess = tcp_session("10.2.0.3", "198.51.100.41", 42040, 9040,
                       [(bytes((i * 7) & 0xFF for i in range(1000)), b"ok\n")])
    for i, (d, p) in enumerate(sess):
        if i == 3:  # the client's data segment
            p[IP].id = 0x3333
            p[IP].flags = 0
            for f in frag4(p, 256, shuffled(4, 1)):
                pkts.append((True, f))
        else:
            pkts.append((d, p))

    # 3. IPv6 UDP: same as 1 over IPv6.
    req6 = IPv6(src="2001:db8:2::2", dst="2001:db8:3::40", hlim=64) / UDP(sport=50041, dport=9141) \
        / Raw(bytes(range(256)) * 4 + b"B" * 168)
    for f in frag6(req6, 400, [2, 1, 0], ident=0x44444444, dup=1):
        pkts.append((True, f))
    pkts.append((False, IPv6(src="2001:db8:3::40", dst="2001:db8:2::2", hlim=128)
                 / UDP(sport=9141, dport=50041) / Raw(b"got it six")))

    # 4. IPv6 TCP: like 2 over IPv6, with a duplicate as well.
    sess = tcp_session("2001:db8:2::3", "2001:db8:3::41", 42041, 9041,
                       [(bytes((i * 11) & 0xFF for i in range(1000)), b"ok six\n")], v6=True)
    for i, (d, p) in enumerate(sess):
        if i == 3:
            order = shuffled(4, 2)
            for f in frag6(p, 256, order, ident=0x55555555, dup=order[1]):
                pkts.append((True, f))
        else:
            pkts.append((d, p))
    write_pcap(os.path.join(out, "frag.pcap"), l2frames(pkts))


def gen_checksum(out):
    # offload: every client packet has a zero TCP checksum, the server's are right
    sess = tcp_session("10.4.0.2", "192.0.2.60", 43001, 9050,
                       [(b"offloaded request one\n", b"reply one\n"),
                        (b"offloaded request two\n", b"reply two\n")])
    frames = []
    for d, p in sess:
        if d:
            p[TCP].chksum = 0
        frames.append(bytes(eth(d, p)))
    write_pcap(os.path.join(out, "checksum-offload.pcap"), frames)

    # insertion: good checksums throughout, plus one bad-checksum segment with the real
    # segment's sequence number and length but different data, sent just before it.
    real = b"login alice secret\n"
    fake = b"login mallory evil\n"
    assert len(real) == len(fake)
    sess = tcp_session("10.4.0.3", "192.0.2.61", 43002, 9051, [(real, b"welcome\n")])
    frames = []
    for i, (d, p) in enumerate(sess):
        if i == 3:
            bad = p.copy()
            bad[Raw].load = fake
            raw = bytes(eth(True, bad))  # correct checksum computed, then corrupted
            tcp_off = 14 + 20
            ck = struct.unpack("!H", raw[tcp_off + 16:tcp_off + 18])[0]
            raw = raw[:tcp_off + 16] + struct.pack("!H", ck ^ 0x5A5A) + raw[tcp_off + 18:]
            frames.append(raw)
        frames.append(bytes(eth(d, p)))
    write_pcap(os.path.join(out, "checksum-insertion.pcap"), frames)


def gen_malformed(out):
    """Eight malformed packets, each preceded by a good UDP packet of one flow."""
    good_n = [0]

    def good():
        good_n[0] += 1
        return bytes(Ether(src=MAC_CLIENT, dst=MAC_SERVER)
                     / IP(src="10.3.0.2", dst="192.0.2.50", ttl=64, id=good_n[0])
                     / UDP(sport=50050, dport=9150) / Raw(b"good packet %d" % good_n[0]))

    ethh = bytes(Ether(src=MAC_CLIENT, dst=MAC_SERVER, type=0x0800))
    ethh6 = bytes(Ether(src=MAC_CLIENT, dst=MAC_SERVER, type=0x86DD))
    bad_src, bad_dst = "10.3.0.66", "192.0.2.66"

    def ipv4(l4, **kw):
        return bytes(IP(src=bad_src, dst=bad_dst, ttl=64, id=0x6666, **kw) / l4)

    tcp_ok = TCP(sport=43066, dport=9066, flags="A", seq=1, ack=1)
    bad = []
    # 1. truncated IPv4 header: 12 of its 20 bytes
    bad.append(ethh + ipv4(tcp_ok)[:12])
    # 2. IHL 4 (16-byte header < 20)
    b = bytearray(ipv4(tcp_ok))
    b[0] = 0x44
    bad.append(ethh + bytes(b))
    # 3. total length 16 < 20-byte header
    bad.append(ethh + ipv4(tcp_ok, len=16))
    # 4. TCP data offset 3 (12 bytes < 20)
    bad.append(ethh + ipv4(TCP(sport=43066, dport=9066, flags="A", seq=1, ack=1, dataofs=3)))
    # 5. truncated TCP options: data offset 8 (32-byte header) but only 24 bytes of TCP
    #    (MSS option present, the rest of the options cut off by the IP length)
    t = bytes(TCP(sport=43066, dport=9066, flags="S", seq=1, options=[("MSS", 1460)]))
    t = bytearray(t)
    t[12] = 0x80
    t = bytes(t)  # checksum now wrong too; the header is the point
    bad.append(ethh + ipv4(Raw(t), proto=6))
    # 6. IPv6 hop-by-hop header whose length (hdr ext len 10 = 88 bytes) runs past the packet
    u6 = bytes(UDP(sport=50066, dport=9166) / Raw(b"x"))
    hbh = bytes([17, 10, 1, 4, 0, 0, 0, 0])
    v6 = IPv6(src="2001:db8:66::2", dst="2001:db8:66::66", hlim=64, nh=0, plen=len(hbh) + len(u6))
    bad.append(ethh6 + bytes(v6) + hbh + u6)
    # 7. runt Ethernet frame: 10 bytes, not even a whole Ethernet header
    bad.append(ethh[:10])
    # 8. UDP length 200 in a 14-byte UDP datagram
    bad.append(ethh + ipv4(UDP(sport=50066, dport=9166, len=200) / Raw(b"short!"), proto=17))

    frames = []
    for b in bad:
        frames.append(good())
        frames.append(b)
    write_pcap(os.path.join(out, "malformed.pcap"), frames)


def gen_truncated(out, basic_frames):
    path = os.path.join(out, "truncated.pcap")
    write_pcap(path, basic_frames[:9])
    # cut the last record in the middle of its packet data
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size - 20)


def gen_notacapture(out):
    with open(os.path.join(out, "notacapture.pcap"), "wb") as f:
        f.write(b"This is not a packet capture.\nIt is a text file named like one, for the\n"
                b"error-path tests of imsentry -r.\n")


def gen_pcapng(out, basic_frames):
    path = os.path.join(out, "basic.pcapng")
    if PcapNgWriter is None:
        raise SystemExit("scapy lacks PcapNgWriter: cannot write basic.pcapng")
    clock = Clock()
    w = PcapNgWriter(path)
    for f in basic_frames:
        p = Ether(f)
        p.time = clock.next()
        w.write(p)
    w.close()


def gen_families(out):
    """Runs every protocol family's generator: pcaps/<family>/gen.py, whose generate(outdir)
    writes that family's captures into <out>/<family>/ (its README.md holds their claims)."""
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        mod_path = os.path.join(here, name, "gen.py")
        if not os.path.isfile(mod_path):
            continue
        spec = importlib.util.spec_from_file_location("imsentry_gen_" + name, mod_path)
        mod = importlib.util.module_from_spec(spec)
        sys.path.insert(0, here)
        try:
            spec.loader.exec_module(mod)
        finally:
            sys.path.pop(0)
        dest = os.path.join(out, name)
        os.makedirs(dest, exist_ok=True)
        mod.generate(dest)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    basic = gen_basic(out)
    gen_ipv6(out)
    gen_encap(out)
    gen_linktypes(out)
    gen_frag(out)
    gen_checksum(out)
    gen_malformed(out)
    gen_truncated(out, basic)
    gen_notacapture(out)
    gen_pcapng(out, basic)
    gen_families(out)


if __name__ == "__main__":
    main()
