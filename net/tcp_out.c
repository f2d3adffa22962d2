/*
 * TCP output: segment construction and the send path.
 *
 * Segments are built straight into a buffer from st->io->alloc: a 20-byte
 * header (layout in include/kestrel/wire/tcp.h), options (MSS and window
 * scale on SYNs, timestamps when negotiated, RFC 7323 §3.2 layout
 * NOP NOP 8 10 TSval TSecr), then data copied from the send ring. The send
 * ring holds every byte not yet acknowledged, so a retransmission is just
 * another read of it; there is no segment queue.
 *
 * tcp_out() sends while data, the peer's window (RFC 9293 §3.8.6) and the
 * congestion window (RFC 5681) allow, applying Nagle (RFC 9293 §3.7.4,
 * off with tcp_nodelay()) and sender-side silly window avoidance
 * (RFC 9293 §3.8.6.2.1). With a zero window and nothing in flight it arms
 * the persist timer instead.
 */
#include "tcp_internal.h"

/* Copies n bytes at sequence seq out of the send ring. */
static void tcp_copy_out(const struct tcp_pcb *pcb, uint8_t *dst, uint32_t seq, size_t n)
{
	uint32_t idx = (pcb->snd_head + (seq - pcb->snd_seq)) % CONFIG_TCP_SND_BUF;
	size_t first = CONFIG_TCP_SND_BUF - idx;

	if (first > n) {
		first = n;
	}
	memcpy(dst, pcb->buf->snd + idx, first);
	memcpy(dst + first, pcb->buf->snd, n - first);
}

int tcp_emit(struct tcp_stack *st, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	     uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const struct tcp_opts *opt,
	     const struct tcp_pcb *data_pcb, uint32_t data_seq, size_t data_len)
{
	uint8_t optbuf[TCP_OPT_MAX_LEN];
	size_t optlen = opt ? tcp_opt_write(optbuf, sizeof(optbuf), opt) : 0;
	size_t total = TCP_HDR_LEN + optlen + data_len;
	void *handle = NULL;
	uint8_t *p = st->io->alloc(st->io_ctx, total, &handle);
	struct tcp_tx_info tx;
	struct wr_cursor c;

	if (p == NULL) {
		return -ENOMEM;
	}
	c = wr_init(p, total);
	wr_be16(&c, sport);
	wr_be16(&c, dport);
	wr_be32(&c, seq);
	wr_be32(&c, (flags & TCP_ACK) ? ack : 0);
	wr_u8(&c, (uint8_t)(((TCP_HDR_LEN + optlen) / 4u) << 4));
	wr_u8(&c, flags);
	wr_be16(&c, wnd);
	wr_be16(&c, 0);
	wr_be16(&c, 0);
	wr_bytes(&c, optbuf, optlen);
	if (data_len > 0) {
		uint8_t *d = wr_reserve(&c, data_len);

		if (d != NULL) {
			tcp_copy_out(data_pcb, d, data_seq, data_len);
		}
	}
#if CONFIG_TCP_OFFLOAD
	tx.gso_size = (data_pcb != NULL && data_len > data_pcb->mss) ? data_pcb->mss : 0;
	tx.csum_partial =
		st->io->offload != NULL && (st->io->offload(st->io_ctx, dst, NULL) & TCP_OFL_CSUM);
	put_be16(p + TCP_OFF_CSUM, tx.csum_partial ? tcp_checksum_partial(src, dst, total)
						   : tcp_checksum(src, dst, p, total));
#else
	tx.gso_size = 0;
	tx.csum_partial = false;
	put_be16(p + TCP_OFF_CSUM, tcp_checksum(src, dst, p, total));
#endif
	st->stats.seg_out++;
	return st->io->send(st->io_ctx, handle, total, src, dst, &tx);
}

/* Free receive-buffer space beyond rcv_nxt (unread and out-of-order data count). */
uint32_t tcp_rcv_space(const struct tcp_pcb *pcb)
{
	return CONFIG_TCP_RCV_BUF - pcb->rcv_len;
}

