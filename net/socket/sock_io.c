/*
 * Sockets: the data path (send, recv, sendto, recvfrom), net_socket_poll(), and
 * the TCP/UDP callbacks that turn stack events into socket readiness.
 *
 * TCP data is copied straight between the caller's buffer and the
 * connection's send/receive buffers inside the network task (tcp_write /
 * tcp_read); nothing is staged in between. UDP datagrams wait in a short
 * per-socket queue of pbufs (CONFIG_NET_SOCK_UDP_RXQ): the receive
 * callback pushes 4 bytes in front of the payload for the source port and
 * keeps the source address in pbuf.tag.
 */
#include <string.h>

#include "sock_internal.h"

#define SOCK_UDP_MAX 65507u /* 65535 - IPv4 header - UDP header */

/* ---- stack callbacks (network task) ----------------------------------------------- */

static void sock_tcp_recv_cb(void *arg, struct tcp_pcb *pcb, size_t avail, bool eof)
{
	struct net_sock *s = arg;

	(void)pcb;
	(void)avail;
	if (s == NULL) {
		return;
	}
	if (eof) {
		s->rx_eof = true;
	}
	sock_notify(s, SOCK_EV_RX);
}

static void sock_tcp_sent_cb(void *arg, struct tcp_pcb *pcb, size_t acked)
{
	(void)pcb;
	(void)acked;
	if (arg != NULL) {
		sock_notify(arg, SOCK_EV_TX);
	}
}

static void sock_tcp_err_cb(void *arg, int err)
{
	struct net_sock *s = arg;

	if (s == NULL) {
		return;
	}
	s->tpcb = NULL; /* the stack freed it */
	s->err = (int16_t)err;
	s->state = NET_SS_CLOSED;
	sock_notify(s, SOCK_EV_RX | SOCK_EV_TX);
}

static void sock_tcp_connected_cb(void *arg, struct tcp_pcb *pcb)
{
	struct net_sock *s = arg;

	(void)pcb;
	if (s != NULL) {
		s->state = NET_SS_CONNECTED;
		sock_notify(s, SOCK_EV_TX);
	}
}

void sock_tcp_attach(struct net_sock *s, struct tcp_pcb *pcb)
{
	s->tpcb = pcb;
	tcp_arg(pcb, s);
	tcp_set_callbacks(pcb, sock_tcp_recv_cb, sock_tcp_sent_cb, sock_tcp_err_cb);
	tcp_set_connected(pcb, sock_tcp_connected_cb);
	tcp_nodelay(pcb, s->nodelay);
	if (s->keepalive) {
		tcp_keepalive(pcb, CONFIG_TCP_KEEPIDLE_MS, CONFIG_TCP_KEEPINTVL_MS,
			      CONFIG_TCP_KEEPCNT);
	}
}

void sock_udp_recv(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		   uint16_t sport)
{
	struct net_sock *s = ctx;

	(void)pcb;
	if (s == NULL || s->rxq_len >= CONFIG_NET_SOCK_UDP_RXQ || s->shut_rd ||
	    pbuf_push(p, 4) != 0) {
		if (s != NULL) {
			s->udp_drops++;
		}
		pbuf_free(p);
		return;
	}
	p->payload[0] = (uint8_t)(sport >> 8);
	p->payload[1] = (uint8_t)sport;
	p->payload[2] = 0;
	p->payload[3] = 0;
	p->tag = ip->src;
	p->qnext = NULL;
	if (s->rxq_tail != NULL) {
		s->rxq_tail->qnext = p;
	} else {
		s->rxq = p;
	}
	s->rxq_tail = p;
	s->rxq_len++;
	sock_notify(s, SOCK_EV_RX);
}

void sock_udp_flush(struct net_sock *s)
{
	while (s->rxq != NULL) {
		struct pbuf *p = s->rxq;

		s->rxq = p->qnext;
		p->qnext = NULL;
		pbuf_free(p);
	}
	s->rxq_tail = NULL;
	s->rxq_len = 0;
}

/* ---- receive ---------------------------------------------------------------------- */

static int sock_take_err(struct net_sock *s)
{
	int err = s->err;

	s->err = 0;
	return err;
}

