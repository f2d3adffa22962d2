/* In-memory wire between two TCP stacks on virtual time (see tcp_harness.h). */
#include "tcp_harness.h"

#include <stdio.h>

#include <kestrel/lib/inet_csum.h>

struct tcp_stack h_a, h_b;
struct h_wire h_w;

static uint8_t h_scratch[65536];

static uint32_t h_rand(void)
{
	uint32_t x = h_w.rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	h_w.rng = x;
	return x;
}

static bool h_chance(unsigned pct)
{
	return pct > 0 && h_rand() % 100u < pct;
}

static uint8_t *h_alloc(void *ctx, size_t len, void **handle)
{
	(void)ctx;
	if (len > sizeof(h_scratch)) {
		return NULL;
	}
	*handle = h_scratch;
	return h_scratch;
}

static void h_capture(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	struct tcp_seg s;
	struct h_cap *c;

	if (h_w.ncap >= H_CAP_MAX || tcp_hdr_parse(p, len, &s) < 0) {
		return;
	}
	c = &h_w.cap[h_w.ncap++];
	c->t = h_w.now;
	c->src = src;
	c->dst = dst;
	c->seq = s.seq;
	c->ack = s.ack;
	c->flags = s.flags;
	c->wnd = s.wnd;
	c->len = (uint32_t)s.len;
	c->opt = s.opt;
}

static void h_enqueue(uint32_t src, uint32_t dst, const uint8_t *p, size_t len, uint32_t extra)
{
	struct h_pkt *k;

	if (h_w.nq >= H_QUEUE_MAX || len > H_SEG_MAX) {
		h_w.lost_queue_full++;
		return;
	}
	k = &h_w.q[h_w.nq++];
	k->at = h_w.now + h_w.cfg.delay_ms + extra;
	k->order = h_w.order++;
	k->src = src;
	k->dst = dst;
	k->len = (uint16_t)len;
	memcpy(k->data, p, len);
	if (h_chance(h_w.cfg.corrupt_pct)) {
		k->data[h_rand() % len] ^= (uint8_t)(1u << (h_rand() % 8u));
	}
}

/* One segment onto the wire: loss, reordering, duplication as configured. */
static void h_wire_put(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
	uint32_t extra = 0;

	if (h_chance(h_w.cfg.drop_pct)) {
		return;
	}
	if (h_w.cfg.jitter_ms && h_chance(h_w.cfg.reorder_pct)) {
		extra = 1u + h_rand() % h_w.cfg.jitter_ms;
	}
	h_enqueue(src, dst, p, len, extra);
	if (h_chance(h_w.cfg.dup_pct)) {
		h_enqueue(src, dst, p, len, extra + 1u);
	}
}

/*
 * What a TSO link does with a segment of many MSS: copies the header onto
 * each gso-byte piece, advances the sequence number, keeps FIN and PSH for
 * the last piece only, and fills in each piece's checksum.
 */
