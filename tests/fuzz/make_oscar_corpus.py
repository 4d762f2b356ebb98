#!/usr/bin/python3
"""Writes the seed corpora of fuzz_det_oscar, fuzz_det_toc and fuzz_det_icq5.

Input format (see the targets): byte 0 bit 0 = handshake seen; then chunks, each a control byte
(bit 0 direction: 0 to server, 1 to client; bits 2-7 length, 0 = rest) and its bytes.
Run: /usr/bin/python3 tests/fuzz/make_oscar_corpus.py (from the repository root).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pcaps", "oscar"))
import oscar_crypto as oc  # noqa: E402


def chunks(syn, parts):
    out = bytearray([1 if syn else 0])
    for d, data in parts:
        while data:
            piece = data[:63]
            data = data[63:]
            out.append((len(piece) << 2) | d)
            out += piece
    return bytes(out)


def tlv(t, v):
    return struct.pack(">HH", t, len(v)) + v


def flap(ch, seq, p):
    return struct.pack(">BBHH", 0x2A, ch, seq, len(p)) + p


def snac(f, s, body):
    return struct.pack(">HHHI", f, s, 0, 7) + body


HELLO = flap(1, 1, b"\0\0\0\1")


def oscar_seeds():
    login = flap(1, 2, b"\0\0\0\1" + tlv(1, b"alice99") + tlv(2, oc.roast(b"hunter2")) +
                 tlv(3, b"AIM 4.8"))
    ok = flap(4, 2, tlv(1, b"alice99") + tlv(5, b"10.0.0.9:5190") + tlv(6, b"C" * 16))
    bad = flap(4, 2, tlv(1, b"12345") + tlv(8, b"\0\5"))
    md5 = (flap(2, 3, snac(0x17, 6, tlv(1, b"carol"))) +
           flap(2, 4, snac(0x17, 2, tlv(1, b"carol") + tlv(0x25, bytes(range(16))))))
    md5r = flap(2, 3, snac(0x17, 7, b"\0\4abcd")) + flap(2, 4, snac(0x17, 3, tlv(5, b"h:1")))
    cookie = flap(1, 9, b"\0\0\0\1" + tlv(6, b"\xa5" * 256) + tlv(3, b"Adium/1.5.10"))
    cap = bytes.fromhex("094613434c7f11d1822244455354 0000".replace(" ", ""))
    ext = struct.pack(">HHI", 1, 1, 1234) + b"Hello.exe\0"
    rv = (struct.pack(">H", 0) + b"K" * 8 + cap + tlv(2, bytes([192, 168, 1, 10])) +
          tlv(3, bytes([192, 168, 1, 10])) + tlv(5, b"\x14\x46") + tlv(0x2711, ext))
    icbm = flap(2, 5, snac(4, 6, b"K" * 8 + b"\0\2" + b"\5dave1" + tlv(5, rv)))
    game = flap(2, 6, snac(4, 7, b"K" * 8 + b"\0\1" + b"\5evil1" + b"\0\0\0\0" +
                           tlv(2, b"aim:AddGame?name=" + b"A" * 40)))
    oft = bytearray(256)
    oft[0:4] = b"OFT2"
    oft[4:6] = b"\x01\x00"
    oft[6:8] = b"\x01\x01"
    oft[32:36] = struct.pack(">I", 10)
    oft[192:201] = b"Hello.exe"
    ack = bytearray(oft)
    ack[6:8] = b"\x02\x02"
    return {
        "login_ok": chunks(True, [(1, HELLO), (0, HELLO + login), (1, ok)]),
        "login_bad": chunks(True, [(1, HELLO), (0, login), (1, bad)]),
        "md5": chunks(True, [(0, md5[:20]), (1, md5r), (0, md5[20:])]),
        "cookie_midstream": chunks(False, [(0, b"\x99\x2a" + cookie)]),
        "rendezvous": chunks(True, [(1, HELLO), (0, icbm)]),
        "addgame": chunks(True, [(1, HELLO + game)]),
        "tls": chunks(True, [(0, bytes.fromhex("160301002a0100002603032a01"))]),
        "oft": chunks(True, [(0, bytes(oft)), (1, bytes(ack)), (0, b"Z" * 10)]),
        "odc": chunks(True, [(0, b"ODC2\x00\x4c" + bytes(70) + b"hi")]),
    }


def toc_seeds():
    cmd = b"toc_signon login.oscar.aol.com 5190 tocuser " + oc.toc_xor_hex(b"secret").encode() + \
        b' english "TIC:TiK"\0'
    cmd2 = b"toc2_signon login.oscar.aol.com 5190 someone " + \
        oc.toc_xor_hex(b"Passw0rd").encode() + b' english "TIC" 160 1234\0'
    return {
        "signon_ok": chunks(True, [(0, b"FLAPON\r\n\r\n"), (1, HELLO), (0, flap(2, 2, cmd)),
                                   (1, flap(2, 2, b"SIGN_ON:TOC1.0\0"))]),
        "signon2_err": chunks(True, [(0, b"FLAPON\r\n\r\n" + flap(2, 2, cmd2)),
                                     (1, flap(2, 2, b"ERROR:980\0"))]),
        "im_addgame": chunks(False, [(0, flap(2, 3, b'toc_send_im bob "aim:AddGame?x"\0'))]),
        "web_page": chunks(True, [(1, b"HTTP/1.0 200 OK\r\n\r\nFLAPON\r\n\r\ntoc_signon")]),
    }


def icq5_seeds():
    p = oc.icq5_client_packet(1234567, 0x11223344, 0x3E8, 1, 0, oc.icq5_login_params(b"pa55word"))
    wire = oc.icq5_encrypt(p, r1=0x20, r2=0x33)
    bad = struct.pack("<HBIHHHII", 5, 0, 0x11223344, 0x64, 1, 0, 1234567, 0)
    ok = struct.pack("<HBIHHHII", 5, 0, 0x11223344, 0x5A, 1, 0, 1234567, 0) + bytes(12)
    v2 = struct.pack("<HHHII", 2, 0x3E8, 1, 7654321, 4001) + struct.pack("<H", 6) + b"mypw!\0" + \
        bytes(8)
    oicq = bytes.fromhex("020f5f0022123400989" + "67f5152535455565758595a5b5c5d5e5f03")
    return {
        "v5_login_bad": chunks(False, [(0, wire), (1, bad)]),
        "v5_login_ok": chunks(False, [(0, wire), (1, ok)]),
        "v2_login": chunks(False, [(0, v2)]),
        "oicq": chunks(False, [(0, oicq)]),
        "server_only": chunks(False, [(1, ok)]),
    }


def main():
    for name, seeds in (("fuzz_det_oscar", oscar_seeds()), ("fuzz_det_toc", toc_seeds()),
                        ("fuzz_det_icq5", icq5_seeds())):
        d = os.path.join(HERE, "corpus", name)
        os.makedirs(d, exist_ok=True)
        for k, v in seeds.items():
            with open(os.path.join(d, k), "wb") as f:
                f.write(v)


if __name__ == "__main__":
    main()
