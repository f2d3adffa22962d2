/*
 * MCTP endpoint core, transmit side (DSP0236 1.3 §8): endpoint setup,
 * links and routes, fragmentation, owned tags and request matching.
 *
 * Transport header, DSP0236 §8.1 Table 1:
 *   OFFSET SIZE DESCRIPTION
 *   0      1    [7:4] reserved, [3:0] header version = 0001b
 *   1      1    destination endpoint ID
 *   2      1    source endpoint ID
 *   3      1    SOM(7) EOM(6) packet sequence(5:4) tag owner(3) message tag(2:0)
 *
 * Fragmentation (§8.7): a message of n bytes leaves as ceil(n / mtu)
 * packets; all but the last carry exactly mtu payload bytes. The packet
 * sequence number is kept per link and advances by one (mod 4) for every
 * packet sent on it, so consecutive messages continue the count.
 *
 * Tags (§8.10): a requester owns a tag (TO=1) towards a peer until the
 * response arrives or the request times out; it never has the same tag
 * outstanding twice to one peer. Slots are matched on (peer, tag).
 */
#include <string.h>

#include <kestrel/errno.h>

#include "core_internal.h"

void mctp_hdr_encode(uint8_t out[MCTP_HDR_SIZE], const struct mctp_hdr *h)
{
	out[0] = MCTP_HDR_VERSION;
	out[1] = h->dest;
	out[2] = h->src;
	out[3] = h->flags;
}

int mctp_hdr_decode(const uint8_t *pkt, size_t len, struct mctp_hdr *h)
{
	if (len < MCTP_HDR_SIZE || (pkt[0] & MCTP_HDR_VER_MASK) != MCTP_HDR_VERSION) {
		return -EBADMSG;
	}
	h->dest = pkt[1];
	h->src = pkt[2];
	h->flags = pkt[3];
	return 0;
}

void mctp_init(struct mctp_endpoint *ep, uint8_t eid, uint8_t static_eid)
{
	memset(ep, 0, sizeof(*ep));
	ep->eid = eid;
	ep->static_eid = static_eid;
}

void mctp_set_uuid(struct mctp_endpoint *ep, const uint8_t uuid[MCTP_UUID_SIZE])
{
	memcpy(ep->uuid, uuid, MCTP_UUID_SIZE);
	ep->has_uuid = true;
}

int mctp_add_link(struct mctp_endpoint *ep, uint16_t mtu, mctp_link_tx_fn tx, void *ctx)
{
	if (tx == NULL || mtu < MCTP_BTU || mtu > CONFIG_MCTP_MAX_MTU) {
		return -EINVAL;
	}
	for (int i = 0; i < CONFIG_MCTP_MAX_LINKS; i++) {
		struct mctp_link *l = &ep->links[i];

		if (!l->used) {
			l->used = true;
			l->tx = tx;
			l->ctx = ctx;
			l->mtu = mtu;
			l->seq = 0;
			return i;
		}
	}
	return -ENOMEM;
}

int mctp_add_route(struct mctp_endpoint *ep, uint8_t first, uint8_t last, uint8_t link)
{
	if (first > last || link >= CONFIG_MCTP_MAX_LINKS || !ep->links[link].used) {
		return -EINVAL;
	}
	for (int i = 0; i < CONFIG_MCTP_MAX_ROUTES; i++) {
		struct mctp_route *r = &ep->routes[i];

		if (!r->used) {
			r->used = true;
			r->first = first;
			r->last = last;
			r->link = link;
			return 0;
		}
	}
	return -ENOMEM;
}

int mctp_route_lookup(const struct mctp_endpoint *ep, uint8_t eid)
{
	for (int i = 0; i < CONFIG_MCTP_MAX_ROUTES; i++) {
		const struct mctp_route *r = &ep->routes[i];

		if (r->used && eid >= r->first && eid <= r->last) {
			return r->link;
		}
	}
	return -EHOSTUNREACH;
}

