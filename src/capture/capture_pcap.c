/*
 * capture_pcap.c - libpcap sources: pcap and pcapng files, live interfaces.
 *
 * Files are read with pcap_open_offline(), which understands both pcap and
 * pcapng and scales nanosecond timestamps to microseconds.  A truncated or
 * damaged file ends that file with CAPTURE_ERROR; the caller warns and goes
 * on.  Live capture uses pcap_create()/pcap_activate() so snaplen, promisc,
 * buffer size and read timeout can all be set before activation.  Live
 * handles are non-blocking and waited on with poll(), so a signal or an
 * idle link returns control to the caller within the read timeout
 * (libpcap's own timeout does not fire on an idle TPACKET_V3 ring).
 */
#include "imsentry/capture.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/log.h"

struct capture {
    pcap_t *pcap;      /* libpcap handle */
    int linktype;      /* DLT of the source */
    bool live;         /* interface rather than file */
    int fd;            /* selectable descriptor of a live handle, -1 for files */
    int timeout_ms;    /* poll() wait when a live handle has nothing */
    char name[256];    /* file path or interface name, for messages */
};

static int capture_set_filter(struct capture *cap, const char *bpf, char *err, size_t errlen)
{
    struct bpf_program prog;

    if (!bpf || !*bpf)
        return 0;
    if (pcap_compile(cap->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "bad BPF filter '%s': %s", bpf, pcap_geterr(cap->pcap));
        return -1;
    }
    if (pcap_setfilter(cap->pcap, &prog) != 0) {
        snprintf(err, errlen, "cannot set BPF filter: %s", pcap_geterr(cap->pcap));
        pcap_freecode(&prog);
        return -1;
    }
    pcap_freecode(&prog);
    return 0;
}

static struct capture *capture_alloc(const char *name)
{
    struct capture *cap = calloc(1, sizeof(*cap));

    if (cap) {
        snprintf(cap->name, sizeof(cap->name), "%s", name);
        cap->fd = -1;
    }
    return cap;
}

struct capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct capture *cap = capture_alloc(path);

    if (!cap) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    cap->pcap = pcap_open_offline(path, perr);
    if (!cap->pcap) {
        /* libpcap's messages already name the file for I/O errors; not for format errors */
        if (strstr(perr, path))
            snprintf(err, errlen, "%s", perr);
        else
            snprintf(err, errlen, "%s: %s", path, perr);
        goto out_free;
    }
    cap->linktype = pcap_datalink(cap->pcap);
    if (capture_set_filter(cap, bpf, err, errlen) != 0)
        goto out_close;
    return cap;

out_close:
    pcap_close(cap->pcap);
out_free:
    free(cap);
    return NULL;
}

struct capture *capture_open_live(const char *iface, const struct config *cfg, const char *bpf,
                                  char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct capture *cap = capture_alloc(iface);
    int rc;

    if (!cap) {
        snprintf(err, errlen, "%s: out of memory", iface);
        return NULL;
    }
    cap->live = true;
    cap->pcap = pcap_create(iface, perr);
    if (!cap->pcap) {
        snprintf(err, errlen, "%s: %s", iface, perr);
        goto out_free;
    }
    pcap_set_snaplen(cap->pcap, (int)cfg->snaplen);
    pcap_set_promisc(cap->pcap, cfg->promisc ? 1 : 0);
    pcap_set_timeout(cap->pcap, (int)cfg->timeout_ms);
    pcap_set_buffer_size(cap->pcap, (int)cfg->buffer_size);
    rc = pcap_activate(cap->pcap);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot start capture: %s", iface,
                 rc == PCAP_ERROR ? pcap_geterr(cap->pcap) : pcap_statustostr(rc));
        goto out_close;
    }
    if (rc > 0)
        log_warn("%s: %s", iface, rc == PCAP_WARNING ? pcap_geterr(cap->pcap) : pcap_statustostr(rc));
    cap->linktype = pcap_datalink(cap->pcap);
    if (capture_set_filter(cap, bpf, err, errlen) != 0)
        goto out_close;
    if (pcap_setnonblock(cap->pcap, 1, perr) != 0) {
        snprintf(err, errlen, "%s: cannot make the capture non-blocking: %s", iface, perr);
        goto out_close;
    }
    cap->fd = pcap_get_selectable_fd(cap->pcap);
    cap->timeout_ms = (int)cfg->timeout_ms;
    return cap;

out_close:
    pcap_close(cap->pcap);
out_free:
    free(cap);
    return NULL;
}

void capture_close(struct capture *cap)
{
    if (!cap)
        return;
    if (cap->pcap)
        pcap_close(cap->pcap);
    free(cap);
}

enum capture_status capture_next(struct capture *cap, struct packet *pkt, char *err,
                                 size_t errlen)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc = pcap_next_ex(cap->pcap, &hdr, &data);

    switch (rc) {
    case 1:
        pkt->ts_us = (int64_t)hdr->ts.tv_sec * 1000000 + (int64_t)hdr->ts.tv_usec;
        pkt->data = data;
        pkt->caplen = hdr->caplen;
        pkt->wirelen = hdr->len;
        pkt->linktype = cap->linktype;
        return CAPTURE_PACKET;
    case 0:
        if (cap->fd >= 0) {
            struct pollfd pfd = {.fd = cap->fd, .events = POLLIN};

            /* EINTR (a signal) and a timeout both just hand control back */
            (void)poll(&pfd, 1, cap->timeout_ms);
        }
        return CAPTURE_TIMEOUT;
    case PCAP_ERROR_BREAK:
        return CAPTURE_EOF;
    default:
        snprintf(err, errlen, "%s: %s", cap->name, pcap_geterr(cap->pcap));
        return CAPTURE_ERROR;
    }
}

void capture_kernel_stats(struct capture *cap, struct stats *st)
{
    struct pcap_stat ps;

    if (!cap->live || pcap_stats(cap->pcap, &ps) != 0)
        return;
    stats_set(st, STAT_CAPTURE_KERNEL_PACKETS, ps.ps_recv);
    stats_set(st, STAT_CAPTURE_KERNEL_DROPS, ps.ps_drop);
    stats_set(st, STAT_CAPTURE_KERNEL_IFDROPS, ps.ps_ifdrop);
}

int capture_linktype(const struct capture *cap)
{
    return cap->linktype;
}

const char *capture_name(const struct capture *cap)
{
    return cap->name;
}

bool capture_is_live(const struct capture *cap)
{
    return cap->live;
}