static int do_recv_tcp(struct net_sock *s, struct sock_req *rq)
{
	int n;

	if (rq->flags & NET_MSG_PEEK) {
		return -ENOTSUP;
	}
	if (s->state == NET_SS_LISTEN || s->state == NET_SS_OPEN) {
		return -ENOTCONN;
	}
	if (s->shut_rd || rq->len == 0) {
		return 0;
	}
	if (s->tpcb == NULL) { /* reset or timed out: report once, then end of stream */
		return sock_take_err(s);
	}
	if (s->state == NET_SS_CONNECTING) {
		sock_unready(s, SOCK_EV_RX);
		return -EAGAIN;
	}
	n = tcp_read(s->tpcb, rq->rbuf, rq->len);
	if (n == -EBUSY) {
		sock_unready(s, SOCK_EV_RX);
		return -EAGAIN;
	}
	if (n >= 0) {
		rq->addr = s->peer;
	}
	return n;
}

static int do_recv_udp(struct net_sock *s, struct sock_req *rq)
{
	struct pbuf *p = s->rxq;
	uint16_t n;

	if (p == NULL) {
		if (s->err != 0) {
			return sock_take_err(s);
		}
		if (s->shut_rd) {
			return 0;
		}
		sock_unready(s, SOCK_EV_RX);
		return -EAGAIN;
	}
	rq->addr = net_sockaddr(p->tag, (uint16_t)((p->payload[0] << 8) | p->payload[1]));
	n = (uint16_t)(p->tot_len - 4u);
	if (rq->len < n) {
		n = (uint16_t)rq->len; /* the rest of the datagram is discarded */
	}
	n = pbuf_copy_out(p, 4, rq->rbuf, n);
	if (!(rq->flags & NET_MSG_PEEK)) {
		s->rxq = p->qnext;
		if (s->rxq == NULL) {
			s->rxq_tail = NULL;
		}
		s->rxq_len--;
		p->qnext = NULL;
		pbuf_free(p);
	}
	return n;
}

static int do_recv(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	sock_req_timing(rq, s, false);
	return s->type == NET_SOCK_STREAM ? do_recv_tcp(s, rq) : do_recv_udp(s, rq);
}

int net_recvfrom(int fd, void *buf, size_t len, int flags, struct net_sockaddr_in *from)
{
	struct sock_req rq = {.fd = fd, .flags = flags, .rbuf = buf, .len = len};
	int ret;

	if (buf == NULL && len > 0) {
		return -EINVAL;
	}
	ret = sock_retry(do_recv, &rq, false);
	if (ret >= 0 && from != NULL) {
		*from = rq.addr;
	}
	return ret;
}

int net_recv(int fd, void *buf, size_t len, int flags)
{
	return net_recvfrom(fd, buf, len, flags, NULL);
}

/* ---- send ------------------------------------------------------------------------- */

static int do_send_tcp(struct net_sock *s, struct sock_req *rq)
{
	if (s->shut_wr) {
		return -ESHUTDOWN;
	}
	if (s->tpcb == NULL) {
		int err = sock_take_err(s);

		return err != 0 ? err : s->state == NET_SS_CLOSED ? -ECONNRESET : -ENOTCONN;
	}
	if (s->state != NET_SS_CONNECTED && s->state != NET_SS_CONNECTING) {
		return -ENOTCONN;
	}
	while (rq->done < rq->len) {
		int n = tcp_write(s->tpcb, (const uint8_t *)rq->sbuf + rq->done,
				  rq->len - rq->done);

		if (n == -EBUSY) {
			tcp_output(s->tpcb);
			sock_unready(s, SOCK_EV_TX);
			return -EAGAIN;
		}
		if (n < 0) {
			return rq->done > 0 ? (int)rq->done : n;
		}
		rq->done += (size_t)n;
	}
	tcp_output(s->tpcb);
	return (int)rq->done;
}

static int do_send_udp(struct net_stack *st, struct net_sock *s, struct sock_req *rq)
{
	struct pbuf *p;
	int err;

	if (s->shut_wr) {
		return -ESHUTDOWN;
	}
	if (rq->len > SOCK_UDP_MAX) {
		return -EMSGSIZE;
	}
	if (!rq->has_addr && !s->upcb->connected) {
		return -ENOTCONN;
	}
	p = pbuf_alloc(&st->pool, PBUF_TRANSPORT, (uint16_t)rq->len);
	if (p == NULL) {
		return -ENOBUFS;
	}
	if (rq->len > 0) {
		(void)pbuf_copy_in(p, 0, rq->sbuf, (uint16_t)rq->len);
	}
	if (rq->has_addr) {
		err = udp_sendto(s->upcb, p, rq->addr.addr, rq->addr.port);
	} else {
		err = udp_send(s->upcb, p);
	}
	s->bound = true;
	if (err < 0) {
		return err == -ENOMEM ? -ENOBUFS : err;
	}
	return (int)rq->len;
}

