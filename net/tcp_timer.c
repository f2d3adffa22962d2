/*
 * TCP timers on a caller-driven millisecond clock.
 *
 * Each PCB has five deadlines (absolute ms, armed by a bit in pcb->timers):
 *
 *   REXMIT   RFC 6298: RTO = SRTT + max(G, 4 * RTTVAR), G = 1 ms, clamped to
 *            [CONFIG_TCP_RTO_MIN_MS, CONFIG_TCP_RTO_MAX_MS]; doubled on every
 *            timeout (§5.5); on expiry the sender goes back to snd_una
 *            (go-back-N from the send ring), ssthresh = max(FlightSize / 2,
 *            2 * SMSS) and cwnd = 1 SMSS (RFC 5681 §3.1, eq. 4).
 *   PERSIST  RFC 9293 §3.8.6.1: zero-window probes at RTO, 2 RTO, ... up to
 *            the RTO maximum, for as long as the peer answers.
 *   DELACK   RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: a lone in-order segment
 *            is ACKed after CONFIG_TCP_DELACK_MS at the latest.
 *   KEEP     RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6: off by default; after
 *            keep_idle of silence, keep_cnt probes keep_intvl apart, then
 *            ETIMEDOUT.
 *   WAIT     TIME-WAIT (2 * MSL, RFC 9293 §3.6.1) and the FIN-WAIT-2 timeout
 *            of orphaned connections.
 *
 * SRTT is kept as 8 * SRTT and RTTVAR as 4 * RTTVAR so the RFC 6298 gains
 * (alpha 1/8, beta 1/4) are shifts.
 */
#include "tcp_internal.h"

void tcp_timer_set(struct tcp_pcb *pcb, uint8_t which, uint32_t delay_ms)
{
	uint32_t at = pcb->st->now + delay_ms;

	pcb->timers |= which;
	switch (which) {
	case TCP_T_REXMIT:
		pcb->t_rexmit = at;
		break;
	case TCP_T_PERSIST:
		pcb->t_persist = at;
		break;
	case TCP_T_DELACK:
		pcb->t_delack = at;
		break;
	case TCP_T_KEEP:
		pcb->t_keep = at;
		break;
	default:
		pcb->t_wait = at;
		break;
	}
}

void tcp_timer_clear(struct tcp_pcb *pcb, uint8_t which)
{
	pcb->timers &= (uint8_t)~which;
}

static uint32_t tcp_clamp_rto(uint32_t rto)
{
	if (rto < CONFIG_TCP_RTO_MIN_MS) {
		return CONFIG_TCP_RTO_MIN_MS;
	}
	return rto > CONFIG_TCP_RTO_MAX_MS ? CONFIG_TCP_RTO_MAX_MS : rto;
}

/* RFC 6298 §2.2/§2.3 for one measurement of rtt_ms. */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms)
{
	uint32_t r = rtt_ms ? rtt_ms : 1u;

	if (r > 0x00ffffffu) {
		r = 0x00ffffffu;
	}
	if (pcb->srtt8 == 0) {
		pcb->srtt8 = r << 3;
		pcb->rttvar4 = r << 1;
	} else {
		uint32_t srtt = pcb->srtt8 >> 3;
		uint32_t err = r > srtt ? r - srtt : srtt - r;

		pcb->rttvar4 = pcb->rttvar4 - (pcb->rttvar4 >> 2) + err;
		pcb->srtt8 = pcb->srtt8 - (pcb->srtt8 >> 3) + r;
	}
	pcb->rto = tcp_clamp_rto((pcb->srtt8 >> 3) + (pcb->rttvar4 > 1u ? pcb->rttvar4 : 1u));
}

/* RFC 5681 §3.1 initial window. */
uint32_t tcp_initial_cwnd(uint32_t mss)
{
	if (mss > 2190u) {
		return 2u * mss;
	}
	return mss > 1095u ? 3u * mss : 4u * mss;
}

void tcp_keep_reset(struct tcp_pcb *pcb)
{
	if (!(pcb->flags & TCP_F_KEEPALIVE) ||
	    (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT)) {
		return;
	}
	pcb->keep_sent = 0;
	tcp_timer_set(pcb, TCP_T_KEEP, pcb->keep_idle);
}

void tcp_enter_time_wait(struct tcp_pcb *pcb)
{
	tcp_set_state(pcb, TCP_TIME_WAIT);
	pcb->timers = 0;
	tcp_timer_set(pcb, TCP_T_WAIT, 2u * CONFIG_TCP_MSL_MS);
	if (pcb->flags & TCP_F_ORPHAN) {
		tcp_bufs_free(pcb);
	}
}

