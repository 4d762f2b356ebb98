"""Proxy and HTTP captures: SOCKS 4/4a/5 and HTTP CONNECT tunnels with inner protocols, HTTP
parsing variants (pipelining, tiny segments, forward proxy) and HTTP Basic/Digest logins
(pcaps/proxy/).

Run through pcaps/generate.py (gen_families), deterministic: the house clock (2002-04-16
12:00:00Z, 1 ms per packet), fixed addresses (RFC 1918 clients, documentation-range servers), no
randomness.  README.md beside this file lists every capture and its tshark claims;
secrets.json lists every password (and encoded form) that must never be written by default.
"""

import base64
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from generate import IP, TCP, IPv6, Raw, eth, write_pcap  # noqa: E402

CLIENT = "10.70.0.2"
PROXY = "192.0.2.70"
WEB = "198.51.100.80"
CLIENT6 = "2001:db8:70::2"
PROXY6 = "2001:db8:70::1080"

SECRETS = []


def secret(pw, *encoded):
    SECRETS.append(pw)
    SECRETS.extend(encoded)
    return pw


def tcp_flow(cli, srv, sport, dport, msgs, v6=False, cisn=1000, sisn=5000):
    """Handshake, one segment per message (to_server, bytes) acking all the peer sent, then
    FIN / FIN / ACK."""
    out = []
    seq = {True: cisn, False: sisn}

    def pkt(to_server, flags, data=b""):
        src, dst = (cli, srv) if to_server else (srv, cli)
        sp, dp = (sport, dport) if to_server else (dport, sport)
        l3 = IPv6(src=src, dst=dst, hlim=64) if v6 else IP(src=src, dst=dst, ttl=64, flags="DF",
                                                            id=(len(out) + 1) & 0xFFFF)
        l4 = TCP(sport=sp, dport=dp, flags=flags, seq=seq[to_server],
                 ack=0 if flags == "S" else seq[not to_server], window=65535)
        out.append((to_server, l3 / l4 / Raw(data) if data else l3 / l4))
        seq[to_server] += len(data) + (1 if flags in ("S", "SA", "FA") else 0)

    pkt(True, "S")
    pkt(False, "SA")
    pkt(True, "A")
    for to_server, data in msgs:
        pkt(to_server, "PA", data)
    pkt(True, "FA")
    pkt(False, "FA")
    pkt(True, "A")
    return out


def frames(*flows):
    return [bytes(eth(d, p)) for flow in flows for d, p in flow]


def C(s):
    return (True, s.encode("latin-1") if isinstance(s, str) else s)


def S(s):
    return (False, s.encode("latin-1") if isinstance(s, str) else s)


def b64(s):
    return base64.b64encode(s.encode()).decode()


# ---- inner protocols carried by the tunnels ----

def inner_http(host):
    return [C("GET /index.html HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/4.0\r\n\r\n" % host),
            S("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
              "<html></html>")]


def inner_irc(nick):
    return [C("NICK %s\r\nUSER %s 0 * :Proxy User\r\n" % (nick, nick)),
            S(":irc.example.net 001 %s :Welcome to the IRC network %s\r\n" % (nick, nick))]


def inner_ftp(user, pw):
    return [S("220 ftp.example.net FTP server ready\r\n"), C("USER %s\r\n" % user),
            S("331 Password required\r\n"), C("PASS %s\r\n" % pw), S("230 Logged in\r\n"),
            C("QUIT\r\n"), S("221 Bye\r\n")]


# ---- SOCKS ----

def socks4(cmd_ip, port, userid, host=None):
    msg = b"\x04\x01" + struct.pack(">H", port) + bytes(cmd_ip) + userid.encode() + b"\x00"
    if host:
        msg += host.encode() + b"\x00"
    return msg


S4_GRANTED = b"\x00\x5a\x00\x00\x00\x00\x00\x00"


def s5_domain(host, port):
    return b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + struct.pack(">H", port)


S5_OK = b"\x05\x00\x00\x01" + bytes([192, 0, 2, 70]) + struct.pack(">H", 40001)


def rfc1929(user, pw):
    return b"\x01" + bytes([len(user)]) + user.encode() + bytes([len(pw)]) + pw.encode()


