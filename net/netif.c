/*
 * The stack instance and its interfaces: initialisation, interface
 * registration and state, the Ethernet receive entry, the timer entry,
 * the loopback interface and the query functions behind `ifconfig`,
 * `route` and the status page.
 *
 * Ethernet II receive path (IEEE 802.3 / RFC 894): the frame's first block
 * must hold the 14-byte header; frames to other unicast MACs, short frames
 * and unknown EtherTypes are dropped and counted.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/eth.h>

#include "net_internal.h"

#define LOOPQ_MAX 8

static uint32_t lcg_rand(void *ctx)
{
	struct net_stack *st = (struct net_stack *)ctx;
	static uint32_t seed = 0x2545f491u;

	(void)st;
	seed = seed * 1103515245u + 12345u;
	return seed ^ (seed >> 16);
}

uint32_t net_rand(struct net_stack *st)
{
	return st->rand(st->rand_ctx);
}

static const struct eth_driver_ops loop_ops = {NULL, NULL, NULL, NULL};

void net_init(struct net_stack *st, uint32_t (*rand)(void *ctx), void *rand_ctx, uint32_t now_ms)
{
	memset(st, 0, sizeof(*st));
	pbuf_pool_init(&st->pool);
	st->rand = rand != NULL ? rand : lcg_rand;
	st->rand_ctx = rand != NULL ? rand_ctx : st;
	st->now_ms = now_ms;
	st->icmp.tokens = CONFIG_NET_ICMP_RATE;
	st->icmp.refill_ms = now_ms;
	st->ip_id = (uint16_t)net_rand(st);
	st->next_port = (uint16_t)(49152u + net_rand(st) % 16384u);
	st->icmp.next_id = (uint16_t)net_rand(st);

	memcpy(st->loop.name, "lo", 3);
	st->loop.ops = &loop_ops;
	st->loop.mtu = CONFIG_NET_MTU;
	st->loop.flags = NETIF_F_UP | NETIF_F_LINK_UP | NETIF_F_LOOPBACK;
	st->loop.ip = 0x7f000001u;
	st->loop.mask = 0xff000000u;
	st->loop.st = st;
	st->netif[0] = &st->loop;
}

int netif_add(struct net_stack *st, struct netif *nif, const char *name, const uint8_t mac[6],
	      const struct eth_driver_ops *ops, void *drv)
{
	size_t nl = strlen(name);
	int slot = -1, rc = 0;

	if (nl >= sizeof(nif->name)) {
		return -EINVAL;
	}
	for (int i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		if (st->netif[i] == NULL) {
			slot = i;
			break;
		}
	}
	if (slot < 0) {
		return -ENOSPC;
	}
	memset(nif, 0, sizeof(*nif));
	memcpy(nif->name, name, nl + 1);
	memcpy(nif->hwaddr, mac, 6);
	nif->ops = ops;
	nif->drv = drv;
	nif->mtu = CONFIG_NET_MTU;
	nif->index = (uint8_t)slot;
	nif->st = st;
	if (ops->init != NULL) {
		rc = ops->init(nif);
		if (rc < 0) {
			return rc;
		}
	}
	if (ops->link_up == NULL || ops->link_up(nif)) {
		nif->flags |= NETIF_F_LINK_UP;
	}
	st->netif[slot] = nif;
	return 0;
}

void netif_set_addr(struct netif *nif, uint32_t ip, uint32_t mask, uint32_t gw)
{
	bool changed = nif->ip != ip;

	nif->ip = ip;
	nif->mask = mask;
	nif->gw = gw;
	if (changed && ip != 0 && netif_is_ready(nif) && !(nif->flags & NETIF_F_LOOPBACK)) {
		(void)arp_announce(nif);
	}
}

void netif_set_up(struct netif *nif, bool up)
{
	bool was = netif_is_ready(nif);

	if (up) {
		nif->flags |= NETIF_F_UP;
	} else {
		nif->flags &= (uint8_t)~NETIF_F_UP;
	}
	if (!was && netif_is_ready(nif) && nif->ip != 0 && !(nif->flags & NETIF_F_LOOPBACK)) {
		(void)arp_announce(nif);
	}
	if (was && !netif_is_ready(nif)) {
		arp_flush(nif->st, nif);
	}
}

void netif_set_link(struct netif *nif, bool up)
{
	bool was = netif_is_ready(nif);

	if (up) {
		nif->flags |= NETIF_F_LINK_UP;
	} else {
		nif->flags &= (uint8_t)~NETIF_F_LINK_UP;
	}
	if (!was && netif_is_ready(nif) && nif->ip != 0) {
		(void)arp_announce(nif);
	}
	if (was && !netif_is_ready(nif)) {
		arp_flush(nif->st, nif);
	}
}

void netif_set_default(struct net_stack *st, struct netif *nif)
{
	for (int i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		if (st->netif[i] != NULL) {
			st->netif[i]->flags &= (uint8_t)~NETIF_F_DEFAULT;
		}
	}
	st->dflt = nif;
	if (nif != NULL) {
		nif->flags |= NETIF_F_DEFAULT;
	}
}

struct netif *netif_find(struct net_stack *st, const char *name)
{
	for (int i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		if (st->netif[i] != NULL && strcmp(st->netif[i]->name, name) == 0) {
			return st->netif[i];
		}
	}
	return NULL;
}

static bool mac_is_ours(const struct netif *nif, const uint8_t *dst, struct pbuf *p)
{
	static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (memcmp(dst, nif->hwaddr, ETH_ALEN) == 0) {
		return true;
	}
	if (memcmp(dst, bcast, ETH_ALEN) == 0) {
		p->flags |= PBUF_F_BCAST;
		return true;
	}
	if (dst[0] & 1u) {
		p->flags |= PBUF_F_MCAST;
		return true;
	}
	return false;
}

void net_input(struct net_stack *st, struct netif *nif, struct pbuf *p)
{
	const uint8_t *h = (const uint8_t *)pbuf_contig(p, ETH_HLEN);
	uint16_t type;

	nif->cnt.rx_frames++;
	nif->cnt.rx_bytes += p->tot_len;
	st->stats.eth_rx++;
	if (!(nif->flags & NETIF_F_UP)) {
		nif->cnt.rx_drops++;
		goto drop;
	}
	if (h == NULL) {
		nif->cnt.rx_errors++;
		goto drop;
	}
	if (!mac_is_ours(nif, h + ETH_OFF_DST, p)) {
		goto drop;
	}
	type = get_be16(h + ETH_OFF_TYPE);
	(void)pbuf_pull(p, ETH_HLEN);
	if (type == ETH_TYPE_IPV4) {
		ip_input(st, nif, p);
		return;
	}
	if (type == ETH_TYPE_ARP) {
		arp_input(st, nif, p);
		return;
	}
drop:
	st->stats.eth_drop++;
	pbuf_free(p);
}

/* Output on an IP-level interface: loopback queue or ARP + Ethernet. */
int ip_netif_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop)
{
	if (nif->flags & NETIF_F_LOOPBACK) {
		if (st->loopq_len >= LOOPQ_MAX) {
			nif->cnt.tx_drops++;
			pbuf_free(p);
			return -ENOMEM;
		}
		p->qnext = NULL;
		if (st->loopq == NULL) {
			st->loopq = p;
		} else {
			struct pbuf *q = st->loopq;
			while (q->qnext != NULL) {
				q = q->qnext;
			}
			q->qnext = p;
		}
		st->loopq_len++;
		st->stats.loop_tx++;
		nif->cnt.tx_frames++;
		nif->cnt.tx_bytes += p->tot_len;
		return 0;
	}
	return arp_output(st, nif, p, nexthop);
}

