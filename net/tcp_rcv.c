/*
 * TCP receive side: data placement and acknowledgment processing.
 *
 * Receive ring. Bytes are written to buf->rcv at their final position:
 * the byte with sequence number s lives at (rcv_head + rcv_len + s -
 * rcv_nxt) mod CONFIG_TCP_RCV_BUF, an expression that tcp_read() leaves
 * unchanged. Out-of-order data is therefore stored in place and only its
 * sequence range is remembered (pcb->ooo, sorted, merged, at most
 * CONFIG_TCP_OOO_RANGES); when the hole fills, rcv_nxt jumps over the
 * ranges and the bytes are already where tcp_read() expects them. Data is
 * accepted up to the free space, which is never less than the window we
 * advertised (RFC 9293 §3.8.6.2.2: the window never shrinks).
 *
 * ACK processing (RFC 9293 §3.10.7.4 "fifth, check the ACK field") with the
 * RFC 5961 §5.2 range check, RFC 6298 RTT samples (timestamps, RFC 7323
 * §4.1, or one timed segment with Karn's rule), RFC 5681 slow start and
 * congestion avoidance, fast retransmit/fast recovery with RFC 6582
 * (NewReno) partial ACKs, and the send-window update rule (SND.WL1/WL2).
 */
#include "tcp_internal.h"

/* Adds [s, e) to the out-of-order ranges; false when they are all in use. */
static bool tcp_ooo_add(struct tcp_pcb *pcb, uint32_t s, uint32_t e)
{
	struct tcp_ooo out[CONFIG_TCP_OOO_RANGES + 1];
	unsigned n = 0, i;
	bool placed = false;

	for (i = 0; i < pcb->n_ooo; i++) {
		struct tcp_ooo r = pcb->ooo[i];

		if (SEQ_LT(r.end, s)) {
			out[n++] = r; /* wholly before */
		} else if (SEQ_GT(r.start, e)) {
			if (!placed) {
				out[n++] = (struct tcp_ooo){s, e};
				placed = true;
			}
			out[n++] = r; /* wholly after */
		} else {
			s = SEQ_LT(r.start, s) ? r.start : s; /* overlaps or touches */
			e = SEQ_GT(r.end, e) ? r.end : e;
		}
	}
	if (!placed) {
		out[n++] = (struct tcp_ooo){s, e};
	}
	if (n > CONFIG_TCP_OOO_RANGES) {
		return false;
	}
	memcpy(pcb->ooo, out, n * sizeof(out[0]));
	pcb->n_ooo = (uint8_t)n;
	return true;
}

/* Moves rcv_nxt over out-of-order ranges the new data reached. */
static void tcp_ooo_pull(struct tcp_pcb *pcb)
{
	while (pcb->n_ooo > 0 && SEQ_LEQ(pcb->ooo[0].start, pcb->rcv_nxt)) {
		if (SEQ_GT(pcb->ooo[0].end, pcb->rcv_nxt)) {
			uint32_t adv = pcb->ooo[0].end - pcb->rcv_nxt;

			pcb->rcv_nxt += adv;
			pcb->rcv_len += adv;
		}
		pcb->n_ooo--;
		memmove(pcb->ooo, pcb->ooo + 1, pcb->n_ooo * sizeof(pcb->ooo[0]));
	}
}

static void tcp_copy_in(struct tcp_pcb *pcb, uint32_t off, const uint8_t *d, uint32_t n)
{
	uint32_t idx = (pcb->rcv_head + pcb->rcv_len + off) % CONFIG_TCP_RCV_BUF;
	uint32_t first = CONFIG_TCP_RCV_BUF - idx;

	if (first > n) {
		first = n;
	}
	memcpy(pcb->buf->rcv + idx, d, first);
	memcpy(pcb->buf->rcv, d + first, n - first);
}

/* ACK policy for in-order data: every second segment, else delayed. */
static void tcp_ack_policy(struct tcp_pcb *pcb, bool filled_hole)
{
	if (filled_hole || (pcb->flags & TCP_F_DELACK)) {
		pcb->flags |= TCP_F_ACK_NOW;
		return;
	}
	pcb->flags |= TCP_F_DELACK;
	tcp_timer_set(pcb, TCP_T_DELACK, CONFIG_TCP_DELACK_MS);
}

