/*
 * Socket API over the loopback interface: TCP echo of 1 MB, concurrent
 * connections, half-close, refused connect, receive timeout, UDP, poll,
 * the accept backlog, closing with unread data, and argument errors.
 */
#include "sock_test.h"

#define ECHO_PORT 7007
#define MB	  (1024u * 1024u)

static uint8_t pattern_byte(size_t i, unsigned seed)
{
	return (uint8_t)((i * 31u + (i >> 8) + seed * 7u) & 0xff);
}

/* ---- echo server used by several cases ---- */

struct echo_srv {
	int lfd;
	int nconn; /* connections to serve, one after another or concurrently */
	int served;
	int err;
};

static void echo_conn(int fd, struct echo_srv *es)
{
	static uint8_t buf[8][2048];
	static int slot;
	uint8_t *b = buf[slot++ % 8];

	for (;;) {
		int n = net_recv(fd, b, 2048, 0);

		if (n <= 0) {
			if (n < 0) {
				es->err = n;
			}
			break;
		}
		if (st_send_all(fd, b, (size_t)n) != 0) {
			es->err = -EIO;
			break;
		}
	}
	net_close(fd);
}

static void echo_server_task(void *arg)
{
	struct echo_srv *es = arg;

	for (int i = 0; i < es->nconn; i++) {
		int fd = net_accept(es->lfd, NULL);

		if (fd < 0) {
			es->err = fd;
			return;
		}
		echo_conn(fd, es);
		es->served++;
	}
}

static void tcp_echo_1mb(void)
{
	static uint8_t out[8192], in[8192];
	struct echo_srv es = {0};
	struct net_sockaddr_in peer, local;
	int cfd;
	size_t off;

	es.lfd = st_listen(ECHO_PORT, 4);
	KT_ASSERT(es.lfd >= 0);
	es.nconn = 1;
	st_spawn(0, echo_server_task, &es);
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	KT_EQ(net_getpeername(cfd, &peer), 0);
	KT_EQ(peer.addr, NET_INADDR_LOOPBACK);
	KT_EQ(peer.port, ECHO_PORT);
	KT_EQ(net_getsockname(cfd, &local), 0);
	KT_EQ(local.addr, NET_INADDR_LOOPBACK);
	KT_ASSERT(local.port >= CONFIG_TCP_EPHEMERAL_LO);
	for (off = 0; off < MB; off += sizeof(out)) {
		for (size_t i = 0; i < sizeof(out); i++) {
			out[i] = pattern_byte(off + i, 1);
		}
		KT_EQ(st_send_all(cfd, out, sizeof(out)), 0);
		KT_EQ(st_recv_all(cfd, in, sizeof(in)), 0);
		KT_MEMEQ(in, out, sizeof(in));
	}
	KT_EQ(net_shutdown(cfd, NET_SHUT_WR), 0);
	KT_EQ(net_recv(cfd, in, sizeof(in), 0), 0); /* server closed after our FIN */
	KT_EQ(net_close(cfd), 0);
	KT_EQ(st_join(0, 10000), 0);
	KT_EQ(es.err, 0);
	KT_EQ(es.served, 1);
	KT_EQ(net_close(es.lfd), 0);
}

/* ---- many concurrent connections ---- */

#define NCLIENTS 4 /* workers on helpers 0..3, clients on helpers 4..7 */

struct client {
	int idx;
	int err;
};

static void echo_worker(void *arg)
{
	struct echo_srv *es = arg;
	int fd = net_accept(es->lfd, NULL);

	if (fd < 0) {
		es->err = fd;
		return;
	}
	echo_conn(fd, es);
}

static void client_task(void *arg)
{
	struct client *c = arg;
	uint8_t out[1000], in[1000];
	int fd = st_connect(ECHO_PORT);

	if (fd < 0) {
		c->err = fd;
		return;
	}
	for (int round = 0; round < 20 && c->err == 0; round++) {
		for (size_t i = 0; i < sizeof(out); i++) {
			out[i] = pattern_byte(i + (size_t)round * 1000u, (unsigned)c->idx);
		}
		c->err = st_send_all(fd, out, sizeof(out));
		if (c->err == 0) {
			c->err = st_recv_all(fd, in, sizeof(in));
		}
		if (c->err == 0 && memcmp(in, out, sizeof(in)) != 0) {
			c->err = -EBADMSG;
		}
		os_sleep(OS_MS(1 + c->idx));
	}
	net_close(fd);
}

