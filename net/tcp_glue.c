/*
 * Glue between the pure TCP core and the IPv4 layer (kestrel/net/ip.h).
 *
 * Receive: ip.c hands every protocol-6 datagram to tcp_input() with
 * p->payload at the TCP header. Segments to broadcast addresses are
 * dropped (RFC 1122 §4.2.3.10); a chained pbuf is linearised into a
 * scratch buffer (CONFIG_TCP_SEG_MAX: our MSS plus a full header, or up to
 * 64 KiB on links that merge segments), then the core runs and the pbuf is
 * freed. A pbuf marked PBUF_F_CSUM_OK skips the checksum.
 *
 * Send: the core's alloc hook takes a pbuf with PBUF_IP headroom (payload
 * = TCP header) and lets the core write the segment straight into it; the
 * send hook passes it to ip_output(), which owns it from then on. When the
 * pool hands back a chain (blocks smaller than the segment) the core
 * writes into scratch and the glue copies it in. On an interface with
 * NETIF_CAP_TX_CSUM / NETIF_CAP_TSO (tcp_glue_offload) the core leaves the
 * checksum to the link and may hand over segments of many MSS; the pbuf
 * carries PBUF_F_CSUM_PARTIAL and gso_size down to the driver.
 *
 * Time: net_timer() calls tcp_timer(), which runs the core's timers.
 */
#include "tcp_internal.h"

#include <kestrel/net/stack.h>

/*
 * Largest segment the glue linearises or builds through scratch: one MSS
 * by default; boards whose links merge or cut segments (NETIF_CAP_RX_LRO,
 * NETIF_CAP_TSO) raise CONFIG_TCP_SEG_MAX up to 65535.
 */
#ifndef CONFIG_TCP_SEG_MAX
#define CONFIG_TCP_SEG_MAX (TCP_HDR_MAX_LEN + CONFIG_TCP_MSS)
#endif
#define TCP_GLUE_SEG_MAX CONFIG_TCP_SEG_MAX
_Static_assert(TCP_GLUE_SEG_MAX >= TCP_HDR_MAX_LEN + CONFIG_TCP_MSS && TCP_GLUE_SEG_MAX <= 65535,
	       "CONFIG_TCP_SEG_MAX must hold one full segment");

struct tcp_state {
	struct tcp_stack tcp;
	struct net_stack *net;
	struct tcp_io io;
	uint8_t scratch[TCP_GLUE_SEG_MAX];
	struct pbuf *pending; /* chain being built through scratch */
};

static struct tcp_state tcp_glue;

/* True if len bytes fit the scratch buffer (which may be as large as any segment). */
static bool tcp_glue_fits(size_t len)
{
	return len <= sizeof(tcp_glue.scratch);
}

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
	if (!tcp_glue_fits(len)) {
		pbuf_free(p);
		return NULL;
	}
	ts->pending = p;
	return ts->scratch;
}

static int tcp_glue_send(void *ctx, void *handle, size_t len, uint32_t src, uint32_t dst,
			 const struct tcp_tx_info *tx)
{
	struct tcp_state *ts = ctx;
	struct pbuf *p = handle;

	if (ts->pending == p) {
		ts->pending = NULL;
		(void)pbuf_copy_in(p, 0, ts->scratch, (uint16_t)len);
	}
	p->gso_size = tx->gso_size;
	if (tx->csum_partial) {
		p->flags |= PBUF_F_CSUM_PARTIAL;
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

#if CONFIG_TCP_OFFLOAD
/* Checksum offload and TSO of the interface that routes dst (never loopback). */
static unsigned tcp_glue_offload(void *ctx, uint32_t dst, uint32_t *tso_max)
{
	struct tcp_state *ts = ctx;
	struct netif *nif = ip_route(ts->net, dst, NULL, NULL);
	unsigned o = 0;

	if (nif == NULL || (nif->flags & NETIF_F_LOOPBACK) || !(nif->caps & NETIF_CAP_TX_CSUM)) {
		return 0;
	}
	o = TCP_OFL_CSUM;
	if ((nif->caps & NETIF_CAP_TSO) && tso_max != NULL && nif->gso_max > NET_IP_HLEN) {
		uint32_t m = nif->gso_max - NET_IP_HLEN;

		/* the segment and its link + IP headroom live in one pbuf chain */
		if (m > 0xffffu - PBUF_IP) {
			m = 0xffffu - PBUF_IP;
		}
		*tso_max = m < TCP_GLUE_SEG_MAX ? m : TCP_GLUE_SEG_MAX;
		o |= TCP_OFL_TSO;
	}
	return o;
}
#endif

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
#if CONFIG_TCP_OFFLOAD
	tcp_glue.io.offload = tcp_glue_offload;
#endif
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
		if (!tcp_glue_fits(len)) {
			tcp->stats.drops++;
			goto out;
		}
		(void)pbuf_copy_out(p, 0, tcp_glue.scratch, len);
		seg = tcp_glue.scratch;
	}
	(void)tcp_input_segment_flags(
		tcp, ip->src, ip->dst, seg, len, st->now_ms,
		(CONFIG_TCP_OFFLOAD && (p->flags & PBUF_F_CSUM_OK)) ? TCP_IN_CSUM_OK : 0u);
out:
	pbuf_free(p);
}

void tcp_timer(struct net_stack *st, uint32_t now_ms)
{
	if (st->tcp != NULL) {
		tcp_tick(&st->tcp->tcp, now_ms);
	}
}
