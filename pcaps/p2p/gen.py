"""Sample captures of the p2p family: Gnutella, KaZaA/FastTrack, IRC and DNS (issue 4/5).

Each capture holds complete TCP sessions (handshake, data with correct seq/ack, FIN) or UDP
exchanges, built from a list of (direction, bytes) messages.  Variants: default port, other
port, 1-byte segments, IPv6, VLAN, through SOCKS5, mid-stream (no handshake), and negatives
that must stay quiet.  Run through pcaps/generate.py (gen_families); deterministic.
"""

import os
import struct

from generate import IP, TCP, UDP, IPv6, Raw, Dot1Q, Ether, MAC_CLIENT, MAC_SERVER, write_pcap

C, S = True, False  # to server, to client


def session(cli, srv, sport, dport, msgs, v6=False, seg=0, handshake=True, vlan=None,
            cisn=1000, sisn=5000):
    """Frames of one TCP connection carrying msgs [(to_server, bytes)]; seg>0 splits data."""
    out = []
    seq = {C: cisn, S: sisn}

    def pkt(d, flags, data=b""):
        src, dst, sp, dp = (cli, srv, sport, dport) if d else (srv, cli, dport, sport)
        l3 = IPv6(src=src, dst=dst, hlim=64) if v6 else IP(src=src, dst=dst, ttl=64, flags="DF",
                                                           id=len(out) + 1)
        l4 = TCP(sport=sp, dport=dp, flags=flags, seq=seq[d], ack=seq[not d], window=65535)
        p = l3 / l4 / Raw(data) if data else l3 / l4
        m1, m2 = (MAC_CLIENT, MAC_SERVER) if d else (MAC_SERVER, MAC_CLIENT)
        e = Ether(src=m1, dst=m2) / Dot1Q(vlan=vlan) / p if vlan else Ether(src=m1, dst=m2) / p
        out.append(bytes(e))
        seq[d] = (seq[d] + len(data) + (1 if ("S" in flags or "F" in flags) else 0)) & 0xffffffff

    if handshake:
        pkt(C, "S")
        pkt(S, "SA")
        pkt(C, "A")
    for d, data in msgs:
        step = seg if seg else len(data)
        for i in range(0, len(data), step):
            pkt(d, "PA", data[i:i + step])
    pkt(C, "FA")
    pkt(S, "FA")
    pkt(C, "A")
    return out


def udp(cli, srv, sport, dport, msgs, v6=False):
    out = []
    for d, data in msgs:
        src, dst, sp, dp = (cli, srv, sport, dport) if d else (srv, cli, dport, sport)
        l3 = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst, id=len(out) + 1)
        m1, m2 = (MAC_CLIENT, MAC_SERVER) if d else (MAC_SERVER, MAC_CLIENT)
        out.append(bytes(Ether(src=m1, dst=m2) / l3 / UDP(sport=sp, dport=dp) / Raw(data)))
    return out


def socks5(host, port, msgs):
    """msgs carried through a SOCKS5 CONNECT to host:port (no authentication)."""
    req = b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + struct.pack(">H", port)
    return [(C, b"\x05\x01\x00"), (S, b"\x05\x00"), (C, req),
            (S, b"\x05\x00\x00\x01\xc0\x00\x02\x63" + struct.pack(">H", port))] + msgs


# ---- Gnutella ----

def desc(t, ttl, hops, pl, guid):
    return guid + bytes([t, ttl, hops]) + struct.pack("<I", len(pl)) + pl


G1 = bytes(range(0x10, 0x20))
G2 = bytes(range(0x20, 0x30))
QUERY = desc(0x80, 7, 0, b"\x00\x00beatles mp3\x00", G1)
HIT = desc(0x81, 6, 1, bytes([2]) + struct.pack("<H", 6346) + bytes([192, 168, 7, 20]) +
           struct.pack("<I", 56) + struct.pack("<II", 1, 23552) + b"Hello.exe\x00\x00" +
           struct.pack("<II", 2, 4000000) + b"beatles - help.mp3\x00\x00" + G2, G1)
