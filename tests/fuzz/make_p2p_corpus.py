#!/usr/bin/python3
"""Writes the seed corpora of fuzz_det_gnutella, fuzz_det_kazaa, fuzz_det_irc and fuzz_det_dns.

Input format of those targets: chunks, each a control byte (bit 0 direction: 0 to server,
1 to client; bit 1 a gap; bits 2-7 length 1..63) followed by its bytes.
Run from the repository root: /usr/bin/python3 tests/fuzz/make_p2p_corpus.py
"""
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


def desc(t, ttl, hops, pl, guid=b'\x11' * 16):
    return guid + bytes([t, ttl, hops]) + struct.pack('<I', len(pl)) + pl


q = desc(0x80, 7, 0, b'\x00\x00beatles mp3\x00')
qh = desc(0x81, 6, 1, bytes([1]) + struct.pack('<H', 6346) + bytes([192, 168, 0, 5]) +
          struct.pack('<I', 56) + struct.pack('<II', 1, 1000) + b'Hello.exe\x00\x00' + b'\x22' * 16)
push = desc(0x40, 7, 0, b'\x33' * 16 + struct.pack('<I', 7) + bytes([10, 1, 2, 3]) +
            struct.pack('<H', 6346))
pong = desc(0x01, 7, 0, struct.pack('<H', 6346) + bytes([10, 0, 0, 9]) + struct.pack('<II', 10, 1000))
ping = desc(0, 7, 0, b'')
w('gnutella', 'hs06', [(0, b'GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/2.4.4\r\nX-Ultrapeer: False\r\n\r\n'),
                       (1, b'GNUTELLA/0.6 200 OK\r\nUser-Agent: BearShare\r\n\r\n'),
                       (0, b'GNUTELLA/0.6 200 OK\r\n\r\n'), (0, q), (1, qh), (0, push), (1, pong)])
w('gnutella', 'hs04', [(0, b'GNUTELLA CONNECT/0.4\n\n'), (1, b'GNUTELLA OK\n\n'), (0, ping), (1, pong), (0, q)])
w('gnutella', 'reject503', [(0, b'GNUTELLA CONNECT/0.6\r\n\r\n'),
                            (1, b'GNUTELLA/0.6 503 Full\r\nX-Try-Ultrapeers: 1.2.3.4:6346\r\n\r\n')])
w('gnutella', 'deflate', [(0, b'GNUTELLA CONNECT/0.6\r\nAccept-Encoding: deflate\r\n\r\n'),
                          (1, b'GNUTELLA/0.6 200 OK\r\nContent-Encoding: deflate\r\n\r\n'),
                          (1, b'x\x9c\x01\x02\x03' + q)])
w('gnutella', 'midstream', [(0, b'\x41' * 9 + ping + q + push), (1, qh + pong)])
w('gnutella', 'gap', [(0, ping + q[:10]), (2, 50), (0, q + push)])
w('gnutella', 'giv', [(0, b'GIV 12:0123456789abcdef0123456789ABCDEF/Hello.exe\n\n'),
                      (1, b'GET /get/12/Hello.exe HTTP/1.1\r\nUser-Agent: Gnucleus 1.8\r\n\r\n')])
w('gnutella', 'http_get', [(0, b'GET /get/5/song%20one.mp3 HTTP/1.1\r\nHost: 1.2.3.4:6346\r\n'
                               b'User-Agent: LimeWire 2.4\r\nX-Gnutella-Content-URN: urn:sha1:ABCD\r\n\r\n'),
                           (1, b'HTTP/1.1 200 OK\r\nServer: LimeWire\r\nX-Alt: 10.0.0.5:6346\r\n'
                               b'Content-Length: 3\r\n\r\nabc')])
w('gnutella', 'uri_res', [(0, b'GET /uri-res/N2R?urn:sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 HTTP/1.1\r\n'
                              b'X-Queue: 0.1\r\n\r\n')])
w('gnutella', 'big', [(0, b'GNUTELLA CONNECT/0.4\n\n'), (0, desc(0x80, 7, 0, b'\x00\x00' + b'A' * 6000 + b'\x00')),
                      (0, q)])
w('gnutella', 'bittorrent', [(0, b'\x13BitTorrent protocol' + b'\x00' * 8 + b'A' * 40)])
w('kazaa', 'give', [(0, b'GIVE 1234567\r\n'),
                    (1, b'GET /.hash=0123456789abcdef0123456789abcdef01234567 HTTP/1.1\r\n'
                        b'UserAgent: KazaaClient Jan 26 2002\r\nX-Kazaa-Username: alice\r\n'
                        b'X-Kazaa-Network: KaZaA\r\nX-Kazaa-IP: 192.168.1.20:1214\r\n'
                        b'X-Kazaa-SupernodeIP: 198.51.100.7:1214\r\n\r\n'),
                    (0, b'HTTP/1.1 200 OK\r\nX-Kazaa-Username: bob\r\n\r\nMZ\x90\x00')])
