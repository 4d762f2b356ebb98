#!/usr/bin/python3
"""MSN Messenger (MSNP, MSNFTP, HTTP gateway) and Yahoo! Messenger (YMSG, HTTP login) sample
captures for imsentry's golden tests.  generate(outdir) writes every capture; deterministic
(fixed clock from pcaps/generate.py, no randomness).  See README.md beside this file."""
import base64
import os
import struct

from scapy.all import IP, IPv6, TCP, Raw, Ether, Dot1Q  # noqa: F401

import generate as g

CLI4, CLI6 = "192.168.1.14", "2001:db8:10::14"
MSN_SRV, SB_SRV, Y_SRV, PROXY, WEB = "207.46.106.145", "207.46.108.83", "216.136.175.144", "198.51.100.80", "203.0.113.80"


def session(cli, srv, sport, dport, msgs, v6=False, handshake=True, seg=0, fin=True, vlan=None):
    """A TCP connection carrying msgs [(to_server, bytes)] in order, each sent as one segment
    (or cut into seg-byte segments), acked by the next segment of the other side.
    Returns [(to_server, l3)]."""
    out = []
    cs, ss = [1000], [5000]

    def pkt(to_srv, flags, data=b""):
        if to_srv:
            l3 = g.ip_layer(cli, srv, v6, 64, ipid=100 + len(out))
            l4 = TCP(sport=sport, dport=dport, flags=flags, seq=cs[0], ack=ss[0] if flags != "S" else 0,
                     window=65535)
        else:
            l3 = g.ip_layer(srv, cli, v6, 128, ipid=200 + len(out))
            l4 = TCP(sport=dport, dport=sport, flags=flags, seq=ss[0], ack=cs[0], window=65535)
        out.append((to_srv, l3 / l4 / Raw(data) if data else l3 / l4))
        n = len(data) + (1 if flags in ("S", "SA") or "F" in flags else 0)
        if to_srv:
            cs[0] += n
        else:
            ss[0] += n

    if handshake:
        pkt(True, "S")
        pkt(False, "SA")
        pkt(True, "A")
    for to_srv, data in msgs:
        step = seg or len(data)
        for i in range(0, len(data), step):
            pkt(to_srv, "PA", data[i:i + step])
    if fin:
        pkt(True, "FA")
        pkt(False, "FA")
        pkt(True, "A")
    return out


def frames(pkts, vlan=None):
    res = []
    for d, p in pkts:
        src, dst = (g.MAC_CLIENT, g.MAC_SERVER) if d else (g.MAC_SERVER, g.MAC_CLIENT)
        res.append(bytes(Ether(src=src, dst=dst) / Dot1Q(vlan=vlan) / p) if vlan
                   else bytes(Ether(src=src, dst=dst) / p))
    return res


def write(out, name, pkts_list, vlan=None):
    fr = []
    for pk in pkts_list:
        fr += frames(pk, vlan)
    g.write_pcap(os.path.join(out, name), fr)


def msg(head, body):
    return head.encode() + b" %d\r\n" % len(body) + body


def socks5(host, port, inner):
    req = b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + struct.pack(">H", port)
    return [(True, b"\x05\x01\x00"), (False, b"\x05\x00"), (True, req),
            (False, b"\x05\x00\x00\x01" + bytes([198, 51, 100, 7]) + struct.pack(">H", 40999))] + inner


def connect(target, inner):
    return [(True, b"CONNECT %s HTTP/1.0\r\nUser-Agent: Mozilla/4.0\r\n\r\n" % target.encode()),
            (False, b"HTTP/1.0 200 Connection established\r\n\r\n")] + inner


HASH = b"0212eaad0876afb8505859ca75d21a78"
CHAT = (b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        b"X-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\nsee you at 5")
INV = (b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\n"
       b"Application-Name: File Transfer\r\nApplication-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\n"
       b"Invitation-Command: INVITE\r\nInvitation-Cookie: 4321\r\nApplication-File: Hello.exe\r\n"
       b"Application-FileSize: 28672\r\n\r\n")