int mctp_register_handler(struct mctp_endpoint *ep, uint8_t type, uint32_t version, mctp_rx_fn fn,
			  void *arg)
{
	type &= MCTP_MSG_TYPE_MASK;
	if (mctp_find_handler(ep, type) != NULL) {
		return -EEXIST;
	}
	for (int i = 0; i < CONFIG_MCTP_MAX_HANDLERS; i++) {
		struct mctp_handler *h = &ep->handlers[i];

		if (h->fn == NULL) {
			h->type = type;
			h->version = version;
			h->fn = fn;
			h->arg = arg;
			return 0;
		}
	}
	return -ENOMEM;
}

const struct mctp_handler *mctp_find_handler(const struct mctp_endpoint *ep, uint8_t type)
{
	type &= MCTP_MSG_TYPE_MASK;
	for (int i = 0; i < CONFIG_MCTP_MAX_HANDLERS; i++) {
		if (ep->handlers[i].fn != NULL && ep->handlers[i].type == type) {
			return &ep->handlers[i];
		}
	}
	return NULL;
}

int mctp_add_vdm(struct mctp_endpoint *ep, uint8_t format, uint32_t vendor_id, uint16_t cmd_set)
{
	if (ep->n_vdm >= CONFIG_MCTP_MAX_VDM) {
		return -ENOMEM;
	}
	ep->vdm[ep->n_vdm].format = format;
	ep->vdm[ep->n_vdm].vendor_id = vendor_id;
	ep->vdm[ep->n_vdm].cmd_set = cmd_set;
	ep->n_vdm++;
	return 0;
}

int mctp_send_link(struct mctp_endpoint *ep, uint8_t link, uint8_t dest, uint8_t tag_flags,
		   const uint8_t *msg, size_t len)
{
	uint8_t pkt[MCTP_HDR_SIZE + CONFIG_MCTP_MAX_MTU];
	struct mctp_link *l;
	struct mctp_hdr h;
	size_t off = 0;

	if (link >= CONFIG_MCTP_MAX_LINKS || !ep->links[link].used) {
		ep->stats.tx_no_route++;
		return -EHOSTUNREACH;
	}
	if (len == 0 || len > CONFIG_MCTP_MAX_MSG) {
		return -EMSGSIZE;
	}
	l = &ep->links[link];
	h.dest = dest;
	h.src = ep->eid;
	tag_flags &= MCTP_HDR_FLAG_TO | MCTP_HDR_TAG_MASK;
	while (off < len) {
		size_t n = len - off;
		int rc;

		h.flags = tag_flags | (uint8_t)((l->seq & MCTP_HDR_SEQ_MASK) << MCTP_HDR_SEQ_SHIFT);
		if (off == 0) {
			h.flags |= MCTP_HDR_FLAG_SOM;
		}
		if (n <= l->mtu) {
			h.flags |= MCTP_HDR_FLAG_EOM;
		} else {
			n = l->mtu;
		}
		mctp_hdr_encode(pkt, &h);
		memcpy(pkt + MCTP_HDR_SIZE, msg + off, n);
		l->seq = (uint8_t)((l->seq + 1) & MCTP_HDR_SEQ_MASK);
		rc = l->tx(l->ctx, pkt, MCTP_HDR_SIZE + n);
		if (rc < 0) {
			ep->stats.tx_errors++;
			return -EIO;
		}
		ep->stats.tx_pkts++;
		off += n;
	}
	ep->stats.tx_msgs++;
	return 0;
}

int mctp_send(struct mctp_endpoint *ep, uint8_t dest, uint8_t tag_flags, const uint8_t *msg,
	      size_t len)
{
	int link = mctp_route_lookup(ep, dest);

	if (link < 0) {
		ep->stats.tx_no_route++;
		return link;
	}
	return mctp_send_link(ep, (uint8_t)link, dest, tag_flags, msg, len);
}

int mctp_reply(struct mctp_endpoint *ep, const struct mctp_msg *req, const uint8_t *msg, size_t len)
{
	return mctp_send_link(ep, req->link, req->src, req->tag, msg, len);
}