/* Places the segment's data; the caller has passed the acceptability test. */
void tcp_rcv_data(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	const uint8_t *d = seg->data;
	uint32_t n = (uint32_t)seg->len;
	int32_t off = (int32_t)(seg->seq - pcb->rcv_nxt);
	uint32_t space = tcp_rcv_space(pcb);
	bool had_ooo = pcb->n_ooo > 0;

	if (n == 0 || pcb->buf == NULL) {
		return;
	}
	if (off < 0) {
		if ((uint32_t)-off >= n) {
			pcb->flags |= TCP_F_ACK_NOW; /* old duplicate */
			return;
		}
		d += (uint32_t)-off;
		n -= (uint32_t)-off;
		off = 0;
	}
	if ((uint32_t)off >= space) {
		pcb->flags |= TCP_F_ACK_NOW;
		return;
	}
	if (n > space - (uint32_t)off) {
		n = space - (uint32_t)off;
	}
	tcp_copy_in(pcb, (uint32_t)off, d, n);
	if (off > 0) {
		if (!tcp_ooo_add(pcb, seg->seq, seg->seq + n)) {
			pcb->st->stats.ooo_drops++;
		}
		pcb->flags |= TCP_F_ACK_NOW; /* duplicate ACK tells the sender */
		return;
	}
	pcb->rcv_nxt += n;
	pcb->rcv_len += n;
	tcp_ooo_pull(pcb);
	tcp_ack_policy(pcb, had_ooo);
	if (pcb->flags & TCP_F_SHUT_RX) {
		pcb->rcv_head = (pcb->rcv_head + pcb->rcv_len) % CONFIG_TCP_RCV_BUF;
		pcb->rcv_len = 0;
	}
}

static void tcp_rtt_from_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = pcb->st;

	if ((pcb->flags & TCP_F_TS) && (seg->opt.present & TCP_O_TS) && seg->opt.tsecr != 0) {
		uint32_t rtt = st->now + pcb->ts_off - seg->opt.tsecr;

		if (rtt < 0x7fffffffu) {
			tcp_rtt_sample(pcb, rtt);
		}
	} else if ((pcb->flags & TCP_F_RTT) && SEQ_GT(seg->ack, pcb->rtt_seq)) {
		pcb->flags &= ~TCP_F_RTT;
		tcp_rtt_sample(pcb, st->now - pcb->rtt_start);
	}
}

static void tcp_cc_new_ack(struct tcp_pcb *pcb, uint32_t acked)
{
	uint32_t mss = pcb->mss;

	if (pcb->flags & TCP_F_RECOVERY) {
		if (SEQ_GEQ(pcb->snd_una, pcb->recover)) {
			pcb->flags &= ~TCP_F_RECOVERY; /* full ACK: deflate */
			pcb->cwnd = pcb->ssthresh;
		} else {
			/* partial ACK (RFC 6582 §3.2 step 5) */
			tcp_retransmit_first(pcb);
			pcb->st->stats.fast_retrans++;
			pcb->cwnd = (pcb->cwnd > acked ? pcb->cwnd - acked : 0) + mss;
		}
		pcb->dupacks = 0;
		return;
	}
	pcb->dupacks = 0;
	if (pcb->cwnd < pcb->ssthresh) {
		pcb->cwnd += acked < mss ? acked : mss;
	} else {
		uint32_t inc = mss * mss / (pcb->cwnd ? pcb->cwnd : 1u);

		pcb->cwnd += inc ? inc : 1u;
	}
	if (pcb->cwnd > 0x40000000u) {
		pcb->cwnd = 0x40000000u;
	}
}

