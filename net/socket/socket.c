/*
 * BSD-style sockets: the socket table and the management calls (socket,
 * bind, listen, accept, connect, close, shutdown, options, names).
 *
 * Design. The stack belongs to the network task, so every call packs its
 * arguments into a struct sock_req and runs a do_*() function there with
 * net_call(). A call that cannot complete yet (no connection to accept,
 * handshake in progress, no data, no send room) returns -EAGAIN from the
 * network task after clearing the socket's event bit; the caller then
 * waits on the socket's event flags with its timeout and tries again. The
 * stack's TCP/UDP callbacks (sock_io.c, also in the network task) set the
 * bits. Waits are sliced to CONFIG_NET_SOCK_RECHECK_MS, so even two tasks
 * racing on one socket's bits cannot sleep through an event for long.
 *
 * A listener's accept queue is made of socket slots: the TCP accept
 * callback takes a free slot for each new connection, marks it with the
 * listener as `parent` and an arrival number, and net_accept() hands out
 * the oldest. Closing the listener resets and frees whatever is queued.
 * A full queue (or table) answers -EAGAIN: TCP drops the handshake's last
 * ACK and the connection comes in on a retransmission, as on Linux.
 */
#include <stddef.h>
#include <string.h>

#include "sock_internal.h"

struct net_sock sock_tab[CONFIG_NET_SOCKETS];
struct os_flags sock_poll_ev;
static bool sock_inited;
static uint32_t sock_aseq;

/* ---- table and waiting ---------------------------------------------------------- */

static void sock_table_init(void)
{
	if (sock_inited) {
		return;
	}
	for (int i = 0; i < CONFIG_NET_SOCKETS; i++) {
		os_flags_init(&sock_tab[i].ev, 0);
	}
	os_flags_init(&sock_poll_ev, 0);
	sock_inited = true;
}

struct net_sock *sock_get(int fd)
{
	if (fd < 0 || fd >= CONFIG_NET_SOCKETS || sock_tab[fd].state == NET_SS_FREE) {
		return NULL;
	}
	return &sock_tab[fd];
}

void sock_notify(struct net_sock *s, uint32_t bits)
{
	os_flags_set(&s->ev, bits);
	os_flags_set(&sock_poll_ev, 1u << sock_fd(s));
}

void sock_unready(struct net_sock *s, uint32_t bits)
{
	os_flags_clear(&s->ev, bits);
}

void sock_req_timing(struct sock_req *rq, const struct net_sock *s, bool tx)
{
	rq->nowait = s->nonblock || (rq->flags & NET_MSG_DONTWAIT) != 0;
	rq->timeo_ms = tx ? s->sndtimeo : s->rcvtimeo;
	rq->wait_bits = tx ? SOCK_EV_TX : SOCK_EV_RX;
}

int sock_retry(int (*fn)(struct net_stack *st, void *arg), struct sock_req *rq, bool partial)
{
	os_tick_t start = os_ticks();
	int ret;

	for (;;) {
		os_tick_t slice = OS_MS(CONFIG_NET_SOCK_RECHECK_MS);

		ret = net_call(fn, rq);
		if (ret != -EAGAIN || rq->nowait) {
			break;
		}
		if (rq->timeo_ms != 0) {
			os_tick_t limit = OS_MS(rq->timeo_ms);
			os_tick_t spent = os_ticks() - start;

			if (spent >= limit) {
				break;
			}
			if (limit - spent < slice) {
				slice = limit - spent;
			}
		}
		if (rq->fd >= 0 && rq->fd < CONFIG_NET_SOCKETS) {
			(void)os_flags_wait(&sock_tab[rq->fd].ev, rq->wait_bits, OS_FLAGS_ANY, NULL,
					    slice);
		} else {
			os_sleep(slice);
		}
	}
	if (ret == -EAGAIN && partial && rq->done > 0) {
		ret = (int)rq->done;
	}
	return ret;
}

