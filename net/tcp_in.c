/*
 * TCP segment arrival: the RFC 9293 §3.10.7 event processing.
 *
 * tcp_input_segment() verifies the checksum (RFC 9293 §3.1), parses the
 * header through net/tcp_opt.c and finds the PCB: an exact 4-tuple match,
 * else a listener (net/tcp_syn.c), else the segment is answered with RST
 * (§3.10.7.1). For connections, tcp_process() follows the RFC's order:
 *
 *   SYN-SENT (§3.10.7.3): check ACK, RST, SYN; complete the active open or
 *     move to SYN-RECEIVED (simultaneous open).
 *   otherwise (§3.10.7.4):
 *     0. PAWS (RFC 7323 §5.3) when timestamps are on;
 *     1. sequence acceptability (the four cases of the table in §3.10.7.4);
 *     2. RST: exact RCV.NXT resets, else in-window gets a challenge ACK
 *        (RFC 5961 §3.2);
 *     4. SYN in a synchronised state: challenge ACK (RFC 5961 §4.2);
 *     5. ACK (net/tcp_rcv.c) and the FIN-WAIT/CLOSING/LAST-ACK transitions;
 *     7. data (ESTABLISHED, FIN-WAIT-1/2);
 *     8. FIN, when it is next in sequence.
 * Then the application is told (recv callback) and output runs.
 */
#include "tcp_internal.h"

int tcp_input_segment_flags(struct tcp_stack *st, uint32_t src, uint32_t dst, const uint8_t *buf,
			    size_t len, uint32_t now_ms, unsigned flags)
{
	struct tcp_seg seg;
	struct tcp_pcb *pcb;

	st->now = now_ms;
	st->stats.seg_in++;
	if (len < TCP_HDR_LEN) {
		st->stats.bad_hdr++;
		return -EBADMSG;
	}
	if (!(flags & TCP_IN_CSUM_OK) && tcp_checksum(src, dst, buf, len) != 0) {
		st->stats.bad_csum++;
		return -EBADMSG;
	}
	memset(&seg, 0, sizeof(seg));
	if (tcp_hdr_parse(buf, len, &seg) < 0) {
		st->stats.bad_hdr++;
		return -EBADMSG;
	}
	seg.src = src;
	seg.dst = dst;
	if (seg.sport == 0 || seg.dport == 0) {
		st->stats.drops++;
		return 0;
	}
	tcp_enter(st);
	pcb = tcp_pcb_lookup(st, &seg);
	if (pcb == NULL) {
		st->stats.drops++;
		tcp_reply_rst(st, &seg);
	} else if (pcb->state == TCP_LISTEN) {
		tcp_listen_input(pcb, &seg);
	} else {
		tcp_process(pcb, &seg);
	}
	tcp_leave(st);
	return 0;
}

/*
 * Adopts the peer's SYN options. Window scaling and timestamps stay on only
 * if we offered them (flags set before) and the peer's SYN carries them.
 */
void tcp_apply_syn_opts(struct tcp_pcb *pcb, const struct tcp_opts *o, bool offered)
{
	uint32_t mss = (o->present & TCP_O_MSS) ? o->mss : TCP_DEFAULT_MSS;

	if (mss > CONFIG_TCP_MSS) {
		mss = CONFIG_TCP_MSS;
	}
	if (mss < CONFIG_TCP_MIN_MSS) {
		mss = CONFIG_TCP_MIN_MSS;
	}
	if (offered && (o->present & TCP_O_WS)) {
		pcb->flags |= TCP_F_WS;
		pcb->snd_wscale = o->wscale;
	} else {
		pcb->flags &= ~TCP_F_WS;
		pcb->snd_wscale = 0;
		pcb->rcv_wscale = 0;
	}
	if (offered && (o->present & TCP_O_TS)) {
		pcb->flags |= TCP_F_TS;
		pcb->ts_recent = o->tsval;
		mss -= TCP_OPTLEN_TS + 2u; /* room for NOP NOP TS in every segment */
	} else {
		pcb->flags &= ~TCP_F_TS;
	}
	pcb->mss = (uint16_t)mss;
	pcb->cwnd = tcp_initial_cwnd(mss);
}

static void tcp_established(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	tcp_set_state(pcb, TCP_ESTABLISHED);
	pcb->snd_wnd = (uint32_t)seg->wnd << pcb->snd_wscale;
	pcb->max_snd_wnd = pcb->snd_wnd;
	pcb->snd_wl1 = seg->seq;
	pcb->snd_wl2 = seg->ack;
	tcp_keep_reset(pcb);
}