def gen_socks(out):
    # SOCKS4 CONNECT 198.51.100.80:80 with user id "jsmith", HTTP inside
    write_pcap(os.path.join(out, "socks4-http.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40101, 1080,
        [C(socks4([198, 51, 100, 80], 80, "jsmith")), S(b"\x00\x5a\x00\x50\xc6\x33\x64\x50")]
        + inner_http("198.51.100.80"))))
    # SOCKS4a: 0.0.0.1 + host name irc.example.net:6667, no user id, IRC inside
    write_pcap(os.path.join(out, "socks4a-irc.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40102, 1080,
        [C(socks4([0, 0, 0, 1], 6667, "", "irc.example.net")), S(S4_GRANTED)]
        + inner_irc("proxynick"))))
    # SOCKS4 refused (5B)
    write_pcap(os.path.join(out, "socks4-rejected.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40103, 1080,
        [C(socks4([198, 51, 100, 80], 80, "jsmith")), S(b"\x00\x5b\x00\x00\x00\x00\x00\x00")])))
    # SOCKS5 no authentication, domain target, HTTP inside
    write_pcap(os.path.join(out, "socks5-noauth-http.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40104, 1080,
        [C(b"\x05\x01\x00"), S(b"\x05\x00"), C(s5_domain("www.example.com", 80)), S(S5_OK)]
        + inner_http("www.example.com"))))
    # SOCKS5 RFC 1929 user/password accepted, FTP inside (its own login re-detected)
    write_pcap(os.path.join(out, "socks5-userpass-ftp.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40105, 1080,
        [C(b"\x05\x02\x00\x02"), S(b"\x05\x02"), C(rfc1929("proxyuser", secret("Pr0xy-Pass"))),
         S(b"\x01\x00"), C(s5_domain("ftp.example.net", 21)), S(S5_OK)]
        + inner_ftp("ftpuser", secret("Ftp-Inner-Pw")))))
    # SOCKS5 user/password refused
    write_pcap(os.path.join(out, "socks5-userpass-failure.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40106, 1080,
        [C(b"\x05\x01\x02"), S(b"\x05\x02"), C(rfc1929("proxyuser", secret("Wrong-Guess"))),
         S(b"\x01\x01")])))
    # SOCKS5 over IPv6 to an IPv6 target [2001:db8:70::6667]:6667, on port 9050, IRC inside
    v6 = bytes.fromhex("20010db8007000000000000000006667")
    write_pcap(os.path.join(out, "socks5-ipv6.pcap"), frames(tcp_flow(
        CLIENT6, PROXY6, 40107, 9050,
        [C(b"\x05\x01\x00"), S(b"\x05\x00"), C(b"\x05\x01\x00\x04" + v6 + struct.pack(">H", 6667)),
         S(b"\x05\x00\x00\x04" + bytes(16) + b"\x00\x00")] + inner_irc("v6nick"), v6=True)))


# ---- HTTP CONNECT and HTTP ----

def gen_connect(out):
    # CONNECT irc.example.net:6667 on 3128, 200, IRC inside
    write_pcap(os.path.join(out, "http-connect-irc.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40201, 3128,
        [C("CONNECT irc.example.net:6667 HTTP/1.0\r\nUser-Agent: mIRC\r\n\r\n"),
         S("HTTP/1.0 200 Connection established\r\n\r\n")] + inner_irc("tunnelnick"))))
    # CONNECT with wrong Proxy-Authorization -> 407, then right one -> 200, HTTP inside
    bad = b64("proxyuser:" + secret("Bad-Proxy-Pw"))
    good = b64("proxyuser:" + secret("Good-Proxy-Pw"))
    SECRETS.extend([bad, good])
    write_pcap(os.path.join(out, "http-connect-auth.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40202, 8080,
        [C("CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n"
           "Proxy-Authorization: Basic %s\r\n\r\n" % bad),
         S("HTTP/1.1 407 Proxy Authentication Required\r\n"
           "Proxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n\r\n"),
         C("CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n"
           "Proxy-Authorization: Basic %s\r\n\r\n" % good),
         S("HTTP/1.1 200 Connection established\r\n\r\n")] + inner_http("www.example.com"))))
    # CONNECT without credentials, refused 407
    write_pcap(os.path.join(out, "http-connect-407.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40203, 3128,
        [C("CONNECT login.oscar.aol.com:5190 HTTP/1.1\r\nHost: login.oscar.aol.com:5190\r\n\r\n"),
         S("HTTP/1.1 407 Proxy Authentication Required\r\n"
           "Proxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n\r\n")])))
    # CONNECT on a non-standard proxy port 8001 to an HTTPS target; TLS record bytes inside
    write_pcap(os.path.join(out, "http-connect-port8001.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40204, 8001,
        [C("CONNECT secure.example.com:443 HTTP/1.1\r\nHost: secure.example.com:443\r\n\r\n"),
         S("HTTP/1.1 200 OK\r\n\r\n"),
         C(b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"),
         S(b"\x16\x03\x01\x00\x05\x02\x00\x00\x01\x00")])))