static int do_send(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_sock *s = sock_get(rq->fd);

	if (s == NULL) {
		return -EBADF;
	}
	sock_req_timing(rq, s, true);
	return s->type == NET_SOCK_STREAM ? do_send_tcp(s, rq) : do_send_udp(st, s, rq);
}

int net_sendto(int fd, const void *buf, size_t len, int flags, const struct net_sockaddr_in *to)
{
	struct sock_req rq = {.fd = fd, .flags = flags, .sbuf = buf, .len = len};

	if (buf == NULL && len > 0) {
		return -EINVAL;
	}
	if (to != NULL) {
		if (to->family != NET_AF_INET) {
			return -EAFNOSUPPORT;
		}
		rq.addr = *to;
		rq.has_addr = true;
	}
	return sock_retry(do_send, &rq, true);
}

int net_send(int fd, const void *buf, size_t len, int flags)
{
	return net_sendto(fd, buf, len, flags, NULL);
}

/* ---- poll ------------------------------------------------------------------------- */

static int sock_revents_tcp(const struct net_sock *s)
{
	int ev = 0;

	switch (s->state) {
	case NET_SS_LISTEN:
		return s->npend > 0 ? NET_POLLIN : 0;
	case NET_SS_CONNECTING:
		return 0;
	case NET_SS_OPEN:
		return NET_POLLHUP;
	default:
		break;
	}
	if (s->tpcb == NULL) {
		return NET_POLLIN | NET_POLLOUT | NET_POLLHUP | (s->err != 0 ? NET_POLLERR : 0);
	}
	if (tcp_readable(s->tpcb) > 0 || s->rx_eof || s->shut_rd) {
		ev |= NET_POLLIN;
	}
	if (tcp_sndbuf(s->tpcb) > 0 || s->shut_wr) {
		ev |= NET_POLLOUT;
	}
	if (s->rx_eof && s->shut_wr) {
		ev |= NET_POLLHUP;
	}
	return ev;
}

static int sock_revents(const struct net_sock *s)
{
	if (s->type == NET_SOCK_STREAM) {
		return sock_revents_tcp(s);
	}
	return (s->rxq != NULL ? NET_POLLIN : 0) | NET_POLLOUT | (s->err != 0 ? NET_POLLERR : 0);
}

static int do_poll(struct net_stack *st, void *arg)
{
	struct sock_req *rq = arg;
	struct net_pollfd *fds = rq->rbuf;
	uint32_t mask = 0;
	int count = 0;

	(void)st;
	for (size_t i = 0; i < rq->len; i++) {
		const struct net_sock *s;

		fds[i].revents = 0;
		if (fds[i].fd < 0) {
			continue;
		}
		s = sock_get(fds[i].fd);
		if (s == NULL) {
			fds[i].revents = NET_POLLNVAL;
		} else {
			fds[i].revents = (int16_t)(sock_revents(s) &
						   (fds[i].events | NET_POLLERR | NET_POLLHUP));
			mask |= 1u << fds[i].fd;
		}
		if (fds[i].revents != 0) {
			count++;
		}
	}
	if (count == 0) {
		os_flags_clear(&sock_poll_ev, mask);
	}
	rq->wait_bits = mask;
	return count;
}

int net_socket_poll(struct net_pollfd *fds, unsigned nfds, int timeout_ms)
{
	struct sock_req rq = {.fd = -1, .rbuf = fds, .len = nfds};
	os_tick_t start = os_ticks();
	int ret;

	if (nfds > CONFIG_NET_SOCKETS || (fds == NULL && nfds > 0)) {
		return -EINVAL;
	}
	for (;;) {
		os_tick_t slice = OS_MS(CONFIG_NET_SOCK_RECHECK_MS);

		ret = net_call(do_poll, &rq);
		if (ret != 0 || timeout_ms == 0) {
			return ret;
		}
		if (timeout_ms > 0) {
			os_tick_t limit = OS_MS((uint32_t)timeout_ms);
			os_tick_t spent = os_ticks() - start;

			if (spent >= limit) {
				return 0;
			}
			if (limit - spent < slice) {
				slice = limit - spent;
			}
		}
		if (rq.wait_bits != 0) {
			(void)os_flags_wait(&sock_poll_ev, rq.wait_bits, OS_FLAGS_ANY, NULL, slice);
		} else {
			os_sleep(slice);
		}
	}
}
