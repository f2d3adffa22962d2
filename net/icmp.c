/*
 * ICMP for IPv4 (RFC 792, RFC 1122 §3.2.2).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   type (0 echo reply, 3 destination unreachable, 8 echo request)
 *   1     1   code
 *   2     2   checksum over the whole ICMP message
 *   4     2   echo: identifier       | unreachable: unused (0)
 *   6     2   echo: sequence number  | unreachable: unused (0)
 *   8     ... echo: data echoed back | unreachable: the offending IP header
 *                                      and the first 8 bytes of its data
 *
 * Echo requests are answered in place: the type byte changes and the
 * checksum is patched incrementally (RFC 1624), so a reply costs no copy.
 * Requests to broadcast addresses get no answer (RFC 1122 §3.2.2.6 allows
 * this and it removes a smurf amplifier).
 *
 * Errors are never sent about ICMP errors, broadcasts or multicasts, or
 * datagrams from invalid sources (RFC 1122 §3.2.2), and at most
 * CONFIG_NET_ICMP_RATE per second (token bucket refilled by net_timer()).
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>
#include <kestrel/wire/icmp.h>
#include <kestrel/wire/ipv4.h>

#include "net_internal.h"

static void echo_reply_in(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	const uint8_t *h = (const uint8_t *)p->payload;
	uint16_t id = get_be16(h + 4), seq = get_be16(h + 6);

	for (int i = 0; i < CONFIG_NET_PING_SLOTS; i++) {
		struct ping_slot *s = &st->icmp.ping[i];
		struct ping_result r;
		if (!s->used || s->dst != ip->src || s->id != id || s->seq != seq) {
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.from = ip->src;
		r.id = id;
		r.seq = seq;
		r.rtt_ms = (uint32_t)net_tdiff(st->now_ms, s->sent_ms);
		r.len = (uint16_t)(p->tot_len - ICMP_HLEN);
		r.ttl = ip->ttl;
		s->used = false;
		if (s->cb != NULL) {
			s->cb(s->ctx, &r);
		}
		break;
	}
	pbuf_free(p);
}

void icmp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	uint8_t *h = (uint8_t *)pbuf_contig(p, ICMP_HLEN);
	struct inet_csum c;
	uint16_t sum;

	st->stats.icmp_rx++;
	inet_csum_init(&c);
	pbuf_csum_add(&c, p);
	if (h == NULL || inet_csum_final(&c) != 0) {
		goto drop;
	}
	if (h[0] == ICMP_ECHO_REPLY) {
		echo_reply_in(st, p, ip);
		return;
	}
	if (h[0] != ICMP_ECHO_REQUEST || ip->bcast || p->ref != 1) {
		goto drop;
	}
	sum = get_be16(h + 2);
	h[0] = ICMP_ECHO_REPLY;
	put_be16(h + 2, inet_csum_adjust(sum, (uint16_t)(ICMP_ECHO_REQUEST << 8),
					 (uint16_t)(ICMP_ECHO_REPLY << 8)));
	st->stats.icmp_tx++;
	(void)ip_output(st, p, ip->dst, ip->src, IP_PROTO_ICMP, 0, ip->tos);
	return;
drop:
	pbuf_free(p);
}

static bool is_icmp_error(const struct pbuf *p)
{
	const uint8_t *h = (const uint8_t *)pbuf_contig(p, 1);

	/* only echo request/reply are queries we may complain about */
	return h == NULL || (h[0] != ICMP_ECHO_REQUEST && h[0] != ICMP_ECHO_REPLY);
}

