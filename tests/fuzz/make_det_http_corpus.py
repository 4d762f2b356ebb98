#!/usr/bin/python3
"""Writes the seed corpora of fuzz_det_http and fuzz_det_socks (deterministic).

Each seed is a script of deliveries: an op byte (bit 0 server side, bit 1 gap, bits 2-7
length, 63 = rest) then the bytes; fuzz_det_socks starts with a mode byte.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def script(msgs, chunk=62):
    out = b""
    for side, data in msgs:
        if data is None:  # a gap
            out += bytes([(side & 1) | 2 | (3 << 2)])
            continue
        for i in range(0, len(data), chunk):
            part = data[i:i + chunk]
            out += bytes([(side & 1) | (len(part) << 2)]) + part
    return out


C, S = 0, 1
HTTP = {
    "get": [(C, b"GET /a%20b?login=bob&passwd=x HTTP/1.1\r\nHost: h\r\n\r\n"),
            (S, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")],
    "pipeline": [(C, b"GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\n"
                     b"POST /3 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
                 (S, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
                     b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
                     b"HTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\nT: 1\r\n\r\n")],
    "fold": [(C, b"POST /f HTTP/1.0\r\nX-A: one\r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n")],
    "basic": [(C, b"GET / HTTP/1.1\r\nAuthorization: Basic  dGVzdDoxOjM0\r\n\r\n"),
              (S, b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")],
    "digest": [(C, b'GET / HTTP/1.1\r\nAuthorization: Digest username="u\\"x", realm="r", '
                   b'response="0123456789abcdef0123456789abcdef"\r\n\r\n'),
               (S, b"HTTP/1.1 200 OK\r\n\r\n")],
    "connect": [(C, b"CONNECT login.oscar.aol.com:5190 HTTP/1.0\r\n"
                    b"Proxy-Authorization: Basic dTpw\r\n\r\n*\x01\x00\x01"),
                (S, b"HTTP/1.0 200 Connection established\r\n\r\n*\x01\x00\x00\x00\x04\x00\x00\x00\x01")],
    "connect407": [(C, b"CONNECT h:443 HTTP/1.1\r\n\r\nCONNECT h:443 HTTP/1.1\r\n\r\n"),
                   (S, b"HTTP/1.1 407 No\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n\r\n\x16\x03")],
    "absolute": [(C, b"GET http://u:p@example.com:8080/x?y HTTP/1.1\r\nHost: z\r\n\r\n")],
    "garbage": [(C, b"\x00\xff junk\nody</html>\r\nGET / HTTP/1.1\r\n\r\n"),
                (S, b"tail\nHTTP/1.0 200 OK\r\n\r\nclose-delimited")],
    "gap": [(C, b"GET /part"), (C, None), (C, b"al HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
            (S, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab"), (S, None), (S, b"cd")],
    "upgrade": [(C, b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"),
                (S, b"HTTP/1.1 101 Switching\r\n\r\n\x81\x01a")],
    "badchunk": [(S, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n")],
    "server_only": [(S, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")],
    "msn_gw": [(C, b"POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n"
                   b"Content-Type: application/x-msn-messenger\r\nContent-Length: 20\r\n\r\n"
                   b"VER 1 MSNP8 CVR0\r\n\r\n"),
               (S, b"HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=1\r\nContent-Length: 0\r\n\r\n")],
}

s4 = b"\x04\x01\x00\x50\xc0\x00\x02\x05fd7bcf7b5c9e1d\x00"
s4a = b"\x04\x01\x1a\x0b\x00\x00\x00\x01bob\x00irc.example.net\x00"
ok4 = b"\x00\x5a\x00\x50\xc0\x00\x02\x05"
auth = b"\x01\x08testuser\x08testpass"
req_dom = b"\x05\x01\x00\x03\x0bexample.com\x00\x50"
req_v6 = b"\x05\x01\x00\x04" + bytes(15) + b"\x01\x1a\x0b"
rep4 = b"\x05\x00\x00\x01" + bytes(6)
SOCKS = {
    "s4": (0, [(C, s4), (S, ok4), (C, b"GET / HTTP/1.1\r\n\r\n")]),
    "s4_rej": (0, [(C, s4), (S, b"\x00\x5b" + bytes(6))]),
    "s4a_held": (1, [(C, s4a + b"NICK a\r\nUSER a b c :d\r\n"), (S, ok4), (S, b":irc 001 a :hi\r\n")]),
    "s5_noauth": (1, [(C, b"\x05\x01\x00"), (S, b"\x05\x00"), (C, req_dom), (S, rep4),
                      (C, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), (S, b"HTTP/1.1 200 OK\r\n\r\n")]),
    "s5_auth_ok": (0, [(C, b"\x05\x02\x00\x02"), (S, b"\x05\x02"), (C, auth), (S, b"\x01\x00"),
                       (C, req_dom), (S, rep4)]),
    "s5_auth_fail": (0, [(C, b"\x05\x01\x02"), (S, b"\x05\x02"), (C, auth), (S, b"\x01\x01")]),
    "s5_pipelined": (0, [(C, b"\x05\x01\x02" + auth + req_dom + b"SSH-2.0-x\r\n"),
                         (S, b"\x05\x02\x01\x00" + rep4 + b"SSH-2.0-y\r\n")]),
    "s5_v6": (0, [(C, b"\x05\x01\x00"), (S, b"\x05\x00"), (C, req_v6),
                  (S, b"\x05\x00\x00\x04" + bytes(18))]),
    "s5_refused": (0, [(C, b"\x05\x01\x00"), (S, b"\x05\xff")]),
    "server_only": (0, [(S, b"\x05\x00\x05\x00\x00\x01\x0a\x00\x00\x01\x04\x38")]),
    "gap": (0, [(C, b"\x05\x01\x02"), (S, b"\x05\x02"), (C, None), (C, req_dom), (S, rep4)]),
    "not_socks": (0, [(C, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00")]),
}


def main():
    d = os.path.join(HERE, "corpus", "fuzz_det_http")
    os.makedirs(d, exist_ok=True)
    for name, msgs in HTTP.items():
        open(os.path.join(d, name), "wb").write(script(msgs))
        open(os.path.join(d, name + "_1byte"), "wb").write(script(msgs, chunk=1))
    d = os.path.join(HERE, "corpus", "fuzz_det_socks")
    os.makedirs(d, exist_ok=True)
    for name, (mode, msgs) in SOCKS.items():
        open(os.path.join(d, name), "wb").write(bytes([mode]) + script(msgs))
        open(os.path.join(d, name + "_1byte"), "wb").write(bytes([mode]) + script(msgs, chunk=1))


if __name__ == "__main__":
    main()