static void tcp_syn_sent(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	bool ack_ok = (seg->flags & TCP_ACK) && SEQ_GT(seg->ack, pcb->iss) &&
		      SEQ_LEQ(seg->ack, pcb->snd_max);

	if ((seg->flags & TCP_ACK) && !ack_ok) {
		tcp_reply_rst(pcb->st, seg);
		return;
	}
	if (seg->flags & TCP_RST) {
		if (ack_ok) {
			pcb->st->stats.rst_in++;
			tcp_pcb_kill(pcb, -ECONNREFUSED);
		}
		return;
	}
	if (!(seg->flags & TCP_SYN)) {
		return;
	}
	pcb->irs = seg->seq;
	pcb->rcv_nxt = seg->seq + 1u;
	pcb->rcv_adv = pcb->rcv_nxt;
	tcp_apply_syn_opts(pcb, &seg->opt, true);
	if (!ack_ok) {
		/* simultaneous open (RFC 9293 §3.5, figure 8) */
		tcp_set_state(pcb, TCP_SYN_RCVD);
		pcb->snd_wnd = seg->wnd;
		pcb->snd_nxt = pcb->iss;
		tcp_send_syn(pcb);
		return;
	}
	pcb->snd_una = seg->ack;
	if (pcb->nrexmit == 0) {
		tcp_rtt_sample(pcb, pcb->st->now - pcb->rtt_start);
	}
	pcb->nrexmit = 0;
	tcp_timer_clear(pcb, TCP_T_REXMIT);
	tcp_established(pcb, seg);
	pcb->snd_wnd = seg->wnd; /* a SYN's window is never scaled */
	pcb->max_snd_wnd = pcb->snd_wnd;
	tcp_send_ack(pcb);
	if (pcb->connected != NULL) {
		pcb->connected(pcb->arg, pcb);
	}
	if (!(pcb->flags & TCP_F_FREE)) {
		tcp_out(pcb);
	}
}

/* RFC 9293 §3.10.7.4 table: is any of the segment inside the window? */
static bool tcp_acceptable(const struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t wnd = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
	uint32_t slen = tcp_seg_seqlen(seg);
	uint32_t end = pcb->rcv_nxt + wnd;

	if (slen == 0) {
		if (wnd == 0) {
			return seg->seq == pcb->rcv_nxt;
		}
		return SEQ_GEQ(seg->seq, pcb->rcv_nxt) && SEQ_LT(seg->seq, end);
	}
	if (wnd == 0) {
		return false;
	}
	return (SEQ_GEQ(seg->seq, pcb->rcv_nxt) && SEQ_LT(seg->seq, end)) ||
	       (SEQ_GEQ(seg->seq + slen - 1u, pcb->rcv_nxt) && SEQ_LT(seg->seq + slen - 1u, end));
}

static void tcp_rst_in(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (seg->seq != pcb->rcv_nxt) {
		tcp_challenge_ack(pcb); /* RFC 5961 §3.2 */
		return;
	}
	pcb->st->stats.rst_in++;
	if (pcb->state == TCP_TIME_WAIT || pcb->state == TCP_CLOSING ||
	    pcb->state == TCP_LAST_ACK) {
		if (pcb->flags & TCP_F_ORPHAN) {
			tcp_pcb_release(pcb);
			return;
		}
	}
	tcp_pcb_kill(pcb, pcb->state == TCP_SYN_RCVD ? -ECONNREFUSED : -ECONNRESET);
}

/*
 * The ACK owed for an unacceptable segment (RFC 9293 §3.10.7.4). For
 * segments without data or SYN/FIN it is rate limited per connection:
 * two hosts that each find the other's ACKs unacceptable would otherwise
 * trade them forever (Linux limits these the same way).
 */
static void tcp_oow_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t now = pcb->st->now;

	if (seg->flags & TCP_RST) {
		return;
	}
	if (seg->len == 0 && !(seg->flags & (TCP_SYN | TCP_FIN))) {
		if ((pcb->flags & TCP_F_OOW) && now - pcb->oow_at < CONFIG_TCP_OOW_ACK_MS) {
			return;
		}
		pcb->flags |= TCP_F_OOW;
		pcb->oow_at = now;
	}
	pcb->flags |= TCP_F_ACK_NOW;
}

