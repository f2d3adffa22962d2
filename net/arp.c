/*
 * Ethernet output and ARP (RFC 826, RFC 5227 probes, RFC 1122 §2.3.2).
 *
 * ARP packet for IPv4 over Ethernet (after the 14-byte Ethernet header):
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   hardware type, 1
 *   2     2   protocol type, 0x0800
 *   4     1   hardware length, 6
 *   5     1   protocol length, 4
 *   6     2   opcode: 1 request, 2 reply
 *   8     6   sender MAC          14  4  sender IPv4
 *  18     6   target MAC          24  4  target IPv4
 *
 * The cache follows RFC 826's merge rule: a packet updates an existing
 * entry for its sender; a new entry is created only when the packet is
 * addressed to us. Resolved entries age out after CONFIG_NET_ARP_MAX_AGE_MS;
 * unresolved ones are re-requested every CONFIG_NET_ARP_RETRY_MS and given
 * up after CONFIG_NET_ARP_TRIES requests (RFC 1122 §2.3.2.1 flood limit).
 * While an entry resolves, up to CONFIG_NET_ARP_QUEUE datagrams wait in it
 * (RFC 1122 §2.3.2.2 asks for at least one); beyond that the oldest goes.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/arp.h>
#include <kestrel/wire/eth.h>

#include "net_internal.h"

static const uint8_t mac_bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_zero[ETH_ALEN] = {0};

int eth_output(struct netif *nif, struct pbuf *p, const uint8_t dst[6], uint16_t type)
{
	int rc;
	uint8_t *h;

	if (!netif_is_ready(nif) || nif->ops->output == NULL) {
		nif->cnt.tx_drops++;
		rc = -ENETDOWN;
		goto out;
	}
	if (pbuf_push(p, ETH_HLEN) < 0) {
		nif->cnt.tx_errors++;
		rc = -EMSGSIZE;
		goto out;
	}
	h = (uint8_t *)p->payload;
	memcpy(h + ETH_OFF_DST, dst, ETH_ALEN);
	memcpy(h + ETH_OFF_SRC, nif->hwaddr, ETH_ALEN);
	put_be16(h + ETH_OFF_TYPE, type);
	rc = nif->ops->output(nif, p);
	if (rc < 0) {
		nif->cnt.tx_errors++;
	} else {
		nif->cnt.tx_frames++;
		nif->cnt.tx_bytes += p->tot_len;
	}
out:
	pbuf_free(p);
	return rc;
}

static int arp_send(struct netif *nif, uint16_t op, const uint8_t *eth_dst, const uint8_t *tha,
		    uint32_t spa, uint32_t tpa)
{
	struct net_stack *st = nif->st;
	struct pbuf *p = pbuf_alloc(&st->pool, PBUF_LINK, ARP_LEN);
	uint8_t pkt[ARP_LEN];
	struct wr_cursor w = wr_init(pkt, sizeof(pkt));

	if (p == NULL) {
		return -ENOMEM;
	}
	wr_be16(&w, ARP_HTYPE_ETH);
	wr_be16(&w, ETH_TYPE_IPV4);
	wr_u8(&w, ETH_ALEN);
	wr_u8(&w, 4);
	wr_be16(&w, op);
	wr_bytes(&w, nif->hwaddr, ETH_ALEN);
	wr_be32(&w, spa);
	wr_bytes(&w, tha, ETH_ALEN);
	wr_be32(&w, tpa);
	memcpy(p->payload, pkt, ARP_LEN);
	st->stats.arp_tx++;
	return eth_output(nif, p, eth_dst, ETH_TYPE_ARP);
}

static void entry_free(struct net_stack *st, struct arp_entry *e)
{
	while (e->q != NULL) {
		struct pbuf *q = e->q;
		e->q = q->qnext;
		q->qnext = NULL;
		st->stats.arp_drop++;
		pbuf_free(q);
	}
	memset(e, 0, sizeof(*e));
}

static struct arp_entry *entry_find(struct net_stack *st, const struct netif *nif, uint32_t ip)
{
	for (int i = 0; i < CONFIG_NET_ARP_ENTRIES; i++) {
		struct arp_entry *e = &st->arp.tab[i];
		if (e->state != ARP_FREE && e->ip == ip && e->nif == nif) {
			return e;
		}
	}
	return NULL;
}

/* A free entry, else the oldest stable one, else the oldest pending one. */
static struct arp_entry *entry_new(struct net_stack *st)
{
	struct arp_entry *old_stable = NULL, *old_pending = NULL;

