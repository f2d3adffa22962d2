/*
 * TCP: PCB and buffer pools, the application API and the netstat listing.
 *
 * Storage. A struct tcp_stack holds CONFIG_TCP_MAX_PCBS PCBs and
 * CONFIG_TCP_MAX_BUFS buffer sets (one send ring and one receive ring
 * each). Listeners, half-open connections (kept in the SYN cache, not in
 * PCBs) and orphaned TIME-WAIT entries hold no buffers, so a handful of
 * buffer sets serves many PCBs. When the PCB pool is empty the oldest
 * orphaned TIME-WAIT PCB is recycled, as lwIP and BSD do.
 *
 * Deferred frees. Callbacks may close or abort the PCB they were called
 * for while the core is still inside it. Every core entry point raises
 * st->depth; a PCB released meanwhile is only marked (TCP_F_FREE, state
 * CLOSED) and its slot is returned by tcp_reap() when the outermost entry
 * point unwinds. Core code re-checks pcb->state after every callback.
 */
#include "tcp_internal.h"

void tcp_enter(struct tcp_stack *st)
{
	st->depth++;
}

void tcp_leave(struct tcp_stack *st)
{
	if (--st->depth == 0) {
		tcp_reap(st);
	}
}

void tcp_stack_init(struct tcp_stack *st, const struct tcp_io *io, void *io_ctx,
		    const uint8_t key[16], uint32_t now_ms)
{
	uint32_t span = 65536u - CONFIG_TCP_EPHEMERAL_LO;

	/* everything but the (large) buffer contents, which need no zeroing */
	memset(st->pcbs, 0, sizeof(st->pcbs));
	memset(st->syn, 0, sizeof(st->syn));
	for (size_t i = 0; i < CONFIG_TCP_MAX_BUFS; i++) {
		st->bufs[i].used = false;
	}
	memset(&st->stats, 0, sizeof(st->stats));
	st->depth = 0;
	st->io = io;
	st->io_ctx = io_ctx;
	memcpy(st->key, key, sizeof(st->key));
	st->now = now_ms;
	st->chal_start = now_ms;
	st->chal_count = 0;
	st->next_port = (uint16_t)(CONFIG_TCP_EPHEMERAL_LO + tcp_ts_offset(st, 0, 0, 0, 0) % span);
}

static struct tcp_pcb *tcp_oldest_time_wait(struct tcp_stack *st)
{
	struct tcp_pcb *best = NULL;

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *p = &st->pcbs[i];

		if (p->in_use && p->state == TCP_TIME_WAIT && (p->flags & TCP_F_ORPHAN) &&
		    (best == NULL || SEQ_LT(p->t_wait, best->t_wait))) {
			best = p;
		}
	}
	return best;
}

struct tcp_pcb *tcp_pcb_alloc(struct tcp_stack *st)
{
	struct tcp_pcb *pcb = NULL;

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		if (!st->pcbs[i].in_use) {
			pcb = &st->pcbs[i];
			break;
		}
	}
	if (pcb == NULL) {
		pcb = tcp_oldest_time_wait(st);
		if (pcb == NULL) {
			return NULL;
		}
		tcp_bufs_free(pcb);
	}
	memset(pcb, 0, sizeof(*pcb));
	pcb->st = st;
	pcb->in_use = 1;
	pcb->state = TCP_CLOSED;
	pcb->keep_idle = CONFIG_TCP_KEEPIDLE_MS;
	pcb->keep_intvl = CONFIG_TCP_KEEPINTVL_MS;
	pcb->keep_cnt = CONFIG_TCP_KEEPCNT;
	return pcb;
}

struct tcp_bufs *tcp_bufs_alloc(struct tcp_stack *st)
{
	for (size_t i = 0; i < CONFIG_TCP_MAX_BUFS; i++) {
		if (!st->bufs[i].used) {
			st->bufs[i].used = true;
			return &st->bufs[i];
		}
	}
	return NULL;
}

void tcp_bufs_free(struct tcp_pcb *pcb)
{
	if (pcb->buf != NULL) {
		pcb->buf->used = false;
		pcb->buf = NULL;
	}
	pcb->snd_len = 0;
	pcb->rcv_len = 0;
	pcb->n_ooo = 0;
}