static void tcp_concurrent(void)
{
	static const char *const rows[NCLIENTS] = {"client 0", "client 1", "client 2", "client 3"};
	struct echo_srv es = {0};
	struct client cl[NCLIENTS];

	es.lfd = st_listen(ECHO_PORT, NCLIENTS);
	KT_ASSERT(es.lfd >= 0);
	for (int i = 0; i < NCLIENTS; i++) {
		st_spawn(i, echo_worker, &es);
	}
	for (int i = 0; i < NCLIENTS; i++) {
		cl[i].idx = i;
		cl[i].err = 0;
		st_spawn(NCLIENTS + i, client_task, &cl[i]);
	}
	for (int i = 0; i < 2 * NCLIENTS; i++) {
		KT_EQ(st_join(i, 30000), 0);
	}
	for (int i = 0; i < NCLIENTS; i++) {
		KT_ROW(rows[i]);
		KT_EQ(cl[i].err, 0);
	}
	KT_EQ(es.err, 0);
	KT_EQ(net_close(es.lfd), 0);
}

/* ---- half-close ---- */

static void half_close_server(void *arg)
{
	struct echo_srv *es = arg;
	uint8_t buf[256];
	size_t total = 0;
	int fd = net_accept(es->lfd, NULL);
	int n;

	if (fd < 0) {
		es->err = fd;
		return;
	}
	while ((n = net_recv(fd, buf, sizeof(buf), 0)) > 0) {
		total += (size_t)n;
	}
	if (n < 0) {
		es->err = n;
	}
	/* the peer half-closed; we can still send */
	n = snprintf((char *)buf, sizeof(buf), "got %zu bytes", total);
	if (st_send_all(fd, buf, (size_t)n) != 0) {
		es->err = -EIO;
	}
	net_close(fd);
}

static void tcp_half_close(void)
{
	struct echo_srv es = {0};
	char reply[64] = {0};
	uint8_t data[3000];
	int cfd, n;

	memset(data, 'x', sizeof(data));
	es.lfd = st_listen(ECHO_PORT, 1);
	KT_ASSERT(es.lfd >= 0);
	st_spawn(0, half_close_server, &es);
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	KT_EQ(st_send_all(cfd, data, sizeof(data)), 0);
	KT_EQ(net_shutdown(cfd, NET_SHUT_WR), 0);
	KT_EQ(net_send(cfd, data, 1, 0), -ESHUTDOWN);
	KT_EQ(st_recv_all(cfd, reply, 14), 0);
	KT_STREQ(reply, "got 3000 bytes");
	n = net_recv(cfd, reply, sizeof(reply), 0);
	KT_EQ(n, 0);
	KT_EQ(net_close(cfd), 0);
	KT_EQ(st_join(0, 5000), 0);
	KT_EQ(es.err, 0);
	KT_EQ(net_close(es.lfd), 0);
}

/* ---- errors ---- */

static void tcp_refused(void)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, 1);
	int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	int nb = 1, err = 1;
	size_t len = sizeof(err);
	struct net_pollfd p;

	KT_ASSERT(fd >= 0);
	KT_EQ(net_connect(fd, &a), -ECONNREFUSED);
	/* the socket may try again: non-blocking this time */
	KT_EQ(net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_NONBLOCK, &nb, sizeof(nb)), 0);
	KT_EQ(net_connect(fd, &a), -EINPROGRESS);
	p.fd = fd;
	p.events = NET_POLLOUT;
	KT_EQ(net_socket_poll(&p, 1, 1000), 1);
	KT_ASSERT(p.revents & NET_POLLERR);
	KT_EQ(net_getsockopt(fd, NET_SOL_SOCKET, NET_SO_ERROR, &err, &len), 0);
	KT_EQ(err, -ECONNREFUSED);
	KT_EQ(net_close(fd), 0);
}

