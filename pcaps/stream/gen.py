"""TCP reassembly captures (issue 3): one FTP login seen through the Ptacek-Newsham evasions.

Every capture holds one TCP session (two for RST then reuse) whose client logs in to FTP on
port 21: server "220 imsentry test FTP", client "USER alice", server "331 Password required",
client "PASS s3cret-stream", server "230 Logged in", then QUIT / 221 and FIN.  Each variant
changes only how the client's bytes travel; the detectors must still see "USER alice" and
"PASS s3cret-stream" whole (except in the overlap captures, where the user name the receiver
keeps depends on its target policy: see OVERLAP_* and expected_overlap_user() below).

Run through pcaps/generate.py (gen_families), deterministic: fixed clock, fixed seeds.
"""

import os
import random
import struct

from generate import IP, TCP, Raw, eth, frag4, write_pcap

BANNER = b"220 imsentry test FTP\r\n"
USER = b"USER alice\r\n"
R331 = b"331 Password required\r\n"
PASS = b"PASS s3cret-stream\r\n"
R230 = b"230 Logged in\r\n"
QUIT = b"QUIT\r\n"
R221 = b"221 Bye\r\n"

CLIENT = "10.30.0.2"
SERVER = "192.0.2.21"
SPORT = 40021

POLICIES = ["first", "last", "bsd", "linux", "windows", "solaris"]


# ---------------------------------------------------------------------------------------------
# Overlap design (variant j).  The USER line's bytes (offsets in "USER alice\r\n") arrive as:
#   base [0,5) "USER " and [11,12) "\n"; then three original segments O carrying 'X' where the
#   user name has a tested letter, then three new segments N carrying the right letter:
#     byte 5 'a': O [5,6)  N [5,7)   same start, N ends after O
#     byte 7 'i': O [7,9)  N [7,8)   same start, N ends before O
#     byte 9 'e': O [9,11) N [8,10)  N starts before O and ends before O's end
# Bytes 6, 8 and 10 carry the right data in every copy.  A tested letter is right exactly when
# the receiver lets N win over O; which it does is the target policy table of Suricata's TCP
# reassembly (src/stream/stream_reasm.c, DoHandleDataOverlap), encoded independently here.

def new_wins(policy, os_, oe, ns, ne):
    """Suricata's TCP overlap rules: does new segment [ns,ne) win over old [os_,oe)?"""
    if policy == "first":
        return False
    if policy == "last":
        return True
    if ns < os_:  # starts before
        return ne >= oe if policy == "solaris" else True  # bsd, linux, windows: new
    if ns == os_:
        if ne < oe:
            return False
        if ne == oe:
            return policy == "solaris"
        return policy in ("linux", "solaris")
    return policy == "solaris" and ne > oe  # starts after


OVERLAP_TESTS = [  # (byte, O range, N range)
    (5, (5, 6), (5, 7)),
    (7, (7, 9), (7, 8)),
    (9, (9, 11), (8, 10)),
]


def expected_overlap_user(policy):
    """The user name a receiver with this policy reassembles."""
    line = bytearray(USER)
    for byte, (os_, oe), (ns, ne) in OVERLAP_TESTS:
        if not new_wins(policy, os_, oe, ns, ne):
            line[byte] = ord("X")
    return line[5:10].decode()


def overlap_pieces():
    """(offset, bytes) of the USER line in sending order (see the design above)."""
    pieces = [(0, USER[0:5]), (11, USER[11:12])]
    for byte, (os_, oe), _ in OVERLAP_TESTS:
        d = bytearray(USER[os_:oe])
        d[byte - os_] = ord("X")
        pieces.append((os_, bytes(d)))
    for _, _, (ns, ne) in OVERLAP_TESTS:
        pieces.append((ns, USER[ns:ne]))
    return pieces


# ---------------------------------------------------------------------------------------------
# Session builder