unsigned net_poll(struct net_stack *st)
{
	unsigned n = 0;
	/* Only what is queued now: replies generated below wait for the next poll. */
	uint8_t budget = st->loopq_len;

	while (budget-- > 0 && st->loopq != NULL) {
		struct pbuf *p = st->loopq;
		st->loopq = p->qnext;
		st->loopq_len--;
		p->qnext = NULL;
		st->loop.cnt.rx_frames++;
		st->loop.cnt.rx_bytes += p->tot_len;
		ip_input(st, &st->loop, p);
		n++;
	}
	return n;
}

void net_timer(struct net_stack *st, uint32_t now_ms)
{
	st->now_ms = now_ms;
	(void)net_poll(st);
	arp_timer(st);
	ip_reass_timer(st);
	icmp_timer(st);
	dhcp_timer(st);
	dns_timer(st);
	sntp_timer(st);
	tcp_timer(st, now_ms);
}

const uint8_t *net_linear(const struct pbuf *p, uint8_t *buf, uint16_t cap)
{
	if (p->next == NULL || p->len >= p->tot_len) {
		return p->payload;
	}
	if (p->tot_len > cap) {
		return NULL;
	}
	(void)pbuf_copy_out(p, 0, buf, p->tot_len);
	return buf;
}

/* ---- queries ---- */