/* Step 0 and 1: PAWS and acceptability. Returns false to drop. */
static bool tcp_check_seq(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if ((pcb->flags & TCP_F_TS) && (seg->opt.present & TCP_O_TS) && !(seg->flags & TCP_RST) &&
	    SEQ_LT(seg->opt.tsval, pcb->ts_recent)) {
		pcb->st->stats.drops++;
		tcp_oow_ack(pcb, seg); /* RFC 7323 §5.3 R1 */
		return false;
	}
	if (!tcp_acceptable(pcb, seg)) {
		pcb->st->stats.drops++;
		tcp_oow_ack(pcb, seg);
		return false;
	}
	if ((pcb->flags & TCP_F_TS) && (seg->opt.present & TCP_O_TS) &&
	    SEQ_LEQ(seg->seq, pcb->last_ack_sent)) {
		pcb->ts_recent = seg->opt.tsval; /* RFC 7323 §4.3 */
	}
	return true;
}

/* Step 5 state transitions once the ACK is processed. */
static void tcp_after_ack(struct tcp_pcb *pcb)
{
	bool fin_acked = (pcb->flags & TCP_F_FIN_QUEUED) && pcb->snd_len == 0 &&
			 pcb->snd_una == pcb->snd_seq + 1u;

	if (!fin_acked) {
		return;
	}
	switch (pcb->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(pcb, TCP_FIN_WAIT_2);
		if (pcb->flags & TCP_F_ORPHAN) {
			tcp_timer_set(pcb, TCP_T_WAIT, CONFIG_TCP_FIN_WAIT2_MS);
		}
		break;
	case TCP_CLOSING:
		tcp_enter_time_wait(pcb);
		break;
	case TCP_LAST_ACK:
		if (pcb->flags & TCP_F_ORPHAN) {
			tcp_pcb_release(pcb);
		} else {
			tcp_set_state(pcb, TCP_CLOSED);
			pcb->timers = 0;
		}
		break;
	default:
		break;
	}
}

/* Step 8: the peer's FIN, when it is next in sequence. Returns true if new. */
static bool tcp_fin_in(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (!(seg->flags & TCP_FIN) || seg->seq + (uint32_t)seg->len != pcb->rcv_nxt) {
		return false;
	}
	pcb->flags |= TCP_F_ACK_NOW;
	if (pcb->flags & TCP_F_FIN_RCVD) {
		if (pcb->state == TCP_TIME_WAIT) {
			tcp_timer_set(pcb, TCP_T_WAIT, 2u * CONFIG_TCP_MSL_MS);
		}
		return false;
	}
	pcb->flags |= TCP_F_FIN_RCVD;
	pcb->rcv_nxt++;
	switch (pcb->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(pcb, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		tcp_set_state(pcb, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_enter_time_wait(pcb);
		break;
	default:
		break;
	}
	return true;
}

/* Steps 7, 8 and the application upcall. */
static void tcp_data_fin(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	uint32_t before = pcb->rcv_nxt;
	bool fin;

	if (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_FIN_WAIT_1 ||
	    pcb->state == TCP_FIN_WAIT_2) {
		tcp_rcv_data(pcb, seg);
	}
	fin = tcp_fin_in(pcb, seg);
	if ((fin || pcb->rcv_nxt != before) && pcb->recv != NULL && !(pcb->flags & TCP_F_SHUT_RX)) {
		pcb->recv(pcb->arg, pcb, pcb->rcv_len, (pcb->flags & TCP_F_FIN_RCVD) != 0);
	}
}

static void tcp_syn_rcvd_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (SEQ_LEQ(seg->ack, pcb->snd_una) || SEQ_GT(seg->ack, pcb->snd_max)) {
		tcp_reply_rst(pcb->st, seg);
		return;
	}
	tcp_established(pcb, seg);
	pcb->nrexmit = 0;
	if (pcb->connected != NULL) {
		pcb->connected(pcb->arg, pcb);
	}
}

void tcp_process(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
	if (pcb->state == TCP_SYN_SENT) {
		tcp_syn_sent(pcb, seg);
		return;
	}
	if (!tcp_check_seq(pcb, seg)) {
		goto out;
	}
	if (seg->flags & TCP_RST) {
		tcp_rst_in(pcb, seg);
		return;
	}
	if (seg->flags & TCP_SYN) {
		tcp_challenge_ack(pcb); /* RFC 5961 §4.2 */
		return;
	}
	if (!(seg->flags & TCP_ACK)) {
		pcb->st->stats.drops++;
		return;
	}
	tcp_keep_reset(pcb);
	if (pcb->state == TCP_SYN_RCVD) {
		tcp_syn_rcvd_ack(pcb, seg);
		if (pcb->state != TCP_ESTABLISHED) {
			return;
		}
	}
	if (!tcp_rcv_ack(pcb, seg)) {
		goto out;
	}
	tcp_after_ack(pcb);
	if (pcb->flags & TCP_F_FREE) {
		return;
	}
	tcp_data_fin(pcb, seg);
out:
	if (!(pcb->flags & TCP_F_FREE)) {
		tcp_out(pcb);
	}
}
