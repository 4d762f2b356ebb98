/*
 * bench_floor.c - the benchmark's floor: the cheapest possible libpcap read of a capture.
 *
 * Opens the file with pcap_open_offline(), walks every record with pcap_next_ex() and touches
 * each packet minimally (sums caplen, wirelen and one payload byte so the read cannot be
 * optimised away), then prints the totals.  Whatever imsentry does per packet, it cannot read
 * a capture faster than this: run-bench.sh reports imsentry's throughput relative to it.
 *
 * usage: bench_floor FILE.pcap
 * output: packets=N caplen_bytes=N wirelen_bytes=N check=N
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *hdr;
    const u_char *data;
    uint64_t pkts = 0, cap_bytes = 0, wire_bytes = 0, check = 0;
    pcap_t *p;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: bench_floor FILE.pcap\n");
        return 2;
    }
    p = pcap_open_offline(argv[1], errbuf);
    if (p == NULL) {
        fprintf(stderr, "bench_floor: %s\n", errbuf);
        return 1;
    }
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        pkts++;
        cap_bytes += hdr->caplen;
        wire_bytes += hdr->len;
        if (hdr->caplen > 0)
            check += data[hdr->caplen - 1]; /* one byte of each packet, the last one */
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "bench_floor: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    printf("packets=%llu caplen_bytes=%llu wirelen_bytes=%llu check=%llu\n",
           (unsigned long long)pkts, (unsigned long long)cap_bytes,
           (unsigned long long)wire_bytes, (unsigned long long)check);
    return 0;
}
