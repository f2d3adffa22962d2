/*
 * Passive open: listeners and the SYN cache.
 *
 * A SYN to a listener allocates no PCB. Its 4-tuple, both ISNs and the
 * negotiated options go into a small per-stack table (CONFIG_TCP_SYN_CACHE
 * entries) and a SYN-ACK goes out; the PCB and its buffers are taken only
 * when the third segment of the handshake acknowledges our ISN
 * (RFC 9293 §3.5 figure 6, step 4). A listener may hold at most `backlog`
 * entries; beyond that, or when the table is full, the oldest entry (of
 * this listener first) is evicted. A flood of spoofed SYNs therefore costs
 * a fixed amount of memory, never a PCB, and legitimate clients that lose
 * their entry retransmit their SYN. SYN-ACKs are retransmitted after
 * RTO_INIT, 2 RTO_INIT, ... CONFIG_TCP_SYNACK_RETRIES times.
 *
 * When no PCB or buffer set is free at the third segment, the entry is
 * dropped and the client gets a RST (it would otherwise believe itself
 * connected). When the application's accept queue is full (its accept
 * callback returns -EAGAIN) the third segment is dropped instead and the
 * entry kept: the client's retransmission, or ours of the SYN-ACK, completes
 * the handshake once the application has made room, and the entry's retry
 * limit ends it otherwise (Linux with tcp_abort_on_overflow = 0). A RST
 * whose sequence number is the expected one removes the entry; others are
 * ignored (RFC 5961 §3).
 */
#include "tcp_internal.h"

static struct tcp_syn_entry *tcp_syn_find(struct tcp_stack *st, const struct tcp_seg *seg)
{
	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		struct tcp_syn_entry *e = &st->syn[i];

		if (e->used && e->rport == seg->sport && e->lport == seg->dport &&
		    e->rip == seg->src && e->lip == seg->dst) {
			return e;
		}
	}
	return NULL;
}

static void tcp_syn_send_synack(struct tcp_stack *st, const struct tcp_syn_entry *e)
{
	struct tcp_opts o;
	uint32_t wnd = CONFIG_TCP_RCV_BUF > 65535u ? 65535u : CONFIG_TCP_RCV_BUF;

	memset(&o, 0, sizeof(o));
	o.present = TCP_O_MSS;
	o.mss = CONFIG_TCP_MSS;
	if (e->opts & TCP_O_WS) {
		uint8_t s = 0;

		while (((uint32_t)CONFIG_TCP_RCV_BUF >> s) > 65535u && s < TCP_MAX_WSCALE) {
			s++;
		}
		o.present |= TCP_O_WS;
		o.wscale = s;
	}
	if (e->opts & TCP_O_TS) {
		o.present |= TCP_O_TS;
		o.tsval = st->now + tcp_ts_offset(st, e->lip, e->lport, e->rip, e->rport);
		o.tsecr = e->ts_recent;
	}
	tcp_emit(st, e->lip, e->rip, e->lport, e->rport, e->iss, e->irs + 1u, TCP_SYN | TCP_ACK,
		 (uint16_t)wnd, &o, NULL, 0, 0);
}

/* A slot for a new entry of listener li, evicting if needed. */
static struct tcp_syn_entry *tcp_syn_slot(struct tcp_stack *st, uint8_t li, unsigned backlog)
{
	struct tcp_syn_entry *free_e = NULL, *old_mine = NULL, *old_any = NULL;
	unsigned mine = 0;

	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		struct tcp_syn_entry *e = &st->syn[i];

		if (!e->used) {
			free_e = free_e ? free_e : e;
			continue;
		}
		if (old_any == NULL || SEQ_LT(e->born, old_any->born)) {
			old_any = e;
		}
		if (e->listener == li) {
			mine++;
			if (old_mine == NULL || SEQ_LT(e->born, old_mine->born)) {
				old_mine = e;
			}
		}
	}
	if (mine >= backlog && old_mine != NULL) {
		st->stats.syn_cache_evictions++;
		return old_mine;
	}
	if (free_e != NULL) {
		return free_e;
	}
	st->stats.syn_cache_evictions++;
	return old_any;
}

static void tcp_syn_new(struct tcp_pcb *lpcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = lpcb->st;
	uint8_t li = (uint8_t)(lpcb - st->pcbs);
	struct tcp_syn_entry *e = tcp_syn_find(st, seg);

	if (e != NULL && e->irs == seg->seq) {
		tcp_syn_send_synack(st, e); /* SYN retransmitted: answer again */
		return;
	}
	if (e == NULL) {
		e = tcp_syn_slot(st, li, lpcb->backlog); /* else: a new ISN replaces it */
	}
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->listener = li;
	e->lip = seg->dst;
	e->rip = seg->src;
	e->lport = seg->dport;
	e->rport = seg->sport;
	e->irs = seg->seq;
	e->iss = tcp_isn(st, e->lip, e->lport, e->rip, e->rport, st->now);
	e->born = st->now;
	e->rexmit_at = st->now + CONFIG_TCP_RTO_INIT_MS;
	e->opts = seg->opt.present & (TCP_O_WS | TCP_O_TS | TCP_O_MSS);
	e->mss = seg->opt.mss;
	e->snd_wscale = seg->opt.wscale;
	e->ts_recent = seg->opt.tsval;
	e->wnd = seg->wnd;
	tcp_syn_send_synack(st, e);
}

