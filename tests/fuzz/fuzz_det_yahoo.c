/*
 * fuzz_det_yahoo.c - fuzz target of the yahoo detector (src/detect/det_yahoo*.c)
 * through the detect stage's test driver.  Input: chunks, each a control
 * byte (bit 0: direction, bit 1: a gap instead of data, bits 2-7: length
 * 0..63; 0 means the rest of the input) followed by its bytes, fed to one
 * flow; then the flow ends (pending logins are reported).  The same input
 * also goes to the whole detector table on port 80, so the HTTP-borne
 * forms (http_inspect) are fuzzed too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/det_yahoo.h"
#include "imsentry/detect_test.h"

static void run(const char *det, uint16_t port, const uint8_t *data, size_t size)
{
    struct det_test *t = det_test_new(det, 6, 40000, port);
    size_t off = 0;

    if (!t)
        return;
    while (off < size) {
        uint8_t ctl = data[off++];
        size_t n = (size_t)(ctl >> 2);
        enum flow_dir dir = (ctl & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;

        if (n == 0 || n > size - off)
            n = size - off;
        if (ctl & 2)
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
    run("yahoo", 5050, data, size);
    run(NULL, 80, data, size);
    {
        bool complete;
        (void)ymsg_find_frame(data, size, &complete);
        (void)ymsg_body_valid(data, size);
    }
    return 0;
}
