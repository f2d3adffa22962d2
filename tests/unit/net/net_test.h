/*
 * Shared fixtures for the net/ unit tests: one stack with a fake Ethernet
 * driver that captures every transmitted frame, frame builders that
 * compute real checksums, and a teardown that proves nothing leaked.
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <stdint.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>
#include <kestrel/net/stack.h>
#include <kestrel/wire/eth.h>
#include <kestrel/wire/ipv4.h>

#include "ktest.h"
#include "net_internal.h"

#define TU_MAX_FRAMES 32
#define TU_FRAME_MAX  1600

static struct net_stack st;
static struct netif eth0;
static uint8_t tu_frames[TU_MAX_FRAMES][TU_FRAME_MAX];
static uint16_t tu_frame_len[TU_MAX_FRAMES];
static unsigned tu_nframes;
static int tu_tx_rc;
static uint32_t tu_rand_state;

static const uint8_t TU_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t TU_PEER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t TU_BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define TU_IP	IP_ADDR(192, 168, 1, 10)
#define TU_PEER IP_ADDR(192, 168, 1, 20)
#define TU_GW	IP_ADDR(192, 168, 1, 1)
#define TU_MASK IP_ADDR(255, 255, 255, 0)

static inline int tu_output(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	if (tu_tx_rc < 0) {
		return tu_tx_rc;
	}
	if (tu_nframes < TU_MAX_FRAMES && p->tot_len <= TU_FRAME_MAX) {
		tu_frame_len[tu_nframes] = pbuf_copy_out(p, 0, tu_frames[tu_nframes], p->tot_len);
		tu_nframes++;
	}
	return 0;
}

static const struct eth_driver_ops tu_ops = {NULL, tu_output, NULL, NULL};

/* Deterministic "random" numbers: a fixed LCG. */
static inline uint32_t tu_rand(void *ctx)
{
	(void)ctx;
	tu_rand_state = tu_rand_state * 1664525u + 1013904223u;
	return tu_rand_state >> 8;
}

/* Fresh stack with eth0 192.168.1.10/24, gateway .1, up, default route. */
static inline void tu_setup(void)
{
	tu_rand_state = 1;
	tu_nframes = 0;
	tu_tx_rc = 0;
	net_init(&st, tu_rand, NULL, 1000);
	netif_add(&st, &eth0, "eth0", TU_MAC, &tu_ops, NULL);
	netif_set_up(&eth0, true);
	netif_set_addr(&eth0, TU_IP, TU_MASK, TU_GW);
	netif_set_default(&st, &eth0);
	tu_nframes = 0; /* forget the gratuitous ARP */
}

/* Teardown: release everything the stack holds, then demand an empty pool. */
static inline void tu_teardown(void)
{
	struct pbuf_stats s;

	while (net_poll(&st) > 0) {
	}
	arp_flush(&st, NULL);
	ip_reass_flush(&st);
	pbuf_pool_stats(&st.pool, &s);
	if (s.used != 0) {
		KT_FAIL("leak: %u pbufs still in use", s.used);
	}
}

static inline void tu_time(uint32_t now)
{
	net_timer(&st, now);
}

/* Feeds raw frame bytes to eth0. */
static inline void tu_rx(const void *frame, uint16_t len)
{
	struct pbuf *p = pbuf_from(&st.pool, PBUF_RAW, frame, len);
	if (p != NULL) {
		net_input(&st, &eth0, p);
	}
}

static inline size_t tu_eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	put_be16(b + 12, type);
	return ETH_HLEN;
}

/*
 * Builds Ethernet + IPv4 header + payload into b; returns total length.
 * frag is the raw flags/offset field.
 */
static inline size_t tu_ip(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id,
			   uint16_t frag, const void *pl, size_t plen)
{
	uint8_t *h = b + ETH_HLEN;

	tu_eth(b, TU_MAC, TU_PEER_MAC, ETH_TYPE_IPV4);
	memset(h, 0, 20);
	h[0] = 0x45;
	put_be16(h + 2, (uint16_t)(20 + plen));
	put_be16(h + 4, id);
	put_be16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	put_be32(h + 12, src);
	put_be32(h + 16, dst);
	put_be16(h + 10, inet_csum(h, 20));
	memcpy(h + 20, pl, plen);
	return ETH_HLEN + 20 + plen;
}

/* Builds a UDP datagram (with checksum) into u; returns its length. */
static inline size_t tu_udp(uint8_t *u, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
			    const void *pl, size_t plen)
{
	struct inet_csum c;
	uint16_t sum;

	put_be16(u, sport);
	put_be16(u + 2, dport);
	put_be16(u + 4, (uint16_t)(8 + plen));
	put_be16(u + 6, 0);
	memcpy(u + 8, pl, plen);
	inet_csum_init(&c);
	inet_csum_pseudo(&c, src, dst, IP_PROTO_UDP, (uint16_t)(8 + plen));
	inet_csum_update(&c, u, 8 + plen);
	sum = inet_csum_final(&c);
	put_be16(u + 6, sum ? sum : 0xffff);
	return 8 + plen;
}

/* Sends a UDP datagram from src:sport to dst:dport into eth0. */
static inline void tu_rx_udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
			     const void *pl, size_t plen)
{
	static uint8_t u[TU_FRAME_MAX], f[TU_FRAME_MAX];
	size_t ul = tu_udp(u, src, dst, sport, dport, pl, plen);
	size_t fl = tu_ip(f, src, dst, IP_PROTO_UDP, 1, 0, u, ul);
	if (dst == IP_BROADCAST) {
		memcpy(f, TU_BCAST_MAC, 6);
	}
	tu_rx(f, (uint16_t)fl);
}

/* Pre-resolves the peer so output does not stop at ARP. */
static inline void tu_learn_peer(void)
{
	arp_add_static(&st, &eth0, TU_PEER, TU_PEER_MAC);
	arp_add_static(&st, &eth0, TU_GW, TU_PEER_MAC);
}

/* Pointer to the IP header / transport header of captured frame i. */
static inline const uint8_t *tu_fip(unsigned i)
{
	return tu_frames[i] + ETH_HLEN;
}

static inline const uint8_t *tu_fl4(unsigned i)
{
	return tu_frames[i] + ETH_HLEN + 4 * (tu_frames[i][ETH_HLEN] & 15);
}

#endif /* NET_TEST_H */
