#!/usr/bin/python3
"""Writes the seed corpus of fuzz_decode (tests/fuzz/corpus/fuzz_decode/).

Needs scapy (Debian: python3-scapy).  Each seed is the fuzz input format of
tests/fuzz/fuzz_decode.c: one byte selecting the link type (index into the
target's list; bit 7 = a sequence of length-prefixed packets), then the
packet(s).  Seeds cover every link type and encapsulation the decoder knows,
IPv4 options, the IPv6 extension chain, TCP options, and fragment sequences
that reassemble.  Re-run after changing the decoder's coverage:
    /usr/bin/python3 tests/fuzz/make_decode_corpus.py
"""
import os
import struct

from scapy.all import (GRE, GRE_PPTP, HDLC, ICMP, IP, PPP, UDP, TCP, VXLAN, CookedLinux,
                       CookedLinuxV2, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest, IPOption_NOP,
                       IPOption_RR, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, PadN, PPPoE, Raw, fragment,
                       fragment6, load_contrib)

load_contrib('erspan')
load_contrib('mpls')
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific  # noqa: E402
from scapy.contrib.mpls import MPLS  # noqa: E402

# Index of each link type in fuzz_decode.c's fuzz_linktypes[].
LT = {'en10mb': 0, 'sll': 1, 'sll2': 2, 'raw': 3, 'raw14': 4, 'linktype_raw': 5, 'ipv4': 6,
      'ipv6': 7, 'null': 8, 'loop': 9}
SEQ = 0x80

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'fuzz_decode')

E = Ether(dst='00:11:22:33:44:55', src='66:77:88:99:aa:bb')
A, B, A6, B6 = '192.0.2.1', '198.51.100.2', '2001:db8::1', '2001:db8::2'
T1, T2 = '203.0.113.1', '203.0.113.2'


