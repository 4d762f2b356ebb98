"""AIM/ICQ sample captures (pcaps/oscar/): OSCAR logins (roasted, MD5, BOS cookie; AIM and ICQ;
5190, 443, 80; SOCKS5, HTTP CONNECT, IPv6, VLAN, 1-byte segments, mid-stream), TOC, ICQ v5/v2
over UDP, rendezvous with an internal address and Hello.exe, ODC2, OFT2, the AddGame exploit,
and negatives (TLS on 5190, a web page quoting FLAPON / toc_signon, a random 0x2A stream).

Deterministic: fixed addresses, ISNs and timestamps (2002-04-16T12:00:00Z, 1 ms per packet).
Called by pcaps/generate.py as generate(outdir); README.md holds the tshark claims.
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate as g  # noqa: E402  (pcaps/ is on sys.path when generate.py runs us)
import oscar_crypto as oc  # noqa: E402
from scapy.all import IP, TCP, UDP, IPv6, Dot1Q, Ether, Raw  # noqa: E402

CLI = "10.40.0.2"
SRV = "192.0.2.50"
PROXY = "192.0.2.10"
CLI6 = "2001:db8:40::2"
SRV6 = "2001:db8:50::50"


# ---- OSCAR message builders -----------------------------------------------------------------

def tlv(t, v):
    return struct.pack(">HH", t, len(v)) + v


def flap(ch, seq, p):
    return struct.pack(">BBHH", 0x2A, ch, seq, len(p)) + p


def snac(f, s, body, req=1):
    return struct.pack(">HHHI", f, s, 0, req) + body


def hello(seq):
    return flap(1, seq, b"\0\0\0\1")


def signon(seq, sn, pw, client=b"AOL Instant Messenger (SM), version 4.8.2790/WIN32"):
    return flap(1, seq, b"\0\0\0\1" + tlv(1, sn) + tlv(2, oc.roast(pw)) + tlv(3, client) +
                tlv(0x16, b"\x01\x09") + tlv(0x0E, b"us") + tlv(0x0F, b"en"))


def auth_ok(seq, sn):
    return flap(4, seq, tlv(1, sn) + tlv(5, b"205.188.7.80:5190") + tlv(6, bytes(range(64))))


def auth_fail(seq, sn):
    return flap(4, seq, tlv(1, sn) + tlv(4, b"http://www.aim.aol.com/errors/MISMATCH_PASSWD.html")
                + tlv(8, b"\x00\x05"))


def roasted_login(sn, pw, ok=True):
    """(dir, bytes) list: True = client to server."""
    return [(False, hello(0x4001)), (True, signon(0x1001, sn, pw)),
            (False, auth_ok(0x4002, sn) if ok else auth_fail(0x4002, sn))]


def md5_login(sn, hash16):
    return [(False, hello(0x4001)), (True, hello(0x1001)),
            (True, flap(2, 0x1002, snac(0x17, 6, tlv(1, sn)))),
            (False, flap(2, 0x4002, snac(0x17, 7, b"\x00\x0a1234567890"))),
            (True, flap(2, 0x1003, snac(0x17, 2, tlv(1, sn) + tlv(0x25, hash16) +
                                          tlv(3, b"AOL Instant Messenger, version 5.1.3036/WIN32") +
                                          tlv(0x4C, b"")))),
            (False, flap(2, 0x4003, snac(0x17, 3, tlv(1, sn) + tlv(5, b"64.12.25.1:5190") +
                                          tlv(6, bytes(range(32))))))]


def cookie_signon(uin=b"281234567"):
    self_info = snac(1, 0x0F, bytes([len(uin)]) + uin + b"\0\0\0\0")
    return [(False, hello(0x198A)),
            (True, flap(1, 0x0001, b"\0\0\0\1" + tlv(6, bytes(range(256))) +
                        tlv(3, b"ICQ Inc. - Product of ICQ (TM).2003b.5.56.1.3916.85"))),
            (False, flap(2, 0x198B, snac(1, 3, b"\0\1\0\2\0\3\0\4"))),
            (True, flap(2, 0x0002, snac(1, 0x0E, b""))),
            (False, flap(2, 0x198C, self_info))]


CAP_SENDFILE = bytes.fromhex("094613434c7f11d18222444553540000")


def rendezvous(seq, ip, port, fname, size):
    ext = struct.pack(">HHI", 1, 1, size) + fname + b"\0"
    rv = (b"\0\0" + b"RVCOOKIE" + CAP_SENDFILE + tlv(0x0A, b"\0\1") + tlv(0x0F, b"") +
          tlv(2, bytes(ip)) + tlv(3, bytes(ip)) + tlv(5, struct.pack(">H", port)) +
          tlv(0x2711, ext))
    return flap(2, seq, snac(4, 6, b"RVCOOKIE" + b"\0\2" + b"\x07buddy42" + tlv(5, rv)))


def icbm_text(seq, to, text, server=False):
    msg = tlv(2, b"\x05\x01\x00\x01\x01\x01\x01" + struct.pack(">H", len(text) + 4) +
              b"\0\0\0\0" + text)
    if server:
        return flap(2, seq, snac(4, 7, b"MSGCOOKI" + b"\0\1" + bytes([len(to)]) + to +
                                 b"\0\0\0\0" + msg))
    return flap(2, seq, snac(4, 6, b"MSGCOOKI" + b"\0\1" + bytes([len(to)]) + to + msg))


def oft_header(htype, fname, size):
    h = bytearray(256)
    h[0:4] = b"OFT2"
    struct.pack_into(">HH", h, 4, 256, htype)
    h[8:16] = b"RVCOOKIE"
    struct.pack_into(">HHHHII", h, 20, 1, 1, 1, 1, size, size)
    h[68:68 + 13] = b"Cool FileXfer"
    h[100] = 0x20
    h[101] = 0x1C
    h[102] = 0x11
    h[192:192 + len(fname)] = fname
    return bytes(h)


# ---- packet builders ------------------------------------------------------------------------

def session(msgs, cli=CLI, srv=SRV, sport=40100, dport=5190, v6=False, handshake=True,
            seg=None, prefix=None):
    """A TCP connection carrying msgs [(to_server, bytes)] in order, each side acking; seg
    splits client data into seg-byte segments.  prefix: [(to_server, bytes)] sent before msgs
    (proxy negotiation).  Returns [(to_server, l3)]."""
    out = []
    cs, ss = [1000], [5000]

    def pkt(to_server, flags, data=b""):
        src, dst = (cli, srv) if to_server else (srv, cli)
        sp, dp = (sport, dport) if to_server else (dport, sport)
        seq, ack = (cs[0], ss[0]) if to_server else (ss[0], cs[0])
        l3 = g.ip_layer(src, dst, v6, 64 if to_server else 128, ipid=100 + len(out))
        l4 = TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack, window=65535)
        out.append((to_server, l3 / l4 / Raw(data) if data else l3 / l4))
        if to_server:
            cs[0] += len(data) + (1 if "S" in flags or "F" in flags else 0)
        else:
            ss[0] += len(data) + (1 if "S" in flags or "F" in flags else 0)

    if handshake:
        pkt(True, "S")
        pkt(False, "SA")
        pkt(True, "A")
    for to_server, data in (prefix or []) + msgs:
        step = seg if (seg and to_server) else len(data)
        for i in range(0, len(data), step):
            pkt(to_server, "PA", data[i:i + step])
        pkt(not to_server, "A")
    pkt(True, "FA")
    pkt(False, "FA")
    pkt(True, "A")
    return out


def frames(pkts, vlan=None):
    res = []
    for d, p in pkts:
        src, dst = (g.MAC_CLIENT, g.MAC_SERVER) if d else (g.MAC_SERVER, g.MAC_CLIENT)
        if vlan:
            res.append(bytes(Ether(src=src, dst=dst) / Dot1Q(vlan=vlan) / p))
        else:
            res.append(bytes(Ether(src=src, dst=dst) / p))
    return res


def udp_pkts(msgs, sport=3993, dport=4000):
    out = []
    for i, (to_server, data) in enumerate(msgs):
        src, dst = (CLI, SRV) if to_server else (SRV, CLI)
        sp, dp = (sport, dport) if to_server else (dport, sport)
        out.append((to_server, IP(src=src, dst=dst, ttl=64, id=300 + i) / UDP(sport=sp, dport=dp)
                    / Raw(data)))
    return out


def socks5_prefix(host, port):
    req = b"\x05\x01\x00\x03" + bytes([len(host)]) + host + struct.pack(">H", port)
    return [(True, b"\x05\x01\x00"), (False, b"\x05\x00"), (True, req),
            (False, b"\x05\x00\x00\x01" + bytes([192, 0, 2, 50]) + struct.pack(">H", port))]


def connect_prefix(target):
    return [(True, b"CONNECT " + target + b" HTTP/1.0\r\nUser-Agent: AIM/30 (Mozilla 1.24b; "
             b"Windows; I; 32-bit)\r\nHost: " + target + b"\r\n\r\n"),
            (False, b"HTTP/1.0 200 Connection established\r\n\r\n")]


# ---- captures -------------------------------------------------------------------------------

def captures():
    md5 = bytes.fromhex("5f4dcc3b5aa765d61d8327deb882cf99")
    p5 = oc.icq5_client_packet(1234567, 0x11223344, 0x3E8, 1, 0,
                               oc.icq5_login_params(b"pa55word"))
    v5_login = oc.icq5_encrypt(p5, r1=0x20, r2=0x33)
    v5_badpass = struct.pack("<HBIHHHII", 5, 0, 0x11223344, 0x64, 1, 0, 1234567, 0)
    v2_login = (struct.pack("<HHHII", 2, 0x3E8, 1, 7654321, 4001) + struct.pack("<H", 9) +
                b"v2secret\0" + struct.pack("<I", 0x78) + bytes([10, 40, 0, 2]) + b"\x04" +
                struct.pack("<I", 0))
    v2_ok = struct.pack("<HHH", 2, 0x5A, 1) + bytes(8)
    toc = b"toc_signon login.oscar.aol.com 5190 tocuser " + oc.toc_xor_hex(b"t0cpass").encode() + \
        b' english "TIC:TiK"\0'
    toc_flaps = [(True, b"FLAPON\r\n\r\n"), (False, hello(1)),
                 (True, flap(1, 1, b"\0\0\0\1\0\1\0\7tocuser")), (True, flap(2, 2, toc)),
                 (False, flap(2, 2, b"SIGN_ON:TOC1.0\0")),
                 (False, flap(2, 3, b"CONFIG:m 1\0"))]
    rnd = random.Random(5190)
    rnd_stream = b"*" + bytes(rnd.randrange(256) for _ in range(1500))
    tls = bytes.fromhex("16030100a5010000a10303") + bytes(rnd.randrange(256) for _ in range(166))
    page = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 120\r\n\r\n"
            b"<html><pre>A TOC client opens with FLAPON\r\n\r\n then sends toc_signon host "
            b"port user 0x2408 english</pre></html>")
    lan = [192, 168, 1, 23]
    return {
        "aim-roasted-login-ok": frames(session(roasted_login(b"alice99", b"hunter2"))),
        "aim-roasted-login-fail": frames(session(roasted_login(b"alice99", b"wrong1", False))),
        "aim-md5-login": frames(session(md5_login(b"carol2002", md5))),
        "icq-bos-cookie-443": frames(session(cookie_signon(), dport=443)),
        "icq-oscar-login-5190": frames(session(roasted_login(b"12345678", b"icqpass"))),
        "icq-oscar-login-443": frames(session(roasted_login(b"12345678", b"icqpass"),
                                              dport=443)),
        "aim-login-port80": frames(session(roasted_login(b"alice99", b"hunter2"), dport=80)),
        "aim-login-socks5": frames(session(roasted_login(b"alice99", b"hunter2"), srv=PROXY,
                                           dport=1080,
                                           prefix=socks5_prefix(b"login.oscar.aol.com", 5190))),
        "aim-login-http-connect": frames(session(roasted_login(b"alice99", b"hunter2"),
                                                 srv=PROXY, dport=8080,
                                                 prefix=connect_prefix(
                                                     b"login.oscar.aol.com:5190"))),
        "aim-login-ipv6": frames(session(roasted_login(b"alice99", b"hunter2"), cli=CLI6,
                                         srv=SRV6, v6=True)),
        "aim-login-vlan": frames(session(roasted_login(b"alice99", b"hunter2")), vlan=40),
        "aim-login-onebyte": frames(session(roasted_login(b"alice99", b"hunter2"), seg=1)),
        "aim-midstream": frames(session([(True, b"\x41\x42" + icbm_text(0x1010, b"bob", b"hi")),
                                         (True, icbm_text(0x1011, b"bob", b"still there?")),
                                         (False, icbm_text(0x4010, b"bob", b"yes", True))],
                                        handshake=False)),
        "toc-signon-9898": frames(session(toc_flaps, dport=9898)),
        "toc-signon-80": frames(session(toc_flaps, dport=80)),
        "icq5-login-badpass": frames(udp_pkts([(True, v5_login), (False, v5_badpass)])),
        "icq2-login": frames(udp_pkts([(True, v2_login), (False, v2_ok)])),
        "aim-rendezvous-hello-exe": frames(session([(False, hello(0x4001)),
                                                    (True, hello(0x1001)),
                                                    (True, rendezvous(0x1002, lan, 5190,
                                                                      b"Hello.exe", 45056))])),
        "aim-odc2": frames(session([(True, b"ODC2\x00\x4c\x00\x01\x00\x06\x00\x00" +
                                     b"RVCOOKIE" + bytes(8) + struct.pack(">I", 5) +
                                     bytes(40) + b"hello")], dport=4443)),
        "aim-oft2-file": frames(session([(True, oft_header(0x0101, b"Hello.exe", 32)),
                                         (False, oft_header(0x0202, b"Hello.exe", 32)),
                                         (True, b"MZ" + bytes(30)),
                                         (False, oft_header(0x0204, b"Hello.exe", 32))],
                                        sport=40200, dport=5190)),
        "aim-addgame": frames(session([(False, hello(0x4001)), (True, hello(0x1001)),
                                       (False, icbm_text(0x4002, b"attacker1",
                                                         b'<a href="aim:AddGame?name=' +
                                                         b"A" * 60 + b'">play</a>', True))])),
        "neg-tls-5190": frames(session([(True, tls),
                                        (False, bytes.fromhex("1603010031020000") + bytes(49))])),
        "neg-web-flapon": frames(session([(True, b"GET /toc.html HTTP/1.1\r\nHost: example\r\n\r\n"),
                                          (False, page)], dport=80)),
        "neg-random-2a": frames(session([(True, rnd_stream), (False, b"*" + rnd_stream[:300])],
                                        dport=5190)),
    }


def generate(outdir):
    for name, fr in captures().items():
        g.write_pcap(os.path.join(outdir, name + ".pcap"), fr)