/* Builds the ESTABLISHED PCB for entry e; NULL if the pools are empty. */
static struct tcp_pcb *tcp_syn_make_pcb(struct tcp_pcb *lpcb, const struct tcp_syn_entry *e,
					const struct tcp_seg *seg)
{
	struct tcp_stack *st = lpcb->st;
	struct tcp_pcb *pcb = tcp_pcb_alloc(st);
	struct tcp_opts o = {e->opts, e->snd_wscale, e->mss, e->ts_recent, 0};

	if (pcb == NULL) {
		return NULL;
	}
	pcb->buf = tcp_bufs_alloc(st);
	if (pcb->buf == NULL) {
		pcb->in_use = 0;
		return NULL;
	}
	pcb->lip = e->lip;
	pcb->rip = e->rip;
	pcb->lport = e->lport;
	pcb->rport = e->rport;
	pcb->arg = lpcb->arg;
	tcp_pcb_init_conn(pcb);
	pcb->iss = e->iss;
	pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->snd_seq = e->iss + 1u;
	pcb->recover = pcb->snd_una;
	pcb->irs = e->irs;
	pcb->rcv_nxt = e->irs + 1u;
	pcb->rcv_adv = pcb->rcv_nxt + (CONFIG_TCP_RCV_BUF > 65535u ? 65535u : CONFIG_TCP_RCV_BUF);
	pcb->last_ack_sent = pcb->rcv_nxt;
	tcp_apply_syn_opts(pcb, &o, true);
	if ((pcb->flags & TCP_F_TS) && (seg->opt.present & TCP_O_TS)) {
		pcb->ts_recent = seg->opt.tsval;
	}
	if (e->retries == 0 && !e->held) {
		tcp_rtt_sample(pcb, st->now - e->born);
	}
	tcp_set_state(pcb, TCP_ESTABLISHED);
	pcb->snd_wnd = (uint32_t)seg->wnd << pcb->snd_wscale;
	pcb->max_snd_wnd = pcb->snd_wnd;
	pcb->snd_wl1 = seg->seq;
	pcb->snd_wl2 = seg->ack;
	return pcb;
}

static void tcp_syn_ack_in(struct tcp_pcb *lpcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = lpcb->st;
	struct tcp_syn_entry *e = tcp_syn_find(st, seg);
	struct tcp_pcb *pcb;
	tcp_accept_fn accept = lpcb->accept;
	int rc = -ECONNREFUSED;

	if (e == NULL || seg->ack != e->iss + 1u) {
		st->stats.drops++;
		tcp_reply_rst(st, seg);
		return;
	}
	if (seg->seq != e->irs + 1u) {
		st->stats.drops++;
		return;
	}
	pcb = tcp_syn_make_pcb(lpcb, e, seg);
	if (pcb == NULL) {
		e->used = 0;
		st->stats.no_pcb++;
		tcp_reply_rst(st, seg);
		return;
	}
	if (accept != NULL) {
		rc = accept(lpcb->arg, pcb);
	}
	if (rc == -EAGAIN) {
		/* The application's accept queue is full: drop this ACK and keep
		 * the entry, as Linux does (tcp_abort_on_overflow = 0). */
		tcp_pcb_release(pcb);
		e->held = 1;
		st->stats.accept_full++;
		return;
	}
	e->used = 0;
	st->stats.accepts++;
	if (rc < 0) {
		if (!(pcb->flags & TCP_F_FREE)) {
			tcp_abort(pcb);
		}
		return;
	}
	if (!(pcb->flags & TCP_F_FREE)) {
		tcp_process(pcb, seg); /* data or FIN riding on the ACK */
	}
}

void tcp_listen_input(struct tcp_pcb *lpcb, const struct tcp_seg *seg)
{
	struct tcp_stack *st = lpcb->st;

	if (seg->flags & TCP_RST) {
		struct tcp_syn_entry *e = tcp_syn_find(st, seg);

		if (e != NULL && seg->seq == e->irs + 1u) {
			e->used = 0;
			st->stats.rst_in++;
		}
		return;
	}
	if (seg->flags & TCP_ACK) {
		tcp_syn_ack_in(lpcb, seg);
		return;
	}
	if (seg->flags & TCP_SYN) {
		tcp_syn_new(lpcb, seg);
		return;
	}
	st->stats.drops++;
}

void tcp_syn_tick(struct tcp_stack *st)
{
	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		struct tcp_syn_entry *e = &st->syn[i];

		if (!e->used || !TIME_GEQ(st->now, e->rexmit_at)) {
			continue;
		}
		if (e->retries >= CONFIG_TCP_SYNACK_RETRIES) {
			e->used = 0;
			st->stats.syn_cache_timeouts++;
			continue;
		}
		e->retries++;
		st->stats.retrans++;
		e->rexmit_at = st->now + ((uint32_t)CONFIG_TCP_RTO_INIT_MS << e->retries);
		tcp_syn_send_synack(st, e);
	}
}

uint32_t tcp_syn_next(const struct tcp_stack *st, uint32_t now)
{
	uint32_t best = UINT32_MAX;

	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		const struct tcp_syn_entry *e = &st->syn[i];
		uint32_t d;

		if (!e->used) {
			continue;
		}
		d = TIME_GEQ(now, e->rexmit_at) ? 0 : e->rexmit_at - now;
		if (d < best) {
			best = d;
		}
	}
	return best;
}

void tcp_syn_drop_listener(struct tcp_stack *st, const struct tcp_pcb *lpcb)
{
	uint8_t li = (uint8_t)(lpcb - st->pcbs);

	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		if (st->syn[i].used && st->syn[i].listener == li) {
			st->syn[i].used = 0;
		}
	}
}