unsigned net_netifs(const struct net_stack *st, struct net_netif_info *out, unsigned n)
{
	unsigned k = 0;

	for (int i = 0; i < CONFIG_NET_NETIF_MAX && k < n; i++) {
		const struct netif *nif = st->netif[i];
		struct net_netif_info *o = &out[k];
		if (nif == NULL) {
			continue;
		}
		memset(o, 0, sizeof(*o));
		memcpy(o->name, nif->name, sizeof(o->name));
		o->index = nif->index;
		o->flags = nif->flags;
		memcpy(o->hwaddr, nif->hwaddr, 6);
		o->mtu = nif->mtu;
		o->ip = nif->ip;
		o->mask = nif->mask;
		o->gw = nif->gw;
		o->cnt = nif->cnt;
		o->dhcp_state = nif->dhcp != NULL ? nif->dhcp->state : DHCP_OFF;
		k++;
	}
	return k;
}

unsigned net_routes(const struct net_stack *st, struct net_route_info *out, unsigned n)
{
	unsigned k = 0;

	for (int i = 0; i < CONFIG_NET_NETIF_MAX && k < n; i++) {
		const struct netif *nif = st->netif[i];
		if (nif == NULL || nif->ip == 0) {
			continue;
		}
		memset(&out[k], 0, sizeof(out[k]));
		out[k].dest = nif->ip & nif->mask;
		out[k].mask = nif->mask;
		memcpy(out[k].ifname, nif->name, sizeof(out[k].ifname));
		k++;
	}
	if (st->dflt != NULL && k < n) {
		memset(&out[k], 0, sizeof(out[k]));
		out[k].gw = st->dflt->gw;
		out[k].dflt = true;
		memcpy(out[k].ifname, st->dflt->name, sizeof(out[k].ifname));
		k++;
	}
	return k;
}

void net_pool_stats(const struct net_stack *st, struct pbuf_stats *out)
{
	pbuf_pool_stats(&st->pool, out);
}

void net_get_stats(const struct net_stack *st, struct net_stats *out)
{
	*out = st->stats;
}

static char *put_dec(char *b, unsigned v)
{
	if (v >= 100) {
		*b++ = (char)('0' + v / 100);
	}
	if (v >= 10) {
		*b++ = (char)('0' + (v / 10) % 10);
	}
	*b++ = (char)('0' + v % 10);
	return b;
}

char *net_ntoa(uint32_t ip, char *buf)
{
	char *b = buf;

	for (int sh = 24; sh >= 0; sh -= 8) {
		b = put_dec(b, (ip >> sh) & 0xffu);
		*b++ = sh ? '.' : '\0';
	}
	return buf;
}
