/*
 * eve_common.c - what every EVE event shares: packet-time timestamps,
 * the event header (timestamp, flow_id, event_type), Suricata's addressing
 * fields and protocol names, and the escaping of strings from the wire.
 *
 * Wire strings: RFC 3629 UTF-8 (no overlong forms, no UTF-16 surrogates,
 * nothing above U+10FFFF) passes unchanged, so a user name is logged exactly
 * as it crossed the wire; every byte that is not part of such a sequence
 * becomes the four characters "\xNN" (upper-case hex).  NUL is escaped the
 * same way ("\x00"): "\u0000" is valid JSON, but many readers refuse it
 * (jansson by default, PostgreSQL jsonb) and C consumers cut strings there.
 * Other control characters are valid UTF-8: jansson writes them as \u00NN.
 */
#include "imsentry/output.h"

#include <stdlib.h>
#include <string.h>

#include "eve_private.h"
#include "imsentry/bytes.h"

/* Seconds of 0000-01-01T00:00:00 and 9999-12-31T23:59:59: the years a 4-digit timestamp holds. */
#define EVE_TS_MIN_SECS (-62167219200LL)
#define EVE_TS_MAX_SECS 253402300799LL

/* Writes v as n decimal digits, zero-padded, at p. */
static void eve_put_digits(char *p, unsigned long v, unsigned n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

const char *eve_format_ts(int64_t ts_us, char *buf, size_t len)
{
    static const char tmpl[] = "0000-00-00T00:00:00.000000+0000";
    char out[sizeof(tmpl)];
    int64_t secs = ts_us / 1000000;
    int64_t us = ts_us % 1000000;
    int64_t days, sod, era, doe, yoe, y, doy, mp;
    unsigned month, mday;

    if (!buf || len == 0)
        return buf;
    /* floor division: -1 us is 23:59:59.999999 of the day before the epoch */
    if (us < 0) {
        us += 1000000;
        secs--;
    }
    if (secs < EVE_TS_MIN_SECS) {
        secs = EVE_TS_MIN_SECS;
        us = 0;
    } else if (secs > EVE_TS_MAX_SECS) {
        secs = EVE_TS_MAX_SECS;
        us = 999999;
    }
    /*
     * Proleptic Gregorian date of the day, as gmtime_r() gives it, without
     * its locking and time-zone work (one call per timestamp was ~4k
     * instructions with snprintf): Hinnant's civil_from_days, exact over the
     * clamped years 0000-9999.
     */
    days = secs / 86400;
    sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    days += 719468; /* days from 0000-03-01 to 1970-01-01 */
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;                                    /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365], from March 1 */
    mp = (5 * doy + 2) / 153;                      /* [0, 11], March = 0 */
    mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    if (month <= 2)
        y++;

    memcpy(out, tmpl, sizeof(tmpl));
    eve_put_digits(out, (unsigned long)y, 4);
    eve_put_digits(out + 5, month, 2);
    eve_put_digits(out + 8, mday, 2);
    eve_put_digits(out + 11, (unsigned long)(sod / 3600), 2);
    eve_put_digits(out + 14, (unsigned long)(sod / 60 % 60), 2);
    eve_put_digits(out + 17, (unsigned long)(sod % 60), 2);
    eve_put_digits(out + 20, (unsigned long)us, 6);
    /* a short buffer gets what snprintf() would have left in it */
    if (len > sizeof(tmpl))
        len = sizeof(tmpl);
    memcpy(buf, out, len - 1);
    buf[len - 1] = '\0';
    return buf;
}

/* True for a UTF-8 continuation byte 10xxxxxx. */
static bool utf8_cont(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

/*
 * Length (1..4) of the well-formed UTF-8 sequence at the cursor (RFC 3629
 * table 3-7 of Unicode: the second byte's range depends on the first), or 0
 * when the byte there does not start one.
 */
static size_t utf8_seq_len(struct bcur *c)
{
    uint8_t b0 = bcur_peek_u8(c, 0);
    uint8_t lo = 0x80, hi = 0xBF;
    size_t n;

    if (b0 == 0x00)
        return 0; /* NUL: escaped, see the file header */
    if (b0 < 0x80)
        return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0)
            lo = 0xA0; /* below is overlong */
        else if (b0 == 0xED)
            hi = 0x9F; /* above is a UTF-16 surrogate */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0)
            lo = 0x90; /* below is overlong */
        else if (b0 == 0xF4)
            hi = 0x8F; /* above is past U+10FFFF */
    } else {
        return 0; /* continuation byte, 0xC0/0xC1 (overlong) or 0xF5..0xFF */
    }
    if (!bcur_has(c, n))
        return 0; /* truncated */
    uint8_t b1 = bcur_peek_u8(c, 1);
    if (b1 < lo || b1 > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (!utf8_cont(bcur_peek_u8(c, i)))
            return 0;
    }
    return n;
}

