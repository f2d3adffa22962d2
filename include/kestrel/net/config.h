/*
 * Network stack configuration: every knob with its documented default. A
 * board overrides any of them in its kestrel_config.h (found on the include
 * path from boards/<board>/), which this header includes first.
 *
 * All storage is static and sized from these macros; there is no heap.
 */
#ifndef KESTREL_NET_CONFIG_H
#define KESTREL_NET_CONFIG_H

#include <kestrel_config.h>

/* Number of packet buffers in a stack's pool. */
#ifndef CONFIG_NET_PBUF_COUNT
#define CONFIG_NET_PBUF_COUNT 24
#endif

/*
 * Bytes of storage per packet buffer. The default holds a full 1514-byte
 * Ethernet frame plus the 40 bytes of TCP option space kept as headroom
 * when a segment is built in place (see PBUF_TRANSPORT), rounded up.
 */
#ifndef CONFIG_NET_PBUF_SIZE
#define CONFIG_NET_PBUF_SIZE 1560
#endif

/* Headroom per layer (bytes a layer may prepend without copying). */
#ifndef CONFIG_NET_LINK_HLEN
#define CONFIG_NET_LINK_HLEN 14 /* Ethernet II */
#endif
#define NET_IP_HLEN 20
#ifndef CONFIG_NET_TRANSPORT_HLEN
#define CONFIG_NET_TRANSPORT_HLEN 60 /* largest TCP header */
#endif

/*
 * Use the checksum offload / TSO / merged-receive features drivers offer
 * (netif.caps; see kestrel/net/tcp.h). Off by default: a board whose MAC
 * has none saves the code.
 */
#ifndef CONFIG_TCP_OFFLOAD
#define CONFIG_TCP_OFFLOAD 0
#endif

/* Network interfaces a stack can hold (including loopback). */
#ifndef CONFIG_NET_NETIF_MAX
#define CONFIG_NET_NETIF_MAX 4
#endif

/* Default interface MTU (bytes of IP datagram per frame). */
#ifndef CONFIG_NET_MTU
#define CONFIG_NET_MTU 1500
#endif

/* ARP cache entries, packets queued per unresolved entry, timing. */
#ifndef CONFIG_NET_ARP_ENTRIES
#define CONFIG_NET_ARP_ENTRIES 8
#endif
#ifndef CONFIG_NET_ARP_QUEUE
#define CONFIG_NET_ARP_QUEUE 3
#endif
#ifndef CONFIG_NET_ARP_MAX_AGE_MS
#define CONFIG_NET_ARP_MAX_AGE_MS 300000u /* a resolved entry lives 5 minutes */
#endif
#ifndef CONFIG_NET_ARP_RETRY_MS
#define CONFIG_NET_ARP_RETRY_MS 1000u /* request resent every second */
#endif
#ifndef CONFIG_NET_ARP_TRIES
#define CONFIG_NET_ARP_TRIES 3 /* requests before giving up */
#endif

/* Default TTL of datagrams this host originates. */
#ifndef CONFIG_NET_IP_TTL
#define CONFIG_NET_IP_TTL 64
#endif

/* IPv4 reassembly: concurrent datagrams, buffers and bytes held, timeout. */
#ifndef CONFIG_NET_REASS_MAX
#define CONFIG_NET_REASS_MAX 4
#endif
#ifndef CONFIG_NET_REASS_MAX_PBUFS
#define CONFIG_NET_REASS_MAX_PBUFS (CONFIG_NET_PBUF_COUNT / 2)
#endif
#ifndef CONFIG_NET_REASS_MAX_BYTES
#define CONFIG_NET_REASS_MAX_BYTES 8192u /* largest datagram accepted */
#endif
#ifndef CONFIG_NET_REASS_TIMEOUT_MS
#define CONFIG_NET_REASS_TIMEOUT_MS 60000u /* RFC 1122 3.3.2: 60-120 s */
#endif

/* ICMP errors sent per second (token bucket), outstanding pings. */
#ifndef CONFIG_NET_ICMP_RATE
#define CONFIG_NET_ICMP_RATE 10
#endif
#ifndef CONFIG_NET_PING_SLOTS
#define CONFIG_NET_PING_SLOTS 4
#endif

/* UDP protocol control blocks. */
#ifndef CONFIG_NET_UDP_PCBS
#define CONFIG_NET_UDP_PCBS 8
#endif

/* DNS: servers, cache/query entries, name length, attempts, timeouts. */
#ifndef CONFIG_NET_DNS_SERVERS
#define CONFIG_NET_DNS_SERVERS 2
#endif
#ifndef CONFIG_NET_DNS_ENTRIES
#define CONFIG_NET_DNS_ENTRIES 4
#endif
#ifndef CONFIG_NET_DNS_NAME_MAX
#define CONFIG_NET_DNS_NAME_MAX 64 /* longest name resolved (incl. NUL) */
#endif
#ifndef CONFIG_NET_DNS_TRIES
#define CONFIG_NET_DNS_TRIES 4 /* queries sent in all, rotating servers */
#endif
#ifndef CONFIG_NET_DNS_TIMEOUT_MS
#define CONFIG_NET_DNS_TIMEOUT_MS 2000u /* wait per query */
#endif
#ifndef CONFIG_NET_DNS_MAX_TTL_S
#define CONFIG_NET_DNS_MAX_TTL_S 86400u /* cache entries live at most a day */
#endif

/* SNTP: shortest poll interval (RFC 4330 §10: never below 15 s). */
#ifndef CONFIG_NET_SNTP_MIN_POLL_MS
#define CONFIG_NET_SNTP_MIN_POLL_MS 15000u
#endif
#ifndef CONFIG_NET_SNTP_TIMEOUT_MS
#define CONFIG_NET_SNTP_TIMEOUT_MS 3000u
#endif

_Static_assert(CONFIG_NET_PBUF_COUNT >= 2, "need at least two packet buffers");
_Static_assert(CONFIG_NET_PBUF_COUNT < 65535, "pbuf count must fit 16 bits");
_Static_assert(CONFIG_NET_PBUF_SIZE >= 576 + CONFIG_NET_LINK_HLEN,
	       "a pbuf must hold a 576-byte datagram (RFC 791) and a link header");
_Static_assert(CONFIG_NET_PBUF_SIZE <= 65535, "pbuf size must fit 16 bits");
_Static_assert(CONFIG_NET_LINK_HLEN + NET_IP_HLEN + CONFIG_NET_TRANSPORT_HLEN <
		       CONFIG_NET_PBUF_SIZE,
	       "headroom leaves no room for data");
_Static_assert(CONFIG_NET_MTU >= 576 && CONFIG_NET_MTU <= 65535, "MTU out of range");
_Static_assert(CONFIG_NET_NETIF_MAX >= 1, "need the loopback interface");
_Static_assert(CONFIG_NET_ARP_ENTRIES >= 1 && CONFIG_NET_ARP_QUEUE >= 1, "ARP needs storage");
_Static_assert(CONFIG_NET_REASS_MAX_BYTES <= 65535, "no datagram exceeds 65535 bytes");
_Static_assert(CONFIG_NET_REASS_MAX_PBUFS <= CONFIG_NET_PBUF_COUNT,
	       "reassembly cannot hold more buffers than the pool has");
_Static_assert(CONFIG_NET_DNS_NAME_MAX >= 16 && CONFIG_NET_DNS_NAME_MAX <= 256,
	       "DNS name buffer out of range");
_Static_assert(CONFIG_NET_SNTP_MIN_POLL_MS >= 15000u, "RFC 4330: poll at most every 15 s");

#endif /* KESTREL_NET_CONFIG_H */
