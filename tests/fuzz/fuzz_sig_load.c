/*
 * fuzz_sig_load.c - the signature loader (src/sig/sig_load.c) on arbitrary
 * YAML: it must accept or reject every input with a "name:line:col:"
 * message, never crash or leak.  An accepted engine is exercised once:
 * the input bytes are matched as a TCP stream in two chunks and UDP
 * payload, and a login event is matched, so compiled automata and content
 * chains are driven by what the fuzzer built.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/app_event.h"
#include "imsentry/config.h"
#include "imsentry/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sig_engine *se;
    struct config cfg;
    struct sig_ctx *sc;
    struct app_event ev;
    struct flow f;
    char err[512];

    se = sig_engine_load_buffer("fuzz.yaml", (const char *)data, size, err, sizeof(err));
    if (!se) {
        /* every rejection names the input with a position */
        if (strncmp(err, "fuzz.yaml:", 10) != 0 && strstr(err, "out of memory") == NULL &&
            strstr(err, "automaton") == NULL)
            abort();
        return 0;
    }
    config_defaults(&cfg);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    if (sc) {
        memset(&f, 0, sizeof(f));
        f.proto = 6;
        f.cli_ip.family = 4;
        f.srv_ip.family = 4;
        f.cli_port = 40000;
        f.srv_port = 5190;
        f.flow_id = 1;
        sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, data, size / 2, 0, NULL);
        sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, data + size / 2, size - size / 2, 0, NULL);
        app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, FLOW_TOSERVER);
        app_event_add_str(&ev, APP_FACT_USERNAME, "1234567");
        app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "roasted");
        sig_event(sc, &f, &ev, NULL);
        sig_flow_end(sc, &f);
        f.proto = 17;
        sig_stream(sc, &f, FLOW_TOCLIENT, APP_PROTO_ICQ, data, size, 0, NULL);
        sig_flow_end(sc, &f);
        sig_ctx_free(sc);
    }
    sig_engine_free(se);
    return 0;
}
