/*
 * Glue between the pure TCP core and the IPv4 layer (kestrel/net/ip.h).
 *
 * Receive: ip.c hands every protocol-6 datagram to tcp_input() with
 * p->payload at the TCP header. Segments to broadcast addresses are
 * dropped (RFC 1122 §4.2.3.10); a chained pbuf is linearised into a
 * scratch buffer (segments are at most our MSS plus a full header), then
 * the core runs and the pbuf is freed.
 *
 * Send: the core's alloc hook takes a pbuf with PBUF_IP headroom (payload
 * = TCP header) and lets the core write the segment straight into it; the
 * send hook passes it to ip_output(), which owns it from then on. When the
 * pool hands back a chain (blocks smaller than the segment) the core
 * writes into scratch and the glue copies it in.
 *
 * Time: net_timer() calls tcp_timer(), which runs the core's timers.
 */
#include "tcp_internal.h"

#include <kestrel/net/stack.h>

#define TCP_GLUE_SEG_MAX (TCP_HDR_MAX_LEN + CONFIG_TCP_MSS)

struct tcp_state {
	struct tcp_stack tcp;
	struct net_stack *net;
	struct tcp_io io;
	uint8_t scratch[TCP_GLUE_SEG_MAX];
	struct pbuf *pending; /* chain being built through scratch */
};

static struct tcp_state tcp_glue;

static uint8_t *tcp_glue_alloc(void *ctx, size_t len, void **handle)
{
	struct tcp_state *ts = ctx;
	struct pbuf *p;

	if (len > 0xffffu) {
		return NULL;
	}
	p = pbuf_alloc(&ts->net->pool, PBUF_IP, (uint16_t)len);
	if (p == NULL) {
		return NULL;
	}
	*handle = p;
	if (p->next == NULL) {
		return p->payload;
	}
	if (len > sizeof(ts->scratch)) {
		pbuf_free(p);
		return NULL;
	}
	ts->pending = p;
	return ts->scratch;
}

static int tcp_glue_send(void *ctx, void *handle, size_t len, uint32_t src, uint32_t dst)
{
	struct tcp_state *ts = ctx;
	struct pbuf *p = handle;

	if (ts->pending == p) {
		ts->pending = NULL;
		(void)pbuf_copy_in(p, 0, ts->scratch, (uint16_t)len);
	}
	return ip_output(ts->net, p, src, dst, IP_PROTO_TCP, CONFIG_TCP_TTL, 0);
}

static uint32_t tcp_glue_src(void *ctx, uint32_t dst)
{
	struct tcp_state *ts = ctx;
	uint32_t src = 0;

	if (ip_route(ts->net, dst, &src, NULL) == NULL) {
		return 0;
	}
	return src;
}

struct tcp_stack *tcp_net(struct net_stack *st)
{
	uint8_t key[16];

	if (st->tcp != NULL) {
		return &st->tcp->tcp;
	}
	if (tcp_glue.net != NULL) {
		return NULL;
	}
	for (unsigned i = 0; i < sizeof(key); i += 4) {
		put_be32(key + i, net_rand(st));
	}
	tcp_glue.net = st;
	tcp_glue.io.alloc = tcp_glue_alloc;
	tcp_glue.io.send = tcp_glue_send;
	tcp_glue.io.src_addr = tcp_glue_src;
	tcp_stack_init(&tcp_glue.tcp, &tcp_glue.io, &tcp_glue, key, st->now_ms);
	st->tcp = &tcp_glue;
	return &tcp_glue.tcp;
}

void tcp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip)
{
	struct tcp_stack *tcp = tcp_net(st);
	const uint8_t *seg = p->payload;
	uint16_t len = p->tot_len;

	if (tcp == NULL || ip->bcast || (p->flags & (PBUF_F_BCAST | PBUF_F_MCAST))) {
		goto out;
	}
	if (p->next != NULL) {
		if (len > sizeof(tcp_glue.scratch)) {
			tcp->stats.drops++;
			goto out;
		}
		(void)pbuf_copy_out(p, 0, tcp_glue.scratch, len);
		seg = tcp_glue.scratch;
	}
	(void)tcp_input_segment(tcp, ip->src, ip->dst, seg, len, st->now_ms);
out:
	pbuf_free(p);
}

void tcp_timer(struct net_stack *st, uint32_t now_ms)
{
	if (st->tcp != NULL) {
		tcp_tick(&st->tcp->tcp, now_ms);
	}
}