static void h_link_cut(uint32_t src, uint32_t dst, const uint8_t *p, size_t len, uint16_t gso)
{
	static uint8_t piece[H_SEG_MAX];
	size_t hlen = (size_t)(p[12] >> 4) * 4u;
	uint32_t seq = get_be32(p + 4);

	h_w.tso_bursts++;
	for (size_t off = hlen; off < len; off += gso) {
		size_t n = len - off < gso ? len - off : gso;

		memcpy(piece, p, hlen);
		memcpy(piece + hlen, p + off, n);
		put_be32(piece + 4, seq + (uint32_t)(off - hlen));
		if (off + n < len) {
			piece[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
		}
		put_be16(piece + 16, 0);
		put_be16(piece + 16, tcp_checksum(src, dst, piece, hlen + n));
		h_wire_put(src, dst, piece, hlen + n);
	}
}

static int h_send(void *ctx, void *handle, size_t len, uint32_t src, uint32_t dst,
		  const struct tcp_tx_info *tx)
{
	uint8_t *p = handle;

	(void)ctx;
	h_capture(src, dst, p, len);
	if (tx->gso_size > 0) {
		h_link_cut(src, dst, p, len, tx->gso_size);
		return 0;
	}
	if (tx->csum_partial) {
		/* the field holds the pseudo-header sum: summing over it completes it */
		put_be16(p + 16, inet_csum(p, len));
		h_w.csum_completed++;
	}
	h_wire_put(src, dst, p, len);
	return 0;
}

static unsigned h_offload(void *ctx, uint32_t dst, uint32_t *tso_max)
{
	(void)dst;
	if (ctx != &h_a || h_w.tso_max_a == 0) {
		return 0;
	}
	if (tso_max != NULL) {
		*tso_max = h_w.tso_max_a;
	}
	return TCP_OFL_CSUM | TCP_OFL_TSO;
}

static uint32_t h_src_addr(void *ctx, uint32_t dst)
{
	return ctx == &h_a ? H_IP_A : H_IP_B;
}

static const struct tcp_io h_io = {h_alloc, h_send, h_src_addr, h_offload};

void h_init(const struct h_cfg *cfg)
{
	static const uint8_t key_a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static const uint8_t key_b[16] = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

	memset(&h_w, 0, sizeof(h_w));
	if (cfg != NULL) {
		h_w.cfg = *cfg;
	} else {
		h_w.cfg.delay_ms = 5;
	}
	h_w.rng = h_w.cfg.seed ? h_w.cfg.seed : 0x12345678u;
	tcp_stack_init(&h_a, &h_io, &h_a, key_a, 0);
	tcp_stack_init(&h_b, &h_io, &h_b, key_b, 0);
}

struct tcp_stack *h_stack_for(uint32_t ip)
{
	if (ip == H_IP_A) {
		return &h_a;
	}
	return ip == H_IP_B ? &h_b : NULL;
}

/* Index of the earliest due packet, or -1. */
static int h_next_pkt(uint32_t limit)
{
	int best = -1;

	for (unsigned i = 0; i < h_w.nq; i++) {
		const struct h_pkt *k = &h_w.q[i];

		if (!TIME_GEQ(limit, k->at)) {
			continue;
		}
		if (best < 0 || SEQ_LT(k->at, h_w.q[best].at) ||
		    (k->at == h_w.q[best].at && SEQ_LT(k->order, h_w.q[best].order))) {
			best = (int)i;
		}
	}
	return best;
}

static void h_deliver(int i)
{
	static struct h_pkt k;
	struct tcp_stack *st;

	k = h_w.q[i];
	h_w.q[i] = h_w.q[--h_w.nq];
	st = h_stack_for(k.dst);
	if (st != NULL) {
		tcp_input_segment(st, k.src, k.dst, k.data, k.len, h_w.now);
	}
}

void h_flush(void)
{
	int i;

	while ((i = h_next_pkt(h_w.now + 0x7fffffffu)) >= 0) {
		h_deliver(i);
	}
}

void h_drop_all(void)
{
	h_w.nq = 0;
}

static uint32_t h_next_event(void)
{
	uint32_t best = tcp_next_timeout(&h_a, h_w.now);
	uint32_t tb = tcp_next_timeout(&h_b, h_w.now);

	if (tb < best) {
		best = tb;
	}
	if (!h_w.hold) {
		for (unsigned i = 0; i < h_w.nq; i++) {
			uint32_t d = TIME_GEQ(h_w.now, h_w.q[i].at) ? 0 : h_w.q[i].at - h_w.now;

			if (d < best) {
				best = d;
			}
		}
	}
	return best;
}

bool h_run_until(bool (*cond)(void *ctx), void *ctx, uint32_t until_ms)
{
	for (;;) {
		uint32_t step;
		int i;

		if (!h_w.hold) {
			while ((i = h_next_pkt(h_w.now)) >= 0) {
				h_deliver(i);
			}
		}
		tcp_tick(&h_a, h_w.now);
		tcp_tick(&h_b, h_w.now);
		if (cond != NULL && cond(ctx)) {
			return true;
		}
		step = h_next_event();
		if (step == 0) {
			continue;
		}
		if (step == UINT32_MAX || !TIME_GEQ(until_ms, h_w.now + step)) {
			h_w.now = until_ms;
			tcp_tick(&h_a, h_w.now);
			tcp_tick(&h_b, h_w.now);
			return cond != NULL && cond(ctx);
		}
		h_w.now += step;
	}
}

void h_run(uint32_t until_ms)
{
	(void)h_run_until(NULL, NULL, until_ms);
}

int h_inject(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, const struct tcp_opts *opt, const void *data, size_t len)
{
	static uint8_t seg[H_SEG_MAX];
	size_t olen = opt ? tcp_opt_write(seg + TCP_HDR_LEN, TCP_OPT_MAX_LEN, opt) : 0;
	size_t total = TCP_HDR_LEN + olen + len;
	struct tcp_stack *st = h_stack_for(dst);

	put_be16(seg + TCP_OFF_SPORT, sport);
	put_be16(seg + TCP_OFF_DPORT, dport);
	put_be32(seg + TCP_OFF_SEQ, seq);
	put_be32(seg + TCP_OFF_ACK, ack);
	seg[TCP_OFF_DOFF] = (uint8_t)(((TCP_HDR_LEN + olen) / 4u) << 4);
	seg[TCP_OFF_FLAGS] = flags;
	put_be16(seg + TCP_OFF_WND, wnd);
	put_be16(seg + TCP_OFF_CSUM, 0);
	put_be16(seg + TCP_OFF_URP, 0);
	if (len > 0) {
		memcpy(seg + TCP_HDR_LEN + olen, data, len);
	}
	put_be16(seg + TCP_OFF_CSUM, tcp_checksum(src, dst, seg, total));
	return st ? tcp_input_segment(st, src, dst, seg, total, h_w.now) : -EINVAL;
}

void h_cap_clear(void)
{
	h_w.ncap = 0;
}

unsigned h_cap_count(uint32_t src, uint8_t flags_set, uint8_t flags_clear)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h_w.ncap; i++) {
		const struct h_cap *c = &h_w.cap[i];

		if (c->src == src && (c->flags & flags_set) == flags_set &&
		    (c->flags & flags_clear) == 0) {
			n++;
		}
	}
	return n;
}

