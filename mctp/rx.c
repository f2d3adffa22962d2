/*
 * MCTP endpoint core, receive side: packet checks and reassembly
 * (DSP0236 1.3 §8.7-8.9).
 *
 * Received packet (DSP0236 §8.1):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    header version (low nibble must be 1)
 *   1      1    destination EID: ours, 0x00 (physical) or 0xFF (broadcast)
 *   2      1    source EID: never 0xFF
 *   3      1    SOM EOM seq(2) TO tag(3)
 *   4      n>=1 payload; on SOM the first byte is IC|type
 *
 * A message is identified by (source EID, tag, TO). A single-packet
 * message (SOM and EOM) is dispatched straight from the caller's buffer
 * without copying. A SOM without EOM opens a context (or restarts one with
 * the same key, counting the discarded message); further packets must
 * carry the next sequence number and, unless they end the message, the same
 * payload size as the first. Any violation discards the context. Contexts
 * older than CONFIG_MCTP_REASM_TIMEOUT_MS are discarded by mctp_poll() and
 * before a new context is opened.
 */
#include <string.h>

#include <kestrel/errno.h>

#include "core_internal.h"

static struct mctp_reasm_ctx *reasm_find(struct mctp_endpoint *ep, uint8_t src, uint8_t tag,
					 bool to)
{
	for (int i = 0; i < CONFIG_MCTP_REASM_CONTEXTS; i++) {
		struct mctp_reasm_ctx *c = &ep->reasm[i];

		if (c->active && c->src == src && c->tag == tag && c->to == to) {
			return c;
		}
	}
	return NULL;
}

static void reasm_expire(struct mctp_endpoint *ep, uint32_t now_ms)
{
	for (int i = 0; i < CONFIG_MCTP_REASM_CONTEXTS; i++) {
		struct mctp_reasm_ctx *c = &ep->reasm[i];

		if (c->active &&
		    mctp_time_after_eq(now_ms, c->start_ms + CONFIG_MCTP_REASM_TIMEOUT_MS)) {
			c->active = false;
			ep->stats.drop_timeout++;
		}
	}
}

static struct mctp_reasm_ctx *reasm_open(struct mctp_endpoint *ep, uint32_t now_ms)
{
	reasm_expire(ep, now_ms);
	for (int i = 0; i < CONFIG_MCTP_REASM_CONTEXTS; i++) {
		if (!ep->reasm[i].active) {
			return &ep->reasm[i];
		}
	}
	return NULL;
}

/* SOM without EOM: start a new multi-packet message. */
static int rx_start(struct mctp_endpoint *ep, struct mctp_msg *m, struct mctp_reasm_ctx *c,
		    uint8_t seq, uint32_t now_ms)
{
	if (c != NULL) {
		ep->stats.drop_restart++;
	} else {
		c = reasm_open(ep, now_ms);
		if (c == NULL) {
			ep->stats.drop_no_ctx++;
			return -ENOMEM;
		}
	}
	if (m->len > CONFIG_MCTP_MAX_MSG) {
		c->active = false;
		ep->stats.drop_oversize++;
		return -EMSGSIZE;
	}
	c->active = true;
	c->src = m->src;
	c->dest = m->dest;
	c->tag = m->tag;
	c->to = m->to;
	c->link = m->link;
	c->next_seq = (uint8_t)((seq + 1) & MCTP_HDR_SEQ_MASK);
	c->frag_len = (uint16_t)m->len;
	c->start_ms = now_ms;
	c->len = m->len;
	memcpy(c->buf, m->data, m->len);
	return 0;
}

/* Middle or end packet for an open context. */
static int rx_continue(struct mctp_endpoint *ep, struct mctp_msg *m, struct mctp_reasm_ctx *c,
		       uint8_t seq, bool eom, uint32_t now_ms)
{
	if (c == NULL) {
		ep->stats.drop_no_som++;
		return -EPROTO;
	}
	if (mctp_time_after_eq(now_ms, c->start_ms + CONFIG_MCTP_REASM_TIMEOUT_MS)) {
		c->active = false;
		ep->stats.drop_timeout++;
		return -EAGAIN;
	}
	if (seq != c->next_seq) {
		c->active = false;
		ep->stats.drop_seq++;
		return -EPROTO;
	}
	if ((!eom && m->len != c->frag_len) || m->len > c->frag_len) {
		c->active = false;
		ep->stats.drop_frag_len++;
		return -EPROTO;
	}
	if (m->len > CONFIG_MCTP_MAX_MSG - c->len) {
		c->active = false;
		ep->stats.drop_oversize++;
		return -EMSGSIZE;
	}
	memcpy(c->buf + c->len, m->data, m->len);
	c->len += m->len;
	c->next_seq = (uint8_t)((seq + 1) & MCTP_HDR_SEQ_MASK);
	if (!eom) {
		return 0;
	}
	c->active = false;
	m->data = c->buf;
	m->len = c->len;
	m->link = c->link;
	m->dest = c->dest;
	return mctp_deliver(ep, m);
}

static bool rx_addressed_to_us(const struct mctp_endpoint *ep, uint8_t dest)
{
	return dest == ep->eid || dest == MCTP_EID_NULL || dest == MCTP_EID_BROADCAST;
}

int mctp_rx_packet(struct mctp_endpoint *ep, uint8_t link, const uint8_t *pkt, size_t len,
		   uint32_t now_ms)
{
	struct mctp_reasm_ctx *c;
	struct mctp_msg m;
	uint8_t flags, seq;

	ep->stats.rx_pkts++;
	if (len <= MCTP_HDR_SIZE) {
		ep->stats.drop_short++;
		return -EBADMSG;
	}
	if ((pkt[0] & MCTP_HDR_VER_MASK) != MCTP_HDR_VERSION) {
		ep->stats.drop_version++;
		return -EBADMSG;
	}
	if (pkt[2] == MCTP_EID_BROADCAST) {
		ep->stats.drop_bcast_src++;
		return -EPROTO;
	}
	if (!rx_addressed_to_us(ep, pkt[1])) {
		ep->stats.drop_not_for_us++;
		return -EADDRNOTAVAIL;
	}
	flags = pkt[3];
	seq = (flags >> MCTP_HDR_SEQ_SHIFT) & MCTP_HDR_SEQ_MASK;
	m.dest = pkt[1];
	m.src = pkt[2];
	m.tag = flags & MCTP_HDR_TAG_MASK;
	m.to = (flags & MCTP_HDR_FLAG_TO) != 0;
	m.link = link;
	m.data = pkt + MCTP_HDR_SIZE;
	m.len = len - MCTP_HDR_SIZE;

	c = reasm_find(ep, m.src, m.tag, m.to);
	if (flags & MCTP_HDR_FLAG_SOM) {
		if (flags & MCTP_HDR_FLAG_EOM) {
			if (c != NULL) {
				c->active = false;
				ep->stats.drop_restart++;
			}
			return mctp_deliver(ep, &m);
		}
		return rx_start(ep, &m, c, seq, now_ms);
	}
	return rx_continue(ep, &m, c, seq, (flags & MCTP_HDR_FLAG_EOM) != 0, now_ms);
}

void mctp_poll(struct mctp_endpoint *ep, uint32_t now_ms)
{
	reasm_expire(ep, now_ms);
	mctp_expire_reqs(ep, now_ms);
}
