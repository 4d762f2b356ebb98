#!/usr/bin/env python3
"""make_detect_corpus.py - seeds for fuzz_detect (and any fuzz_det_* target
using the same record layout): hand-written conversations of every protocol
the detectors know, plus, when given pcap files (scapy needed), the payloads
of their TCP/UDP flows.

Record layout (see tests/fuzz/fuzz_detect.c): byte 0 selects the server
port; then per piece a header byte (bit 7 = to client, low 7 bits = length
1..125, 126 = hole of next byte + 1, 0 = the rest) and the bytes.

Usage: make_detect_corpus.py OUTDIR [PCAP ...]
"""
import hashlib
import os
import struct
import sys

PORTS = [5190, 1863, 5050, 6346, 1214, 6667, 1080, 3128, 8080, 21, 110, 143,
         25, 80, 23, 53, 4000, 5000, 6699, 6257, 0, 443, 9999, 7]
C, S = 0, 1  # to server, to client


def encode(port, pieces, tiny=False):
    sel = PORTS.index(port) if port in PORTS else PORTS.index(0)
    out = bytearray([sel])
    for d, data in pieces:
        if data is None:  # a hole
            out += bytes([(0x80 if d else 0) | 126, 9])
            continue
        step = 1 if tiny else 125
        for i in range(0, len(data), step):
            part = data[i:i + step]
            out.append((0x80 if d else 0) | len(part))
            out += part
    return bytes(out)


def flap(ch, seq, body):
    return struct.pack(">BBHH", 0x2A, ch, seq, len(body)) + body


def tlv(t, v):
    return struct.pack(">HH", t, len(v)) + v


ROAST = bytes([0xF3, 0x26, 0x81, 0xC4, 0x39, 0x86, 0xDB, 0x92, 0x71, 0xA3, 0xB9, 0xE6, 0x53,
               0x7A, 0x95, 0x7C])


def roast(pw):
    return bytes(b ^ ROAST[i % len(ROAST)] for i, b in enumerate(pw))


def ymsg(service, fields):
    body = b"".join(k + b"\xc0\x80" + v + b"\xc0\x80" for k, v in fields)
    return b"YMSG" + struct.pack(">HHHHII", 10, 0, len(body), service, 0, 0x1234) + body


def dns_query(name):
    q = b"".join(bytes([len(p)]) + p for p in name.split(b".")) + b"\x00"
    return struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + q + b"\x00\x01\x00\x01"


OSCAR_SIGNON = flap(1, 1, b"\x00\x00\x00\x01" + tlv(1, b"bobscreen") + tlv(2, roast(b"secret"))
                    + tlv(3, b"AOL Instant Messenger (SM), version 4.8.2790/WIN32"))
ICQ_SIGNON = flap(1, 1, b"\x00\x00\x00\x01" + tlv(1, b"1234567") + tlv(2, roast(b"pw")))