static void tcp_rexmit_timeout(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;
	uint32_t flight = pcb->snd_max - pcb->snd_una;
	bool syn = pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD;
	unsigned limit = syn ? CONFIG_TCP_SYN_RETRIES : CONFIG_TCP_MAX_RETRIES;

	st->stats.timeouts++;
	if (pcb->nrexmit >= limit) {
		if (!syn) {
			tcp_send_rst_pcb(pcb);
		}
		tcp_pcb_kill(pcb, -ETIMEDOUT);
		return;
	}
	pcb->nrexmit++;
	pcb->rto = pcb->rto * 2u > CONFIG_TCP_RTO_MAX_MS ? CONFIG_TCP_RTO_MAX_MS : pcb->rto * 2u;
	pcb->ssthresh = flight / 2u > 2u * pcb->mss ? flight / 2u : 2u * pcb->mss;
	pcb->cwnd = pcb->mss;
	pcb->dupacks = 0;
	pcb->recover = pcb->snd_max;
	pcb->flags &= ~(TCP_F_RECOVERY | TCP_F_RTT);
	if (syn) {
		st->stats.retrans++;
		pcb->snd_nxt = pcb->iss;
		tcp_send_syn(pcb);
		return;
	}
	pcb->snd_nxt = pcb->snd_una; /* go back N */
	tcp_out(pcb);
	if (!(pcb->timers & (TCP_T_REXMIT | TCP_T_PERSIST)) && pcb->snd_max != pcb->snd_una) {
		tcp_timer_set(pcb, TCP_T_REXMIT, pcb->rto);
	}
}

static void tcp_persist_timeout(struct tcp_pcb *pcb)
{
	uint32_t delay;

	if (pcb->snd_nxt != pcb->snd_una) {
		return; /* data in flight: the retransmission timer covers it */
	}
	if (pcb->snd_wnd > 0) {
		pcb->flags |= TCP_F_FORCE;
		tcp_out(pcb);
		pcb->flags &= ~TCP_F_FORCE;
		return;
	}
	tcp_send_probe(pcb);
	if (pcb->persist_exp < 16) {
		pcb->persist_exp++;
	}
	delay = pcb->rto << (pcb->persist_exp > 6 ? 6 : pcb->persist_exp);
	tcp_timer_set(pcb, TCP_T_PERSIST, tcp_clamp_rto(delay));
}

static void tcp_keep_timeout(struct tcp_pcb *pcb)
{
	if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT) {
		return;
	}
	if (pcb->keep_sent >= pcb->keep_cnt) {
		tcp_send_rst_pcb(pcb);
		tcp_pcb_kill(pcb, -ETIMEDOUT);
		return;
	}
	pcb->keep_sent++;
	tcp_send_probe(pcb);
	tcp_timer_set(pcb, TCP_T_KEEP, pcb->keep_intvl);
}

static void tcp_wait_timeout(struct tcp_pcb *pcb)
{
	if (pcb->flags & TCP_F_ORPHAN) {
		tcp_pcb_release(pcb);
		return;
	}
	/* the application still holds it: it sees CLOSED and calls tcp_close() */
	tcp_set_state(pcb, TCP_CLOSED);
}

static bool tcp_due(const struct tcp_pcb *pcb, uint8_t bit, uint32_t at)
{
	return (pcb->timers & bit) && TIME_GEQ(pcb->st->now, at);
}

static void tcp_pcb_tick(struct tcp_pcb *pcb)
{
	if (tcp_due(pcb, TCP_T_DELACK, pcb->t_delack)) {
		pcb->timers &= (uint8_t)~TCP_T_DELACK;
		tcp_send_ack(pcb);
	}
	if (tcp_due(pcb, TCP_T_REXMIT, pcb->t_rexmit)) {
		pcb->timers &= (uint8_t)~TCP_T_REXMIT;
		tcp_rexmit_timeout(pcb);
	}
	if (pcb->state != TCP_CLOSED && tcp_due(pcb, TCP_T_PERSIST, pcb->t_persist)) {
		pcb->timers &= (uint8_t)~TCP_T_PERSIST;
		tcp_persist_timeout(pcb);
	}
	if (pcb->state != TCP_CLOSED && tcp_due(pcb, TCP_T_KEEP, pcb->t_keep)) {
		pcb->timers &= (uint8_t)~TCP_T_KEEP;
		tcp_keep_timeout(pcb);
	}
	if (pcb->state != TCP_CLOSED && tcp_due(pcb, TCP_T_WAIT, pcb->t_wait)) {
		pcb->timers &= (uint8_t)~TCP_T_WAIT;
		tcp_wait_timeout(pcb);
	}
}

void tcp_tick(struct tcp_stack *st, uint32_t now_ms)
{
	st->now = now_ms;
	tcp_enter(st);
	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *pcb = &st->pcbs[i];

		if (pcb->in_use && !(pcb->flags & TCP_F_FREE) && pcb->timers) {
			tcp_pcb_tick(pcb);
		}
	}
	tcp_syn_tick(st);
	tcp_leave(st);
}

static void tcp_min_deadline(uint32_t *best, uint32_t now, uint32_t at)
{
	uint32_t d = TIME_GEQ(now, at) ? 0 : at - now;

	if (d < *best) {
		*best = d;
	}
}

uint32_t tcp_next_timeout(const struct tcp_stack *st, uint32_t now_ms)
{
	uint32_t best = tcp_syn_next(st, now_ms);

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		const struct tcp_pcb *p = &st->pcbs[i];
		const uint32_t at[5] = {p->t_rexmit, p->t_persist, p->t_delack, p->t_keep,
					p->t_wait};

		if (!p->in_use || (p->flags & TCP_F_FREE)) {
			continue;
		}
		for (unsigned b = 0; b < 5; b++) {
			if (p->timers & (1u << b)) {
				tcp_min_deadline(&best, now_ms, at[b]);
			}
		}
	}
	return best;
}