static struct mctp_req_slot *req_find(struct mctp_endpoint *ep, uint8_t peer, uint8_t tag)
{
	for (int i = 0; i < CONFIG_MCTP_MAX_REQS; i++) {
		struct mctp_req_slot *s = &ep->reqs[i];

		if (s->active && s->peer == peer && s->tag == tag) {
			return s;
		}
	}
	return NULL;
}

int mctp_tag_alloc(struct mctp_endpoint *ep, uint8_t peer, uint32_t now_ms, uint32_t timeout_ms,
		   mctp_resp_fn cb, void *arg)
{
	struct mctp_req_slot *slot = NULL;
	int i, tag = -1;

	mctp_expire_reqs(ep, now_ms);
	for (i = 0; i < CONFIG_MCTP_MAX_REQS; i++) {
		if (!ep->reqs[i].active) {
			slot = &ep->reqs[i];
			break;
		}
	}
	if (slot == NULL) {
		return -ENOMEM;
	}
	/* round-robin so a late response to a released tag is unlikely to match */
	for (i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)((ep->next_tag + i) & MCTP_HDR_TAG_MASK);

		if (req_find(ep, peer, t) == NULL) {
			tag = t;
			break;
		}
	}
	if (tag < 0) {
		return -EBUSY;
	}
	ep->next_tag = (uint8_t)((tag + 1) & MCTP_HDR_TAG_MASK);
	slot->active = true;
	slot->peer = peer;
	slot->tag = (uint8_t)tag;
	slot->expires = timeout_ms != 0;
	slot->deadline_ms = now_ms + timeout_ms;
	slot->cb = cb;
	slot->arg = arg;
	return tag;
}

void mctp_tag_release(struct mctp_endpoint *ep, uint8_t peer, uint8_t tag)
{
	struct mctp_req_slot *s = req_find(ep, peer, tag & MCTP_HDR_TAG_MASK);

	if (s != NULL) {
		s->active = false;
	}
}

int mctp_request(struct mctp_endpoint *ep, uint8_t dest, const uint8_t *msg, size_t len,
		 uint32_t now_ms, uint32_t timeout_ms, mctp_resp_fn cb, void *arg)
{
	int tag = mctp_tag_alloc(ep, dest, now_ms, timeout_ms, cb, arg);
	int rc;

	if (tag < 0) {
		return tag;
	}
	rc = mctp_send(ep, dest, (uint8_t)(tag | MCTP_HDR_FLAG_TO), msg, len);
	if (rc < 0) {
		mctp_tag_release(ep, dest, (uint8_t)tag);
		return rc;
	}
	return tag;
}

void mctp_expire_reqs(struct mctp_endpoint *ep, uint32_t now_ms)
{
	for (int i = 0; i < CONFIG_MCTP_MAX_REQS; i++) {
		struct mctp_req_slot *s = &ep->reqs[i];

		if (s->active && s->expires && mctp_time_after_eq(now_ms, s->deadline_ms)) {
			s->active = false;
			ep->stats.req_timeouts++;
			if (s->cb != NULL) {
				s->cb(ep, NULL, -EAGAIN, s->arg);
			}
		}
	}
}

int mctp_deliver(struct mctp_endpoint *ep, const struct mctp_msg *msg)
{
	const struct mctp_handler *h;

	if (!msg->to) {
		/* a response: only to a request we have outstanding */
		struct mctp_req_slot *s = req_find(ep, msg->src, msg->tag);

		if (s == NULL) {
			ep->stats.drop_unmatched++;
			return -ENOENT;
		}
		ep->stats.rx_msgs++;
		if (s->expires) {
			/* one response per request; held tags (no timeout) stay owned */
			s->active = false;
		}
		if (s->cb != NULL) {
			s->cb(ep, msg, 0, s->arg);
		}
		return 0;
	}
	h = mctp_find_handler(ep, msg->data[0]);
	if (h == NULL) {
		ep->stats.drop_no_handler++;
		return -ENOENT;
	}
	ep->stats.rx_msgs++;
	h->fn(ep, msg, h->arg);
	return 0;
}