ACC = (b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\n"
       b"Invitation-Command: ACCEPT\r\nInvitation-Cookie: 4321\r\nIP-Address: 192.168.1.14\r\n"
       b"Port: 6891\r\nAuthCookie: 99887766\r\n\r\n")


def md5_login(answer):
    return [(True, b"VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0\r\n"), (False, b"VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0\r\n"),
            (True, b"CVR 2 0x0409 win 4.10 i386 MSNMSGR 4.6.0082 MSMSGS alice@hotmail.com\r\n"),
            (False, b"CVR 2 4.6.0083 4.6.0083 1.0.0863 http://download.microsoft.com/msn/MsnSetup.exe http://messenger.msn.com\r\n"),
            (True, b"USR 3 MD5 I alice@hotmail.com\r\n"), (False, b"USR 3 MD5 S 989048851.1851137130\r\n"),
            (True, b"USR 4 MD5 S " + HASH + b"\r\n"), (False, answer)]


TWN = [(True, b"VER 1 MSNP8 CVR0\r\n"), (False, b"VER 1 MSNP8 CVR0\r\n"),
       (True, b"CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS bob@passport.com\r\n"),
       (False, b"CVR 2 6.0.0602 6.0.0602 1.0.0000 http://download.microsoft.com/msn/MsnSetup.exe http://messenger.msn.com\r\n"),
       (True, b"USR 3 TWN I bob@passport.com\r\n"),
       (False, b"USR 3 TWN S lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1019000000,kpp=1,kv=5,ver=2.1.0173.1,tpf=4b1c4c7b\r\n"),
       (True, b"USR 4 TWN S t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p6stWTqzbkKZPVQzA5NOt19SLI60PY!b8K4YhC!Ooo5ug$$&p=MBbOqIi1Kb7ehGZxp5PFW3\r\n"),
       (False, b"USR 4 OK bob@passport.com Bob 1 0\r\n"), (True, b"OUT\r\n")]
SB = [(True, b"ANS 89 alice@hotmail.com 1115371039.15845 17069658\r\n"),
      (False, b"IRO 89 1 1 mallory@hotmail.com Mal\r\n"), (False, b"ANS 89 OK\r\n"),
      (False, msg("MSG mallory@hotmail.com Mal", CHAT)), (True, msg("MSG 90 N", CHAT)),
      (False, msg("MSG mallory@hotmail.com Mal", INV)), (True, msg("MSG 91 N", ACC)), (True, b"OUT\r\n")]
MSNFTP = [(True, b"VER MSNFTP\r\n"), (False, b"VER MSNFTP\r\n"), (True, b"USR alice@hotmail.com 99887766\r\n"),
          (False, b"FIL 8\r\n"), (True, b"TFR\r\n"), (False, b"\x00\x08\x00MZ\x90\x00\x03\x00\x00\x00"),
          (True, b"BYE 16777989\r\n")]
GW_REQ1 = (b"POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n"
           b"Accept: */*\r\nContent-Type: text/xml; charset=utf-8\r\nUser-Agent: MSMSGS\r\n"
           b"Host: gateway.messenger.hotmail.com\r\nContent-Length: 18\r\n\r\nVER 1 MSNP8 CVR0\r\n")
GW_RESP1 = (b"HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=1234.5678; GW-IP=207.46.110.1\r\n"
            b"Content-Type: application/x-msn-messenger\r\nContent-Length: 18\r\n\r\nVER 1 MSNP8 CVR0\r\n")
