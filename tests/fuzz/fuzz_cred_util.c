/*
 * fuzz_cred_util.c - fuzz target for src/detect/cred_util.c: base64 decode
 * in both modes into small and large buffers (and re-encoding what decoded),
 * the SASL PLAIN split, hex, the line assembler over the input cut in two,
 * reply codes, tokens, and a SASL exchange of each mechanism fed the
 * input's lines as responses.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/cred_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const mechs[] = {"PLAIN", "LOGIN", "CRAM-MD5", "GSSAPI"};
    uint8_t out[512], small[3];
    char enc[700], hex[64];
    size_t n;
    struct cred_sasl_plain sp;
    struct cred_line lb;
    struct bcur c;
    struct cred_span tok;
    bool more;

    for (int mode = 0; mode < 2; mode++) {
        enum cred_b64_mode m = mode ? CRED_B64_LENIENT : CRED_B64_STRICT;
        if (cred_base64_decode(data, size, out, sizeof(out), &n, m) == 0) {
            if (n > sizeof(out))
                __builtin_trap();
            cred_base64_encode(out, n, enc, sizeof(enc));
            cred_sasl_plain_split(out, n, &sp);
        }
        cred_base64_decode(data, size, small, sizeof(small), &n, m);
        if (n > sizeof(small))
            __builtin_trap();
    }
    cred_sasl_plain_split(data, size, &sp);
    cred_hex_encode(data, size < 31 ? size : 31, hex, sizeof(hex));
    cred_reply_code(data, size, &more);

    memset(&lb, 0, sizeof(lb));
    for (size_t half = 0; half < 2; half++) {
        size_t from = half ? size / 2 : 0, to = half ? size : size / 2;
        bcur_init(&c, data + from, to - from);
        while (cred_line_feed(&lb, &c) != CRED_LINE_NONE) {
            struct bcur lc;
            if (lb.len > sizeof(lb.buf))
                __builtin_trap();
            bcur_init(&lc, lb.buf, lb.len);
            while (cred_next_token(&lc, &tok))
                cred_token_eq(tok.p, tok.len, "AUTH");
            cred_token_contains(lb.buf, lb.len, "incorrect");
        }
    }

    for (unsigned i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
        struct cred_login lg;
        struct cred_sasl s;
        struct cred_span mech = {(const uint8_t *)mechs[i], strlen(mechs[i])};
        struct cred_span ir = {data, size < 64 ? size : 64};
        memset(&lg, 0, sizeof(lg));
        memset(&s, 0, sizeof(s));
        cred_sasl_start(&s, &lg, &mech, &ir);
        bcur_init(&c, data, size);
        memset(&lb, 0, sizeof(lb));
        while (s.mech != CRED_SASL_NONE && cred_line_feed(&lb, &c) == CRED_LINE_OK)
            cred_sasl_response(&s, &lg, lb.buf, lb.len);
        if (lg.user_len > sizeof(lg.user) || lg.pass_len > sizeof(lg.pass))
            __builtin_trap();
        cred_sasl_end(&s);
    }
    return 0;
}
