#!/usr/bin/python3
"""Writes the seed corpora of fuzz_det_msn and fuzz_det_yahoo.

Input format of those targets: chunks, each a control byte (bit 0 direction: 0 to server,
1 to client; bit 1 a gap; bits 2-7 length 1..63) followed by its bytes.
Run from the repository root: /usr/bin/python3 tests/fuzz/make_msnyahoo_corpus.py
"""
import base64
import os
import struct


def enc(msgs):
    out = b''
    for d, b in msgs:
        if d >= 2:  # a gap of b bytes
            out += bytes([(min(b, 63) << 2) | 2 | (d & 1)])
            continue
        for i in range(0, len(b), 63):
            c = b[i:i + 63]
            out += bytes([(len(c) << 2) | d]) + c
    return out


def w(p, name, msgs):
    d = 'tests/fuzz/corpus/fuzz_det_%s' % p
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(enc(msgs))


def msg(head, body):
    return head.encode() + b' %d\r\n' % len(body) + body


HASH = b'0212eaad0876afb8505859ca75d21a78'
INV = (b'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\n'
       b'Application-Name: File Transfer\r\nInvitation-Command: INVITE\r\n'
       b'Invitation-Cookie: 4321\r\nApplication-File: Hello.exe\r\nApplication-FileSize: 28672\r\n\r\n')
ACC = (b'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\n'
       b'Invitation-Command: ACCEPT\r\nInvitation-Cookie: 4321\r\nIP-Address: 192.168.1.20\r\n'
       b'Port: 6891\r\nAuthCookie: 99887766\r\n\r\n')
CHAT = (b'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n'
        b'X-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\nhello there')
CTX = base64.b64encode(struct.pack('<IIQI', 574, 2, 28672, 0) + 'a.exe'.encode('utf-16le') + bytes(10))
P2P = (b'MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@hotmail.com\r\n\r\n'
       + bytes(48) + b'INVITE MSNMSGR:bob@hotmail.com MSNSLP/1.0\r\nEUF-GUID: {5D3E02AB-6190-11D3-BBBB-00C04F795683}\r\n'
       b'IPv4Internal-Addrs: 10.1.2.3 192.168.0.9\r\nIPv4Internal-Port: 1234\r\nContext: ' + CTX + b'\r\n\r\n\0')


