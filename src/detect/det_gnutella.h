/*
 * det_gnutella.h - the Gnutella detector's descriptor framing helpers,
 * exported for its unit tests.
 */
#ifndef IMSENTRY_DET_GNUTELLA_H
#define IMSENTRY_DET_GNUTELLA_H

#include <stddef.h>
#include <stdint.h>

/* Descriptor header length (GUID 16, type, TTL, hops, payload length LE32). */
#define GNUT_HDR 23

/* Payload length of a believable 23-byte descriptor header at h, or -1. */
long gnut_header_ok(const uint8_t *h);

/* Offset where `need` valid descriptors chain in buf[0..len) (headers complete), or -1. */
long gnut_find_chain(const uint8_t *buf, size_t len, unsigned need);

#endif
