/*
 * MCTP device glue (see kestrel/mctp/task.h): links -> binding deframer ->
 * endpoint -> services, and back.
 *
 * Receive. Each pass pulls at most CONFIG_MCTP_GLUE_RX_BURST chunks per
 * link, so one busy link cannot starve the others or the bench sender.
 * Serial chunks go through the incremental DSP0253 deframer; a USB chunk is
 * one bulk transfer parsed by the DSP0283 deframer. Every packet that opens
 * a message from a unicast EID teaches the glue a route back to that EID on
 * the link it came from (neighbour learning): replies use the arrival link
 * anyway, but bench data is sent with mctp_send() and needs a route.
 *
 * Transmit. The endpoint hands packets to the link's tx callback; serial
 * frames are gathered in a 4 KiB buffer and USB packets are packed into
 * 512-byte IN transfers. Buffers are flushed when full and at the end of
 * every pass. A flush the driver refuses (nobody attached, peer not
 * reading) drops the data and is counted; a bench stream whose flushes keep
 * failing is abandoned so a vanished peer does not keep the device busy.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/mctp/control.h>
#include <kestrel/mctp/task.h>

struct glue_rx_ctx {
	struct mctp_glue *g;
	struct mctp_glue_link *l;
	uint32_t now_ms;
};

static void link_flush(struct mctp_glue_link *l)
{
	const uint8_t *buf = l->kind == MCTP_LINK_SERIAL ? l->stx : l->utx.buf;
	size_t len = l->kind == MCTP_LINK_SERIAL ? l->stx_len : l->utx.len;

	if (len == 0) {
		return;
	}
	if (l->ops->tx(l->ctx, buf, len) < 0) {
		l->tx_drops++;
		l->tx_failed = true;
	} else {
		l->tx_bytes += (uint32_t)len;
	}
	if (l->kind == MCTP_LINK_SERIAL) {
		l->stx_len = 0;
	} else {
		mctp_usb_tx_reset(&l->utx);
	}
}

static int glue_serial_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct mctp_glue_link *l = ctx;
	int n;

	if (l->stx_len + MCTP_SERIAL_FRAME_MAX(len) > sizeof(l->stx)) {
		link_flush(l);
	}
	n = mctp_serial_frame(pkt, len, l->stx + l->stx_len, sizeof(l->stx) - l->stx_len);
	if (n < 0) {
		return n;
	}
	l->stx_len += (size_t)n;
	return 0;
}

static int glue_usb_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct mctp_glue_link *l = ctx;
	int rc = mctp_usb_tx_add(&l->utx, pkt, len);

	if (rc == -EBUSY) {
		link_flush(l);
		rc = mctp_usb_tx_add(&l->utx, pkt, len);
	}
	return rc;
}

int mctp_glue_init(struct mctp_glue *g, const struct mctp_glue_config *cfg)
{
	int rc;

	memset(g, 0, sizeof(*g));
	mctp_init(&g->ep, cfg->static_eid, cfg->static_eid);
	if (cfg->has_uuid) {
		mctp_set_uuid(&g->ep, cfg->uuid);
	}
	rc = mctp_ctrl_register(&g->ep);
	if (rc == 0) {
		rc = mctp_vendor_register(&g->ep, &g->vendor);
	}
	if (rc < 0) {
		return rc;
	}
	nvme_model_init(&g->model, cfg->serial_number ? cfg->serial_number : "KESTREL0001");
	nvme_mi_init(&g->nvme, &g->model);
	return nvme_mi_register(&g->ep, &g->nvme);
}

int mctp_glue_add_link(struct mctp_glue *g, enum mctp_link_kind kind, uint16_t mtu,
		       const struct mctp_link_ops *ops, void *ctx, const char *name)
{
	struct mctp_glue_link *l;
	uint16_t max = kind == MCTP_LINK_USB ? MCTP_USB_MAX_PAYLOAD : CONFIG_MCTP_MAX_MTU;
	int idx;

	if ((kind != MCTP_LINK_SERIAL && kind != MCTP_LINK_USB) || ops == NULL || mtu < MCTP_BTU ||
	    mtu > max) {
		return -EINVAL;
	}
	if (g->n_links >= CONFIG_MCTP_MAX_LINKS) {
		return -ENOMEM;
	}
	l = &g->links[g->n_links];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->ops = ops;
	l->ctx = ctx;
	l->name = name;
	l->mtu = mtu;
	if (kind == MCTP_LINK_SERIAL) {
		(void)mctp_serial_rx_init(&l->srx, mtu);
		idx = mctp_add_link(&g->ep, mtu, glue_serial_tx, l);
	} else {
		(void)mctp_usb_tx_init(&l->utx, MCTP_USB_XFER_SIZE);
		idx = mctp_add_link(&g->ep, mtu, glue_usb_tx, l);
	}
	if (idx < 0) {
		return idx;
	}
	l->index = (uint8_t)idx;
	g->n_links++;
	return idx;
}

/* Points a one-EID route for `src` at `link`, replacing the oldest when full. */
static void glue_learn_route(struct mctp_glue *g, uint8_t link, uint8_t src)
{
	struct mctp_route *r;

	for (int i = 0; i < CONFIG_MCTP_MAX_ROUTES; i++) {
		r = &g->ep.routes[i];
		if (r->used && r->first == src && r->last == src) {
			r->link = link;
			return;
		}
	}
	g->routes_learned++;
	if (mctp_add_route(&g->ep, src, src, link) == 0) {
		return;
	}
	r = &g->ep.routes[g->next_route % CONFIG_MCTP_MAX_ROUTES];
	g->next_route = (uint8_t)((g->next_route + 1) % CONFIG_MCTP_MAX_ROUTES);
	r->used = true;
	r->first = src;
	r->last = src;
	r->link = link;
}