def gen_http(out):
    # forward proxy: absolute-form GET through a proxy on 3128 (app_proto http, no tunnel)
    write_pcap(os.path.join(out, "http-forward-proxy.pcap"), frames(tcp_flow(
        CLIENT, PROXY, 40301, 3128,
        [C("GET http://www.example.com/news.html HTTP/1.1\r\nHost: www.example.com\r\n"
           "Proxy-Connection: keep-alive\r\n\r\n"),
         S("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
           "<html></html>")])))
    # three pipelined requests in one segment, three responses in one segment
    write_pcap(os.path.join(out, "http-pipelined.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40302, 80,
        [C("GET /a.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
           "GET /b.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
           "HEAD /c.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
         S("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
           "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")])))
    # a Basic-authenticated request sent one byte per segment
    tiny = ("GET /private/ HTTP/1.1\r\nHost: www.example.com\r\nAuthorization: Basic %s\r\n\r\n"
            % b64("tinyuser:" + secret("Tiny-Pw-1")))
    SECRETS.append(b64("tinyuser:Tiny-Pw-1"))
    write_pcap(os.path.join(out, "http-tiny-segments.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40303, 80,
        [C(tiny[i]) for i in range(len(tiny))]
        + [S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])))
    # Basic: refused (401), then accepted; the password holds a colon
    b1 = b64("webuser:" + secret("nope"))
    b2 = b64("webuser:" + secret("pa:ss:word"))
    SECRETS.extend([b1, b2])
    write_pcap(os.path.join(out, "http-basic-auth.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40304, 80,
        [C("GET /admin/ HTTP/1.1\r\nHost: www.example.com\r\nAuthorization: Basic %s\r\n\r\n" % b1),
         S("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"admin\"\r\n"
           "Content-Length: 0\r\n\r\n"),
         C("GET /admin/ HTTP/1.1\r\nHost: www.example.com\r\nAuthorization: Basic %s\r\n\r\n" % b2),
         S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])))
    # Digest (RFC 2617 example values): the user name and the response hash cross the wire
    ha1 = hashlib.md5(b"digestuser:example:" + secret("Digest-Pw").encode()).hexdigest()
    ha2 = hashlib.md5(b"GET:/dir/index.html").hexdigest()
    resp = hashlib.md5(("%s:dcd98b7102dd2f0e:00000001:0a4f113b:auth:%s" % (ha1, ha2)).encode()
                       ).hexdigest()
    write_pcap(os.path.join(out, "http-digest-auth.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40305, 80,
        [C("GET /dir/index.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
         S("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"example\", "
           "qop=\"auth\", nonce=\"dcd98b7102dd2f0e\"\r\nContent-Length: 0\r\n\r\n"),
         C("GET /dir/index.html HTTP/1.1\r\nHost: www.example.com\r\nAuthorization: Digest "
           "username=\"digestuser\", realm=\"example\", nonce=\"dcd98b7102dd2f0e\", "
           "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
           "response=\"%s\"\r\n\r\n" % resp),
         S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])))


def gen_negative(out):
    # a web page quoting SOCKS and CONNECT bytes and strings in its body: plain http, no tunnel
    body = ("<html><body><pre>SOCKS5 greeting: \x05\x01\x00 then CONNECT:\n"
            "CONNECT irc.example.net:6667 HTTP/1.0\r\n\r\nHTTP/1.0 200 Connection established\r\n"
            "\r\n\x04\x01\x1a\x0b\x00\x00\x00\x01\x00irc.example.net\x00</pre></body></html>")
    write_pcap(os.path.join(out, "http-quoting-socks.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40401, 80,
        [C("GET /proxies.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
         S("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
           % (len(body), body))])))
    # ordinary HTTP on Gnutella's port 6346 (no Gnutella headers): http, not gnutella
    write_pcap(os.path.join(out, "http-port6346.pcap"), frames(tcp_flow(
        CLIENT, WEB, 40402, 6346,
        [C("GET /index.html HTTP/1.1\r\nHost: www.example.com:6346\r\n\r\n"),
         S("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
           "<html></html>")])))


def generate(out):
    del SECRETS[:]
    gen_socks(out)
    gen_connect(out)
    gen_http(out)
    gen_negative(out)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "secrets.json"), "w") as f:
        json.dump(sorted(set(SECRETS)), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