const struct h_cap *h_cap_last(uint32_t src)
{
	for (unsigned i = h_w.ncap; i-- > 0;) {
		if (h_w.cap[i].src == src) {
			return &h_w.cap[i];
		}
	}
	return NULL;
}

bool h_no_leaks(void)
{
	size_t pa = tcp_pcbs_in_use(&h_a), pb = tcp_pcbs_in_use(&h_b);
	size_t ba = tcp_bufs_in_use(&h_a), bb = tcp_bufs_in_use(&h_b);
	size_t sa = tcp_syn_cache_in_use(&h_a), sb = tcp_syn_cache_in_use(&h_b);

	if (pa || pb || ba || bb || sa || sb) {
		printf("    leak: pcbs %zu/%zu bufs %zu/%zu syn %zu/%zu\n", pa, pb, ba, bb, sa, sb);
		return false;
	}
	return true;
}

void h_dump(void)
{
	for (unsigned i = 0; i < h_w.ncap; i++) {
		const struct h_cap *c = &h_w.cap[i];

		printf("    %7u %s %c%c%c%c%c seq=%u ack=%u wnd=%u len=%u\n", c->t,
		       c->src == H_IP_A ? "A>" : "B>", c->flags & TCP_SYN ? 'S' : '.',
		       c->flags & TCP_ACK ? 'A' : '.', c->flags & TCP_FIN ? 'F' : '.',
		       c->flags & TCP_RST ? 'R' : '.', c->flags & TCP_PSH ? 'P' : '.', c->seq,
		       c->ack, c->wnd, c->len);
	}
}