/* An ICMP error of type/code quoting p's IP header and first 8 data bytes (RFC 792). */
int icmp_error(struct net_stack *st, const struct pbuf *p, const struct ip_info *ip, uint8_t type,
	       uint8_t code)
{
	uint16_t quote = p->tot_len < ICMP_ERR_DATA ? p->tot_len : ICMP_ERR_DATA;
	uint16_t len = (uint16_t)(ICMP_HLEN + ip->hlen + quote);
	struct pbuf *q;
	uint8_t *h;

	if (ip->bcast || ip->src == 0 || ip_is_bcast(ip->inif, ip->src) ||
	    (ip->src >> 28) >= 0xeu || (ip->proto == IP_PROTO_ICMP && is_icmp_error(p))) {
		return -EPERM;
	}
	if (st->icmp.tokens == 0) {
		st->stats.icmp_ratelimited++;
		return -EPERM;
	}
	q = pbuf_alloc(&st->pool, PBUF_IP, len);
	if (q == NULL) {
		return -ENOMEM;
	}
	st->icmp.tokens--;
	h = (uint8_t *)q->payload;
	memset(h, 0, ICMP_HLEN);
	h[0] = type;
	h[1] = code;
	/* the IP header still sits in front of the transport payload */
	memcpy(h + ICMP_HLEN, p->payload - ip->hlen, ip->hlen);
	(void)pbuf_copy_out(p, 0, h + ICMP_HLEN + ip->hlen, quote);
	put_be16(h + 2, inet_csum(h, len));
	st->stats.icmp_tx++;
	return ip_output(st, q, ip->dst, ip->src, IP_PROTO_ICMP, 0, 0);
}

void icmp_timer(struct net_stack *st)
{
	if (net_tdiff(st->now_ms, st->icmp.refill_ms) >= 1000) {
		st->icmp.tokens = CONFIG_NET_ICMP_RATE;
		st->icmp.refill_ms = st->now_ms;
	}
	for (int i = 0; i < CONFIG_NET_PING_SLOTS; i++) {
		struct ping_slot *s = &st->icmp.ping[i];
		struct ping_result r;
		if (!s->used || net_tdiff(st->now_ms, s->sent_ms) < (int32_t)s->timeout_ms) {
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.status = -EAGAIN;
		r.from = s->dst;
		r.id = s->id;
		r.seq = s->seq;
		s->used = false;
		if (s->cb != NULL) {
			s->cb(s->ctx, &r);
		}
	}
}

static int ping_fill(struct pbuf *p, uint16_t id, uint16_t seq, uint16_t len)
{
	uint8_t hdr[ICMP_HLEN] = {ICMP_ECHO_REQUEST, 0, 0, 0};
	uint8_t pat[64];
	struct inet_csum c;

	put_be16(hdr + 4, id);
	put_be16(hdr + 6, seq);
	(void)pbuf_copy_in(p, 0, hdr, ICMP_HLEN);
	for (unsigned i = 0; i < sizeof(pat); i++) {
		pat[i] = (uint8_t)i;
	}
	for (uint16_t off = 0; off < len; off += sizeof(pat)) {
		uint16_t rem = (uint16_t)(len - off);
		uint16_t n = rem < (uint16_t)sizeof(pat) ? rem : (uint16_t)sizeof(pat);
		(void)pbuf_copy_in(p, (uint16_t)(ICMP_HLEN + off), pat, n);
	}
	inet_csum_init(&c);
	pbuf_csum_add(&c, p);
	put_be16(hdr + 2, inet_csum_final(&c));
	return pbuf_copy_in(p, 2, hdr + 2, 2);
}

int icmp_ping(struct net_stack *st, uint32_t dst, uint16_t id, uint16_t seq, uint16_t len,
	      uint32_t timeout_ms, ping_cb cb, void *ctx)
{
	struct ping_slot *s = NULL;
	struct pbuf *p;
	int rc;

	if (len > CONFIG_NET_REASS_MAX_BYTES - ICMP_HLEN) {
		return -EMSGSIZE;
	}
	for (int i = 0; i < CONFIG_NET_PING_SLOTS && s == NULL; i++) {
		if (!st->icmp.ping[i].used) {
			s = &st->icmp.ping[i];
		}
	}
	if (s == NULL) {
		return -EBUSY;
	}
	p = pbuf_alloc(&st->pool, PBUF_IP, (uint16_t)(ICMP_HLEN + len));
	if (p == NULL) {
		return -ENOMEM;
	}
	(void)ping_fill(p, id, seq, len);
	*s = (struct ping_slot){true, dst, id, seq, len, st->now_ms, timeout_ms, cb, ctx};
	st->stats.icmp_tx++;
	rc = ip_output(st, p, IP_ANY, dst, IP_PROTO_ICMP, 0, 0);
	if (rc < 0) {
		s->used = false;
	}
	return rc;
}
