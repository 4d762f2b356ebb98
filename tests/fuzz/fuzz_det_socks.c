/*
 * fuzz_det_socks.c - fuzz target for the SOCKS 4/4a/5 detector
 * (det_socks.c) through the detect test driver.
 *
 * The input is a script of deliveries, as for fuzz_det_http:
 *   byte 0  bit 0: the whole detector table (tunnels re-detected by every
 *           detector) instead of SOCKS alone
 *   then    op byte: bit 0 side (0 client, 1 server), bit 1 a gap
 *           ((length + 1) * 5 bytes), bits 2-7 length (0-63; 63 = the rest)
 *           followed by the data
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "imsentry/detect_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    struct det_test *t = det_test_new((data[0] & 1) ? NULL : "socks", 6, 40000, 1080);
    if (!t)
        return 0;
    size_t off = 1;
    while (off < size) {
        uint8_t op = data[off++];
        enum flow_dir d = (op & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = op >> 2;
        if (op & 2) {
            det_test_gap(t, d, (n + 1) * 5);
            continue;
        }
        if (n == 63 || n > size - off)
            n = size - off;
        det_test_feed(t, d, data + off, n);
        off += n;
    }
    det_test_end(t);
    det_test_free(t);
    return 0;
}
