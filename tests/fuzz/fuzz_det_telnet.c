/*
 * fuzz_det_telnet.c - fuzz target for the telnet detector (src/detect/det_telnet.c):
 * the input is a script of deliveries through the detect test driver.
 * Each step is one control byte c then data: c == 0xFF is a 7-byte gap in
 * the client direction; otherwise direction = c & 1 (0 to server, 1 to
 * client) and (c >> 1) + 1 bytes follow (fewer at the end of the input).
 * The flow ends when the script does; probe, parse and finish all run.
 */
#include <stddef.h>
#include <stdint.h>

#include "imsentry/detect_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct det_test *t = det_test_new("telnet", 6, 40000, 9999);
    size_t off = 0;

    if (!t)
        return 0;
    while (off < size) {
        uint8_t c = data[off++];
        size_t n;
        if (c == 0xFF) {
            det_test_gap(t, FLOW_TOSERVER, 7);
            continue;
        }
        n = (size_t)(c >> 1) + 1;
        if (n > size - off)
            n = size - off;
        det_test_feed(t, (c & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER, data + off, n);
        off += n;
    }
    det_test_end(t);
    det_test_free(t);
    return 0;
}
