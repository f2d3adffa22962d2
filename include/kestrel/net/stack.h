/*
 * The network stack instance: one struct net_stack owns every pool, table
 * and timer of the stack below TCP. It is driven from one task (the
 * network task): frames come in through net_input(), time through
 * net_timer(). Nothing here calls the kernel; time is passed in.
 *
 * Storage is static: declare a `static struct net_stack` (it is large -
 * the pbuf pool lives inside) and never copy it.
 */
#ifndef KESTREL_NET_STACK_H
#define KESTREL_NET_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/config.h>
#include <kestrel/net/pbuf.h>
#include <kestrel/net/netif.h>
#include <kestrel/net/ip.h>
#include <kestrel/net/arp.h>
#include <kestrel/net/icmp.h>
#include <kestrel/net/udp.h>
#include <kestrel/net/dhcp.h>
#include <kestrel/net/dns.h>
#include <kestrel/net/sntp.h>

struct tcp_state; /* owned by net/tcp*.c */

/* Protocol counters (net_stats()). */
struct net_stats {
	uint32_t eth_rx, eth_drop; /* frames seen / dropped (short, unknown type) */
	uint32_t arp_rx, arp_tx, arp_drop;
	uint32_t ip_rx, ip_tx, ip_drop; /* ip_drop: bad header, not for us, no route */
	uint32_t ip_csum_err, ip_frag_tx;
	uint32_t reass_ok, reass_drop, reass_timeout;
	uint32_t icmp_rx, icmp_tx, icmp_ratelimited;
	uint32_t udp_rx, udp_tx, udp_csum_err, udp_noport;
	uint32_t loop_tx;
};

/* IPv4 reassembly slot (internal, public only for sizing). */
struct ip_reass {
	bool used;
	uint8_t proto, ttl, tos, hlen;
	uint16_t id;
	uint16_t total; /* datagram payload length, 0 until the last fragment arrived */
	uint16_t held;	/* payload bytes held */
	uint8_t nfrag;
	uint32_t src, dst;
	uint32_t start_ms;
	struct netif *inif;
	struct pbuf *frags; /* sorted by offset (pbuf.tag = offset), linked by qnext */
};

struct net_stack {
	struct pbuf_pool pool;
	struct netif *netif[CONFIG_NET_NETIF_MAX];
	struct netif *dflt;
	struct netif loop;  /* "lo", 127.0.0.1/8 */
	struct pbuf *loopq; /* datagrams looped back, delivered by net_poll() */
	uint8_t loopq_len;
	uint32_t now_ms; /* time of the last net_timer() call */
	uint32_t (*rand)(void *ctx);
	void *rand_ctx;
	uint16_t ip_id;
	uint16_t next_port;
	struct arp_state_all arp;
	struct ip_reass reass[CONFIG_NET_REASS_MAX];
	uint8_t reass_pbufs; /* blocks held by reassembly */
	struct icmp_state icmp;
	struct udp_pcb udp[CONFIG_NET_UDP_PCBS];
	struct dhcp_client *dhcp; /* running DHCP clients */
	struct udp_pcb *dhcp_pcb;
	struct dns_state dns;
	struct sntp_state sntp;
	struct net_stats stats;
	struct tcp_state *tcp; /* for the TCP module's use */
};

/*
 * Initialises st: empty pool and tables, the loopback interface up.
 * rand supplies randomness for IDs, ports and jitter (must not be NULL for
 * DHCP/DNS to be unpredictable; NULL uses a fixed LCG).
 */
void net_init(struct net_stack *st, uint32_t (*rand)(void *ctx), void *rand_ctx, uint32_t now_ms);

/*
 * Receive entry for drivers/glue: one Ethernet frame (p->payload at the
 * destination MAC) that arrived on nif. Takes ownership of p. Runs the
 * whole path (ARP, IPv4, ICMP, UDP callbacks, tcp_input) before returning.
 */
void net_input(struct net_stack *st, struct netif *nif, struct pbuf *p);

/*
 * Advances time: ARP aging and retries, reassembly timeouts, ping
 * timeouts, DHCP/DNS/SNTP timers, tcp_timer(). Also delivers looped-back
 * datagrams. Call at least every 100 ms (more often is harmless).
 */
void net_timer(struct net_stack *st, uint32_t now_ms);

/* Delivers datagrams queued on the loopback interface; returns how many. */
unsigned net_poll(struct net_stack *st);

/* Random number from the stack's source. */
uint32_t net_rand(struct net_stack *st);

/* ---- queries for shell commands and the status page ---- */

struct net_netif_info {
	char name[8];
	uint8_t index, flags;
	uint8_t hwaddr[6];
	uint16_t mtu;
	uint32_t ip, mask, gw;
	struct netif_counters cnt;
	uint8_t dhcp_state; /* enum dhcp_state, DHCP_OFF if none */
};

struct net_route_info {
	uint32_t dest, mask, gw; /* gw 0: directly connected */
	char ifname[8];
	bool dflt;
};

/* Fills up to n rows; each returns the number of rows filled. */
unsigned net_netifs(const struct net_stack *st, struct net_netif_info *out, unsigned n);
unsigned net_routes(const struct net_stack *st, struct net_route_info *out, unsigned n);
void net_pool_stats(const struct net_stack *st, struct pbuf_stats *out);
void net_get_stats(const struct net_stack *st, struct net_stats *out);

/* Formats a.b.c.d into buf (at least 16 bytes); returns buf. */
char *net_ntoa(uint32_t ip, char *buf);

#endif /* KESTREL_NET_STACK_H */
