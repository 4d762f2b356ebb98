/*
 * fuzz_det_icq5.c - fuzz target of the icq5 detector (src/detect/det_icq5.c, cred_oscar.c)
 * through the detect stage's test driver.  Input: byte 0 bit 0 says the
 * flow's handshake was seen (the stream starts at its first byte), then
 * chunks, each a control byte (bit 0: direction, bit 1: a gap instead of
 * data (TCP), bits 2-7: length 0..63; 0 means the rest of the input)
 * followed by its bytes, fed to one flow; then the flow ends (pending
 * logins are reported).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/cred_oscar.h"
#include "imsentry/detect_test.h"

static void run(const char *det, uint8_t ipproto, uint16_t port, const uint8_t *data, size_t size,
                bool syn)
{
    struct det_test *t = det_test_new(det, ipproto, 40000, port);
    size_t off = 0;

    if (!t)
        return;
    det_test_flow(t)->client_from_syn = syn;
    while (off < size) {
        uint8_t ctl = data[off++];
        size_t n = (size_t)(ctl >> 2);
        enum flow_dir dir = (ctl & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;

        if (n == 0 || n > size - off)
            n = size - off;
        if ((ctl & 2) && ipproto == 6)
            det_test_gap(t, dir, n);
        else
            det_test_feed(t, dir, data + off, n);
        off += n;
    }
    det_test_end(t);
    det_test_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool syn;

    if (size < 1)
        return 0;
    syn = data[0] & 1;
    run("icq5", 17, 4000, data + 1, size - 1, syn);
    {
        uint8_t out[1500];
        uint32_t check;
        if (size - 1 <= sizeof(out) && icq5_unscramble(data + 1, size - 1, out, sizeof(out), &check) == 0)
            (void)icq5_checkcode_verify(out, size - 1, check);
    }
    return 0;
}