def tcp_syn():
    return TCP(sport=40000, dport=5190, flags='S', options=[
        ('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7),
        ('SAck', (1, 2))])


def inner_eth():
    return Ether(dst='00:aa:aa:aa:aa:aa', src='00:bb:bb:bb:bb:bb') / IP(src='10.1.1.1', dst='10.2.2.2') / \
        UDP(sport=9, dport=10) / b'inner'


def seeds():
    s = {}
    s['eth_ipv4_tcp_syn'] = ('en10mb', E / IP(src=A, dst=B) / tcp_syn())
    s['eth_ipv4_opts'] = ('en10mb', E / IP(src=A, dst=B, options=[
        IPOption_RR(routers=['10.0.0.1']), IPOption_NOP()]) / UDP(sport=53, dport=53) / b'x')
    s['eth_ipv4_icmp'] = ('en10mb', E / IP(src=A, dst=B) / ICMP() / b'ping')
    s['eth_qinq'] = ('en10mb', Ether(dst='00:11:22:33:44:55', type=0x88a8) / Dot1AD(vlan=100) / Dot1Q(vlan=200) /
                     IP(src=A, dst=B) / UDP(sport=1, dport=2) / b'q')
    s['eth_mpls2'] = ('en10mb', Ether(dst='00:11:22:33:44:55', type=0x8847) / MPLS(label=16, s=0) / MPLS(label=17, s=1) /
                      IP(src=A, dst=B) / TCP(sport=1, dport=2) / b'm')
    s['eth_mpls_pw'] = ('en10mb', Ether(dst='00:11:22:33:44:55', type=0x8847) / MPLS(label=100, s=1) /
                        Raw(b'\x00\x00\x00\x00') / inner_eth())
    s['eth_pppoe4'] = ('en10mb', E / PPPoE(sessionid=1) / Raw(b'\x00\x21') / IP(src=A, dst=B) /
                       UDP(sport=5, dport=6) / b'p')
    s['eth_pppoe6'] = ('en10mb', E / PPPoE(sessionid=1) / Raw(b'\x00\x57') / IPv6(src=A6, dst=B6) /
                       UDP(sport=5, dport=6) / b'p')
    s['eth_gre'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE() / IP(src=A, dst=B) /
                    TCP(sport=5555, dport=1863) / b'MSG')
    s['eth_gre_keyseq'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(key_present=1, seqnum_present=1,
                           key=1, seqence_number=2) / IP(src=A, dst=B) / UDP() / b'k')
    s['eth_gre_csum_teb'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(chksum_present=1, proto=0x6558) /
                             inner_eth())
    s['eth_gre_route'] = ('en10mb', E / IP(src=T1, dst=T2, proto=47) /
                          Raw(b'\x40\x00\x08\x00\x00\x00\x00\x00\x00\x01\x00\x04\x0a\x00\x00\x01'
                              b'\x00\x00\x00\x00') / IP(src=A, dst=B) / UDP() / b'r')
    s['eth_pptp'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE_PPTP(seqnum_present=1, call_id=7) /
                     HDLC() / PPP(proto=0x21) / IP(src=A, dst=B) / UDP() / b'pptp')
    s['eth_erspan1'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(proto=0x88be) / inner_eth())
    s['eth_erspan2'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(seqnum_present=1, proto=0x88be) /
                        ERSPAN_II(ver=1, session_id=3) / inner_eth())
    s['eth_erspan3'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(proto=0x22eb) /
                        ERSPAN_III(ver=2, o=0) / inner_eth())
    s['eth_erspan3_sub'] = ('en10mb', E / IP(src=T1, dst=T2) / GRE(proto=0x22eb) /
                            ERSPAN_III(ver=2, o=1) / ERSPAN_PlatformSpecific() / inner_eth())
    s['eth_vxlan'] = ('en10mb', E / IP(src=T1, dst=T2) / UDP(sport=5000, dport=4789) /
                      VXLAN(vni=42, flags=0x08) / inner_eth())
    s['eth_ipip'] = ('en10mb', E / IP(src=T1, dst=T2) / IP(src=A, dst=B) / TCP() / b'x')
    s['eth_6in4'] = ('en10mb', E / IP(src=T1, dst=T2) / IPv6(src=A6, dst=B6) / UDP() / b'x')
    s['eth_4in6'] = ('en10mb', E / IPv6(src=A6, dst=B6) / IP(src=A, dst=B) / UDP() / b'x')
    s['eth_6in6'] = ('en10mb', E / IPv6(src=A6, dst=B6) / IPv6(src=B6, dst=A6) / TCP() / b'x')
    s['eth_ipv6_chain'] = ('en10mb', E / IPv6(src=A6, dst=B6) / IPv6ExtHdrHopByHop(
        options=[PadN(optdata=b'\x00\x00\x00\x00')]) / IPv6ExtHdrRouting() /
        IPv6ExtHdrDestOpt() / TCP(sport=6346, dport=6347) / b'GNUTELLA')
    s['eth_ipv6_ah'] = ('en10mb', E / IPv6(src=A6, dst=B6, nh=51) /
                        Raw(b'\x06\x04\x00\x00' + b'\x00' * 20) / TCP() / b'ah')
    s['eth_icmpv6'] = ('en10mb', E / IPv6(src=A6, dst=B6) / ICMPv6EchoRequest(data=b'abc'))
    s['sll_ipv4'] = ('sll', CookedLinux(proto=0x0800) / IP(src=A, dst=B) / UDP() / b'sll')
    s['sll2_ipv6'] = ('sll2', CookedLinuxV2(proto=0x86dd) / IPv6(src=A6, dst=B6) / UDP() / b'sll2')
    s['raw_ipv4'] = ('raw', IP(src=A, dst=B) / TCP(sport=21, dport=2121) / b'USER x')
    s['raw_ipv6'] = ('linktype_raw', IPv6(src=A6, dst=B6) / TCP() / b'USER y')
    s['raw14_ipv4'] = ('raw14', IP(src=A, dst=B) / UDP() / b'14')
    s['lt_ipv4'] = ('ipv4', IP(src=A, dst=B) / ICMP())
    s['lt_ipv6'] = ('ipv6', IPv6(src=A6, dst=B6) / ICMPv6EchoRequest())
    s['null_inet'] = ('null', Raw(struct.pack('<I', 2)) / IP(src=A, dst=B) / TCP() / b'n')
    s['null_inet6_bsd'] = ('null', Raw(struct.pack('<I', 24)) / IPv6(src=A6, dst=B6) / UDP())
    s['loop_inet6_darwin'] = ('loop', Raw(struct.pack('>I', 30)) / IPv6(src=A6, dst=B6) / TCP())
    s['loop_inet6_freebsd'] = ('loop', Raw(struct.pack('>I', 28)) / IPv6(src=A6, dst=B6) / TCP())
    return s


def sequences():
    """Multi-packet seeds: fragments in and out of order."""
    q = {}
    big = IP(src=A, dst=B, id=0x4242) / UDP(sport=4000, dport=4001) / (b'A' * 40 + b'B' * 40)
    f4 = [bytes(E / f) for f in fragment(big, fragsize=32)]
    q['seq_ipv4_frags'] = ('en10mb', f4)
    q['seq_ipv4_frags_reversed'] = ('en10mb', list(reversed(f4)))
    big6 = IPv6(src=A6, dst=B6) / IPv6ExtHdrFragment(id=7) / UDP(sport=4000, dport=4001) / (b'C' * 100)
    f6 = [bytes(E / f) for f in fragment6(big6, 96)]
    q['seq_ipv6_frags'] = ('en10mb', f6)
    tun = IP(src=T1, dst=T2, id=9) / GRE() / IP(src=A, dst=B) / TCP(sport=1, dport=2) / (b'T' * 64)
    q['seq_gre_outer_frags'] = ('raw', [bytes(f) for f in fragment(tun, fragsize=40)])
    return q


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (lt, pkt) in seeds().items():
        with open(os.path.join(OUT, name), 'wb') as fh:
            fh.write(bytes([LT[lt]]) + bytes(pkt))
    for name, (lt, pkts) in sequences().items():
        data = bytes([LT[lt] | SEQ])
        for p in pkts:
            data += struct.pack('>H', len(p)) + p
        with open(os.path.join(OUT, name), 'wb') as fh:
            fh.write(data)


if __name__ == '__main__':
    main()
