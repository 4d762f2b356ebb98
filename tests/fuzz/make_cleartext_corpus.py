#!/usr/bin/env python3
"""Writes the seed corpora of the cleartext detectors' fuzz targets (fuzz_det_ftp, _pop3, _imap,
_smtp, _telnet, fuzz_cred_util) from real-looking sessions, in the script format the targets
read: a control byte ((len - 1) << 1 | dir, dir 0 = to server, 1 = to client) then len bytes;
0xFF is a gap.  Run from anywhere; deterministic."""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def script(msgs, chunk=128):
    out = bytearray()
    for d, data in msgs:
        if d == "gap":
            out.append(0xFF)
            continue
        data = data.encode("latin-1") if isinstance(data, str) else data
        for i in range(0, len(data), chunk):
            piece = data[i:i + chunk]
            out.append(((len(piece) - 1) << 1) | (0 if d == "c" else 1))
            out += piece
    return bytes(out)


P = base64.b64encode(b"\0tim\0tanstaaftanstaaf").decode()
CRAM = base64.b64encode(b"tim b913a602c7eda7a495b4e6e7334d3890").decode()
SEEDS = {
    "fuzz_det_ftp": {
        "login": [("s", "220 (vsFTPd 3.0.3)\r\n"), ("c", "USER alice\r\n"), ("s", "331 pw\r\n"),
                  ("c", "PASS s3cret\r\n"), ("s", "230 ok\r\n"), ("c", "QUIT\r\n")],
        "fail_retry": [("s", "220-FileZilla\r\n220 hi\r\n"), ("c", "USER a\r\nPASS b\r\n"),
                       ("s", "331 x\r\n530 no\r\n"), ("c", "PASS c\r\nACCT d\r\n"),
                       ("s", "332 acct\r\n230 ok\r\n")],
        "auth_tls": [("s", "220 x\r\n"), ("c", "AUTH TLS\r\n"), ("s", "234 go\r\n"),
                     ("c", b"\x16\x03\x01\x00\x05hello")],
        "multiline": [("s", "220 FTP\r\n"), ("c", "USER anonymous\r\nPASS x@\r\n"),
                      ("s", "331 x\r\n230-a\r\n text\r\n230 b\r\n"), ("c", "SYST\r\nPASV\r\n"),
                      ("s", "215 UNIX\r\n227 (1,2,3,4,5,6)\r\n")],
        "gap": [("s", "220 FTP\r\n"), ("c", "USER ha"), ("gap", None), ("c", "nk\r\nPASS p\r\n"),
                ("s", "331 x\r\n230 y\r\n")],
        "midstream": [("c", "PASS pw\r\n"), ("s", "230 in\r\n"), ("c", "CWD /\r\n")],
    },
    "fuzz_det_pop3": {
        "userpass": [("s", "+OK ready\r\n"), ("c", "USER a\r\n"), ("s", "+OK\r\n"),
                     ("c", "PASS b c\r\n"), ("s", "-ERR no\r\n")],
        "apop": [("s", "+OK <1.2@x>\r\n"), ("c", "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
                 ("s", "+OK\r\n")],
        "auth_plain": [("s", "+OK\r\n"), ("c", "AUTH PLAIN\r\n"), ("s", "+ \r\n"), ("c", P + "\r\n"),
                       ("s", "+OK\r\n"), ("c", "AUTH PLAIN " + P + "\r\n"), ("s", "-ERR\r\n")],
        "auth_login": [("s", "+OK x\r\n"), ("c", "AUTH LOGIN\r\n"), ("s", "+ VXNlcm5hbWU6\r\n"),
                       ("c", "dXNlcg==\r\n"), ("s", "+ UGFzc3dvcmQ6\r\n"), ("c", "cGFzcw==\r\n"),
                       ("s", "+OK\r\n"), ("c", "AUTH CRAM-MD5\r\n"), ("s", "+ PDE+\r\n"),
                       ("c", CRAM + "\r\n"), ("s", "+OK\r\n")],
        "stls": [("s", "+OK x\r\n"), ("c", "CAPA\r\nSTLS\r\n"), ("s", "+OK a\r\nSTLS\r\n.\r\n+OK\r\n"),
                 ("c", "USER x\r\n")],
    },
    "fuzz_det_imap": {
        "login": [("s", "* OK IMAP4rev1\r\n"), ("c", "a1 LOGIN samir pfres\r\n"),
                  ("s", "a1 OK done\r\n")],
        "quoted_literal": [("s", "* OK x\r\n"), ("c", 'a1 LOGIN "jo \\"x\\"" "p\\\\w"\r\n'),
                           ("s", "a1 NO x\r\n"), ("c", "a2 LOGIN {4}\r\n"), ("s", "+ go\r\n"),
                           ("c", "kate {6+}\r\npw\r\nxy\r\n"), ("s", "a2 OK\r\n")],
        "authenticate": [("s", "* OK\r\n"), ("c", "A1 AUTHENTICATE PLAIN\r\n"), ("s", "+ \r\n"),
                         ("c", P + "\r\n"), ("s", "A1 OK\r\n"),
                         ("c", "A2 AUTHENTICATE CRAM-MD5\r\n"), ("s", "+ PDE+\r\n"),
                         ("c", CRAM + "\r\n"), ("s", "A2 NO\r\n"),
                         ("c", "A3 AUTHENTICATE PLAIN " + P + "\r\n"), ("s", "A3 OK\r\n")],
        "fetch": [("s", "* OK\r\n"), ("c", "x1 LOGIN u p\r\nx2 FETCH 1 BODY[]\r\n"),
                  ("s", "* 1 FETCH (BODY[] {12}\r\nx1 OK fake\r\n)\r\nx1 NO real\r\n")],
        "starttls": [("s", "* OK [CAPABILITY STARTTLS]\r\n"), ("c", ". STARTTLS\r\n"),
                     ("s", ". OK go\r\n"), ("c", ". LOGIN a b\r\n")],
        "huge_literal": [("s", "* OK\r\n"), ("c", "a APPEND INBOX {4294967295}\r\nxxxx")],
    },
    "fuzz_det_smtp": {
        "auth_login": [("s", "220 x ESMTP Exim\r\n"), ("c", "EHLO GP\r\n"),
                       ("s", "250-x\r\n250 AUTH LOGIN\r\n"), ("c", "AUTH LOGIN\r\n"),
                       ("s", "334 VXNlcm5hbWU6\r\n"), ("c", "dXNlcg==\r\n"),
                       ("s", "334 UGFzc3dvcmQ6\r\n"), ("c", "cGFzcw==\r\n"), ("s", "235 ok\r\n")],
        "plain_cram_data": [("s", "220 mx ESMTP\r\n"), ("c", "AUTH PLAIN " + P + "\r\n"),
                            ("s", "535 no\r\n"), ("c", "AUTH CRAM-MD5\r\n"), ("s", "334 PDE+\r\n"),
                            ("c", CRAM + "\r\n"), ("s", "235 ok\r\n"),
                            ("c", "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
                            ("s", "250 a\r\n250 b\r\n354 go\r\n"), ("c", "AUTH x\r\n.\r\n")],
        "starttls": [("s", "220 mx.google.com ESMTP\r\n"), ("c", "EHLO a\r\nSTARTTLS\r\n"),
                     ("s", "250 STARTTLS\r\n220 go\r\n"), ("c", "AUTH PLAIN " + P + "\r\n")],
        "bdat": [("s", "220 mail\r\n"), ("c", "BDAT 41 LAST\r\nAUTH PLAIN " + P + "\r\n"),
                 ("s", "250 ok\r\n"), ("c", "DATA\r\n"), ("s", "554 no\r\n")],
    },
    "fuzz_det_telnet": {
        "linemode": [("c", b"\xff\xfd\x03\xff\xfb\x18"), ("s", b"\xff\xfa\x20\x01\xff\xf0"),
                     ("s", "\r\nOpenBSD\r\nlogin: "), ("c", "fake\r\n"), ("s", "Password:"),
                     ("c", "user\r\n"), ("s", "\r\nLast login: x\r\n$ ")],
        "perkey": [("s", b"\xff\xfd\x18\xff\xfb\x01"), ("s", "login: ")] +
                  [x for ch in "roox\x08t" for x in (("c", ch), ("s", ch))] +
                  [("c", "\r\0"), ("s", "\r\nPassword: ")] + [("c", ch) for ch in "to\x7fo\xff\xff"] +
                  [("c", "\r\n"), ("s", "Login incorrect\r\nlogin: ")],
        "router": [("s", "\r\nUser Access Verification\r\n\r\nUsername: "), ("c", "cisco\r\n"),
                   ("s", "Password: "), ("c", "c1sc0\r\n"), ("s", "\r\nrouter#")],
        "sub_unterminated": [("s", b"\xff\xfa\x18" + b"A" * 300), ("c", "x\r\n")],
    },
    "fuzz_cred_util": {
        "b64_vectors": [("c", "Zm9vYmFy")], "b64_lenient": [("c", " Zm9v\r\nYmE=")],
        "sasl": [("c", P + "\r\ndXNlcg==\r\ncGFzcw==\r\n")], "cram": [("c", CRAM + "\r\n")],
        "lines": [("c", "220-a\r\n230 b\n\r\n" + "x" * 3000 + "\r\nNOOP\r\n")],
    },
}


def main():
    for target, seeds in SEEDS.items():
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for name, msgs in seeds.items():
            if target == "fuzz_cred_util":  # raw bytes, not a delivery script
                data = b"".join(m.encode("latin-1") if isinstance(m, str) else m
                                for _, m in msgs)
            else:
                data = script(msgs)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