/* Takes a free slot (network task). */
static struct net_sock *sock_alloc(uint8_t type)
{
	sock_table_init();
	for (int i = 0; i < CONFIG_NET_SOCKETS; i++) {
		struct net_sock *s = &sock_tab[i];

		if (s->state == NET_SS_FREE) {
			/* ev stays: tasks may still be queued on it (they see -EBADF) */
			memset(s, 0, offsetof(struct net_sock, ev));
			os_flags_clear(&s->ev, 0xFFFFFFFFu);
			s->state = NET_SS_OPEN;
			s->type = type;
			s->parent = -1;
			return s;
		}
	}
	return NULL;
}

/* Releases a slot and wakes anyone still blocked on it (they see -EBADF). */
static void sock_free(struct net_sock *s)
{
	s->state = NET_SS_FREE;
	s->tpcb = NULL;
	s->upcb = NULL;
	sock_notify(s, SOCK_EV_RX | SOCK_EV_TX);
}

/* ---- stack callbacks for listeners ------------------------------------------------ */

static int sock_accept_cb(void *arg, struct tcp_pcb *newpcb)
{
	struct net_sock *ls = arg;
	struct net_sock *c;

	if (ls->state != NET_SS_LISTEN) {
		return -ECONNREFUSED;
	}
	if (ls->npend >= ls->backlog) {
		return -EAGAIN; /* the handshake completes when accept() makes room */
	}
	c = sock_alloc(NET_SOCK_STREAM);
	if (c == NULL) {
		return -EAGAIN; /* likewise when a socket is closed */
	}
	c->state = NET_SS_CONNECTED;
	c->bound = true;
	c->parent = (int8_t)sock_fd(ls);
	c->aseq = ++sock_aseq;
	c->nodelay = ls->nodelay;
	c->keepalive = ls->keepalive;
	c->rcvtimeo = ls->rcvtimeo;
	c->sndtimeo = ls->sndtimeo;
	c->peer = net_sockaddr(newpcb->rip, newpcb->rport);
	sock_tcp_attach(c, newpcb);
	ls->npend++;
	sock_notify(ls, SOCK_EV_RX);
	return 0;
}

/* ---- socket / bind / listen ------------------------------------------------------- */

static int do_socket(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	uint8_t type = (uint8_t)rq->flags;
	struct net_sock *s = sock_alloc(type);

	if (s == NULL) {
		return -ENOBUFS;
	}
	if (type == NET_SOCK_STREAM) {
		struct tcp_stack *ts = sock_tcp(st);
		struct tcp_pcb *pcb = ts != NULL ? tcp_new(ts) : NULL;

		if (ts == NULL) {
			s->state = NET_SS_FREE;
			return -EPROTONOSUPPORT;
		}
		if (pcb == NULL) {
			s->state = NET_SS_FREE;
			return -ENOBUFS;
		}
		sock_tcp_attach(s, pcb);
	} else {
		s->upcb = udp_new(st);
		if (s->upcb == NULL) {
			s->state = NET_SS_FREE;
			return -ENOBUFS;
		}
		udp_recv(s->upcb, sock_udp_recv, s);
	}
	return sock_fd(s);
}

int net_socket(int domain, int type, int protocol)
{
	struct sock_req rq = {.fd = -1, .flags = type};

	if (domain != NET_AF_INET) {
		return -EAFNOSUPPORT;
	}
	if ((type != NET_SOCK_STREAM && type != NET_SOCK_DGRAM) || protocol != 0) {
		return -EPROTONOSUPPORT;
	}
	return net_call(do_socket, &rq);
}

/* Frees TIME-WAIT PCBs holding port so SO_REUSEADDR can bind it. */
static void sock_reap_time_wait(struct tcp_stack *ts, uint16_t port)
{
	for (int i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *p = &ts->pcbs[i];

		if (p->in_use && p->lport == port && p->state == TCP_TIME_WAIT) {
			tcp_abort(p);
		}
	}
}