w('kazaa', 'http', [(0, b'GET /.hash=00ff00ff HTTP/1.1\r\nHost: 1.2.3.4:1214\r\nUserAgent: KazaaClient\r\n'
                        b'X-Kazaa-Username: carol\r\nX-Kazaa-IP: 10.0.0.1:1214\r\n\r\n'),
                    (1, b'HTTP/1.1 200 OK\r\nServer: KazaaClient\r\nX-Kazaa-Username: dan\r\n'
                        b'Content-Length: 2\r\n\r\nhi')])
w('kazaa', 'udp_ping', [(0, bytes([0x27, 0, 0, 0, 0x80]) + b'KaZaA\x00'),
                        (1, bytes([0x28, 0, 0, 0, 0x80]) + b'KaZaA\x00')])
w('kazaa', 'give_partial', [(0, b'GIVE 12'), (0, b'34\r'), (0, b'\n')])
w('irc', 'pass_ok', [(0, b'PASS l0m3za\r\n'), (0, b'NICK damn-0262937047\r\nUSER ghm 0 0 :damn\r\n'),
                     (1, b':hunt3d.devilz.net NOTICE AUTH :*** Looking up\r\n'
                         b':hunt3d.devilz.net 001 damn-0262937047 :Welcome\r\n')])
w('irc', 'pass_fail', [(0, b'NICK bob\r\nPASS wrong\r\nUSER bob 0 * :Bob\r\n'),
                       (1, b':irc 464 bob :Password incorrect\r\n')])
w('irc', 'oper', [(0, b'CAP LS\r\nPASS test\r\nNICK tim\r\nUSER tim tim 127.0.0.1 :Tim\r\n'),
                  (1, b':i 001 tim :hi\r\n'), (0, b'OPER tim fail\r\n'), (1, b':i 491 tim :no\r\n'),
                  (0, b'OPER tim test\r\n'), (1, b':i 381 tim :oper\r\n')])
w('irc', 'identify', [(0, b'NICK dave\r\nUSER d 0 * :D\r\nPRIVMSG NickServ :IDENTIFY acct hunter2\r\n'),
                      (1, b':NickServ!s@x NOTICE dave :Password accepted\r\n'), (0, b'NS IDENTIFY pw\r\n')])
w('irc', 'dcc', [(0, b'NICK eve\r\nUSER e 0 * :E\r\nPRIVMSG bob :hi\r\n'
                     b'PRIVMSG bob :\x01DCC SEND Hello.exe 3232235786 5000 23552\x01\r\n'),
                 (1, b':x!y@z PRIVMSG eve :\x01DCC SEND "my file.zip" 3221225985 6000\x01\r\n'
                     b':x!y@z PRIVMSG eve :\x01DCC CHAT chat 3221225985 6001\x01\r\n'
                     b':x!y@z NOTICE eve :\x01VERSION mIRC v6.01\x01\r\n')])
w('irc', 'whitespace', [(1, b':sendak.freenode.net NOTICE * :*** Looking up\r\n'),
                        (0, b'USER brotest * * * * * \r\n    NICK brotest\r\n')])
w('irc', 'bare353', [(0, b'353 \n')])
w('irc', 'gap', [(0, b'NICK frank\r\nPASS abc'), (2, 60), (0, b'def\r\nOPER frank pw\r\n'),
                 (1, b':s 381 frank :ok\r\n')])
w('irc', 'http', [(0, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')])


def dnsq(i, name, qr=False, ans=b'', an=0):
    qq = b''.join(bytes([len(lab)]) + lab.encode() for lab in name.split('.')) + b'\x00\x00\x01\x00\x01'
    return struct.pack('>HHHHHH', i, 0x8180 if qr else 0x0100, 1, an, 0, 0) + qq + ans


A = b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x40\x0c\xa1\x99'
for i, n in enumerate(['login.oscar.aol.com', 'login.icq.com', 'messenger.hotmail.com',
                       'scs.msg.yahoo.com', 'www.kazaa.com', 'www.example.com']):
    w('dns', 'q%d' % i, [(0, dnsq(i + 1, n)), (1, dnsq(i + 1, n, True, A, 1))])
w('dns', 'loop', [(1, dnsq(9, 'a.b', True, b'\xc0\x15\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x01\x02\x03\x04', 1))])
w('dns', 'resp_only', [(1, dnsq(7, 'aimhttp.oscar.aol.com', True, A, 1))])