PING = desc(0x00, 7, 0, b"", G2)
PONG = desc(0x01, 7, 0, struct.pack("<H", 6346) + bytes([10, 7, 0, 20]) +
            struct.pack("<II", 12, 40000), G2)
PUSH = desc(0x40, 7, 0, G2 + struct.pack("<I", 1) + bytes([10, 7, 0, 20]) +
            struct.pack("<H", 6346), G1)
HS06 = [(C, b"GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/2.4.4\r\nX-Ultrapeer: False\r\n\r\n"),
        (S, b"GNUTELLA/0.6 200 OK\r\nUser-Agent: BearShare 2.6.0\r\nX-Ultrapeer: True\r\n\r\n"),
        (C, b"GNUTELLA/0.6 200 OK\r\n\r\n"), (C, QUERY), (S, HIT)]
HS04 = [(C, b"GNUTELLA CONNECT/0.4\n\n"), (S, b"GNUTELLA OK\n\n"), (C, PING), (S, PONG),
        (C, QUERY)]
MID = [(C, PING + QUERY + PUSH), (S, PONG + HIT)]
GET = [(C, b"GET /get/1/Hello.exe HTTP/1.1\r\nHost: 192.0.2.46:6346\r\n"
           b"User-Agent: Gnucleus 1.8.4.0\r\nConnection: Keep-Alive\r\nRange: bytes=0-\r\n\r\n"),
       (S, b"HTTP/1.1 200 OK\r\nServer: BearShare 2.6.0\r\nContent-Type: application/binary\r\n"
           b"X-Gnutella-Content-URN: urn:sha1:PLSTHIPQGSSZTS5FJUPAKUZWUGYQYPFB\r\n"
           b"Content-Length: 4\r\n\r\nMZ\x90\x00")]
URIRES = [(C, b"GET /uri-res/N2R?urn:sha1:PLSTHIPQGSSZTS5FJUPAKUZWUGYQYPFB HTTP/1.1\r\n"
              b"Host: 192.0.2.46:8080\r\nUser-Agent: LimeWire/2.4.4\r\nX-Queue: 0.1\r\n\r\n"),
          (S, b"HTTP/1.1 503 Busy\r\nX-Queue: position=3,length=5\r\nContent-Length: 0\r\n\r\n")]
GIV = [(C, b"GIV 1:202122232425262728292a2b2c2d2e2f/Hello.exe\n\n"),
       (S, b"GET /get/1/Hello.exe HTTP/1.1\r\nUser-Agent: LimeWire/2.4.4\r\n\r\n")]

# ---- KaZaA ----

KZ_GET = (b"GET /.hash=1f2e3d4c5b6a79880102030405060708090a0b0c HTTP/1.1\r\nHost: 192.0.2.50:1214\r\n"
          b"UserAgent: KazaaClient Jan 26 2002 19:06:50\r\nX-Kazaa-Username: alice_kz\r\n"
          b"X-Kazaa-Network: KaZaA\r\nX-Kazaa-IP: 192.168.7.30:1214\r\n"
          b"X-Kazaa-SupernodeIP: 198.51.100.7:1214\r\n\r\n")
KZ_RESP = (b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nServer: KazaaClient Jan 26 2002 19:06:50\r\n"
           b"X-Kazaa-Username: bob_kz\r\nX-Kazaa-Network: KaZaA\r\n\r\nID3\x03")
KZ = [(C, KZ_GET), (S, KZ_RESP)]
KZ_GIVE = [(C, b"GIVE 1234567\r\n"), (S, KZ_GET)]
KZ_PING = bytes([0x27, 0x00, 0x00, 0x00, 0x80]) + b"KaZaA\x00"
KZ_PONG = bytes([0x28, 0x00, 0x00, 0x00, 0x80]) + b"KaZaA\x00"

# ---- IRC ----