static int do_bind(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);
	int err;

	if (s == NULL) {
		return -EBADF;
	}
	if (s->bound || s->state != NET_SS_OPEN) {
		return -EINVAL;
	}
	if (rq->addr.addr != NET_INADDR_ANY && !ip_is_local(st, rq->addr.addr)) {
		return -EADDRNOTAVAIL;
	}
	if (s->type == NET_SOCK_DGRAM) {
		err = udp_bind(s->upcb, rq->addr.addr, rq->addr.port);
	} else {
		err = tcp_bind(s->tpcb, rq->addr.addr, rq->addr.port);
		if (err == -EADDRINUSE && s->reuseaddr && rq->addr.port != 0) {
			sock_reap_time_wait(sock_tcp(st), rq->addr.port);
			err = tcp_bind(s->tpcb, rq->addr.addr, rq->addr.port);
		}
	}
	if (err == 0) {
		s->bound = true;
	}
	return err;
}

int net_bind(int fd, const struct net_sockaddr_in *addr)
{
	struct sock_req rq = {.fd = fd};

	if (addr == NULL || addr->family != NET_AF_INET) {
		return addr == NULL ? -EINVAL : -EAFNOSUPPORT;
	}
	rq.addr = *addr;
	return net_call(do_bind, &rq);
}

static int do_listen(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);
	unsigned backlog = (unsigned)rq->flags;
	int err;

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (s->type != NET_SOCK_STREAM) {
		return -ENOTSUP;
	}
	if (s->state == NET_SS_LISTEN) {
		return 0;
	}
	if (s->state != NET_SS_OPEN || s->tpcb == NULL) {
		return -EINVAL;
	}
	if (!s->bound) {
		err = tcp_bind(s->tpcb, 0, 0);
		if (err < 0) {
			return err;
		}
		s->bound = true;
	}
	backlog = backlog < 1 ? 1 : backlog > CONFIG_TCP_SYN_CACHE ? CONFIG_TCP_SYN_CACHE : backlog;
	err = tcp_listen(s->tpcb, backlog);
	if (err < 0) {
		return err;
	}
	s->backlog = (uint8_t)backlog;
	s->state = NET_SS_LISTEN;
	tcp_set_accept(s->tpcb, sock_accept_cb);
	return 0;
}

int net_listen(int fd, int backlog)
{
	struct sock_req rq = {.fd = fd, .flags = backlog};

	return net_call(do_listen, &rq);
}

/* ---- accept / connect ------------------------------------------------------------- */

static int do_accept(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);
	struct net_sock *best = NULL;

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	sock_req_timing(rq, s, false);
	if (s->state != NET_SS_LISTEN) {
		return -EINVAL;
	}
	for (int i = 0; i < CONFIG_NET_SOCKETS; i++) {
		struct net_sock *c = &sock_tab[i];

		if (c->state != NET_SS_FREE && c->parent == rq->fd &&
		    (best == NULL || (int32_t)(c->aseq - best->aseq) < 0)) {
			best = c;
		}
	}
	if (best == NULL) {
		sock_unready(s, SOCK_EV_RX);
		return -EAGAIN;
	}
	best->parent = -1;
	s->npend--;
	rq->addr = best->peer;
	return sock_fd(best);
}

int net_accept(int fd, struct net_sockaddr_in *peer)
{
	struct sock_req rq = {.fd = fd};
	int ret = sock_retry(do_accept, &rq, false);

	if (ret >= 0 && peer != NULL) {
		*peer = rq.addr;
	}
	return ret;
}