/* Window field for a non-SYN segment; never moves the right edge left. */
uint16_t tcp_adv_window(struct tcp_pcb *pcb)
{
	uint32_t space = tcp_rcv_space(pcb);
	uint32_t win = space >> pcb->rcv_wscale;

	if (win > 65535u) {
		win = 65535u;
	}
	/* receiver SWS avoidance (RFC 9293 §3.8.6.2.2): move the edge in big steps */
	if (SEQ_GEQ(pcb->rcv_nxt + (win << pcb->rcv_wscale), pcb->rcv_adv + TCP_RCV_SWS)) {
		pcb->rcv_adv = pcb->rcv_nxt + (win << pcb->rcv_wscale);
	} else {
		/* keep the old edge, rounded up so the peer sees no shrink */
		uint32_t left = pcb->rcv_adv - pcb->rcv_nxt;

		win = (left + (1u << pcb->rcv_wscale) - 1u) >> pcb->rcv_wscale;
		if (win > 65535u) {
			win = 65535u;
		}
	}
	return (uint16_t)win;
}

/* Sends one segment of this connection at seq carrying len bytes of data. */
static int tcp_emit_pcb(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, size_t len)
{
	struct tcp_stack *st = pcb->st;
	struct tcp_opts o;
	uint16_t wnd;

	memset(&o, 0, sizeof(o));
	if (flags & TCP_SYN) {
		uint32_t space = tcp_rcv_space(pcb);

		wnd = (uint16_t)(space > 65535u ? 65535u : space);
		o.present = TCP_O_MSS;
		o.mss = CONFIG_TCP_MSS;
		if (pcb->flags & TCP_F_WS) {
			o.present |= TCP_O_WS;
			o.wscale = pcb->rcv_wscale;
		}
		pcb->rcv_adv = pcb->rcv_nxt + wnd;
	} else {
		wnd = tcp_adv_window(pcb);
	}
	if (pcb->flags & TCP_F_TS) {
		o.present |= TCP_O_TS;
		o.tsval = st->now + pcb->ts_off;
		o.tsecr = pcb->ts_recent;
	}
	if (flags & TCP_ACK) {
		pcb->flags &= ~(TCP_F_ACK_NOW | TCP_F_DELACK);
		pcb->timers &= (uint8_t)~TCP_T_DELACK;
		pcb->rcv_unacked = 0;
		pcb->last_ack_sent = pcb->rcv_nxt;
	}
	return tcp_emit(st, pcb->lip, pcb->rip, pcb->lport, pcb->rport, seq, pcb->rcv_nxt, flags,
			wnd, &o, pcb, seq, len);
}

/* SYN (active open) or SYN-ACK (simultaneous open), first send or again. */
void tcp_send_syn(struct tcp_pcb *pcb)
{
	uint8_t flags = TCP_SYN;

	if (pcb->state == TCP_SYN_RCVD) {
		flags |= TCP_ACK;
	}
	tcp_emit_pcb(pcb, pcb->iss, flags, 0);
	pcb->snd_nxt = pcb->iss + 1;
	if (SEQ_GT(pcb->snd_nxt, pcb->snd_max)) {
		pcb->snd_max = pcb->snd_nxt;
	}
	if (!(pcb->timers & TCP_T_REXMIT)) {
		tcp_timer_set(pcb, TCP_T_REXMIT, pcb->rto);
	}
}

/*
 * A pure ACK carries SND.MAX, not SND.NXT: after a timeout SND.NXT is back
 * at SND.UNA, below what the peer already received, and an ACK with that
 * sequence number would be unacceptable to it (and answered, forever).
 */
void tcp_send_ack(struct tcp_pcb *pcb)
{
	tcp_emit_pcb(pcb, pcb->snd_max, TCP_ACK, 0);
}

/* Zero-window and keep-alive probe: an old sequence number forces an ACK. */
void tcp_send_probe(struct tcp_pcb *pcb)
{
	tcp_emit_pcb(pcb, pcb->snd_una - 1u, TCP_ACK, 0);
}

void tcp_send_rst_pcb(struct tcp_pcb *pcb)
{
	pcb->st->stats.rst_out++;
	tcp_emit_pcb(pcb, pcb->snd_max, TCP_RST | TCP_ACK, 0);
}