def msn():
    w('msn', 'md5-login', [(0, b'VER 1 MSNP7 MSNP6 CVR0\r\n'), (1, b'VER 1 MSNP7\r\n'),
                           (0, b'CVR 2 0x0409 win 4.10 i386 MSNMSGR 4.6.0082 MSMSGS a@b.com\r\n'),
                           (0, b'USR 3 MD5 I a@b.com\r\n'), (1, b'USR 3 MD5 S 989048851.1851137130\r\n'),
                           (0, b'USR 4 MD5 S ' + HASH + b'\r\n'), (1, b'USR 4 OK a@b.com A\r\n')])
    w('msn', 'md5-fail', [(0, b'USR 3 MD5 I a@b.com\r\n'), (1, b'USR 3 MD5 S 1.2\r\n'),
                          (0, b'USR 4 MD5 S ' + HASH + b'\r\n'), (1, b'911 4\r\n')])
    w('msn', 'twn-login', [(0, b'VER 1 MSNP8 CVR0\r\nUSR 2 TWN I b@passport.com\r\n'),
                           (1, b'USR 2 TWN S lc=1033,id=507,tw=40,fs=1,ct=1,kpp=1\r\n'),
                           (0, b'USR 3 TWN S t=53*1hAu8ADuD3TEw&p=7\r\n'),
                           (1, b'USR 3 OK b@passport.com B 1 0\r\n')])
    w('msn', 'sso-login', [(0, b'USR 3 SSO I c@live.com\r\n'), (1, b'USR 3 SSO S MBI_KEY_OLD abc=\r\n'),
                           (0, b't=EwCoARnxxx HAAAAAEAA\r\nUSR 4 SSO S t=Ew HAAAA\r\n'),
                           (1, b'USR 4 OK c@live.com 1 0\r\n')])
    w('msn', 'switchboard', [(1, b'IRO 89 1 1 c@hotmail.com choupi\r\n'),
                             (0, b'ANS 89 j@msn.com 1115371039.15845 17069658\r\n'), (1, b'ANS 89 OK\r\n'),
                             (1, msg('MSG c@hotmail.com choupi', CHAT)), (0, msg('MSG 90 N', CHAT)),
                             (0, b'OUT\r\n')])
    w('msn', 'invite', [(1, msg('MSG m@hotmail.com Mal', INV)), (0, msg('MSG 7 N', ACC))])
    w('msn', 'p2p', [(0, msg('MSG 8 D', P2P))])
    w('msn', 'midstream', [(0, b'ypingUser: j@msn.com\r\n\r\n' + msg('MSG 77 U', b'x' * 30) + b'PNG\r\n'),
                           (1, b'QNG 45\r\n')])
    w('msn', 'gap', [(0, b'USR 3 MD5 I a@b.com\r\nUSR 4 MD'), (2, 10), (0, b'5 S ' + HASH + b'\r\n')])
    w('msn', 'msnftp', [(0, b'VER MSNFTP\r\n'), (1, b'VER MSNFTP\r\n'), (0, b'USR b@h.com 998877\r\n'),
                        (1, b'FIL 6\r\n'), (0, b'TFR\r\n'), (1, b'\x00\x04\x00MZ\x90\x00\x00\x02\x00ab'),
                        (0, b'BYE 16777989\r\n')])
    w('msn', 'xfr-rng', [(1, b'XFR 10 NS 207.46.106.145:1863 0 207.46.104.20:1863\r\n'
                             b'RNG 17069658 207.46.108.83:1863 CKI 1115371039.15845 c@h.com choupi\r\n'
                             b'CHL 0 29409134351025259292\r\n'), (0, msg('QRY 11 msmsgs@msnmsgr.com', b'0' * 32))])
    w('msn', 'gateway', [(0, b'POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n'
                             b'Host: gateway.messenger.hotmail.com\r\nContent-Length: 47\r\n\r\n'
                             b'VER 1 MSNP8 CVR0\r\nUSR 2 TWN I a@hotmail.com\r\n\r\n'),
                         (1, b'HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=1.2; GW-IP=1.2.3.4\r\n'
                             b'Content-Type: application/x-msn-messenger\r\nContent-Length: 19\r\n\r\nVER 1 MSNP8 CVR0\r\n\r\n')])
    w('msn', 'negative-http', [(0, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
                               (1, b'HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\nVER 1 MSNP8 CVR0\r\nYMSG\r\n')])


def ymsg(svc, kvs, status=0, ver=12):
    body = b''.join(str(k).encode() + b'\xc0\x80' + v + b'\xc0\x80' for k, v in kvs)
    return b'YMSG' + struct.pack('>HHHHII', ver, 0, len(body), svc, status, 0x1234) + body


def yahoo():
    w('yahoo', 'keepalive', [(0, ymsg(0x8a, [(0, b'albertzaharovits')], ver=16))])
    auth = [(0, ymsg(0x57, [(1, b'alice_y')])),
            (1, ymsg(0x57, [(1, b'alice_y'), (94, b'CHAL.0123'), (13, b'1')], 1)),
            (0, ymsg(0x54, [(6, b'Qk9HVVM-'), (96, b'SEFTSC05Ng--'), (0, b'alice_y'), (135, b'5, 5, 0, 1246')], 0xc))]
    w('yahoo', 'login-ok', auth + [(1, ymsg(0x55, [(87, b'Friends:bob_y')]))])
    w('yahoo', 'login-fail', auth + [(1, ymsg(0x54, [(66, b'13')], 0xffffffff))])
    w('yahoo', 'old-logon', [(0, ymsg(0x01, [(0, b'bob_y'), (6, b'$1$_2S43d5f$XXXX')], ver=6)),
                             (1, ymsg(0x01, [(0, b'bob_y')], 0))])
    w('yahoo', 'message-file', [(0, b'xx\xc0\x80zz' + ymsg(0x06, [(1, b'a'), (5, b'b'), (14, b'hi')])),
                                (0, ymsg(0xdc, [(1, b'a'), (5, b'b'), (27, b'setup.exe'), (28, b'28672')])),
                                (1, ymsg(0x4d, [(4, b'b'), (27, b'x.jpg')])), (1, ymsg(0x18, [(1, b'a')]))])
    w('yahoo', 'gap', [(0, ymsg(0x12, [])[:15]), (2, 30), (0, ymsg(0x12, [(1, b'a')]))])
    w('yahoo', 'http-login', [(0, b'GET /config/ncclogin?.src=bl&login=alice_y&passwd=s%65cret&n=1 HTTP/1.0\r\n'
                                  b'Host: msg.edit.yahoo.com\r\n\r\n'),
                              (1, b'HTTP/1.0 200 OK\r\nSet-Cookie: Y=v=1&n=abc; path=/\r\n\r\nOK\r\n')])
    w('yahoo', 'negative', [(1, b'The YMSG protocol: YMSG\x00\x0c\x00\x00 header. YMSG\r\n' * 3)])


if __name__ == '__main__':
    msn()
    yahoo()
