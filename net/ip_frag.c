/*
 * IPv4 fragmentation and reassembly (RFC 791 §2.3 and §3.2, RFC 815,
 * RFC 1122 §3.3.2).
 *
 * Fragment header fields used (see ip.c for the whole header):
 *
 * OFFSET SIZE DESCRIPTION
 *   4     2   identification: with source, destination and protocol it
 *             names the datagram a fragment belongs to
 *   6     2   bit 13 MF (more fragments) | offset of this fragment's data
 *             in 8-byte units
 *
 * Reassembly design. A datagram being reassembled holds its fragments as
 * pbufs (headers already stripped) in a list sorted by offset; pbuf.tag is
 * the fragment's offset and tot_len its length. Nothing is copied until
 * the datagram is complete, when the blocks are chained and handed to the
 * transport. Hostile input is bounded four ways: at most
 * CONFIG_NET_REASS_MAX datagrams at once (the oldest is evicted for a new
 * one), at most CONFIG_NET_REASS_MAX_PBUFS blocks held across all of them
 * (so fragments can never drain the pool), no datagram beyond
 * CONFIG_NET_REASS_MAX_BYTES, and CONFIG_NET_REASS_TIMEOUT_MS after the
 * first fragment the datagram is dropped.
 *
 * Overlaps are resolved in favour of the data already held: a fragment
 * entirely inside held data is a duplicate and is dropped; one that starts
 * inside the previous fragment loses its front; fragments it covers
 * completely are replaced by it; one that ends inside the next fragment
 * loses its tail. The result never has two copies of a byte, so the
 * contiguity check is a single walk. Inconsistent final lengths (two
 * different last fragments, data beyond the end) drop the datagram.
 *
 * Fragmentation on output copies the payload into new blocks of at most
 * the MTU (8-byte aligned data), each with its own copy of the header.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>
#include <kestrel/wire/ipv4.h>

#include "net_internal.h"

static void reass_free(struct net_stack *st, struct ip_reass *r)
{
	while (r->frags != NULL) {
		struct pbuf *q = r->frags;
		r->frags = q->qnext;
		q->qnext = NULL;
		pbuf_free(q);
	}
	st->reass_pbufs = (uint8_t)(st->reass_pbufs - r->nfrag);
	memset(r, 0, sizeof(*r));
}

static void reass_drop(struct net_stack *st, struct ip_reass *r)
{
	st->stats.reass_drop++;
	reass_free(st, r);
}

static struct ip_reass *reass_oldest(struct net_stack *st, const struct ip_reass *except)
{
	struct ip_reass *old = NULL;

	for (int i = 0; i < CONFIG_NET_REASS_MAX; i++) {
		struct ip_reass *r = &st->reass[i];
		if (r->used && r != except &&
		    (old == NULL || net_tdiff(r->start_ms, old->start_ms) < 0)) {
			old = r;
		}
	}
	return old;
}

static struct ip_reass *reass_find(struct net_stack *st, const struct ip_info *ip, uint16_t id)
{
	struct ip_reass *r;

	for (int i = 0; i < CONFIG_NET_REASS_MAX; i++) {
		r = &st->reass[i];
		if (r->used && r->id == id && r->src == ip->src && r->dst == ip->dst &&
		    r->proto == ip->proto) {
			return r;
		}
	}
	for (int i = 0; i < CONFIG_NET_REASS_MAX; i++) {
		if (!st->reass[i].used) {
			r = &st->reass[i];
			goto init;
		}
	}
	r = reass_oldest(st, NULL);
	reass_drop(st, r);
init:
	r->used = true;
	r->id = id;
	r->src = ip->src;
	r->dst = ip->dst;
	r->proto = ip->proto;
	r->inif = ip->inif;
	r->start_ms = st->now_ms;
	return r;
}

/* Makes room for one more held block; false if r itself must go. */
static bool reass_budget(struct net_stack *st, struct ip_reass *r)
{
	while (st->reass_pbufs >= CONFIG_NET_REASS_MAX_PBUFS) {
		struct ip_reass *old = reass_oldest(st, r);
		if (old == NULL) {
			return false;
		}
		reass_drop(st, old);
	}
	return true;
}

