/* Shared stack fixture for the whole-stack fuzzers: fresh state per input, leak check after. */
#ifndef FUZZ_NET_COMMON_H
#define FUZZ_NET_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/net/stack.h>

#include "net_internal.h"

static struct net_stack st;
static struct netif eth0;
static struct dhcp_client dc;
static uint32_t fz_seed;
static const uint8_t fz_mac[6] = {0x02, 0, 0, 0, 0, 1};

static int fz_output(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	/* touch every byte so ASan sees any overrun */
	volatile uint8_t sink = 0;
	for (struct pbuf *q = p; q != NULL; q = q->next) {
		for (uint16_t i = 0; i < q->len; i++) {
			sink ^= q->payload[i];
		}
	}
	(void)sink;
	return 0;
}

static const struct eth_driver_ops fz_ops = {NULL, fz_output, NULL, NULL};

static uint32_t fz_rand(void *ctx)
{
	(void)ctx;
	fz_seed = fz_seed * 1664525u + 1013904223u;
	return fz_seed >> 8;
}

static void fz_udp_sink(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
			uint16_t sport)
{
	(void)ctx;
	(void)ip;
	/* echo service: exercises output with received (possibly chained) buffers */
	if (sport != 0) {
		(void)udp_sendto(pcb, p, ip->src, sport);
	} else {
		pbuf_free(p);
	}
}

static void fz_setup(void)
{
	struct udp_pcb *u;

	fz_seed = 1;
	net_init(&st, fz_rand, NULL, 1000);
	netif_add(&st, &eth0, "eth0", fz_mac, &fz_ops, NULL);
	netif_set_up(&eth0, true);
	netif_set_addr(&eth0, 0xc0a8010au, 0xffffff00u, 0xc0a80101u);
	netif_set_default(&st, &eth0);
	u = udp_new(&st);
	udp_bind(u, 0, 7);
	udp_recv(u, fz_udp_sink, NULL);
}

static void fz_check_no_leak(void)
{
	struct pbuf_stats s;

	while (net_poll(&st) > 0) {
	}
	arp_flush(&st, NULL);
	ip_reass_flush(&st);
	pbuf_pool_stats(&st.pool, &s);
	if (s.used != 0) {
		abort(); /* a pbuf leaked */
	}
}

#endif /* FUZZ_NET_COMMON_H */