static void recv_timeout(void)
{
	struct echo_srv es = {0};
	uint32_t ms = 250;
	uint8_t b[16];
	int cfd, sfd;
	os_tick_t t0;

	es.lfd = st_listen(ECHO_PORT, 1);
	KT_ASSERT(es.lfd >= 0);
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	sfd = net_accept(es.lfd, NULL);
	KT_ASSERT(sfd >= 0);
	KT_EQ(net_setsockopt(cfd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &ms, sizeof(ms)), 0);
	t0 = os_ticks();
	KT_EQ(net_recv(cfd, b, sizeof(b), 0), -EAGAIN);
	KT_ASSERT(os_ticks() - t0 >= OS_MS(250));
	KT_ASSERT(os_ticks() - t0 < OS_MS(400));
	KT_EQ(net_recv(cfd, b, sizeof(b), NET_MSG_DONTWAIT), -EAGAIN); /* EWOULDBLOCK */
	/* accept honours SO_RCVTIMEO too */
	KT_EQ(net_setsockopt(es.lfd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &ms, sizeof(ms)), 0);
	KT_EQ(net_accept(es.lfd, NULL), -EAGAIN);
	/* data that arrives ends the wait */
	KT_EQ(net_send(sfd, "hi", 2, 0), 2);
	KT_EQ(net_recv(cfd, b, sizeof(b), 0), 2);
	KT_EQ(net_close(sfd), 0);
	KT_EQ(net_close(cfd), 0);
	KT_EQ(net_close(es.lfd), 0);
}

/* ---- UDP ---- */

static void udp_sendto_recvfrom(void)
{
	struct net_sockaddr_in to = net_sockaddr(NET_INADDR_LOOPBACK, 7100), from;
	uint8_t big[1400], in[1500];
	char buf[32];
	int a = st_udp(7100);
	int b = st_udp(7101);
	int n;

	KT_ASSERT(a >= 0 && b >= 0);
	KT_EQ(st_udp(7100), -EADDRINUSE);
	KT_EQ(net_sendto(b, "hello", 5, 0, &to), 5);
	n = net_recvfrom(a, buf, sizeof(buf), 0, &from);
	KT_EQ(n, 5);
	KT_MEMEQ(buf, "hello", 5);
	KT_EQ(from.addr, NET_INADDR_LOOPBACK);
	KT_EQ(from.port, 7101);
	/* reply to the sender, which is connected now and so filters */
	KT_EQ(net_connect(b, &to), 0);
	KT_EQ(net_sendto(a, "world", 5, 0, &from), 5);
	KT_EQ(net_recv(b, buf, sizeof(buf), 0), 5);
	KT_MEMEQ(buf, "world", 5);
	/* a large datagram; peek leaves it queued; a short buffer truncates */
	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = pattern_byte(i, 3);
	}
	KT_EQ(net_send(b, big, sizeof(big), 0), (int)sizeof(big));
	KT_EQ(net_recvfrom(a, in, sizeof(in), NET_MSG_PEEK, NULL), (int)sizeof(big));
	KT_EQ(net_recvfrom(a, in, 100, 0, NULL), 100);
	KT_MEMEQ(in, big, 100);
	KT_EQ(net_recv(a, in, sizeof(in), NET_MSG_DONTWAIT), -EAGAIN);
	/* queue limit: extra datagrams are dropped, not leaked */
	for (int i = 0; i < CONFIG_NET_SOCK_UDP_RXQ + 3; i++) {
		KT_EQ(net_send(b, "q", 1, 0), 1);
	}
	os_sleep(OS_MS(20));
	for (int i = 0; i < CONFIG_NET_SOCK_UDP_RXQ; i++) {
		KT_EQ(net_recv(a, in, sizeof(in), NET_MSG_DONTWAIT), 1);
	}
	KT_EQ(net_recv(a, in, sizeof(in), NET_MSG_DONTWAIT), -EAGAIN);
	/* closing with datagrams queued frees them (teardown checks the pool) */
	KT_EQ(net_send(b, "left", 4, 0), 4);
	os_sleep(OS_MS(20));
	KT_EQ(net_close(a), 0);
	KT_EQ(net_close(b), 0);
}

/* ---- poll ---- */