	for (int i = 0; i < CONFIG_NET_ARP_ENTRIES; i++) {
		struct arp_entry *e = &st->arp.tab[i];
		if (e->state == ARP_FREE) {
			return e;
		}
		if (e->state == ARP_STABLE &&
		    (old_stable == NULL || net_tdiff(e->stamp_ms, old_stable->stamp_ms) < 0)) {
			old_stable = e;
		}
		if (e->state == ARP_PENDING &&
		    (old_pending == NULL || net_tdiff(e->stamp_ms, old_pending->stamp_ms) < 0)) {
			old_pending = e;
		}
	}
	if (old_stable == NULL) {
		old_stable = old_pending;
	}
	if (old_stable != NULL) {
		entry_free(st, old_stable);
	}
	return old_stable;
}

static void entry_resolved(struct net_stack *st, struct arp_entry *e, const uint8_t *mac)
{
	memcpy(e->mac, mac, ETH_ALEN);
	if (e->state != ARP_STATIC) {
		e->state = ARP_STABLE;
	}
	e->stamp_ms = st->now_ms;
	while (e->q != NULL) {
		struct pbuf *q = e->q;
		e->q = q->qnext;
		q->qnext = NULL;
		(void)eth_output(e->nif, q, e->mac, ETH_TYPE_IPV4);
	}
	e->qlen = 0;
}

static void probe_check(struct net_stack *st, struct netif *nif, uint16_t op, const uint8_t *sha,
			uint32_t spa, uint32_t tpa)
{
	if (st->arp.probe_ip == 0 || st->arp.probe_nif != nif ||
	    memcmp(sha, nif->hwaddr, ETH_ALEN) == 0) {
		return;
	}
	/* RFC 5227 §2.1.1: a packet from the address, or another prober for it */
	if (spa == st->arp.probe_ip ||
	    (op == ARP_OP_REQUEST && spa == 0 && tpa == st->arp.probe_ip)) {
		st->arp.conflict = true;
	}
}

void arp_input(struct net_stack *st, struct netif *nif, struct pbuf *p)
{
	struct rd_cursor c = rd_init(p->payload, p->len);
	uint16_t htype = rd_be16(&c), ptype = rd_be16(&c);
	uint8_t hlen = rd_u8(&c), plen = rd_u8(&c);
	uint16_t op = rd_be16(&c);
	const uint8_t *sha = rd_bytes(&c, ETH_ALEN);
	uint32_t spa = rd_be32(&c);
	(void)rd_skip(&c, ETH_ALEN);
	uint32_t tpa = rd_be32(&c);
	struct arp_entry *e;
	bool for_us;

	st->stats.arp_rx++;
	if (!rd_ok(&c) || htype != ARP_HTYPE_ETH || ptype != ETH_TYPE_IPV4 || hlen != ETH_ALEN ||
	    plen != 4 || (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) ||
	    (nif->flags & NETIF_F_LOOPBACK)) {
		st->stats.arp_drop++;
		goto out;
	}
	if ((sha[0] & 1u) || memcmp(sha, nif->hwaddr, ETH_ALEN) == 0) {
		goto out; /* multicast sender MAC, or our own frame looped back */
	}
	probe_check(st, nif, op, sha, spa, tpa);
	for_us = nif->ip != 0 && tpa == nif->ip;
	if (spa != 0 && !ip_is_bcast(nif, spa)) {
		e = entry_find(st, nif, spa);
		if (e == NULL && for_us) {
			e = entry_new(st);
			if (e != NULL) {
				e->ip = spa;
				e->nif = nif;
				e->state = ARP_STABLE;
			}
		}
		if (e != NULL) {
			entry_resolved(st, e, sha);
		}
	}
	if (op == ARP_OP_REQUEST && for_us) {
		(void)arp_send(nif, ARP_OP_REPLY, sha, sha, nif->ip, spa);
	}
out:
	pbuf_free(p);
}

static void ipv4_mcast_mac(uint32_t ip, uint8_t *mac)
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (uint8_t)((ip >> 16) & 0x7fu);
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

static void entry_enqueue(struct net_stack *st, struct arp_entry *e, struct pbuf *p)
{
	struct pbuf **pp = &e->q;

	if (e->qlen >= CONFIG_NET_ARP_QUEUE) {
		struct pbuf *old = e->q;
		e->q = old->qnext;
		old->qnext = NULL;
		e->qlen--;
		st->stats.arp_drop++;
		pbuf_free(old);
	}
	while (*pp != NULL) {
		pp = &(*pp)->qnext;
	}
	p->qnext = NULL;
	*pp = p;
	e->qlen++;
}