/* Marks pcb free; the slot returns to the pool when the core unwinds. */
void tcp_pcb_release(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->state == TCP_LISTEN) {
		tcp_syn_drop_listener(st, pcb);
	}
	pcb->state = TCP_CLOSED;
	pcb->flags |= TCP_F_FREE;
	pcb->timers = 0;
	pcb->recv = NULL;
	pcb->sent = NULL;
	pcb->err = NULL;
	pcb->connected = NULL;
	pcb->accept = NULL;
	if (st->depth == 0) {
		tcp_reap(st);
	}
}

void tcp_reap(struct tcp_stack *st)
{
	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *p = &st->pcbs[i];

		if (p->in_use && (p->flags & TCP_F_FREE)) {
			tcp_bufs_free(p);
			p->in_use = 0;
		}
	}
}

/* The stack ends a connection: err callback (unless orphaned), then free. */
void tcp_pcb_kill(struct tcp_pcb *pcb, int err)
{
	tcp_err_fn fn = pcb->err;
	void *arg = pcb->arg;
	bool tell = !(pcb->flags & (TCP_F_ORPHAN | TCP_F_FREE));

	tcp_pcb_release(pcb);
	if (tell && fn != NULL) {
		fn(arg, err);
	}
}

/* Smallest shift that fits the receive buffer in a 16-bit window. */
static uint8_t tcp_pick_wscale(void)
{
	uint8_t s = 0;

	while (((uint32_t)CONFIG_TCP_RCV_BUF >> s) > 65535u && s < TCP_MAX_WSCALE) {
		s++;
	}
	return s;
}

/* Defaults of a connection about to send or answer a SYN. */
void tcp_pcb_init_conn(struct tcp_pcb *pcb)
{
	pcb->mss = TCP_DEFAULT_MSS;
	pcb->rto = CONFIG_TCP_RTO_INIT_MS;
	pcb->ssthresh = 0x7fffffffu;
	pcb->rcv_wscale = tcp_pick_wscale();
	pcb->ts_off = tcp_ts_offset(pcb->st, pcb->lip, pcb->lport, pcb->rip, pcb->rport);
}

struct tcp_pcb *tcp_pcb_lookup(struct tcp_stack *st, const struct tcp_seg *seg)
{
	struct tcp_pcb *listener = NULL;

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *p = &st->pcbs[i];

		if (!p->in_use || (p->flags & TCP_F_FREE) || p->lport != seg->dport) {
			continue;
		}
		if (p->state == TCP_LISTEN) {
			if ((p->lip == 0 || p->lip == seg->dst) &&
			    (listener == NULL || listener->lip == 0)) {
				listener = p;
			}
			continue;
		}
		if (p->state != TCP_CLOSED && p->rport == seg->sport && p->rip == seg->src &&
		    p->lip == seg->dst) {
			return p;
		}
	}
	return listener;
}

void tcp_set_state(struct tcp_pcb *pcb, enum tcp_pcb_state state)
{
	pcb->state = (uint8_t)state;
}

/* ---- application API ---- */

struct tcp_pcb *tcp_new(struct tcp_stack *st)
{
	return tcp_pcb_alloc(st);
}

void tcp_arg(struct tcp_pcb *pcb, void *arg)
{
	pcb->arg = arg;
}

void tcp_set_callbacks(struct tcp_pcb *pcb, tcp_recv_fn recv, tcp_sent_fn sent, tcp_err_fn err)
{
	pcb->recv = recv;
	pcb->sent = sent;
	pcb->err = err;
}

void tcp_set_connected(struct tcp_pcb *pcb, tcp_connected_fn connected)
{
	pcb->connected = connected;
}

void tcp_set_accept(struct tcp_pcb *pcb, tcp_accept_fn accept)
{
	pcb->accept = accept;
}

static bool tcp_port_taken(const struct tcp_stack *st, const struct tcp_pcb *self, uint32_t ip,
			   uint16_t port, bool any_state)
{
	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		const struct tcp_pcb *p = &st->pcbs[i];

		if (p == self || !p->in_use || (p->flags & TCP_F_FREE) || p->lport != port) {
			continue;
		}
		if (!any_state && p->state != TCP_LISTEN && p->state != TCP_CLOSED) {
			continue; /* connections may share a listener's port */
		}
		if (p->lip == 0 || ip == 0 || p->lip == ip) {
			return true;
		}
	}
	return false;
}

