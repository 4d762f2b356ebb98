/*
 * defrag.h - IPv4 (RFC 791/815) and IPv6 (RFC 8200 s4.5) fragment reassembly,
 * part of the decode stage.
 *
 * Fragments may arrive in any order, duplicated or overlapping; overlaps are
 * resolved by the destination's target policy (enum overlap_policy, documented
 * in defrag.c and the man page).  Trackers time out after defrag.timeout
 * seconds of packet time; the total bytes held are capped by defrag.memcap
 * and the number of trackers by defrag.max-trackers, each hit counted.
 */
#ifndef IMSENTRY_DEFRAG_H
#define IMSENTRY_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

struct defrag;

/* cfg must outlive df: each datagram's overlap policy is looked up in it. */
struct defrag *defrag_new(const struct config *cfg, struct stats *st);
void defrag_free(struct defrag *df);

/*
 * Feeds one IPv4 fragment: ip points at the IPv4 header, len is the datagram
 * as cut to the IP total length (and to what was captured).  Returns 1 when
 * the datagram is complete: *out is the whole reassembled IPv4 datagram
 * (header with MF/offset cleared and total length set, then payload), owned
 * by df and valid until the next defrag call.  Returns 0 when the fragment
 * is held, and a negative IMS_E* when it is dropped (counted, anomaly raised
 * on pkt where it was malformed).
 */
int defrag_ipv4(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                const uint8_t **out, size_t *out_len);

/*
 * Feeds one IPv6 fragment.  ip points at the IPv6 header, len as above;
 * frag_off is the offset of the Fragment extension header from ip, and
 * unfrag_len the length of the unfragmentable part (IPv6 header plus the
 * extension headers before the Fragment header).  On completion *out is a
 * datagram without the Fragment header: the unfragmentable part (with the
 * payload length fixed and the preceding next-header pointing at the
 * fragment's next header) followed by the reassembled payload.
 */
int defrag_ipv6(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                size_t frag_off, size_t unfrag_len, const uint8_t **out, size_t *out_len);

/* Drops trackers idle past the timeout at packet time now_us. */
void defrag_timeout(struct defrag *df, int64_t now_us);

/* Bytes currently held (for tests and the memcap). */
size_t defrag_memuse(const struct defrag *df);

#endif