int arp_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop)
{
	struct arp_entry *e;
	uint8_t mac[ETH_ALEN];

	if (ip_is_bcast(nif, nexthop)) {
		return eth_output(nif, p, mac_bcast, ETH_TYPE_IPV4);
	}
	if ((nexthop >> 28) == 0xeu) {
		ipv4_mcast_mac(nexthop, mac);
		return eth_output(nif, p, mac, ETH_TYPE_IPV4);
	}
	e = entry_find(st, nif, nexthop);
	if (e != NULL && (e->state == ARP_STABLE || e->state == ARP_STATIC)) {
		return eth_output(nif, p, e->mac, ETH_TYPE_IPV4);
	}
	if (!netif_is_ready(nif)) {
		nif->cnt.tx_drops++;
		pbuf_free(p);
		return -ENETDOWN;
	}
	if (e == NULL) {
		e = entry_new(st);
		if (e == NULL) {
			pbuf_free(p);
			return -ENOMEM;
		}
		e->ip = nexthop;
		e->nif = nif;
		e->state = ARP_PENDING;
		e->tries = 1;
		e->stamp_ms = st->now_ms;
		(void)arp_send(nif, ARP_OP_REQUEST, mac_bcast, mac_zero, nif->ip, nexthop);
	}
	entry_enqueue(st, e, p);
	return 0;
}

void arp_timer(struct net_stack *st)
{
	for (int i = 0; i < CONFIG_NET_ARP_ENTRIES; i++) {
		struct arp_entry *e = &st->arp.tab[i];
		int32_t age = net_tdiff(st->now_ms, e->stamp_ms);

		if (e->state == ARP_STABLE && age >= (int32_t)CONFIG_NET_ARP_MAX_AGE_MS) {
			entry_free(st, e);
		} else if (e->state == ARP_PENDING && age >= (int32_t)CONFIG_NET_ARP_RETRY_MS) {
			if (e->tries >= CONFIG_NET_ARP_TRIES) {
				entry_free(st, e);
				continue;
			}
			e->tries++;
			e->stamp_ms = st->now_ms;
			(void)arp_send(e->nif, ARP_OP_REQUEST, mac_bcast, mac_zero, e->nif->ip,
				       e->ip);
		}
	}
}

int arp_add_static(struct net_stack *st, struct netif *nif, uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e = entry_find(st, nif, ip);

	if (e == NULL) {
		e = entry_new(st);
	}
	if (e == NULL) {
		return -ENOSPC;
	}
	e->ip = ip;
	e->nif = nif;
	e->state = ARP_STATIC;
	entry_resolved(st, e, mac);
	return 0;
}

void arp_flush(struct net_stack *st, struct netif *nif)
{
	for (int i = 0; i < CONFIG_NET_ARP_ENTRIES; i++) {
		struct arp_entry *e = &st->arp.tab[i];
		if (e->state != ARP_FREE && (nif == NULL || e->nif == nif)) {
			entry_free(st, e);
		}
	}
}

int arp_announce(struct netif *nif)
{
	return arp_send(nif, ARP_OP_REQUEST, mac_bcast, mac_zero, nif->ip, nif->ip);
}

int arp_probe(struct net_stack *st, struct netif *nif, uint32_t ip)
{
	st->arp.probe_ip = ip;
	st->arp.probe_nif = nif;
	st->arp.conflict = false;
	return arp_send(nif, ARP_OP_REQUEST, mac_bcast, mac_zero, 0, ip);
}

bool arp_probe_conflict(const struct net_stack *st)
{
	return st->arp.conflict;
}

void arp_probe_stop(struct net_stack *st)
{
	st->arp.probe_ip = 0;
	st->arp.probe_nif = NULL;
}

unsigned arp_table(const struct net_stack *st, struct arp_info *out, unsigned n)
{
	unsigned k = 0;

	for (int i = 0; i < CONFIG_NET_ARP_ENTRIES && k < n; i++) {
		const struct arp_entry *e = &st->arp.tab[i];
		if (e->state == ARP_FREE) {
			continue;
		}
		out[k].ip = e->ip;
		memcpy(out[k].mac, e->mac, ETH_ALEN);
		out[k].state = e->state;
		out[k].netif = e->nif->index;
		out[k].age_ms = (uint32_t)net_tdiff(st->now_ms, e->stamp_ms);
		out[k].queued = e->qlen;
		k++;
	}
	return k;
}