int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
	struct tcp_stack *st = pcb->st;
	uint32_t span = 65536u - CONFIG_TCP_EPHEMERAL_LO;

	if (pcb->state != TCP_CLOSED || pcb->lport != 0) {
		return -EINVAL;
	}
	if (port == 0) {
		for (uint32_t n = 0; n < span; n++) {
			uint16_t cand = st->next_port;

			st->next_port =
				(uint16_t)(cand == 65535u ? CONFIG_TCP_EPHEMERAL_LO : cand + 1u);
			if (!tcp_port_taken(st, pcb, ip, cand, true)) {
				port = cand;
				break;
			}
		}
		if (port == 0) {
			return -EADDRINUSE;
		}
	} else if (tcp_port_taken(st, pcb, ip, port, false)) {
		return -EADDRINUSE;
	}
	pcb->lip = ip;
	pcb->lport = port;
	return 0;
}

int tcp_listen(struct tcp_pcb *pcb, unsigned backlog)
{
	if (pcb->state != TCP_CLOSED || pcb->lport == 0 || pcb->buf != NULL) {
		return -EINVAL;
	}
	if (backlog == 0) {
		backlog = 1;
	}
	if (backlog > CONFIG_TCP_SYN_CACHE) {
		backlog = CONFIG_TCP_SYN_CACHE;
	}
	pcb->backlog = (uint8_t)backlog;
	tcp_set_state(pcb, TCP_LISTEN);
	return 0;
}

int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
	struct tcp_stack *st = pcb->st;
	int err;

	if (pcb->state != TCP_CLOSED || (pcb->flags & TCP_F_FREE) || pcb->buf != NULL) {
		return -EINVAL;
	}
	if (pcb->lip == 0) {
		uint32_t src = st->io->src_addr ? st->io->src_addr(st->io_ctx, ip) : 0;

		if (src == 0) {
			return -ENETUNREACH;
		}
		pcb->lip = src;
	}
	if (pcb->lport == 0) {
		err = tcp_bind(pcb, pcb->lip, 0);
		if (err < 0) {
			return err;
		}
	}
	pcb->buf = tcp_bufs_alloc(st);
	if (pcb->buf == NULL) {
		st->stats.no_pcb++;
		return -ENOMEM;
	}
	pcb->rip = ip;
	pcb->rport = port;
	tcp_pcb_init_conn(pcb);
	pcb->iss = tcp_isn(st, pcb->lip, pcb->lport, ip, port, st->now);
	pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->iss;
	pcb->snd_seq = pcb->iss + 1;
	pcb->recover = pcb->iss;
	pcb->rtt_start = st->now;
	pcb->flags |= TCP_F_WS | TCP_F_TS; /* offered; cleared unless the SYN-ACK agrees */
	tcp_set_state(pcb, TCP_SYN_SENT);
	st->stats.connects++;
	tcp_enter(st);
	tcp_send_syn(pcb);
	tcp_leave(st);
	return 0;
}

int tcp_write(struct tcp_pcb *pcb, const void *data, size_t len)
{
	uint32_t room, tail, first;

	switch (pcb->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	default:
		return (pcb->flags & TCP_F_FIN_QUEUED) ? -ESHUTDOWN : -ENOTCONN;
	}
	if (pcb->flags & TCP_F_FIN_QUEUED) {
		return -ESHUTDOWN;
	}
	room = CONFIG_TCP_SND_BUF - pcb->snd_len;
	if (len == 0) {
		return 0;
	}
	if (room == 0) {
		return -EBUSY;
	}
	if (len > room) {
		len = room;
	}
	tail = (pcb->snd_head + pcb->snd_len) % CONFIG_TCP_SND_BUF;
	first = CONFIG_TCP_SND_BUF - tail;
	if (first > len) {
		first = (uint32_t)len;
	}
	memcpy(pcb->buf->snd + tail, data, first);
	memcpy(pcb->buf->snd, (const uint8_t *)data + first, len - first);
	pcb->snd_len += (uint32_t)len;
	return (int)len;
}

