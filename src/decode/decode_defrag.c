/* decode_defrag.c - placeholder; the real defragmenter replaces this file. */
#include "imsentry/defrag.h"

#include <stdlib.h>

#include "imsentry/err.h"

struct defrag {
    int unused;
};

struct defrag *defrag_new(const struct config *cfg, struct stats *st)
{
    return calloc(1, sizeof(struct defrag));
}

void defrag_free(struct defrag *df)
{
    free(df);
}

int defrag_ipv4(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                const uint8_t **out, size_t *out_len)
{
    return IMS_EINVAL;
}

int defrag_ipv6(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                size_t frag_off, size_t unfrag_len, const uint8_t **out, size_t *out_len)
{
    return IMS_EINVAL;
}

void defrag_timeout(struct defrag *df, int64_t now_us)
{
}

size_t defrag_memuse(const struct defrag *df)
{
    return 0;
}
