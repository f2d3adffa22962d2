/*
 * IPv4 input, output and routing (RFC 791, RFC 1122 §3.2.1).
 *
 * Header (RFC 791 §3.1):
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   version 4 | IHL (header length in 32-bit words, 5..15)
 *   1     1   type of service
 *   2     2   total length (header + data)
 *   4     2   identification
 *   6     2   flags (DF 0x4000, MF 0x2000) | fragment offset (8-byte units)
 *   8     1   time to live
 *   9     1   protocol (1 ICMP, 6 TCP, 17 UDP)
 *  10     2   header checksum
 *  12     4   source address
 *  16     4   destination address
 *  20   0..40 options: skipped (IHL covers them; none is acted on)
 *
 * Input validates in this order, each failure counted and dropped:
 * version, IHL >= 5, header within the first block, total length within
 * [IHL*4, bytes received], header checksum; then trims link padding,
 * rejects broadcast/multicast sources, and accepts datagrams for any local
 * address (weak host model, RFC 1122 §3.3.4.2), broadcasts, and UDP on an
 * unconfigured interface (DHCP). This host does not forward.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>
#include <kestrel/wire/ipv4.h>

#include "net_internal.h"

bool ip_is_bcast(const struct netif *nif, uint32_t addr)
{
	if (addr == IP_BROADCAST) {
		return true;
	}
	if (nif == NULL || nif->ip == 0 || nif->mask == 0xffffffffu || nif->mask == 0) {
		return false;
	}
	return ((addr ^ nif->ip) & nif->mask) == 0 && (addr & ~nif->mask) == ~nif->mask;
}

bool ip_is_local(struct net_stack *st, uint32_t addr)
{
	if ((addr >> 24) == 127u) {
		return true;
	}
	for (int i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		const struct netif *nif = st->netif[i];
		if (nif != NULL && nif->ip != 0 && nif->ip == addr) {
			return true;
		}
	}
	return false;
}

static bool accept_dst(struct net_stack *st, struct netif *nif, uint32_t dst, uint8_t proto)
{
	if (ip_is_local(st, dst)) {
		/* 127/8 only arrives over loopback (RFC 1122 §3.2.1.3 (g)) */
		return (dst >> 24) != 127u || (nif->flags & NETIF_F_LOOPBACK);
	}
	if (ip_is_bcast(nif, dst)) {
		return true;
	}
	if (dst == 0xe0000001u) {
		return true; /* all-hosts group */
	}
	return nif->ip == 0 && proto == IP_PROTO_UDP;
}

void ip_input(struct net_stack *st, struct netif *nif, struct pbuf *p)
{
	const uint8_t *h = (const uint8_t *)pbuf_contig(p, IPV4_HLEN_MIN);
	struct ip_info ip;
	uint16_t hlen, tot, frag;

	st->stats.ip_rx++;
	if (h == NULL || (h[IPV4_OFF_VHL] >> 4) != 4) {
		goto bad;
	}
	hlen = (uint16_t)((h[IPV4_OFF_VHL] & 0x0fu) * 4u);
	tot = get_be16(h + IPV4_OFF_LEN);
	if (hlen < IPV4_HLEN_MIN || hlen > p->len || tot < hlen || tot > p->tot_len) {
		goto bad;
	}
	if (inet_csum(h, hlen) != 0) {
		st->stats.ip_csum_err++;
		goto bad;
	}
	pbuf_trim(p, tot);
	memset(&ip, 0, sizeof(ip));
	ip.src = get_be32(h + IPV4_OFF_SRC);
	ip.dst = get_be32(h + IPV4_OFF_DST);
	ip.ttl = h[IPV4_OFF_TTL];
	ip.tos = h[IPV4_OFF_TOS];
	ip.proto = h[IPV4_OFF_PROTO];
	ip.hlen = (uint8_t)hlen;
	ip.inif = nif;
	frag = get_be16(h + IPV4_OFF_FRAG);
	if (ip_is_bcast(nif, ip.src) || (ip.src >> 28) == 0xeu ||
	    !accept_dst(st, nif, ip.dst, ip.proto)) {
		goto bad;
	}
	ip.bcast = ip_is_bcast(nif, ip.dst) || (ip.dst >> 28) == 0xeu ||
		   (p->flags & (PBUF_F_BCAST | PBUF_F_MCAST)) != 0;
	(void)pbuf_pull(p, hlen);
	if (frag & (IPV4_F_MF | IPV4_FRAG_MASK)) {
		p = ip_reass_input(st, p, &ip, (uint16_t)((frag & IPV4_FRAG_MASK) * 8u),
				   (frag & IPV4_F_MF) != 0);
		if (p == NULL) {
			return;
		}
	}
	ip_deliver(st, p, &ip);
	return;
bad:
	st->stats.ip_drop++;
	nif->cnt.rx_errors++;
	pbuf_free(p);
}

void ip_deliver(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	switch (ip->proto) {
	case IP_PROTO_ICMP:
		icmp_input(st, p, ip);
		break;
	case IP_PROTO_UDP:
		udp_input(st, p, ip);
		break;
	case IP_PROTO_TCP:
		tcp_input(st, p, ip);
		break;
	default:
		(void)icmp_dest_unreach(st, p, ip, 2 /* protocol unreachable */);
		st->stats.ip_drop++;
		pbuf_free(p);
		break;
	}
}