static void tcp_dup_ack(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;
	uint32_t flight = pcb->snd_max - pcb->snd_una;

	st->stats.dup_acks++;
	if (pcb->flags & TCP_F_RECOVERY) {
		pcb->cwnd += pcb->mss; /* inflate (RFC 5681 §3.2 step 4) */
		return;
	}
	if (++pcb->dupacks != 3 || !SEQ_GEQ(pcb->snd_una, pcb->recover)) {
		return;
	}
	pcb->ssthresh = flight / 2u > 2u * pcb->mss ? flight / 2u : 2u * pcb->mss;
	pcb->recover = pcb->snd_max;
	pcb->flags |= TCP_F_RECOVERY;
	pcb->flags &= ~TCP_F_RTT;
	st->stats.fast_retrans++;
	tcp_retransmit_first(pcb);
	pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
}

/* Drops acknowledged bytes from the send ring; returns how many. */
static uint32_t tcp_snd_consume(struct tcp_pcb *pcb, uint32_t ack)
{
	uint32_t n = 0;

	if (SEQ_GT(ack, pcb->snd_seq)) {
		n = ack - pcb->snd_seq;
		if (n > pcb->snd_len) {
			n = pcb->snd_len;
		}
		pcb->snd_head = (pcb->snd_head + n) % CONFIG_TCP_SND_BUF;
		pcb->snd_len -= n;
		pcb->snd_seq += n;
	}
	return n;
}

/* Returns the data bytes acknowledged (the sent callback follows later). */
static uint32_t tcp_new_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - pcb->snd_una;
	uint32_t data;

	tcp_rtt_from_ack(pcb, seg);
	data = tcp_snd_consume(pcb, seg->ack);
	pcb->snd_una = seg->ack;
	if (SEQ_LT(pcb->snd_nxt, pcb->snd_una)) {
		pcb->snd_nxt = pcb->snd_una;
	}
	pcb->nrexmit = 0;
	tcp_cc_new_ack(pcb, acked);
	if (pcb->snd_una == pcb->snd_max) {
		tcp_timer_clear(pcb, TCP_T_REXMIT);
	} else {
		tcp_timer_set(pcb, TCP_T_REXMIT, pcb->rto);
	}
	return data;
}

static void tcp_update_window(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (SEQ_LT(pcb->snd_wl1, seg->seq) ||
	    (pcb->snd_wl1 == seg->seq && SEQ_LEQ(pcb->snd_wl2, seg->ack))) {
		pcb->snd_wnd = (uint32_t)seg->wnd << pcb->snd_wscale;
		if (pcb->snd_wnd > pcb->max_snd_wnd) {
			pcb->max_snd_wnd = pcb->snd_wnd;
		}
		pcb->snd_wl1 = seg->seq;
		pcb->snd_wl2 = seg->ack;
		if (pcb->snd_wnd > 0 && (pcb->timers & TCP_T_PERSIST)) {
			tcp_timer_clear(pcb, TCP_T_PERSIST);
			pcb->persist_exp = 0;
		}
	}
}

/*
 * ACK field processing in a synchronised state. Returns false when the
 * segment must be dropped (RFC 5961 §5.2 range check failed).
 */
bool tcp_rcv_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t wnd = (uint32_t)seg->wnd << pcb->snd_wscale;
	uint32_t data = 0;

	if (SEQ_GT(seg->ack, pcb->snd_max)) {
		pcb->flags |= TCP_F_ACK_NOW; /* acks something not yet sent */
		return false;
	}
	if (SEQ_LT(seg->ack, pcb->snd_una - pcb->max_snd_wnd)) {
		pcb->flags |= TCP_F_ACK_NOW;
		return false;
	}
	if (SEQ_GT(seg->ack, pcb->snd_una)) {
		data = tcp_new_ack(pcb, seg);
	} else if (seg->ack == pcb->snd_una && seg->len == 0 &&
		   !(seg->flags & (TCP_SYN | TCP_FIN)) && wnd == pcb->snd_wnd &&
		   pcb->snd_max != pcb->snd_una) {
		tcp_dup_ack(pcb);
	}
	tcp_update_window(pcb, seg);
	/* the application may write (and we send) only once the window is current */
	if (data > 0 && pcb->sent != NULL) {
		pcb->sent(pcb->arg, pcb, data);
	}
	return !(pcb->flags & TCP_F_FREE);
}