/* RST for a segment that has no connection (RFC 9293 §3.10.7.1). */
void tcp_reply_rst(struct tcp_stack *st, const struct tcp_seg *seg)
{
	uint32_t seq = 0, ack = 0;
	uint8_t flags = TCP_RST;

	if (seg->flags & TCP_RST) {
		return;
	}
	if (seg->flags & TCP_ACK) {
		seq = seg->ack;
	} else {
		ack = seg->seq + tcp_seg_seqlen(seg);
		flags |= TCP_ACK;
	}
	st->stats.rst_out++;
	tcp_emit(st, seg->dst, seg->src, seg->dport, seg->sport, seq, ack, flags, 0, NULL, NULL, 0,
		 0);
}

/* RFC 5961 §3.2/§4.2/§5.2 challenge ACK, at most N per second per stack. */
void tcp_challenge_ack(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if ((uint32_t)(st->now - st->chal_start) >= 1000u) {
		st->chal_start = st->now;
		st->chal_count = 0;
	}
	if (st->chal_count >= CONFIG_TCP_CHALLENGE_ACKS_PER_S) {
		return;
	}
	st->chal_count++;
	st->stats.challenge_acks++;
	tcp_send_ack(pcb);
}

/* Bytes of data between seq and the end of the send buffer. */
static uint32_t tcp_data_after(const struct tcp_pcb *pcb, uint32_t seq)
{
	uint32_t end = pcb->snd_seq + pcb->snd_len;

	return SEQ_LT(seq, end) ? end - seq : 0;
}

/* Retransmits the segment at snd_una (fast retransmit, partial ACK). */
void tcp_retransmit_first(struct tcp_pcb *pcb)
{
	uint32_t end = pcb->snd_seq + pcb->snd_len;
	uint32_t len = tcp_data_after(pcb, pcb->snd_una);
	uint8_t flags = TCP_ACK;

	if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD) {
		tcp_send_syn(pcb);
		return;
	}
	if (len > pcb->mss) {
		len = pcb->mss;
	}
	if (len > pcb->snd_max - pcb->snd_una) {
		len = pcb->snd_max - pcb->snd_una;
	}
	if ((pcb->flags & TCP_F_FIN_QUEUED) && pcb->snd_una + len == end &&
	    SEQ_GT(pcb->snd_max, end)) {
		flags |= TCP_FIN;
	}
	if (len == 0 && !(flags & TCP_FIN)) {
		return;
	}
	pcb->flags &= ~TCP_F_RTT; /* Karn: no sample from a retransmission */
	pcb->st->stats.retrans++;
	tcp_emit_pcb(pcb, pcb->snd_una, flags, len);
}

/*
 * Length to send now at snd_nxt, 0 to wait (Nagle, SWS, windows). seg_max
 * is the MSS, or a multiple of it when the link segments (TSO).
 */
static uint32_t tcp_send_len(const struct tcp_pcb *pcb, uint32_t avail, uint32_t seg_max, bool *fin)
{
	uint32_t wnd = pcb->snd_wnd < pcb->cwnd ? pcb->snd_wnd : pcb->cwnd;
	uint32_t inflight = pcb->snd_nxt - pcb->snd_una;
	uint32_t usable = wnd > inflight ? wnd - inflight : 0;
	uint32_t len = avail;
	bool fin_pending = (pcb->flags & TCP_F_FIN_QUEUED) &&
			   SEQ_LEQ(pcb->snd_nxt, pcb->snd_seq + pcb->snd_len);

	if (len > seg_max) {
		len = seg_max;
	}
	if (len > usable) {
		len = usable;
	}
#if CONFIG_TCP_OFFLOAD
	if (len > pcb->mss && len < avail) {
		len -= len %
		       pcb->mss; /* a TSO burst ends on a full segment unless it is the tail */
	}
#endif
	*fin = fin_pending && len == avail;
	if (len == 0 || len >= pcb->mss || *fin || (pcb->flags & TCP_F_FORCE)) {
		return len;
	}
	if (len < avail) {
		/* window-limited: only if it is a fair share of the peer's window */
		return (len >= pcb->max_snd_wnd / 2u && inflight == 0) ? len : 0;
	}
	/* the last, short piece: Nagle holds it while data is unacknowledged */
	if (inflight > 0 && !(pcb->flags & TCP_F_NODELAY)) {
		return 0;
	}
	return len;
}