/* Starts (first call) or checks (later calls, rq->done set) a TCP handshake. */
static int do_connect_tcp(struct net_stack *st, struct net_sock *s, struct sock_req *rq)
{
	int err;

	if (rq->done) {
		if (s->state == NET_SS_CONNECTED) {
			return 0;
		}
		if (s->state == NET_SS_CONNECTING) {
			sock_unready(s, SOCK_EV_TX);
			return -EAGAIN;
		}
		err = s->err != 0 ? s->err : -ECONNABORTED;
		s->err = 0;
		return err;
	}
	switch (s->state) {
	case NET_SS_CONNECTED:
		return -EISCONN;
	case NET_SS_CONNECTING:
		return -EALREADY;
	case NET_SS_LISTEN:
		return -EINVAL;
	default:
		break;
	}
	if (s->tpcb == NULL) { /* a failed earlier attempt freed the PCB */
		struct tcp_pcb *pcb = tcp_new(sock_tcp(st));

		if (pcb == NULL) {
			return -ENOBUFS;
		}
		sock_tcp_attach(s, pcb);
	}
	s->err = 0;
	err = tcp_connect(s->tpcb, rq->addr.addr, rq->addr.port);
	if (err < 0) {
		return err;
	}
	s->bound = true;
	s->state = NET_SS_CONNECTING;
	s->peer = rq->addr;
	rq->done = 1;
	if (rq->nowait) {
		return -EINPROGRESS;
	}
	sock_unready(s, SOCK_EV_TX);
	return -EAGAIN;
}

static int do_connect(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);
	int err;

	if (s == NULL) {
		return -EBADF;
	}
	sock_req_timing(rq, s, true);
	if (s->type == NET_SOCK_STREAM) {
		return do_connect_tcp(st, s, rq);
	}
	err = udp_connect(s->upcb, rq->addr.addr, rq->addr.port);
	if (err == 0) {
		s->bound = true;
		s->state = NET_SS_CONNECTED;
		s->peer = rq->addr;
	}
	return err;
}

int net_connect(int fd, const struct net_sockaddr_in *addr)
{
	struct sock_req rq = {.fd = fd};
	int ret;

	if (addr == NULL || addr->family != NET_AF_INET) {
		return addr == NULL ? -EINVAL : -EAFNOSUPPORT;
	}
	rq.addr = *addr;
	ret = sock_retry(do_connect, &rq, false);
	if (ret == -EAGAIN && rq.done) {
		ret = -ETIMEDOUT; /* SO_SNDTIMEO ran out; the handshake goes on */
	}
	return ret;
}

/* ---- close / shutdown ------------------------------------------------------------- */

static void sock_close_one(struct net_sock *s)
{
	if (s->tpcb != NULL) {
		struct tcp_pcb *pcb = s->tpcb;

		tcp_arg(pcb, NULL);
		tcp_set_accept(pcb, NULL);
		if (s->parent >= 0) {
			tcp_abort(pcb); /* never accepted: reset it */
		} else {
			tcp_close(pcb);
		}
	}
	if (s->upcb != NULL) {
		udp_recv(s->upcb, NULL, NULL);
		udp_remove(s->upcb);
	}
	sock_udp_flush(s);
	sock_free(s);
}

static int do_close(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (s->state == NET_SS_LISTEN) {
		for (int i = 0; i < CONFIG_NET_SOCKETS; i++) {
			if (sock_tab[i].state != NET_SS_FREE && sock_tab[i].parent == rq->fd) {
				sock_close_one(&sock_tab[i]);
			}
		}
	}
	if (s->parent >= 0) {
		sock_tab[s->parent].npend--;
	}
	sock_close_one(s);
	return 0;
}

int net_close(int fd)
{
	struct sock_req rq = {.fd = fd};

	return net_call(do_close, &rq);
}

static int do_shutdown(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);
	bool rd = rq->flags == NET_SHUT_RD || rq->flags == NET_SHUT_RDWR;
	bool wr = rq->flags == NET_SHUT_WR || rq->flags == NET_SHUT_RDWR;
	int err = 0;

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (!rd && !wr) {
		return -EINVAL;
	}
	if (s->state != NET_SS_CONNECTED && s->state != NET_SS_CONNECTING) {
		return -ENOTCONN;
	}
	if (s->tpcb != NULL) {
		err = tcp_shutdown(s->tpcb, rd, wr);
	}
	if (err == 0) {
		s->shut_rd |= rd;
		s->shut_wr |= wr;
		sock_notify(s, SOCK_EV_RX | SOCK_EV_TX);
	}
	return err;
}

int net_shutdown(int fd, int how)
{
	struct sock_req rq = {.fd = fd, .flags = how};

	return net_call(do_shutdown, &rq);
}