static void glue_on_packet(void *arg, const uint8_t *pkt, size_t len)
{
	struct glue_rx_ctx *c = arg;

	if (len > MCTP_HDR_SIZE && (pkt[0] & MCTP_HDR_VER_MASK) == MCTP_HDR_VERSION &&
	    (pkt[3] & MCTP_HDR_FLAG_SOM) && pkt[2] >= MCTP_EID_FIRST && pkt[2] <= MCTP_EID_LAST) {
		glue_learn_route(c->g, c->l->index, pkt[2]);
	}
	(void)mctp_rx_packet(&c->g->ep, c->l->index, pkt, len, c->now_ms);
}

/* Pulls and handles a bounded burst from one link. Returns 1 if it was cut short. */
static int glue_link_rx(struct mctp_glue *g, struct mctp_glue_link *l, uint32_t now_ms)
{
	struct glue_rx_ctx c = {g, l, now_ms};

	for (int i = 0; i < CONFIG_MCTP_GLUE_RX_BURST; i++) {
		int n = l->ops->rx(l->ctx, g->rxbuf, sizeof(g->rxbuf));

		if (n <= 0) {
			return 0;
		}
		l->rx_bytes += (uint32_t)n;
		if (l->kind == MCTP_LINK_SERIAL) {
			(void)mctp_serial_rx_feed(&l->srx, g->rxbuf, (size_t)n, glue_on_packet, &c);
		} else {
			(void)mctp_usb_rx_xfer(&l->ustats, g->rxbuf, (size_t)n, glue_on_packet, &c);
		}
	}
	return 1;
}

void mctp_glue_flush(struct mctp_glue *g)
{
	for (int i = 0; i < g->n_links; i++) {
		link_flush(&g->links[i]);
	}
}

/* Sends the next bench messages; gives up on a stream nobody drains. */
static int glue_bench(struct mctp_glue *g, bool tx_failed)
{
	struct mctp_bench_tx *tx = &g->vendor.tx;

	if (!tx->active) {
		g->bench_fails = 0;
		return 0;
	}
	if (tx_failed) {
		if (++g->bench_fails >= CONFIG_MCTP_GLUE_BENCH_FAILS) {
			mctp_bench_tx_stop(tx, &g->ep);
			g->bench_aborted++;
			g->bench_fails = 0;
			return 0;
		}
	} else {
		g->bench_fails = 0;
	}
	if (mctp_bench_tx_step(tx, &g->ep, g->scratch, sizeof(g->scratch),
			       CONFIG_MCTP_GLUE_BENCH_BUDGET) < 0) {
		mctp_bench_tx_stop(tx, &g->ep);
		g->bench_aborted++;
	}
	return tx->active ? 1 : 0;
}

int mctp_glue_service(struct mctp_glue *g, uint32_t now_ms)
{
	bool failed = false;
	int more = 0;

	g->vendor.now_ms = now_ms;
	for (int i = 0; i < g->n_links; i++) {
		more |= glue_link_rx(g, &g->links[i], now_ms);
	}
	mctp_poll(&g->ep, now_ms);
	mctp_glue_flush(g);
	/* failures since the last look, including the previous pass's final flush */
	for (int i = 0; i < g->n_links; i++) {
		failed |= g->links[i].tx_failed;
		g->links[i].tx_failed = false;
	}
	more |= glue_bench(g, failed);
	mctp_glue_flush(g);
	return more;
}

uint32_t mctp_glue_drops(const struct mctp_glue *g)
{
	const struct mctp_counters *s = &g->ep.stats;
	uint32_t n = s->drop_short + s->drop_version + s->drop_bcast_src + s->drop_not_for_us +
		     s->drop_no_som + s->drop_seq + s->drop_frag_len + s->drop_oversize +
		     s->drop_timeout + s->drop_no_ctx + s->drop_restart + s->drop_no_handler +
		     s->drop_unmatched;

	for (int i = 0; i < g->n_links; i++) {
		const struct mctp_glue_link *l = &g->links[i];
		const struct mctp_serial_stats *ss = &l->srx.stats;

		n += ss->bad_rev + ss->bad_fcs + ss->bad_escape + ss->esc_at_end + ss->overlong +
		     ss->count_short + ss->count_long;
		n += l->ustats.bad_id + l->ustats.bad_len + l->ustats.trunc + l->ustats.oversize;
	}
	n += g->nvme.stats.drop_short + g->nvme.stats.drop_ic + g->nvme.stats.drop_mic +
	     g->nvme.stats.drop_ror;
	return n;
}