/* Largest data length per segment towards the peer: the MSS, or a TSO burst. */
static uint32_t tcp_seg_max(const struct tcp_pcb *pcb)
{
#if !CONFIG_TCP_OFFLOAD
	return pcb->mss;
#else
	const struct tcp_stack *st = pcb->st;
	uint32_t tso_max = 0;
	uint32_t hdr = TCP_HDR_LEN + ((pcb->flags & TCP_F_TS) ? TCP_OPTLEN_TS + 2u : 0u);
	uint32_t n;

	if (st->io->offload == NULL ||
	    !(st->io->offload(st->io_ctx, pcb->rip, &tso_max) & TCP_OFL_TSO) || tso_max <= hdr) {
		return pcb->mss;
	}
	n = (tso_max - hdr) / pcb->mss;
	if (n > CONFIG_TCP_TSO_SEGS) {
		n = CONFIG_TCP_TSO_SEGS;
	}
	return n > 1u ? n * pcb->mss : pcb->mss;
#endif
}

static void tcp_out_data(struct tcp_pcb *pcb, bool *sent)
{
	struct tcp_stack *st = pcb->st;
	uint32_t seg_max = tcp_seg_max(pcb);

	/* bounded: each pass sends >= 1 byte or the FIN, or stops */
	for (unsigned n = 0; n < 1024u; n++) {
		uint32_t avail = tcp_data_after(pcb, pcb->snd_nxt);
		bool fin = false;
		uint32_t len = tcp_send_len(pcb, avail, seg_max, &fin);
		uint8_t flags = TCP_ACK;

		if (len == 0 && !fin) {
			break;
		}
		if (fin) {
			flags |= TCP_FIN;
		}
		if (len > 0 && len == avail) {
			flags |= TCP_PSH;
		}
		if (SEQ_LT(pcb->snd_nxt, pcb->snd_max)) {
			st->stats.retrans++;
		} else if (!(pcb->flags & (TCP_F_TS | TCP_F_RTT)) && len > 0) {
			pcb->flags |= TCP_F_RTT;
			pcb->rtt_seq = pcb->snd_nxt;
			pcb->rtt_start = st->now;
		}
		if (tcp_emit_pcb(pcb, pcb->snd_nxt, flags, len) == -ENOMEM) {
			break;
		}
		*sent = true;
		pcb->snd_nxt += len + (fin ? 1u : 0u);
		if (SEQ_GT(pcb->snd_nxt, pcb->snd_max)) {
			pcb->snd_max = pcb->snd_nxt;
		}
		if (!(pcb->timers & TCP_T_REXMIT)) {
			tcp_timer_set(pcb, TCP_T_REXMIT, pcb->rto);
		}
		if (fin) {
			break;
		}
	}
}

void tcp_out(struct tcp_pcb *pcb)
{
	bool sent = false;

	if (pcb->flags & TCP_F_FREE) {
		return;
	}
	switch (pcb->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		return;
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		if (pcb->snd_nxt == pcb->iss) {
			tcp_send_syn(pcb);
		} else if (pcb->state == TCP_SYN_RCVD && (pcb->flags & TCP_F_ACK_NOW)) {
			tcp_send_ack(pcb); /* answers the peer's SYN-ACK (simultaneous open) */
		}
		return;
	case TCP_TIME_WAIT:
		break;
	default:
		tcp_out_data(pcb, &sent);
		break;
	}
	if (!sent && (pcb->flags & TCP_F_ACK_NOW)) {
		tcp_send_ack(pcb);
	}
	/* nothing in flight but data held back by the window: persist (zero
	 * window probes, or the RFC 9293 §3.8.6.2.1 override for a small one) */
	if (pcb->snd_nxt == pcb->snd_una && !sent &&
	    (tcp_data_after(pcb, pcb->snd_nxt) > 0 ||
	     ((pcb->flags & TCP_F_FIN_QUEUED) && pcb->snd_nxt == pcb->snd_seq + pcb->snd_len)) &&
	    !(pcb->timers & TCP_T_PERSIST) && pcb->state != TCP_TIME_WAIT) {
		tcp_timer_clear(pcb, TCP_T_REXMIT);
		pcb->persist_exp = 0;
		tcp_timer_set(pcb, TCP_T_PERSIST, pcb->rto);
	}
}