static void unlink_frag(struct net_stack *st, struct ip_reass *r, struct pbuf **link)
{
	struct pbuf *q = *link;

	*link = q->qnext;
	q->qnext = NULL;
	r->held = (uint16_t)(r->held - q->tot_len);
	r->nfrag--;
	st->reass_pbufs--;
	pbuf_free(q);
}

/*
 * Inserts fragment p ([off, off + len)) into r's sorted list, resolving
 * overlaps. Takes ownership of p.
 */
static void reass_insert(struct net_stack *st, struct ip_reass *r, struct pbuf *p, uint32_t off)
{
	struct pbuf **link = &r->frags, *prev = NULL;
	uint32_t end = off + p->tot_len;

	while (*link != NULL && (*link)->tag <= off) {
		prev = *link;
		link = &prev->qnext;
	}
	if (prev != NULL) {
		uint32_t pend = prev->tag + prev->tot_len;
		if (pend >= end) {
			pbuf_free(p); /* duplicate */
			return;
		}
		if (pend > off) {
			(void)pbuf_pull(p, (uint16_t)(pend - off));
			off = pend;
		}
	}
	while (*link != NULL && (*link)->tag < end) {
		struct pbuf *q = *link;
		if (q->tag + q->tot_len <= end) {
			unlink_frag(st, r, link); /* covered completely by p */
			continue;
		}
		if (q->tag == off) {
			pbuf_free(p); /* nothing of p is new */
			return;
		}
		pbuf_trim(p, (uint16_t)(q->tag - off));
		end = q->tag;
		break;
	}
	p->tag = off;
	p->qnext = *link;
	*link = p;
	r->held = (uint16_t)(r->held + p->tot_len);
	r->nfrag++;
	st->reass_pbufs++;
}

static bool reass_complete(const struct ip_reass *r)
{
	uint32_t expect = 0;

	if (r->total == 0) {
		return false;
	}
	for (const struct pbuf *q = r->frags; q != NULL; q = q->qnext) {
		if (q->tag != expect) {
			return false;
		}
		expect += q->tot_len;
	}
	return expect == r->total;
}

/* Chains the fragments into one packet and releases the slot. */
static struct pbuf *reass_finish(struct net_stack *st, struct ip_reass *r, struct ip_info *ip)
{
	struct pbuf *head = r->frags, *q = head->qnext;

	head->qnext = NULL;
	while (q != NULL) {
		struct pbuf *n = q->qnext;
		q->qnext = NULL;
		(void)pbuf_cat(head, q);
		q = n;
	}
	r->frags = NULL;
	ip->hlen = r->hlen;
	ip->ttl = r->ttl;
	ip->tos = r->tos;
	st->stats.reass_ok++;
	reass_free(st, r);
	return head;
}

struct pbuf *ip_reass_input(struct net_stack *st, struct pbuf *p, struct ip_info *ip, uint16_t off,
			    bool mf)
{
	uint16_t id = get_be16(p->payload - ip->hlen + IPV4_OFF_ID);
	uint32_t len = p->tot_len, end = (uint32_t)off + len;
	struct ip_reass *r;

	if (p->next != NULL || len == 0 || (mf && (len & 7u) != 0) ||
	    end > CONFIG_NET_REASS_MAX_BYTES) {
		st->stats.reass_drop++;
		goto drop_frag;
	}
	r = reass_find(st, ip, id);
	if ((!mf && r->total != 0 && r->total != end) || (r->total != 0 && end > r->total)) {
		goto drop_dgram;
	}
	if (!mf) {
		for (const struct pbuf *q = r->frags; q != NULL; q = q->qnext) {
			if (q->tag + q->tot_len > end) {
				goto drop_dgram;
			}
		}
		r->total = (uint16_t)end;
	}
	if (off == 0) {
		r->hlen = ip->hlen;
		r->ttl = ip->ttl;
		r->tos = ip->tos;
	}
	if (!reass_budget(st, r)) {
		goto drop_dgram;
	}
	reass_insert(st, r, p, off);
	if (reass_complete(r)) {
		return reass_finish(st, r, ip);
	}
	return NULL;
drop_dgram:
	reass_drop(st, r);
drop_frag:
	pbuf_free(p);
	return NULL;
}

