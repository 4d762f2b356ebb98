"""Cleartext-credential captures: FTP, POP3, IMAP, SMTP and Telnet logins (pcaps/cleartext/).

Run through pcaps/generate.py (gen_families), deterministic: the house clock (2002-04-16
12:00:00Z, 1 ms per packet), fixed addresses, no randomness.  README.md beside this file lists
every capture and its tshark claims; secrets.json lists every password (and every encoded form
of one that crosses the wire) that the sensor must never write by default
(tests/integration/test_redaction.py).
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from generate import IP, TCP, IPv6, Raw, eth, write_pcap  # noqa: E402

CLIENT = "10.40.0.2"
CLIENT6 = "2001:db8:40::2"
SERVER6 = "2001:db8:40::21"
SOCKS = "192.0.2.80"


def tcp_flow(cli, srv, sport, dport, msgs, v6=False, cisn=1000, sisn=5000):
    """A TCP connection: handshake, then one segment per message (to_server, bytes), each
    acknowledging everything the other side sent so far, then FIN / FIN / ACK."""
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


def frames(flows):
    """Ethernet frames of several flows, one after the other."""
    return [bytes(eth(d, p)) for flow in flows for d, p in flow]


def C(s):
    return (True, s.encode("latin-1") if isinstance(s, str) else s)


def S(s):
    return (False, s.encode("latin-1") if isinstance(s, str) else s)


def b64(s):
    return base64.b64encode(s.encode()).decode()


# Every secret a capture carries: passwords, and the encoded forms that cross the wire.
SECRETS = []


def secret(pw, *encoded):
    SECRETS.append(pw)
    SECRETS.extend(encoded)
    return pw


# ---- FTP ----

FTP_BANNER = "220 imsentry test FTP server ready\r\n"


def ftp_login(user, pw, verdict="230 Logged in\r\n"):
    return [S(FTP_BANNER), C("USER %s\r\n" % user), S("331 Password required\r\n"),
            C("PASS %s\r\n" % pw), S(verdict), C("QUIT\r\n"), S("221 Bye\r\n")]


def gen_ftp(out):
    pw_ok = secret("Ftp-Alice-0416")
    pw_bad = secret("Ftp-Bob-wrong")
    pw_anon = secret("guest-anon@example.org")
    write_pcap(os.path.join(out, "ftp-login.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.21", 40021, 21, ftp_login("alice", pw_ok))]))
    write_pcap(os.path.join(out, "ftp-failure.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.21", 40022, 21,
                                ftp_login("bob", pw_bad, "530 Login incorrect\r\n"))]))
    write_pcap(os.path.join(out, "ftp-anonymous.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.21", 40023, 21,
                                ftp_login("anonymous", pw_anon))]))
    # AUTH TLS accepted: what follows is a TLS ClientHello, no login is visible
    hello = bytes.fromhex("16030100310100002d0301") + bytes(32) + bytes.fromhex("000002002f0100")
    write_pcap(os.path.join(out, "ftp-auth-tls.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.21", 40024, 21,
                                [S(FTP_BANNER), C("AUTH TLS\r\n"),
                                 S("234 Proceed with negotiation.\r\n"), C(hello)])]))
    write_pcap(os.path.join(out, "ftp-port2121.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.22", 40025, 2121,
                                ftp_login("carol", secret("Ftp-Carol-2121")))]))
    write_pcap(os.path.join(out, "ftp-ipv6.pcap"),
               frames([tcp_flow(CLIENT6, SERVER6, 40026, 21,
                                ftp_login("dave", secret("Ftp-Dave-v6")), v6=True)]))
    # brute force: 12 failed logins from one client, each on its own connection, within 60 s
    flows = [tcp_flow(CLIENT, "192.0.2.23", 41000 + i, 21,
                      ftp_login("admin", secret("guess-%02d" % i), "530 Login incorrect\r\n"))
             for i in range(12)]
    write_pcap(os.path.join(out, "ftp-bruteforce.pcap"), frames(flows))
    # through a SOCKS5 proxy (no authentication) to ftp.example.net:21
    host = b"ftp.example.net"
    socks = [C(b"\x05\x01\x00"), S(b"\x05\x00"),
             C(b"\x05\x01\x00\x03" + bytes([len(host)]) + host + struct.pack(">H", 21)),
             S(b"\x05\x00\x00\x01" + bytes([198, 51, 100, 21]) + struct.pack(">H", 21))]
    write_pcap(os.path.join(out, "ftp-socks5.pcap"),
               frames([tcp_flow(CLIENT, SOCKS, 40027, 1080,
                                socks + ftp_login("erin", secret("Ftp-Erin-socks")))]))


# ---- POP3 ----

POP_BANNER = "+OK imsentry POP3 server ready <1896.697170952@pop.example.org>\r\n"


def gen_pop3(out):
    pw = secret("Pop-Frank-110")
    write_pcap(os.path.join(out, "pop3-userpass.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.110", 40110, 110,
                                [S(POP_BANNER), C("USER frank\r\n"), S("+OK\r\n"),
                                 C("PASS %s\r\n" % pw), S("+OK 2 messages\r\n"), C("QUIT\r\n"),
                                 S("+OK bye\r\n")])]))
    digest = hashlib.md5(b"<1896.697170952@pop.example.org>" +
                         secret("Pop-Gina-apop").encode()).hexdigest()
    secret(digest)
    write_pcap(os.path.join(out, "pop3-apop.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.110", 40111, 110,
                                [S(POP_BANNER), C("APOP gina %s\r\n" % digest),
                                 S("+OK maildrop ready\r\n"), C("QUIT\r\n"),
                                 S("+OK bye\r\n")])]))
    plain = "\0hank\0" + secret("Pop-Hank-plain")
    enc = base64.b64encode(plain.encode()).decode()
    secret(enc)
    write_pcap(os.path.join(out, "pop3-auth-plain.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.110", 40112, 110,
                                [S(POP_BANNER), C("AUTH PLAIN\r\n"), S("+ \r\n"),
                                 C(enc + "\r\n"), S("+OK logged in\r\n"), C("QUIT\r\n"),
                                 S("+OK bye\r\n")])]))
    write_pcap(os.path.join(out, "pop3-stls.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.110", 40113, 110,
                                [S(POP_BANNER), C("STLS\r\n"), S("+OK Begin TLS\r\n"),
                                 C(bytes.fromhex("160301002a0100002603010000"))])]))


# ---- IMAP ----

def gen_imap(out):
    pw_q = secret('Imap "Ivy" pass')
    pw_l = secret("Imap-Jack-literal")
    quoted = pw_q.replace("\\", "\\\\").replace('"', '\\"')
    write_pcap(os.path.join(out, "imap-login.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.143", 40143, 143,
                                [S("* OK [CAPABILITY IMAP4rev1 LITERAL+] imsentry IMAP ready\r\n"),
                                 C('a1 LOGIN "ivy" "%s"\r\n' % quoted),
                                 S("a1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
                                 C("a2 LOGIN {4}\r\n"), S("+ Ready for literal\r\n"),
                                 C("jack {%d}\r\n" % len(pw_l)), S("+ Ready for literal\r\n"),
                                 C(pw_l + "\r\n"), S("a2 OK LOGIN completed\r\n"),
                                 C("a3 LOGOUT\r\n"), S("* BYE\r\na3 OK\r\n")])]))
    plain = "\0kate\0" + secret("Imap-Kate-plain")
    enc = base64.b64encode(plain.encode()).decode()
    secret(enc)
    write_pcap(os.path.join(out, "imap-authenticate-plain.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.143", 40144, 143,
                                [S("* OK imsentry IMAP ready\r\n"),
                                 C("A1 AUTHENTICATE PLAIN\r\n"), S("+ \r\n"), C(enc + "\r\n"),
                                 S("A1 OK AUTHENTICATE completed\r\n"), C("A2 LOGOUT\r\n"),
                                 S("* BYE\r\nA2 OK\r\n")])]))
    write_pcap(os.path.join(out, "imap-starttls.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.143", 40145, 143,
                                [S("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"),
                                 C(". STARTTLS\r\n"), S(". OK Begin TLS negotiation now\r\n"),
                                 C(bytes.fromhex("160301002a0100002603010000"))])]))


# ---- SMTP ----

SMTP_BANNER = "220 mail.example.org ESMTP imsentry test\r\n"
EHLO = [C("EHLO client.example.org\r\n"),
        S("250-mail.example.org\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 8BITMIME\r\n")]


def gen_smtp(out):
    bad = base64.b64encode(("\0liam\0" + secret("Smtp-Liam-wrong")).encode()).decode()
    good = base64.b64encode(("\0liam\0" + secret("Smtp-Liam-plain")).encode()).decode()
    secret(bad)
    secret(good)
    write_pcap(os.path.join(out, "smtp-auth-plain.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.25", 40025, 587,
                                [S(SMTP_BANNER)] + EHLO +
                                [C("AUTH PLAIN %s\r\n" % bad),
                                 S("535 5.7.8 Authentication credentials invalid\r\n"),
                                 C("AUTH PLAIN\r\n"), S("334 \r\n"), C(good + "\r\n"),
                                 S("235 2.7.0 Authentication successful\r\n"),
                                 C("MAIL FROM:<liam@example.org>\r\n"), S("250 OK\r\n"),
                                 C("RCPT TO:<mia@example.net>\r\n"), S("250 OK\r\n"),
                                 C("DATA\r\n"), S("354 End data with <CR><LF>.<CR><LF>\r\n"),
                                 C("Subject: hi\r\n\r\nAUTH PLAIN is quoted here.\r\n.\r\n"),
                                 S("250 queued\r\n"), C("QUIT\r\n"), S("221 Bye\r\n")])]))
    user = b64("mia")
    pw = b64(secret("Smtp-Mia-login"))
    secret(pw)
    write_pcap(os.path.join(out, "smtp-auth-login.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.25", 40026, 25,
                                [S(SMTP_BANNER)] + EHLO +
                                [C("AUTH LOGIN\r\n"), S("334 VXNlcm5hbWU6\r\n"), C(user + "\r\n"),
                                 S("334 UGFzc3dvcmQ6\r\n"), C(pw + "\r\n"),
                                 S("235 2.7.0 Authentication successful\r\n"), C("QUIT\r\n"),
                                 S("221 Bye\r\n")])]))
    chal = "<4711.1018958400@mail.example.org>"
    dig_bad = hmac.new(secret("Smtp-Noah-wrong").encode(), chal.encode(), "md5").hexdigest()
    dig_ok = hmac.new(secret("Smtp-Noah-cram").encode(), chal.encode(), "md5").hexdigest()
    r_bad, r_ok = b64("noah " + dig_bad), b64("noah " + dig_ok)
    for s in (dig_bad, dig_ok, r_bad, r_ok):
        secret(s)
    write_pcap(os.path.join(out, "smtp-cram-md5.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.25", 40027, 25,
                                [S(SMTP_BANNER)] + EHLO +
                                [C("AUTH CRAM-MD5\r\n"), S("334 %s\r\n" % b64(chal)),
                                 C(r_bad + "\r\n"), S("535 5.7.8 Authentication failed\r\n"),
                                 C("AUTH CRAM-MD5\r\n"), S("334 %s\r\n" % b64(chal)),
                                 C(r_ok + "\r\n"), S("235 2.7.0 Authentication successful\r\n"),
                                 C("QUIT\r\n"), S("221 Bye\r\n")])]))
    write_pcap(os.path.join(out, "smtp-starttls.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.25", 40028, 25,
                                [S(SMTP_BANNER)] + EHLO +
                                [C("STARTTLS\r\n"), S("220 2.0.0 Ready to start TLS\r\n"),
                                 C(bytes.fromhex("160301002a0100002603010000"))])]))


# ---- Telnet ----

def gen_telnet(out):
    pw = secret("Tel-Olga-23")
    msgs = [S(b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"),  # DO TTYPE TSPEED XDISPLOC NEW-ENV
            C(b"\xff\xfb\x18\xff\xfc\x20\xff\xfc\x23\xff\xfc\x27"),  # WILL TTYPE, WONT the rest
            S(b"\xff\xfa\x18\x01\xff\xf0"),                          # SB TTYPE SEND SE
            C(b"\xff\xfa\x18\x00xterm\xff\xf0"),                     # SB TTYPE IS "xterm" SE
            S(b"\xff\xfb\x03\xff\xfb\x01"),                          # WILL SGA, WILL ECHO
            C(b"\xff\xfd\x03\xff\xfd\x01"),                          # DO SGA, DO ECHO
            S("\r\nimsentry test host\r\n\r\nlogin: ")]
    for ch in "olgx\x08a":  # one key per segment, echoed; a typo fixed with backspace
        msgs += [C(ch), S("\x08 \x08" if ch == "\x08" else ch)]
    msgs += [C("\r\x00"), S("\r\nPassword: ")]
    for ch in pw:  # one key per segment, not echoed
        msgs.append(C(ch))
    msgs += [C("\r\x00"), S("\r\nLast login: Tue Apr 16 11:58:02 from 10.40.0.9\r\n$ "),
             C("exit\r\x00"), S("logout\r\n")]
    write_pcap(os.path.join(out, "telnet-login.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.23", 40023, 23, msgs)]))


# ---- negative ----

def gen_negative(out):
    body = ("<html><body><pre>An FTP session looks like this:\r\n220 FTP ready\r\n"
            "USER admin\r\n331 Password required\r\nPASS secret\r\n230 Logged in\r\n"
            "</pre></body></html>\r\n")
    resp = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body))
    write_pcap(os.path.join(out, "http-quoting-ftp.pcap"),
               frames([tcp_flow(CLIENT, "192.0.2.21", 40080, 21,
                                [C("GET /ftp-howto.html HTTP/1.1\r\nHost: docs.example.org\r\n\r\n"),
                                 S(resp)])]))


def generate(out):
    del SECRETS[:]
    gen_ftp(out)
    gen_pop3(out)
    gen_imap(out)
    gen_smtp(out)
    gen_telnet(out)
    gen_negative(out)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "secrets.json"), "w") as f:
        json.dump({"description": "Passwords, digests and encoded credentials carried by "
                                  "pcaps/cleartext/*.pcap: none may appear in the sensor's "
                                  "output under the default redaction policy.",
                   "secrets": SECRETS}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