SRV = b":irc.example.net"
IRC_OK = [(C, b"PASS s3cret-irc\r\n"), (C, b"NICK alice\r\nUSER alice 0 * :Alice\r\n"),
          (S, SRV + b" NOTICE AUTH :*** Looking up your hostname...\r\n"),
          (S, SRV + b" 001 alice :Welcome to the Example IRC Network alice\r\n"),
          (C, b"JOIN #p2p\r\n"), (C, b"PRIVMSG #p2p :hello all\r\n"), (C, b"QUIT :bye\r\n")]
IRC_FAIL = [(C, b"PASS wrong-pass\r\nNICK bob\r\nUSER bob 0 * :Bob\r\n"),
            (S, SRV + b" 464 bob :Password incorrect\r\n"),
            (S, b"ERROR :Closing Link: bob (Bad Password)\r\n")]
IRC_OPER = [(C, b"NICK tim\r\nUSER tim tim 127.0.0.1 :Tim\r\n"), (S, SRV + b" 001 tim :Welcome\r\n"),
            (C, b"OPER tim 0per-pw\r\n"), (S, SRV + b" 381 tim :You are now an IRC operator\r\n")]
IRC_IDENT = [(C, b"NICK carol\r\nUSER carol 0 * :Carol\r\n"), (S, SRV + b" 001 carol :Welcome\r\n"),
             (C, b"PRIVMSG NickServ :IDENTIFY n1ck-pw\r\n"),
             (S, b":NickServ!services@irc.example.net NOTICE carol :Password accepted - you are "
                 b"now recognized.\r\n")]
# 3232237332 = 192.168.7.20
IRC_DCC = [(C, b"NICK dave\r\nUSER dave 0 * :Dave\r\n"), (S, SRV + b" 001 dave :Welcome\r\n"),
           (C, b"PRIVMSG erin :\x01DCC SEND Hello.exe 3232237332 5000 23552\x01\r\n")]

# ---- DNS ----


