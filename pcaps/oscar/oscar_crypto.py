"""AIM/ICQ password encodings for the capture generator and the unit-test vectors.

Written from the published descriptions (dsniff decode_aim.c / decode_icq.c,
Wireshark packet-icq.c), independently of src/detect/cred_oscar.c, so the C
unit tests compare two implementations.
"""
import struct

ROAST_KEY = bytes([0xF3, 0x26, 0x81, 0xC4, 0x39, 0x86, 0xDB, 0x92,
                   0x71, 0xA3, 0xB9, 0xE6, 0x53, 0x7A, 0x95, 0x7C])
TOC_KEY = b"Tic/Toc"

def _table():
    rows = """
59 60 37 6B 65 62 46 48 53 61 4C 59 60 57 5B 3D
5E 34 6D 36 50 3F 6F 67 53 61 4C 59 40 47 63 39
50 5F 5F 3F 6F 47 43 69 48 33 31 64 35 5A 4A 42
56 40 67 53 41 07 6C 49 58 3B 4D 46 68 43 69 48
33 31 44 65 62 46 48 53 41 07 6C 69 48 33 51 54
5D 4E 6C 49 38 4B 55 4A 62 46 48 33 51 34 6D 36
50 5F 5F 5F 3F 6F 47 63 59 40 67 33 31 64 35 5A
6A 52 6E 3C 51 34 6D 36 50 5F 5F 3F 4F 37 4B 35
5A 4A 62 66 58 3B 4D 66 58 5B 5D 4E 6C 49 58 3B
4D 66 58 3B 4D 46 48 53 61 4C 59 40 67 33 31 64
55 6A 32 3E 44 45 52 6E 3C 31 64 55 6A 52 4E 6C
69 48 53 61 4C 39 30 6F 47 63 59 60 57 5B 3D 3E
64 35 3A 3A 5A 6A 52 4E 6C 69 48 53 61 6C 49 58
3B 4D 46 68 63 39 50 5F 5F 3F 6F 67 53 41 25 41
3C 51 54 3D 5E 54 5D 4E 4C 39 50 5F 5F 5F 3F 6F
47 43 69 48 33 51 54 5D 6E 3C 31 64 35 5A 00 00
"""
    t = bytes(int(x, 16) for x in rows.split())
    assert len(t) == 256
    return t


ICQ5_TABLE = _table()


def roast(pw: bytes) -> bytes:
    return bytes(b ^ ROAST_KEY[i % 16] for i, b in enumerate(pw))


def toc_xor_hex(pw: bytes) -> str:
    return "0x" + bytes(b ^ TOC_KEY[i % 7] for i, b in enumerate(pw)).hex()


def _bits(value, mapping):
    """Moves bit groups: mapping is a list of (mask, shift) (shift > 0 = left)."""
    out = 0
    for mask, shift in mapping:
        v = value & mask
        out |= (v << shift) if shift >= 0 else (v >> -shift)
    return out & 0xFFFFFFFF


def icq5_scramble_check(check):
    return _bits(check, [(0x1F, 12), (0x03E003E0, 1), (0xF8000400, -10),
                         (0xF800, 16), (0x041F0000, -15)])


def icq5_descramble_check(wire):
    return _bits(wire, [(0x0001F000, -12), (0x07C007C0, -1), (0x003E0001, 10),
                        (0xF8000000, -16), (0x0000083E, 15)])


def icq5_checkcode(plain: bytes, r1: int, r2: int) -> int:
    n1 = (plain[8] << 24) | (plain[4] << 16) | (plain[2] << 8) | plain[6]
    n2 = ((r1 << 24) | (plain[r1] << 16) | (r2 << 8) | ICQ5_TABLE[r2]) ^ 0x00FF00FF
    return n1 ^ n2


def icq5_encrypt(plain: bytes, r1: int = 0x18, r2: int = 0x7F) -> bytes:
    """Scrambles a v5 client packet (header + parameters) as the client does."""
    n = len(plain)
    assert n > 0x18 and 0x18 <= r1 < n
    check = icq5_checkcode(plain, r1, r2)
    key = (n * 0x68656C6C + check) & 0xFFFFFFFF
    buf = bytearray(plain) + b"\0\0\0"
    for pos in range(0x0A, n, 4):
        word = struct.unpack_from("<I", buf, pos)[0]
        struct.pack_into("<I", buf, pos, word ^ ((key + ICQ5_TABLE[pos & 0xFF]) & 0xFFFFFFFF))
    struct.pack_into("<I", buf, 0x14, icq5_scramble_check(check))
    return bytes(buf[:n])


def icq5_client_packet(uin, session, command, seq1, seq2, params: bytes) -> bytes:
    return struct.pack("<HIIIHHHI", 5, 0, uin, session, command, seq1, seq2, 0) + params


def icq5_login_params(password: bytes, port=3993, ip=bytes([10, 1, 2, 3]), ts=1018958400):
    pw = password + b"\0"
    return (struct.pack("<IIH", ts, port, len(pw)) + pw +
            struct.pack("<I", 0x98) + ip + b"\x04" + struct.pack("<IIH", 0, 3, 0))