/* Route lookup: loopback for local addresses, then on-link, then default. */
static struct netif *route(struct net_stack *st, uint32_t dst)
{
	struct netif *first = NULL;

	if (ip_is_local(st, dst)) {
		return &st->loop;
	}
	for (int i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		struct netif *nif = st->netif[i];
		if (nif == NULL || (nif->flags & NETIF_F_LOOPBACK) || !netif_is_ready(nif)) {
			continue;
		}
		if (first == NULL) {
			first = nif;
		}
		if (nif->ip != 0 && ((dst ^ nif->ip) & nif->mask) == 0) {
			return nif;
		}
	}
	if (st->dflt != NULL && netif_is_ready(st->dflt) &&
	    (st->dflt->ip != 0 || dst == IP_BROADCAST)) {
		return st->dflt;
	}
	return dst == IP_BROADCAST ? first : NULL;
}

struct netif *ip_route(struct net_stack *st, uint32_t dst, uint32_t *src, uint16_t *mtu)
{
	struct netif *nif = route(st, dst);

	if (nif != NULL) {
		if (src != NULL) {
			*src = (nif->flags & NETIF_F_LOOPBACK) ? dst : nif->ip;
		}
		if (mtu != NULL) {
			*mtu = nif->mtu;
		}
	}
	return nif;
}

static int write_header(struct net_stack *st, struct pbuf **pp, uint32_t src, uint32_t dst,
			uint8_t proto, uint8_t ttl, uint8_t tos)
{
	struct pbuf *p = *pp;
	uint8_t *h;

	if ((uint32_t)p->tot_len + IPV4_HLEN_MIN > IPV4_MAX_LEN) {
		return -EMSGSIZE;
	}
	if (pbuf_push(p, IPV4_HLEN_MIN) < 0) {
		/* no headroom: put the header in a block of its own */
		struct pbuf *hp = pbuf_alloc(&st->pool, PBUF_LINK, IPV4_HLEN_MIN);
		if (hp == NULL) {
			return -ENOMEM;
		}
		(void)pbuf_cat(hp, p);
		*pp = p = hp;
	}
	h = (uint8_t *)p->payload;
	h[IPV4_OFF_VHL] = 0x45;
	h[IPV4_OFF_TOS] = tos;
	put_be16(h + IPV4_OFF_LEN, p->tot_len);
	put_be16(h + IPV4_OFF_ID, st->ip_id++);
	put_be16(h + IPV4_OFF_FRAG, 0);
	h[IPV4_OFF_TTL] = ttl ? ttl : CONFIG_NET_IP_TTL;
	h[IPV4_OFF_PROTO] = proto;
	put_be16(h + IPV4_OFF_CSUM, 0);
	put_be32(h + IPV4_OFF_SRC, src);
	put_be32(h + IPV4_OFF_DST, dst);
	put_be16(h + IPV4_OFF_CSUM, inet_csum(h, IPV4_HLEN_MIN));
	return 0;
}

int ip_output_if(struct net_stack *st, struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto,
		 uint8_t ttl, uint8_t tos, struct netif *nif)
{
	uint32_t nexthop = dst;
	int rc;

	if (!netif_is_ready(nif)) {
		nif->cnt.tx_drops++;
		pbuf_free(p);
		return -ENETDOWN;
	}
	if (src == IP_ANY) {
		src = (nif->flags & NETIF_F_LOOPBACK) ? dst : nif->ip;
	}
	rc = write_header(st, &p, src, dst, proto, ttl, tos);
	if (rc < 0) {
		nif->cnt.tx_drops++;
		pbuf_free(p);
		return rc;
	}
	st->stats.ip_tx++;
	if (!(nif->flags & NETIF_F_LOOPBACK) && !ip_is_bcast(nif, dst) &&
	    ((dst ^ nif->ip) & nif->mask) != 0 && nif->gw != 0) {
		nexthop = nif->gw;
	}
	/* a TSO segment (gso_size) is cut by the link, not fragmented */
	if (p->tot_len > nif->mtu && !(CONFIG_TCP_OFFLOAD && p->gso_size != 0) &&
	    !(nif->flags & NETIF_F_LOOPBACK)) {
		return ip_frag_output(st, nif, p, nexthop, nif->mtu);
	}
	return ip_netif_output(st, nif, p, nexthop);
}

int ip_output(struct net_stack *st, struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto,
	      uint8_t ttl, uint8_t tos)
{
	struct netif *nif = route(st, dst);

	if (nif == NULL) {
		st->stats.ip_drop++;
		pbuf_free(p);
		return -EHOSTUNREACH;
	}
	return ip_output_if(st, p, src, dst, proto, ttl, tos, nif);
}

uint16_t ip_chksum_pseudo(const struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto)
{
	struct inet_csum c;

	inet_csum_init(&c);
	inet_csum_pseudo(&c, src, dst, proto, p->tot_len);
	pbuf_csum_add(&c, p);
	return inet_csum_final(&c);
}