/*
 * RFC 792 / RFC 1122 §3.3.2: a datagram that timed out in reassembly is
 * reported to its source with time exceeded, code 1, if its first fragment
 * arrived (the error quotes that fragment's header and first 8 bytes).
 */
static void reass_time_exceeded(struct net_stack *st, const struct ip_reass *r)
{
	if (r->frags != NULL && r->frags->tag == 0 && r->inif != NULL) {
		struct ip_info ip = {r->src,  r->dst,	r->ttl,	 r->tos,
				     r->inif, r->proto, r->hlen, ip_is_bcast(r->inif, r->dst)};

		(void)icmp_time_exceeded(st, r->frags, &ip, ICMP_TIMX_REASS);
	}
}

void ip_reass_timer(struct net_stack *st)
{
	for (int i = 0; i < CONFIG_NET_REASS_MAX; i++) {
		struct ip_reass *r = &st->reass[i];
		if (r->used &&
		    net_tdiff(st->now_ms, r->start_ms) >= (int32_t)CONFIG_NET_REASS_TIMEOUT_MS) {
			st->stats.reass_timeout++;
			reass_time_exceeded(st, r);
			reass_free(st, r);
		}
	}
}

void ip_reass_flush(struct net_stack *st)
{
	for (int i = 0; i < CONFIG_NET_REASS_MAX; i++) {
		if (st->reass[i].used) {
			reass_free(st, &st->reass[i]);
		}
	}
}

int ip_frag_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop,
		   uint16_t mtu)
{
	uint8_t hdr[IPV4_HLEN_MIN];
	uint16_t data = (uint16_t)(p->tot_len - IPV4_HLEN_MIN);
	uint16_t chunk = (uint16_t)((mtu - IPV4_HLEN_MIN) & ~7u);
	int rc = 0;

	(void)pbuf_copy_out(p, 0, hdr, IPV4_HLEN_MIN);
	if (get_be16(hdr + IPV4_OFF_FRAG) & IPV4_F_DF) {
		pbuf_free(p);
		return -EMSGSIZE;
	}
	for (uint32_t off = 0; off < data && rc == 0; off += chunk) {
		uint16_t n = (uint16_t)(data - off < chunk ? data - off : chunk);
		struct pbuf *q = pbuf_alloc(&st->pool, PBUF_LINK, (uint16_t)(IPV4_HLEN_MIN + n));
		uint8_t *h;
		if (q == NULL) {
			rc = -ENOMEM;
			break;
		}
		h = (uint8_t *)q->payload;
		memcpy(h, hdr, IPV4_HLEN_MIN);
		(void)pbuf_copy_out(p, (uint16_t)(IPV4_HLEN_MIN + off), h + IPV4_HLEN_MIN, n);
		put_be16(h + IPV4_OFF_LEN, (uint16_t)(IPV4_HLEN_MIN + n));
		put_be16(h + IPV4_OFF_FRAG,
			 (uint16_t)((off / 8u) | (off + n < data ? IPV4_F_MF : 0u)));
		put_be16(h + IPV4_OFF_CSUM, 0);
		put_be16(h + IPV4_OFF_CSUM, inet_csum(h, IPV4_HLEN_MIN));
		st->stats.ip_frag_tx++;
		rc = ip_netif_output(st, nif, q, nexthop);
	}
	pbuf_free(p);
	return rc;
}