static void poll_sockets(void)
{
	struct net_pollfd p[4];
	int lfd = st_listen(ECHO_PORT, 2);
	int u = st_udp(7200);
	int cfd, sfd;
	os_tick_t t0;

	KT_ASSERT(lfd >= 0 && u >= 0);
	p[0] = (struct net_pollfd){lfd, NET_POLLIN, 0};
	p[1] = (struct net_pollfd){u, NET_POLLIN, 0};
	p[2] = (struct net_pollfd){-1, NET_POLLIN, 0};
	p[3] = (struct net_pollfd){CONFIG_NET_SOCKETS - 1, NET_POLLIN, 0};
	/* nothing ready: times out after 100 ms (the closed fd reports NVAL) */
	KT_EQ(net_socket_poll(p, 3, 0), 0);
	t0 = os_ticks();
	KT_EQ(net_socket_poll(p, 3, 100), 0);
	KT_ASSERT(os_ticks() - t0 >= OS_MS(100));
	KT_EQ(net_socket_poll(p, 4, 0), 1);
	KT_EQ(p[3].revents, NET_POLLNVAL);
	/* a connection makes the listener readable */
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	KT_EQ(net_socket_poll(p, 3, 1000), 1);
	KT_EQ(p[0].revents, NET_POLLIN);
	sfd = net_accept(lfd, NULL);
	KT_ASSERT(sfd >= 0);
	/* a connected socket is writable, not readable; data makes it readable */
	p[0] = (struct net_pollfd){sfd, NET_POLLIN | NET_POLLOUT, 0};
	KT_EQ(net_socket_poll(p, 1, 0), 1);
	KT_EQ(p[0].revents, NET_POLLOUT);
	p[0].events = NET_POLLIN;
	KT_EQ(net_send(cfd, "x", 1, 0), 1);
	KT_EQ(net_socket_poll(p, 2, 1000), 1);
	KT_EQ(p[0].revents, NET_POLLIN);
	/* a UDP datagram wakes a poll that is already waiting */
	KT_EQ(net_close(cfd), 0);
	KT_EQ(net_sendto(u, "d", 1, 0,
			 &(struct net_sockaddr_in){NET_AF_INET, 7200, NET_INADDR_LOOPBACK}),
	      1);
	p[0] = (struct net_pollfd){u, NET_POLLIN, 0};
	KT_EQ(net_socket_poll(p, 1, 1000), 1);
	KT_EQ(p[0].revents, NET_POLLIN);
	/* the peer closed: sfd reports end of stream as POLLIN */
	p[0] = (struct net_pollfd){sfd, NET_POLLIN, 0};
	KT_EQ(net_socket_poll(p, 1, 1000), 1);
	KT_ASSERT(p[0].revents & NET_POLLIN);
	KT_EQ(net_close(sfd), 0);
	KT_EQ(net_close(u), 0);
	KT_EQ(net_close(lfd), 0);
	KT_EQ(net_socket_poll(p, CONFIG_NET_SOCKETS + 1, 0), -EINVAL);
}

/* ---- accept backlog ---- */