class Session:
    """Builds one FTP login as (to_server, IP packet) pairs; hooks change the client's data."""

    def __init__(self, cisn=1000, sisn=5000, server=SERVER, sport=SPORT, swin=65535,
                 ipid=100):
        self.c_seq, self.s_seq = cisn, sisn
        self.cisn = cisn
        self.server, self.sport, self.swin = server, sport, swin
        self.pkts = []
        self.ipid = ipid

    def _ip(self, to_server):
        self.ipid += 1
        if to_server:
            return IP(src=CLIENT, dst=self.server, ttl=64, id=self.ipid)
        return IP(src=self.server, dst=CLIENT, ttl=128, id=self.ipid)

    def c(self, flags, seq, data=b"", **kw):
        l4 = TCP(sport=self.sport, dport=21, flags=flags, seq=seq & 0xFFFFFFFF,
                 ack=(self.s_seq & 0xFFFFFFFF) if "A" in flags else 0, window=65535, **kw)
        p = self._ip(True) / l4
        if data:
            p = p / Raw(data)
        self.pkts.append((True, p))
        return p

    def s(self, flags, data=b""):
        l4 = TCP(sport=21, dport=self.sport, flags=flags, seq=self.s_seq & 0xFFFFFFFF,
                 ack=self.c_seq & 0xFFFFFFFF, window=self.swin)
        p = self._ip(False) / l4
        if data:
            p = p / Raw(data)
        self.pkts.append((False, p))
        self.s_seq += len(data)

    def handshake(self):
        self.c("S", self.c_seq)
        self.c_seq += 1
        self.s("SA")
        self.s_seq += 1
        self.c("A", self.c_seq)

    def send(self, data, how=None):
        """Client data at the next sequence number; how(self, seq, data) sends it otherwise."""
        if how is None:
            self.c("PA", self.c_seq, data)
        else:
            how(self, self.c_seq, data)
        self.c_seq += len(data)

    def login(self, how=None, user_how=None, pass_how=None):
        self.s("PA", BANNER)
        self.send(USER, user_how or how)
        self.s("PA", R331)
        self.send(PASS, pass_how or how)
        self.s("PA", R230)
        self.send(QUIT, how)
        self.s("PA", R221)

    def close(self):
        self.c("FA", self.c_seq)
        self.c_seq += 1
        self.s("FA")
        self.s_seq += 1
        self.c("A", self.c_seq)


def full_session(**kw):
    how = kw.pop("how", None)
    user_how = kw.pop("user_how", None)
    pass_how = kw.pop("pass_how", None)
    s = Session(**kw)
    s.handshake()
    s.login(how=how, user_how=user_how, pass_how=pass_how)
    s.close()
    return s


def frames(pkts):
    return [bytes(eth(d, p)) for d, p in pkts]


def bad_checksum(frame):
    """An Ethernet/IPv4/TCP frame with its TCP checksum corrupted."""
    off = 14 + (frame[14] & 0x0F) * 4 + 16
    ck = struct.unpack("!H", frame[off:off + 2])[0]
    return frame[:off] + struct.pack("!H", ck ^ 0x5A5A) + frame[off + 2:]


# ---------------------------------------------------------------------------------------------
# Variants

def v_plain(out):
    write_pcap(os.path.join(out, "ftp-plain.pcap"), frames(full_session().pkts))


def v_onebyte(out):
    rng = random.Random(3)

    def how(s, seq, data):
        order = list(range(len(data)))
        rng.shuffle(order)
        for i in order:
            s.c("PA", seq + i, data[i:i + 1])

    write_pcap(os.path.join(out, "ftp-onebyte-shuffled.pcap"), frames(full_session(how=how).pkts))


def v_retrans(out):
    """Each client line is followed by a retransmission of the same bytes with other data."""
    junk = {USER: b"USER bobby\r\n", PASS: b"PASS wrong-passwd!\r\n", QUIT: b"NOOP\r\n"}

    def how(s, seq, data):
        s.c("PA", seq, data)
        s.c("PA", seq, junk[data])

    assert all(len(k) == len(v) for k, v in junk.items())
    write_pcap(os.path.join(out, "ftp-retrans-diff.pcap"), frames(full_session(how=how).pkts))


