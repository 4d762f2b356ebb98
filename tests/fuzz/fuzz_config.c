/*
 * fuzz_config.c - fuzz target for the YAML config loader and the CIDR parser
 * (src/util/util_config.c, src/util/util_cidr.c).
 *
 * The input is loaded as a config file through config_load_buffer() (the
 * code config_load() runs after reading the file), then parsed as a CIDR
 * string.  Beyond "no crash", it checks the loader's promises: an error
 * leaves the config untouched and names the input with a line and column;
 * success leaves every value inside its range.
 */
#include "imsentry/config.h"
#include "imsentry/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than a config file may be are not worth the time. */
#define FUZZ_CONFIG_MAX_INPUT (64u * 1024)

static void fuzz_check_cidr(const uint8_t *data, size_t size)
{
    char text[128];
    struct cidr c;
    uint8_t addr[16] = {0};
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

    memcpy(text, data, n);
    text[n] = '\0';
    if (cidr_parse(text, &c) != 0)
        return;
    if ((c.family != 4 && c.family != 6) || c.prefix > (c.family == 4 ? 32 : 128))
        abort();
    /* The block holds its own network address. */
    memcpy(addr, c.addr, 16);
    if (!cidr_contains(&c, c.family, addr))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg, def;
    char err[512];
    int rc;

    if (size > FUZZ_CONFIG_MAX_INPUT)
        return 0;
    config_defaults(&cfg);
    config_defaults(&def);
    rc = config_load_buffer(&cfg, "fuzz.yaml", (const char *)data, size, err, sizeof(err));
    if (rc != 0) {
        /* All or nothing, and every message is located. */
        if (rc != IMS_EPARSE && rc != IMS_EINVAL && rc != IMS_ENOMEM)
            abort();
        if (memcmp(&cfg, &def, sizeof(cfg)) != 0)
            abort();
        if (rc != IMS_ENOMEM && strncmp(err, "fuzz.yaml:", 10) != 0)
            abort();
    } else {
        if (err[0] != '\0')
            abort();
        if (cfg.n_home_nets > LIM_HOME_NETS)
            abort();
        if (cfg.snaplen < LIM_CFG_SNAPLEN_MIN || cfg.snaplen > LIM_CFG_SNAPLEN_MAX)
            abort();
        if (cfg.defrag_memcap < LIM_CFG_MEMCAP_MIN || cfg.defrag_memcap > LIM_CFG_MEMCAP_MAX)
            abort();
        if (memchr(cfg.eve_filename, '\0', sizeof(cfg.eve_filename)) == NULL ||
            strchr(cfg.eve_filename, '/') != NULL || cfg.eve_filename[0] == '\0')
            abort();
        if ((unsigned)cfg.log_level > 3 || (unsigned)cfg.default_policy > OVERLAP_SOLARIS ||
            (unsigned)cfg.csum_mode > CSUM_MODE_NO)
            abort();
        for (unsigned i = 0; i < cfg.n_home_nets; i++)
            (void)config_is_home(&cfg, cfg.home_nets[i].family, cfg.home_nets[i].addr);
    }
    fuzz_check_cidr(data, size);
    return 0;
}