static void accept_backlog(void)
{
	int lfd = st_listen(ECHO_PORT, 2);
	int c[4], s[3];
	uint32_t ms = 5000;
	struct net_sockaddr_in peer, local;
	uint8_t b[8];

	KT_ASSERT(lfd >= 0);
	KT_EQ(net_setsockopt(lfd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &ms, sizeof(ms)), 0);
	for (int i = 0; i < 3; i++) {
		c[i] = st_connect(ECHO_PORT); /* completes on the client side */
		KT_ASSERT(c[i] >= 0);
		os_sleep(OS_MS(20));
	}
	/*
	 * Two wait in the queue. The third did not fit: its last ACK was dropped
	 * and it is not reset (Linux's tcp_abort_on_overflow = 0). Once accept()
	 * makes room, the SYN-ACK retransmission (after RTO_INIT) completes it.
	 */
	KT_EQ(net_send(c[2], "cd", 2, 0), 2);
	for (int i = 0; i < 3; i++) {
		s[i] = net_accept(lfd, &peer);
		KT_ASSERT(s[i] >= 0);
		KT_EQ(net_getsockname(c[i], &local), 0);
		KT_EQ(peer.port, local.port); /* oldest first */
	}
	KT_EQ(net_send(c[0], "ab", 2, 0), 2);
	KT_EQ(net_recv(s[0], b, sizeof(b), 0), 2);
	KT_EQ(net_recv(s[2], b, sizeof(b), 0), 2); /* sent before it was accepted */
	KT_EQ(memcmp(b, "cd", 2), 0);
	/* a queued connection the listener never accepted is reset on close */
	c[3] = st_connect(ECHO_PORT);
	KT_ASSERT(c[3] >= 0);
	os_sleep(OS_MS(20));
	KT_EQ(net_close(lfd), 0);
	KT_EQ(net_recv(c[3], b, sizeof(b), 0), -ECONNRESET);
	for (int i = 0; i < 4; i++) {
		KT_EQ(net_close(c[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		KT_EQ(net_close(s[i]), 0);
	}
}

/* ---- a driver's poll request when the task's queue is full ---- */

static struct netif pnif;
static volatile int pnif_polls;
static int pnif_full_turns; /* turns that report a whole budget (more waiting) */

static int pnif_output(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	(void)p;
	return 0;
}

static int pnif_poll(struct netif *nif, int budget)
{
	(void)nif;
	pnif_polls++;
	if (pnif_full_turns > 0) {
		pnif_full_turns--;
		return budget;
	}
	return 0;
}

static const struct eth_driver_ops pnif_ops = {NULL, pnif_output, NULL, pnif_poll};

/* In the network task: fill its queue, then ask for a poll (twice). */
static int fill_then_poll(struct net_stack *st, void *arg)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x09};
	int rc = netif_add(st, &pnif, "poll0", mac, &pnif_ops, NULL);

	for (int i = 0; i < CONFIG_NET_TASK_QUEUE; i++) {
		net_task_kick();
	}
	net_task_poll(&pnif);
	net_task_poll(&pnif); /* already pending: not asked twice */
	*(int *)arg = (pnif.flags & NETIF_F_POLL_OWED) != 0;
	return rc;
}

static bool wait_polls(int n)
{
	for (int i = 0; i < 200 && pnif_polls < n; i++) {
		os_sleep(OS_MS(5));
	}
	os_sleep(OS_MS(30)); /* and no extra one follows */
	return pnif_polls == n;
}

static void poll_request_owed(void)
{
	int owed = 0;

	KT_EQ(net_call(fill_then_poll, &owed), 0);
	KT_EQ(owed, 1); /* the queue was full: kept owed, not lost */
	KT_ASSERT(wait_polls(1));
	KT_EQ(pnif.flags & (NETIF_F_POLLING | NETIF_F_POLL_OWED), 0);
	/* a turn that used its whole budget gets another one */
	pnif_full_turns = 1;
	net_task_poll(&pnif);
	KT_ASSERT(wait_polls(3));
}

/* ---- close with unread data ---- */

static void close_pending_data(void)
{
	static uint8_t data[20000];
	int lfd = st_listen(ECHO_PORT, 1);
	int cfd, sfd;
	uint8_t b[8];

	KT_ASSERT(lfd >= 0);
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	sfd = net_accept(lfd, NULL);
	KT_ASSERT(sfd >= 0);
	KT_EQ(st_send_all(cfd, data, sizeof(data)), 0);
	os_sleep(OS_MS(50));
	/* unread data: the close resets the connection (RFC 2525 §2.17) */
	KT_EQ(net_close(sfd), 0);
	KT_EQ(net_recv(cfd, b, sizeof(b), 0), -ECONNRESET);
	KT_EQ(net_send(cfd, b, 1, 0), -ECONNRESET); /* stays dead */
	KT_EQ(net_close(cfd), 0);
	/* a client closing with unsent data queued */
	cfd = st_connect(ECHO_PORT);
	KT_ASSERT(cfd >= 0);
	sfd = net_accept(lfd, NULL);
	KT_ASSERT(sfd >= 0);
	KT_EQ(net_send(cfd, data, sizeof(data), 0), (int)sizeof(data));
	KT_EQ(net_close(cfd), 0);
	KT_EQ(st_recv_all(sfd, data, sizeof(data)), 0);
	KT_EQ(net_recv(sfd, b, sizeof(b), 0), 0);
	KT_EQ(net_close(sfd), 0);
	KT_EQ(net_close(lfd), 0);
}

/* A task blocked in recv returns -EBADF when another task closes the socket. */
struct blocked {
	int fd, ret;
};

static void blocked_reader(void *arg)
{
	struct blocked *bl = arg;
	uint8_t b[4];

	bl->ret = net_recv(bl->fd, b, sizeof(b), 0);
}

static void close_wakes_waiter(void)
{
	struct blocked bl = {st_udp(7300), 1};

	KT_ASSERT(bl.fd >= 0);
	st_spawn(0, blocked_reader, &bl);
	os_sleep(OS_MS(30));
	KT_EQ(bl.ret, 1);
	KT_EQ(net_close(bl.fd), 0);
	KT_EQ(st_join(0, 1000), 0);
	KT_EQ(bl.ret, -EBADF);
}

/* ---- argument and state errors ---- */

static void api_errors(void)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, 7400);
	struct net_sockaddr_in bad = {99, 1, 0};
	uint32_t ms = 5;
	int v = 0;
	size_t len = 1;
	int t, u;

	KT_EQ(net_socket(3, NET_SOCK_STREAM, 0), -EAFNOSUPPORT);
	KT_EQ(net_socket(NET_AF_INET, 9, 0), -EPROTONOSUPPORT);
	KT_EQ(net_socket(NET_AF_INET, NET_SOCK_STREAM, 17), -EPROTONOSUPPORT);
	KT_EQ(net_send(-1, "x", 1, 0), -EBADF);
	KT_EQ(net_recv(CONFIG_NET_SOCKETS, &v, 1, 0), -EBADF);
	KT_EQ(net_close(5), -EBADF);
	t = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	u = net_socket(NET_AF_INET, NET_SOCK_DGRAM, 0);
	KT_ASSERT(t >= 0 && u >= 0);
	KT_EQ(net_bind(t, &bad), -EAFNOSUPPORT);
	KT_EQ(net_bind(t, &(struct net_sockaddr_in){NET_AF_INET, 1, IP_ADDR(10, 9, 9, 9)}),
	      -EADDRNOTAVAIL);
	KT_EQ(net_bind(t, &a), 0);
	KT_EQ(net_bind(t, &a), -EINVAL);
	KT_EQ(net_send(t, "x", 1, 0), -ENOTCONN);
	KT_EQ(net_recv(t, &v, 1, 0), -ENOTCONN);
	KT_EQ(net_shutdown(t, NET_SHUT_WR), -ENOTCONN);
	KT_EQ(net_getpeername(t, &a), -ENOTCONN);
	KT_EQ(net_accept(t, NULL), -EINVAL);
	KT_EQ(net_listen(u, 1), -ENOTSUP);
	KT_EQ(net_send(u, "x", 1, 0), -ENOTCONN);
	KT_EQ(net_setsockopt(t, 99, 1, &v, sizeof(v)), -ENOPROTOOPT);
	KT_EQ(net_setsockopt(t, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &v, 1), -EINVAL);
	KT_EQ(net_setsockopt(u, NET_IPPROTO_TCP, NET_TCP_NODELAY, &v, sizeof(v)), -ENOPROTOOPT);
	KT_EQ(net_setsockopt(t, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &ms, sizeof(ms)), 0);
	len = sizeof(ms);
	ms = 0;
	KT_EQ(net_getsockopt(t, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &ms, &len), 0);
	KT_EQ(ms, 5);
	v = 1;
	KT_EQ(net_setsockopt(t, NET_IPPROTO_TCP, NET_TCP_NODELAY, &v, sizeof(v)), 0);
	KT_EQ(net_setsockopt(t, NET_SOL_SOCKET, NET_SO_KEEPALIVE, &v, sizeof(v)), 0);
	len = sizeof(v);
	v = 0;
	KT_EQ(net_getsockopt(t, NET_IPPROTO_TCP, NET_TCP_NODELAY, &v, &len), 0);
	KT_EQ(v, 1);
	KT_EQ(net_sendto(u, &v, 70000, 0, &a), -EMSGSIZE);
	KT_EQ(net_close(t), 0);
	KT_EQ(net_close(u), 0);
	KT_EQ(net_close(t), -EBADF);
}

/* Every slot in use: the next socket() fails cleanly and nothing leaks. */
static void table_full(void)
{
	int fds[CONFIG_NET_SOCKETS];
	int n = 0, fd;

	while (n < CONFIG_NET_SOCKETS) {
		fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
		if (fd < 0) {
			break;
		}
		fds[n++] = fd;
	}
	fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	KT_EQ(fd, -ENOBUFS);
	for (int i = 0; i < n; i++) {
		KT_EQ(net_close(fds[i]), 0);
	}
}

static const struct kt_case cases[] = {
	KT_CASE(tcp_echo_1mb),	    KT_CASE(tcp_concurrent),	 KT_CASE(tcp_half_close),
	KT_CASE(tcp_refused),	    KT_CASE(recv_timeout),	 KT_CASE(udp_sendto_recvfrom),
	KT_CASE(poll_sockets),	    KT_CASE(accept_backlog),	 KT_CASE(close_pending_data),
	KT_CASE(poll_request_owed), KT_CASE(close_wakes_waiter), KT_CASE(api_errors),
	KT_CASE(table_full),
};

SOCK_TEST_MAIN("socket", cases, NULL)