def v_wrap(out):
    """ISNs just below 2^32: the USER line and the server's banner cross the wrap."""
    s = full_session(cisn=(1 << 32) - 6, sisn=(1 << 32) - 10)
    write_pcap(os.path.join(out, "ftp-seq-wrap.pcap"), frames(s.pkts))


def v_badsum(out):
    """A bad-checksum "USER mallory" at the real USER line's sequence number, sent first."""
    marks = []

    def user_how(s, seq, data):
        s.c("PA", seq, b"USER mallory\r\n")
        marks.append(len(s.pkts) - 1)
        s.c("PA", seq, data)

    s = full_session(user_how=user_how)
    fr = frames(s.pkts)
    for i in marks:
        fr[i] = bad_checksum(fr[i])
    write_pcap(os.path.join(out, "ftp-badsum-insertion.pcap"), fr)


def v_frag(out):
    """Every client data segment in 8-byte IP fragments sent last first."""
    s = full_session()
    pkts = []
    for d, p in s.pkts:
        if d and Raw in p:
            p[IP].flags = 0
            n = (len(bytes(p[TCP])) + 7) // 8
            pkts.extend((True, f) for f in frag4(p, 8, list(range(n))[::-1]))
        else:
            pkts.append((d, p))
    write_pcap(os.path.join(out, "ftp-frag-reverse.pcap"), frames(pkts))


def v_midstream(out):
    """The capture starts with the server's banner: no SYN, SYN/ACK or ACK."""
    s = full_session()
    write_pcap(os.path.join(out, "ftp-midstream.pcap"), frames(s.pkts[3:]))


def v_oneside(out):
    """Only the client's packets were captured (asymmetric routing)."""
    s = full_session()
    write_pcap(os.path.join(out, "ftp-oneside.pcap"), frames([x for x in s.pkts if x[0]]))


def v_rst_reuse(out):
    """A first connection sends USER alice and is reset by the client; the same tuple then
    carries a new connection (new ISN) with the whole login."""
    s = Session(cisn=1000, sisn=5000)
    s.handshake()
    s.s("PA", BANNER)
    s.send(USER)
    s.s("PA", R331)
    s.c("R", s.c_seq)
    s2 = Session(cisn=900000, sisn=700000, ipid=s.ipid)
    s2.handshake()
    s2.login()
    s2.close()
    write_pcap(os.path.join(out, "ftp-rst-reuse.pcap"), frames(s.pkts + s2.pkts))


def v_overlap(out):
    """One capture per policy, each to its own server address (192.0.2.31 ...)."""
    for i, pol in enumerate(POLICIES):
        def user_how(s, seq, data):
            for off, d in overlap_pieces():
                s.c("PA", seq + off, d)

        s = full_session(server="192.0.2.%d" % (31 + i), user_how=user_how)
        write_pcap(os.path.join(out, "ftp-overlap-%s.pcap" % pol), frames(s.pkts))


def v_urgent(out):
    """The PASS line in two segments, the first with URG and an urgent pointer into it."""
    def pass_how(s, seq, data):
        s.c("PAU", seq, data[:9], urgptr=4)
        s.c("PA", seq + 9, data[9:])

    write_pcap(os.path.join(out, "ftp-urgent.pcap"), frames(full_session(pass_how=pass_how).pkts))


def v_window(out):
    """The server advertises a 64-byte window; a "USER mallory" segment starting 1000 bytes
    past the next expected byte (beyond the window) precedes the real USER line."""
    def user_how(s, seq, data):
        s.c("PA", seq + 1000, b"USER mallory\r\n")
        s.c("PA", seq, data)

    write_pcap(os.path.join(out, "ftp-beyond-window.pcap"),
               frames(full_session(swin=64, user_how=user_how).pkts))


def generate(outdir):
    os.makedirs(outdir, exist_ok=True)
    for v in (v_plain, v_onebyte, v_retrans, v_wrap, v_badsum, v_frag, v_midstream, v_oneside,
              v_rst_reuse, v_overlap, v_urgent, v_window):
        v(outdir)


if __name__ == "__main__":
    import sys
    generate(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
    for pol in POLICIES:
        print(pol, expected_overlap_user(pol))