CONVERSATIONS = {
    "ftp-login": (21, [(S, b"220 FTP ready\r\n"), (C, b"USER bob\r\n"), (S, b"331 Password\r\n"),
                       (C, b"PASS secret\r\n"), (S, b"530 Login incorrect\r\n"),
                       (C, b"USER anonymous\r\n"), (S, b"331 ok\r\n"),
                       (C, b"PASS guest@\r\n"), (S, b"230 ok\r\n")]),
    "pop3-login": (110, [(S, b"+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
                         (C, b"USER alice\r\n"), (S, b"+OK\r\n"), (C, b"PASS pw\r\n"),
                         (S, b"-ERR bad\r\n"),
                         (C, b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
                         (S, b"+OK maildrop\r\n")]),
    "imap-login": (143, [(S, b"* OK IMAP4rev1 ready\r\n"), (C, b"a1 LOGIN bob \"p w\"\r\n"),
                         (S, b"a1 NO failed\r\n"), (C, b"a2 AUTHENTICATE PLAIN\r\n"),
                         (S, b"+ \r\n"), (C, b"AGJvYgBzZWNyZXQ=\r\n"), (S, b"a2 OK\r\n")]),
    "smtp-auth": (25, [(S, b"220 mx ESMTP\r\n"), (C, b"EHLO x\r\n"),
                       (S, b"250-mx\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n"),
                       (C, b"AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n"), (S, b"535 no\r\n"),
                       (C, b"AUTH LOGIN\r\n"), (S, b"334 VXNlcm5hbWU6\r\n"), (C, b"Ym9i\r\n"),
                       (S, b"334 UGFzc3dvcmQ6\r\n"), (C, b"c2VjcmV0\r\n"), (S, b"235 ok\r\n")]),
    "http-basic": (80, [(C, b"GET /a%20b?x=1 HTTP/1.1\r\nHost: www.example.com\r\n"
                            b"authorization: Basic Ym9iOnNlY3JldA==\r\n\r\n"
                            b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n"),
                        (S, b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!"
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]),
    "http-connect-irc": (3128, [(C, b"CONNECT irc.example.net:6667 HTTP/1.0\r\n"
                                    b"Proxy-Authorization: Basic Ym9iOnNlY3JldA==\r\n\r\n"),
                                (S, b"HTTP/1.0 200 Connection established\r\n\r\n"),
                                (C, b"NICK bob\r\nUSER bob 0 * :Bob\r\n"),
                                (S, b":irc.example.net 001 bob :Welcome\r\n")]),
    "http-proxy-absolute": (8080, [(C, b"GET http://www.example.com/index.html HTTP/1.0\r\n"
                                       b"Host: www.example.com\r\n\r\n"),
                                   (S, b"HTTP/1.0 200 OK\r\n\r\nhello")]),
    "socks5-oscar": (1080, [(C, b"\x05\x02\x00\x02"), (S, b"\x05\x02"),
                            (C, b"\x01\x03bob\x02pw"), (S, b"\x01\x00"),
                            (C, b"\x05\x01\x00\x03\x13login.oscar.aol.com\x14\x46"),
                            (S, b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"),
                            (S, flap(1, 0, b"\x00\x00\x00\x01")), (C, OSCAR_SIGNON)]),
    "socks4-irc": (1080, [(C, b"\x04\x01\x1a\x0b\xc0\x00\x02\x01bob\x00"),
                          (S, b"\x00\x5a\x00\x00\x00\x00\x00\x00"),
                          (C, b"NICK bob\r\nUSER b 0 * :b\r\n")]),
    "socks4a": (1080, [(C, b"\x04\x01\x14\x46\x00\x00\x00\x01bob\x00login.icq.com\x00"),
                       (S, b"\x00\x5a\x00\x00\x00\x00\x00\x00"), (C, ICQ_SIGNON)]),
    "oscar-signon": (5190, [(S, flap(1, 0, b"\x00\x00\x00\x01")), (C, OSCAR_SIGNON),
                            (S, flap(4, 1, tlv(1, b"bobscreen") + tlv(5, b"64.12.24.1:5190")
                                     + tlv(6, b"\x01" * 256)))]),
    "icq-signon": (5190, [(S, flap(1, 0, b"\x00\x00\x00\x01")), (C, ICQ_SIGNON)]),
    "toc-signon": (9999, [(C, b"FLAPON\r\n\r\n"), (S, flap(1, 0, b"\x00\x00\x00\x01")),
                          (C, flap(1, 1, b"\x00\x00\x00\x01\x00\x01\x00\x03bob")),
                          (C, flap(2, 2, b"toc_signon login.oscar.aol.com 5190 bob "
                                   b"0x2408105c english \"TIC:TOC\"\x00")),
                          (S, flap(2, 1, b"SIGN_ON:TOC1.0\x00"))]),
    "msn-login": (1863, [(C, b"VER 1 MSNP8 CVR0\r\n"), (S, b"VER 1 MSNP8 CVR0\r\n"),
                         (C, b"CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0544 MSMSGS "
                             b"bob@hotmail.com\r\n"),
                         (C, b"USR 3 TWN I bob@hotmail.com\r\n"),
                         (S, b"XFR 3 NS 207.46.106.145:1863 0 207.46.104.20:1863\r\n")]),
    "msn-switchboard-midstream": (1863, [(S, b"MSG bob@hotmail.com Bob 95\r\nMIME-Version: 1.0"
                                             b"\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                             b"\r\nhello there, this is a message!!")]),
    "yahoo-login": (5050, [(C, ymsg(0x57, [(b"1", b"bobyahoo")])),
                           (S, ymsg(0x57, [(b"1", b"bobyahoo"), (b"94", b"challenge")])),
                           (C, ymsg(0x54, [(b"6", b"abcdef0123"), (b"96", b"0123abcdef"),
                                           (b"0", b"bobyahoo"), (b"2", b"bobyahoo")]))]),
    "gnutella-06": (6346, [(C, b"GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/2.4.4\r\n"
                               b"X-My-Address: 192.168.0.5:6346\r\n\r\n"),
                           (S, b"GNUTELLA/0.6 200 OK\r\nUser-Agent: BearShare\r\n\r\n"),
                           (C, b"GNUTELLA/0.6 200 OK\r\n\r\n"),
                           (C, b"\x01" * 16 + b"\x80\x07\x00\x0a\x00\x00\x00\x00\x00mp3 a\x00")]),
    "gnutella-04": (6346, [(C, b"GNUTELLA CONNECT/0.4\n\n"), (S, b"GNUTELLA OK\n\n")]),
    "kazaa-download": (1214, [(C, b"GET /.hash=0123456789abcdef0123456789abcdef01234567 "
                                  b"HTTP/1.1\r\nHost: 10.0.0.5:1214\r\n"
                                  b"X-Kazaa-Username: bob\r\nX-Kazaa-Network: KaZaA\r\n\r\n"),
                              (S, b"HTTP/1.1 200 OK\r\nX-Kazaa-Filename: song.mp3\r\n"
                                  b"Content-Length: 3\r\n\r\nabc")]),
    "irc-login": (6667, [(C, b"PASS x\r\nNICK bob\r\nUSER bob 0 * :b\r\n"),
                         (S, b":srv 001 bob :hi\r\n"),
                         (C, b"PRIVMSG NickServ :IDENTIFY pw\r\nOPER bob pw2\r\n"),
                         (S, b":srv 491 bob :No O-lines\r\n")]),
    "telnet-login": (23, [(S, b"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01"), (C, b"\xff\xfb\x18"),
                          (S, b"login: "), (C, b"b"), (S, b"b"), (C, b"o"), (S, b"o"),
                          (C, b"b"), (S, b"b"), (C, b"\r\n"), (S, b"\r\nPassword: "),
                          (C, b"pw\r\n"), (S, b"\r\nLogin incorrect\r\n")]),
    "tls-on-5190": (5190, [(C, b"\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x01" + b"\x00" * 40)]),
    "web-quoting-protocols": (80, [(C, b"GET /faq.html HTTP/1.1\r\nHost: x\r\n\r\n"),
                                   (S, b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n"
                                       b"Type GNUTELLA CONNECT/0.6 or USR 3 TWN I or YMSG here..")]),
    "http-on-6346": (6346, [(C, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                            (S, b"HTTP/1.1 404 Not Found\r\n\r\n")]),
    "gap-midstream": (6667, [(C, None), (C, b"r\nNICK bob\r\n"), (S, None),
                             (S, b":srv 001 bob :hi\r\n")]),
    "dns-oscar": (53, [(C, dns_query(b"login.oscar.aol.com"))]),
    "dns-icq": (53, [(C, dns_query(b"login.icq.com")),
                     (S, dns_query(b"login.icq.com")[:2] + b"\x81\x80" +
                      dns_query(b"login.icq.com")[4:])]),
    "icq-v5-udp": (4000, [(C, b"\x05\x00\x00\x00\x00\x00\x87\x6b\x12\x00\xe8\x03\x00\x00"
                              b"\x00\x00\x00\x00" + bytes(range(32)))]),
    "kazaa-udp": (1214, [(C, b"\x27\x00\x00\x00\xa9\x80KaZaA\x00")]),
}
TINY = {"oscar-signon", "irc-login", "msn-login", "ftp-login"}


def pcap_seeds(path):
    """Payload conversations of each TCP/UDP flow of a pcap (scapy)."""
    from scapy.all import rdpcap, IP, IPv6, TCP, UDP  # noqa: E402
    flows = {}
    for p in rdpcap(path):
        l3 = p.getlayer(IP) or p.getlayer(IPv6)
        l4 = p.getlayer(TCP) or p.getlayer(UDP)
        if l3 is None or l4 is None:
            continue
        data = bytes(l4.payload)
        if not data:
            continue
        a, b = (l3.src, l4.sport), (l3.dst, l4.dport)
        key = (type(l4).__name__,) + tuple(sorted([a, b]))
        f = flows.setdefault(key, {"client": a, "pieces": []})
        f["pieces"].append((C if a == f["client"] else S, data))
    for key, f in flows.items():
        yield min(f["client"][1], 65535), f["pieces"]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0
    for name, (port, pieces) in sorted(CONVERSATIONS.items()):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(encode(port, pieces))
        n += 1
        if name in TINY:
            with open(os.path.join(out, name + "-tiny"), "wb") as fh:
                fh.write(encode(port, pieces, tiny=True))
            n += 1
    for path in sys.argv[2:]:
        for cport, pieces in pcap_seeds(path):
            blob = encode(0, pieces)[:4096]
            name = "pcap-" + hashlib.sha1(blob).hexdigest()[:12]
            with open(os.path.join(out, name), "wb") as fh:
                fh.write(blob)
            n += 1
    print(f"{n} seeds in {out}")


if __name__ == "__main__":
    main()