json_t *eve_json_wire_string(const uint8_t *bytes, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    struct bcur c;
    char *out;
    size_t o = 0, n;
    bool clean = true;
    json_t *js;

    bcur_init(&c, bytes, len);
    while (bcur_remaining(&c) > 0) {
        n = utf8_seq_len(&c);
        if (n == 0) {
            clean = false;
            break;
        }
        bcur_skip(&c, n);
    }
    if (clean)
        return json_stringn(len ? (const char *)bytes : "", len);

    /* worst case every byte becomes 4 characters */
    if (len > (SIZE_MAX - 1) / 4)
        return NULL;
    out = malloc(len * 4 + 1);
    if (!out)
        return NULL;
    bcur_init(&c, bytes, len);
    while (bcur_remaining(&c) > 0) {
        n = utf8_seq_len(&c);
        if (n == 0) {
            uint8_t b = bcur_u8(&c);

            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 0x0F];
        } else {
            bcur_copy(&c, out + o, n);
            o += n;
        }
    }
    out[o] = '\0';
    js = json_stringn(out, o);
    free(out);
    return js;
}

json_t *eve_json_text(const char *s)
{
    if (!s)
        s = "";
    return eve_json_wire_string((const uint8_t *)s, strlen(s));
}

void eve_set_u64(json_t *o, const char *key, uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        v = (uint64_t)INT64_MAX;
    json_object_set_new(o, key, json_integer((json_int_t)v));
}

json_t *eve_event_new(int64_t ts_us, uint64_t flow_id, const char *event_type)
{
    char ts[EVE_TS_LEN];
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "timestamp", json_string(eve_format_ts(ts_us, ts, sizeof(ts))));
    if (flow_id)
        eve_set_u64(o, "flow_id", flow_id);
    json_object_set_new(o, "event_type", json_string(event_type));
    return o;
}

const char *eve_proto_name(uint8_t proto, char *buf, size_t len)
{
    switch (proto) {
    case 1:
        return "ICMP";
    case 6:
        return "TCP";
    case 17:
        return "UDP";
    case 58:
        return "IPv6-ICMP";
    default:
        snprintf(buf, len, "%u", (unsigned)proto);
        return buf;
    }
}

void eve_add_vlan(json_t *o, const uint16_t *vlan, unsigned n)
{
    json_t *arr;

    if (n == 0)
        return;
    if (n > PKT_MAX_VLANS)
        n = PKT_MAX_VLANS;
    arr = json_array();
    for (unsigned i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_integer(vlan[i]));
    json_object_set_new(o, "vlan", arr);
}

void eve_add_tuple(json_t *o, uint8_t proto, const struct ip_addr *src, uint16_t sp,
                   const struct ip_addr *dst, uint16_t dp, bool has_l4)
{
    char ip[64], num[8];
    bool ports = has_l4 && (proto == 6 || proto == 17 || proto == 132);
    bool icmp = has_l4 && (proto == 1 || proto == 58);

    if (src->family) {
        json_object_set_new(o, "src_ip", json_string(ip_addr_str(src, ip, sizeof(ip))));
        if (ports)
            json_object_set_new(o, "src_port", json_integer(sp));
    }
    if (dst->family) {
        json_object_set_new(o, "dest_ip", json_string(ip_addr_str(dst, ip, sizeof(ip))));
        if (ports)
            json_object_set_new(o, "dest_port", json_integer(dp));
    }
    json_object_set_new(o, "proto", json_string(eve_proto_name(proto, num, sizeof(num))));
    if (icmp) {
        json_object_set_new(o, "icmp_type", json_integer(sp));
        json_object_set_new(o, "icmp_code", json_integer(dp));
    }
}
