/*
 * fuzz_detect.c - the app-layer framework and every detector of
 * detectors.def, through the test driver (imsentry/detect_test.h).
 *
 * Input layout:
 *   byte 0        server port selector (index into fuzz_ports) and flags:
 *                 bit 7 set = the client's port is the hinted one instead
 *   then records  one header byte H: bit 7 = direction (0 to server,
 *                 1 to client); L = H & 0x7f: 1..125 = that many bytes
 *                 follow, 126 = a TCP hole of (next byte + 1) bytes,
 *                 0 = all remaining bytes
 * The records are fed as one TCP flow, then again as UDP datagrams of one
 * UDP flow, so TCP and UDP probes and parsers both see them.
 */
#include <stddef.h>
#include <stdint.h>

#include "imsentry/detect_test.h"

/* Ports the detectors hint at (probe order changes with them), and 0 for none. */
static const uint16_t fuzz_ports[] = {
    5190, 1863, 5050, 6346, 1214, 6667, 1080, 3128, 8080, 21, 110, 143,
    25,   80,   23,   53,   4000, 5000, 6699, 6257, 0,    443, 9999, 7,
};

static void fuzz_run(const uint8_t *data, size_t size, uint8_t ipproto)
{
    uint8_t sel = data[0];
    uint16_t port = fuzz_ports[(sel & 0x7f) % (sizeof(fuzz_ports) / sizeof(fuzz_ports[0]))];
    struct det_test *t;
    size_t i = 1;

    if (sel & 0x80)
        t = det_test_new(NULL, ipproto, port, 40000);
    else
        t = det_test_new(NULL, ipproto, 40000, port);
    if (!t)
        return;
    while (i < size) {
        uint8_t h = data[i++];
        enum flow_dir dir = (h & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t len = h & 0x7f;

        if (len == 126) {
            if (i >= size)
                break;
            len = (size_t)data[i++] + 1;
            if (ipproto == 6)
                det_test_gap(t, dir, len);
            continue;
        }
        if (len == 0 || len > size - i)
            len = size - i;
        det_test_feed(t, dir, data + i, len);
        i += len;
    }
    det_test_end(t);
    det_test_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fuzz_run(data, size, 6);
    fuzz_run(data, size, 17);
    return 0;
}