GW_BODY2 = b"USR 3 TWN I bob@passport.com\r\nUSR 4 TWN S t=53*1hAu8ADuD3TEwdXoOMi08sD&p=MBbOqIi1\r\n"
GW_REQ2 = (b"POST /gateway/gateway.dll?SessionID=1234.5678 HTTP/1.1\r\nHost: 207.46.110.1\r\n"
           b"Content-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(GW_BODY2) + GW_BODY2)
GW_RBODY2 = b"USR 4 OK bob@passport.com Bob 1 0\r\n"
GW_RESP2 = (b"HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=1234.5679; GW-IP=207.46.110.1\r\n"
            b"Content-Type: application/x-msn-messenger\r\nContent-Length: %d\r\n\r\n" % len(GW_RBODY2)
            + GW_RBODY2)


def ymsg(svc, kvs, status=0, ver=12, session=0x004037b7):
    body = b"".join(str(k).encode() + b"\xc0\x80" + v + b"\xc0\x80" for k, v in kvs)
    return b"YMSG" + struct.pack(">HHHHII", ver, 0, len(body), svc, status, session) + body


Y_LOGIN = [(True, ymsg(0x57, [(1, b"alice_y")])),
           (False, ymsg(0x57, [(1, b"alice_y"), (94, b"2|&|n^a%d/j-k%v+z(w*x&e^z-c/z*w%e"), (13, b"1")], 1)),
           (True, ymsg(0x54, [(6, b"Qk9HVVMtUkVTUE9OU0UtNg--"), (96, b"SEFTSC05Ni1QQURERUQ-"), (0, b"alice_y"),
                              (2, b"alice_y"), (135, b"5, 5, 0, 1246"), (148, b"300")], 0xc)),
           (False, ymsg(0x55, [(87, b"Friends:bob_y,carol_y\n"), (88, b""), (89, b"alice_y"), (3, b"alice_y")])),
           (False, ymsg(0x01, [(0, b"alice_y"), (1, b"alice_y"), (8, b"2"), (7, b"bob_y"), (10, b"0")]))]
Y_MSGFILE = [(True, ymsg(0x06, [(1, b"alice_y"), (5, b"bob_y"), (14, b"see you at 5"), (97, b"1")])),
             (False, ymsg(0x06, [(4, b"bob_y"), (5, b"alice_y"), (14, b"ok")])),
             (True, ymsg(0xdc, [(1, b"alice_y"), (5, b"bob_y"), (265, b"ABCDEF"), (222, b"1"),
                                (266, b"1"), (302, b"268"), (300, b"268"), (27, b"Hello.exe"), (28, b"28672"),
                                (301, b"268"), (303, b"268")])),
             (True, ymsg(0x18, [(1, b"alice_y"), (50, b"alice_y"), (57, b"alice-1234"), (52, b"bob_y")]))]
Y_HTTP = (b"GET /config/ncclogin?.src=bl&login=alice_y&passwd=s%65cret%21&n=1 HTTP/1.0\r\n"
          b"User-Agent: Mozilla/4.0 (compatible; MSIE 5.5)\r\nHost: msg.edit.yahoo.com\r\n\r\n")
Y_HTTP_RESP = (b"HTTP/1.0 200 OK\r\nSet-Cookie: Y=v=1&n=8fc9e5jk; path=/; domain=.yahoo.com\r\n"
               b"Set-Cookie: T=z=abc&a=QAE; path=/; domain=.yahoo.com\r\nContent-Type: text/html\r\n"
               b"Content-Length: 4\r\n\r\nOK\r\n")
Y_HTTP_PROXY = (b"GET http://msg.edit.yahoo.com/config/login?login=bob_y&passwd=hunter2 HTTP/1.0\r\n"
                b"Host: msg.edit.yahoo.com\r\nProxy-Connection: Keep-Alive\r\n\r\n")
PAGE = (b"<html><body><h1>How IM works</h1><pre>\r\nVER 1 MSNP8 CVR0\r\nUSR 3 MD5 I alice@hotmail.com\r\n"
        b"</pre><p>Yahoo frames start with YMSG then the version.</p></body></html>\r\n")
SMTP = [(False, b"220 mail.example.com ESMTP\r\n"), (True, b"HELO client.example.com\r\n"),
        (False, b"250 mail.example.com\r\n"), (True, b"MAIL FROM:<usr@example.com>\r\n"), (False, b"250 ok\r\n"),
        (True, b"RCPT TO:<bob@example.com>\r\n"), (False, b"250 ok\r\n"), (True, b"DATA\r\n"),
        (False, b"354 go ahead\r\n"),
        (True, b"Subject: USR notes\r\n\r\nUSR 3 MD5 I alice@hotmail.com\r\nUSR 4 MD5 S " + HASH + b"\r\n.\r\n"),
        (False, b"250 queued\r\n"), (True, b"QUIT\r\n"), (False, b"221 bye\r\n")]


def generate(out):
    s = session
    write(out, "msn-md5-login.pcap", [s(CLI4, MSN_SRV, 40001, 1863, md5_login(b"USR 4 OK alice@hotmail.com Alice\r\n"))])
    write(out, "msn-md5-fail.pcap", [s(CLI4, MSN_SRV, 40002, 1863, md5_login(b"911 4\r\n"))])
    write(out, "msn-twn-login.pcap", [s(CLI4, MSN_SRV, 40003, 1863, TWN)])
    write(out, "msn-switchboard.pcap", [s(CLI4, SB_SRV, 40004, 1863, SB)])
    write(out, "msn-msnftp.pcap", [s("10.0.0.7", CLI4, 40005, 6891, MSNFTP)])
    write(out, "msn-gateway.pcap", [s(CLI4, WEB, 40006, 80, [(True, GW_REQ1), (False, GW_RESP1),
                                                             (True, GW_REQ2), (False, GW_RESP2)])])
    write(out, "msn-port80.pcap", [s(CLI4, MSN_SRV, 40007, 80, md5_login(b"USR 4 OK alice@hotmail.com Alice\r\n"))])
    write(out, "msn-socks5.pcap", [s(CLI4, PROXY, 40008, 1080, socks5("messenger.hotmail.com", 1863, TWN))])
    write(out, "msn-ipv6.pcap", [s(CLI6, "2001:db8:20::1863", 40009, 1863, TWN, v6=True)])
    write(out, "msn-tiny.pcap", [s(CLI4, MSN_SRV, 40010, 1863, md5_login(b"USR 4 OK alice@hotmail.com Alice\r\n"), seg=1)])
    write(out, "msn-midstream.pcap", [s(CLI4, SB_SRV, 40011, 1863, SB[3:], handshake=False, fin=False)])
    write(out, "msn-vlan.pcap", [s(CLI4, SB_SRV, 40012, 1863, SB)], vlan=100)
    write(out, "yahoo-login.pcap", [s(CLI4, Y_SRV, 40020, 5050, Y_LOGIN)])
    write(out, "yahoo-ports.pcap", [s(CLI4, Y_SRV, 40021, 23, Y_LOGIN), s(CLI4, Y_SRV, 40022, 80, Y_MSGFILE)])
    write(out, "yahoo-message-file.pcap", [s(CLI4, Y_SRV, 40023, 5050, Y_MSGFILE)])
    write(out, "yahoo-keepalive.pcap", [s("192.168.133.100", "66.196.121.26", 49285, 5050,
                                          [(True, ymsg(0x8a, [(0, b"albertzaharovits")], ver=16))],
                                          handshake=False, fin=False)])
    write(out, "yahoo-http-login.pcap", [s(CLI4, "216.115.105.2", 40024, 80, [(True, Y_HTTP), (False, Y_HTTP_RESP)])])
    write(out, "yahoo-http-proxy.pcap", [
        s(CLI4, PROXY, 40025, 8080, [(True, Y_HTTP_PROXY), (False, Y_HTTP_RESP)]),
        s(CLI4, PROXY, 40026, 8080, connect("msg.edit.yahoo.com:80", [(True, Y_HTTP), (False, Y_HTTP_RESP)]))])
    write(out, "yahoo-socks5.pcap", [s(CLI4, PROXY, 40027, 1080, socks5("scs.msg.yahoo.com", 5050, Y_LOGIN))])
    write(out, "msnyahoo-negative.pcap", [
        s(CLI4, WEB, 40030, 80, [(True, b"GET /im.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
                                 (False, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                                  % len(PAGE) + PAGE)]),
        s(CLI4, "192.0.2.25", 40031, 25, SMTP)])


if __name__ == "__main__":
    import sys
    generate(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