int tcp_output(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	tcp_enter(st);
	tcp_out(pcb);
	tcp_leave(st);
	return 0;
}

/*
 * After a read: tell the peer about the room it made only when it matters
 * (the rule Linux's tcp_cleanup_rbuf applies): the window the peer still
 * sees has fallen to half the buffer or less, and the room now is at least
 * twice that. Reads of a busy stream then cost no extra ACKs (the ACKs for
 * arriving data carry the window), and a stalled sender is still woken.
 */
static void tcp_window_update(struct tcp_pcb *pcb)
{
	uint32_t space = tcp_rcv_space(pcb);
	uint32_t seen = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;

	if (pcb->state < TCP_ESTABLISHED || pcb->state == TCP_TIME_WAIT ||
	    (pcb->flags & TCP_F_FIN_RCVD)) {
		return;
	}
	if (2u * seen <= CONFIG_TCP_RCV_BUF && space >= 2u * seen && space - seen >= TCP_RCV_SWS) {
		pcb->flags |= TCP_F_ACK_NOW;
		tcp_out(pcb);
	}
}

int tcp_read(struct tcp_pcb *pcb, void *buf, size_t len)
{
	uint32_t n, first;

	if (pcb->buf == NULL) {
		return (pcb->flags & TCP_F_FIN_RCVD) ? 0 : -ENOTCONN;
	}
	if (pcb->rcv_len == 0) {
		return (pcb->flags & TCP_F_FIN_RCVD) ? 0 : -EBUSY;
	}
	n = pcb->rcv_len < len ? pcb->rcv_len : (uint32_t)len;
	first = CONFIG_TCP_RCV_BUF - pcb->rcv_head;
	if (first > n) {
		first = n;
	}
	memcpy(buf, pcb->buf->rcv + pcb->rcv_head, first);
	memcpy((uint8_t *)buf + first, pcb->buf->rcv, n - first);
	pcb->rcv_head = (pcb->rcv_head + n) % CONFIG_TCP_RCV_BUF;
	pcb->rcv_len -= n;
	tcp_enter(pcb->st);
	tcp_window_update(pcb);
	tcp_leave(pcb->st);
	return (int)n;
}

size_t tcp_readable(const struct tcp_pcb *pcb)
{
	return pcb->rcv_len;
}

size_t tcp_sndbuf(const struct tcp_pcb *pcb)
{
	if (pcb->buf == NULL || (pcb->flags & TCP_F_FIN_QUEUED)) {
		return 0;
	}
	return CONFIG_TCP_SND_BUF - pcb->snd_len;
}

static void tcp_queue_fin(struct tcp_pcb *pcb)
{
	if (pcb->flags & TCP_F_FIN_QUEUED) {
		return;
	}
	pcb->flags |= TCP_F_FIN_QUEUED;
	if (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_SYN_RCVD) {
		tcp_set_state(pcb, TCP_FIN_WAIT_1);
	} else if (pcb->state == TCP_CLOSE_WAIT) {
		tcp_set_state(pcb, TCP_LAST_ACK);
	}
	tcp_out(pcb);
}

int tcp_shutdown(struct tcp_pcb *pcb, bool shut_rx, bool shut_tx)
{
	struct tcp_stack *st = pcb->st;

	if (pcb->state < TCP_SYN_SENT) {
		return -ENOTCONN;
	}
	tcp_enter(st);
	if (shut_rx) {
		pcb->flags |= TCP_F_SHUT_RX;
		pcb->rcv_head = (pcb->rcv_head + pcb->rcv_len) % CONFIG_TCP_RCV_BUF;
		pcb->rcv_len = 0;
	}
	if (shut_tx) {
		if (pcb->state == TCP_SYN_SENT) {
			tcp_pcb_kill(pcb, -ECONNABORTED);
		} else {
			tcp_queue_fin(pcb);
		}
	}
	tcp_leave(st);
	return 0;
}