def dnsq(i, name, resp=False):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\x00\x00\x01\x00\x01"
    if not resp:
        return struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + q
    return (struct.pack(">HHHHHH", i, 0x8180, 1, 1, 0, 0) + q +
            b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02" + bytes([i]))


DNS_HOSTS = ["login.oscar.aol.com", "login.icq.com", "messenger.hotmail.com", "scs.msg.yahoo.com",
             "www.kazaa.com"]
DNS_PLAIN = ["www.example.com", "mail.example.org", "aol.com"]

# ---- negatives ----

WEB_6346 = [(C, b"GET / HTTP/1.1\r\nHost: 192.0.2.60:6346\r\nUser-Agent: Mozilla/4.0\r\n\r\n"),
            (S, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 38\r\n\r\n"
                b"<html><body>Welcome home</body></html>")]
QUOTE_BODY = (b"<html><body><pre>GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire\r\n"
              b"X-Kazaa-Username: someone\r\nGIVE 123\r\nNICK x\r\n</pre></body></html>")
WEB_QUOTE = [(C, b"GET /p2p-howto.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
             (S, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                 % len(QUOTE_BODY) + QUOTE_BODY)]
BT = [(C, b"\x13BitTorrent protocol" + b"\x00" * 8 + bytes(range(20)) + b"-AZ2060-123456789012"),
      (S, b"\x13BitTorrent protocol" + b"\x00" * 8 + bytes(range(20)) + b"-UT1000-abcdefghijkl"),
      (C, struct.pack(">I", 1) + b"\x02"), (S, struct.pack(">I", 1) + b"\x01")]

CAPTURES = [
    ("gnutella-06", lambda: session("10.40.0.2", "192.0.2.40", 40001, 6346, HS06)),
    ("gnutella-06-port", lambda: session("10.40.0.2", "192.0.2.41", 40002, 8436, HS06)),
    ("gnutella-04", lambda: session("10.40.0.2", "192.0.2.42", 40003, 6346, HS04)),
    ("gnutella-midstream", lambda: session("10.40.0.2", "192.0.2.43", 40004, 6346, MID,
                                           handshake=False)),
    ("gnutella-06-ipv6", lambda: session("2001:db8::2", "2001:db8::40", 40005, 6346, HS06, v6=True)),
    ("gnutella-06-tiny", lambda: session("10.40.0.2", "192.0.2.44", 40006, 6346, HS06[:3], seg=1)),
    ("gnutella-06-socks5", lambda: session("10.40.0.2", "192.0.2.45", 40007, 1080,
                                           socks5("peer.example.net", 6346, HS06))),
    ("gnutella-http-get", lambda: session("10.40.0.2", "192.0.2.46", 40008, 6346, GET)),
    ("gnutella-http-urires", lambda: session("10.40.0.2", "192.0.2.46", 40009, 8080, URIRES)),
    ("gnutella-giv", lambda: session("10.40.0.2", "192.0.2.47", 40010, 6346, GIV)),
    ("kazaa-http", lambda: session("10.40.0.3", "192.0.2.50", 40011, 1214, KZ)),
    ("kazaa-http-80", lambda: session("10.40.0.3", "192.0.2.51", 40012, 80, KZ)),
    ("kazaa-give", lambda: session("10.40.0.3", "192.0.2.52", 40013, 1214, KZ_GIVE)),
    ("kazaa-udp", lambda: udp("10.40.0.3", "192.0.2.53", 3531, 1214, [(C, KZ_PING), (S, KZ_PONG)])),
    ("irc-pass", lambda: session("10.40.0.4", "192.0.2.60", 40020, 6667, IRC_OK)),
    ("irc-pass-7000", lambda: session("10.40.0.4", "192.0.2.61", 40021, 7000, IRC_OK)),
    ("irc-pass-fail", lambda: session("10.40.0.4", "192.0.2.62", 40022, 6667, IRC_FAIL)),
    ("irc-oper", lambda: session("10.40.0.4", "192.0.2.63", 40023, 6667, IRC_OPER)),
    ("irc-identify", lambda: session("10.40.0.4", "192.0.2.64", 40024, 6667, IRC_IDENT)),
    ("irc-dcc", lambda: session("10.40.0.4", "192.0.2.65", 40025, 6667, IRC_DCC)),
    ("irc-tiny", lambda: session("10.40.0.4", "192.0.2.66", 40026, 6667, IRC_OK, seg=1)),
    ("irc-ipv6", lambda: session("2001:db8::4", "2001:db8::60", 40027, 6667, IRC_OK, v6=True)),
    ("irc-vlan", lambda: session("10.40.0.4", "192.0.2.67", 40028, 6667, IRC_OK, vlan=100)),
    ("irc-socks5", lambda: session("10.40.0.4", "192.0.2.68", 40029, 1080,
                                   socks5("irc.example.net", 6667, IRC_OK))),
    ("dns-services", lambda: sum([udp("10.40.0.5", "192.0.2.53", 33000 + i, 53,
                                      [(C, dnsq(i + 1, h)), (S, dnsq(i + 1, h, True))])
                                  for i, h in enumerate(DNS_HOSTS)], [])),
    ("dns-plain", lambda: sum([udp("10.40.0.5", "192.0.2.53", 34000 + i, 53,
                                   [(C, dnsq(i + 1, h)), (S, dnsq(i + 1, h, True))])
                               for i, h in enumerate(DNS_PLAIN)], [])),
    ("neg-http-6346", lambda: session("10.40.0.6", "192.0.2.70", 40030, 6346, WEB_6346)),
    ("neg-web-quote", lambda: session("10.40.0.6", "192.0.2.71", 40031, 80, WEB_QUOTE)),
    ("neg-bittorrent", lambda: session("10.40.0.6", "192.0.2.72", 40032, 6881, BT)),
]


def generate(outdir):
    for name, build in CAPTURES:
        write_pcap(os.path.join(outdir, name + ".pcap"), build())