int tcp_close(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	tcp_enter(st);
	pcb->recv = NULL;
	pcb->sent = NULL;
	pcb->err = NULL;
	pcb->connected = NULL;
	switch (pcb->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
	case TCP_SYN_SENT:
		tcp_pcb_release(pcb);
		break;
	case TCP_TIME_WAIT:
		pcb->flags |= TCP_F_ORPHAN;
		tcp_bufs_free(pcb);
		break;
	default:
		if (pcb->rcv_len > 0) {
			/* unread data: reset instead of a graceful close (RFC 2525 §2.17) */
			tcp_send_rst_pcb(pcb);
			tcp_pcb_release(pcb);
			break;
		}
		pcb->flags |= TCP_F_ORPHAN | TCP_F_SHUT_RX;
		if (pcb->state == TCP_FIN_WAIT_2) {
			tcp_timer_set(pcb, TCP_T_WAIT, CONFIG_TCP_FIN_WAIT2_MS);
		}
		tcp_queue_fin(pcb);
		break;
	}
	tcp_leave(st);
	return 0;
}

void tcp_abort(struct tcp_pcb *pcb)
{
	struct tcp_stack *st = pcb->st;

	tcp_enter(st);
	if (pcb->state >= TCP_SYN_RCVD && pcb->state != TCP_TIME_WAIT) {
		tcp_send_rst_pcb(pcb);
	}
	tcp_pcb_release(pcb);
	tcp_leave(st);
}

void tcp_nodelay(struct tcp_pcb *pcb, bool on)
{
	if (on) {
		pcb->flags |= TCP_F_NODELAY;
	} else {
		pcb->flags &= ~TCP_F_NODELAY;
	}
}

void tcp_keepalive(struct tcp_pcb *pcb, uint32_t idle_ms, uint32_t intvl_ms, unsigned count)
{
	if (idle_ms == 0) {
		pcb->flags &= ~TCP_F_KEEPALIVE;
		tcp_timer_clear(pcb, TCP_T_KEEP);
		return;
	}
	pcb->flags |= TCP_F_KEEPALIVE;
	pcb->keep_idle = idle_ms;
	pcb->keep_intvl = intvl_ms ? intvl_ms : CONFIG_TCP_KEEPINTVL_MS;
	pcb->keep_cnt = (uint8_t)(count == 0 ? 1 : count > 255 ? 255 : count);
	tcp_keep_reset(pcb);
}

enum tcp_pcb_state tcp_get_state(const struct tcp_pcb *pcb)
{
	return (enum tcp_pcb_state)pcb->state;
}

/* ---- introspection ---- */

const struct tcp_stats *tcp_get_stats(const struct tcp_stack *st)
{
	return &st->stats;
}

size_t tcp_pcbs_in_use(const struct tcp_stack *st)
{
	size_t n = 0;

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		n += st->pcbs[i].in_use ? 1u : 0u;
	}
	return n;
}

size_t tcp_bufs_in_use(const struct tcp_stack *st)
{
	size_t n = 0;

	for (size_t i = 0; i < CONFIG_TCP_MAX_BUFS; i++) {
		n += st->bufs[i].used ? 1u : 0u;
	}
	return n;
}

size_t tcp_syn_cache_in_use(const struct tcp_stack *st)
{
	size_t n = 0;

	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		n += st->syn[i].used ? 1u : 0u;
	}
	return n;
}

size_t tcp_pcb_list(const struct tcp_stack *st, struct tcp_pcb_info *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		const struct tcp_pcb *p = &st->pcbs[i];
		struct tcp_pcb_info *o;

		if (!p->in_use || (p->flags & TCP_F_FREE)) {
			continue;
		}
		if (n < max) {
			o = &out[n];
			memset(o, 0, sizeof(*o));
			o->state = p->state;
			o->local_ip = p->lip;
			o->local_port = p->lport;
			o->remote_ip = p->rip;
			o->remote_port = p->rport;
			o->snd_queued = p->snd_len;
			o->rcv_queued = p->rcv_len;
			o->cwnd = p->cwnd;
			o->ssthresh = p->ssthresh;
			o->snd_wnd = p->snd_wnd;
			o->rto_ms = p->rto;
			o->srtt_ms = p->srtt8 >> 3;
			o->mss = p->mss;
		}
		n++;
	}
	return n;
}

const char *tcp_state_name(int state)
{
	static const char *const names[] = {
		"CLOSED",     "LISTEN",	    "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",	"LAST_ACK", "TIME_WAIT",
	};

	if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0]))) {
		return "?";
	}
	return names[state];
}
