/*
 * inetd: echo (RFC 862), discard (RFC 863) and chargen (RFC 864) over TCP
 * and UDP, served by one task.
 *
 * Design: every socket is non-blocking and the task sleeps in
 * net_socket_poll() over the three listeners, the three UDP sockets and
 * the open connections. Each connection has one buffer:
 *
 *   echo     holds received bytes until they are sent back; while it is
 *            not empty the connection polls for POLLOUT instead of POLLIN,
 *            so a peer that does not read stops being read (flow control
 *            end to end, no data dropped);
 *   chargen  holds the next stretch of the character stream; refilled
 *            from the stream position whenever it has been sent;
 *   discard  scratch for reading.
 *
 * While every connection slot is busy the listeners are left out of the
 * poll set; new clients then wait in the accept queue (backlog CONFIG_INETD_CONNS).
 *
 * Chargen's stream (RFC 864): line L (from 0) holds 72 characters, the
 * printable ASCII characters 32..126 starting at index L mod 95 and
 * wrapping, followed by CR LF. Byte k of the stream is therefore column
 * k mod 74 of line k / 74.
 */
#include <string.h>

#include <kestrel/apps/inetd.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>

#define SVC_N	     3
#define LINE_LEN     74 /* 72 characters + CR LF */
#define UDP_BUF	     1472
#define CHARGEN_UDP  512
#define INETD_NFDS   (2 * SVC_N + CONFIG_INETD_CONNS)
#define POLL_TIMEOUT 100 /* ms: how soon inetd_stop() is noticed */

_Static_assert(INETD_NFDS <= CONFIG_NET_SOCKETS, "inetd needs more sockets than the table has");

enum svc { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN };

static const uint16_t svc_port[SVC_N] = {7, 9, 19};

struct inetd_conn {
	int fd; /* -1: free slot */
	uint8_t svc;
	uint16_t len, off; /* bytes in buf, bytes of them already sent */
	uint32_t pos;	   /* chargen: stream offset of buf[len] */
	uint8_t buf[CONFIG_INETD_BUF];
};

static struct inetd_conn conns[CONFIG_INETD_CONNS];
static int tcp_fd[SVC_N] = {-1, -1, -1};
static int udp_fd[SVC_N] = {-1, -1, -1};
static uint8_t udp_buf[UDP_BUF];
static struct inetd_stats stats;
static struct os_task inetd_task;
OS_STACK_DEFINE(inetd_stack, CONFIG_INETD_STACK);
static OS_SEM_DEFINE(inetd_done, 0, 1);
static volatile bool running, stopping;
static uint32_t udp_rand = 0x2545F491u;

/* ---- chargen ---------------------------------------------------------------------- */

/*
 * The 95 printable characters followed by the first 71 again: line L's 72
 * characters are the 72 bytes from index L mod 95, so a line is one copy.
 */
static const char chargen_ring[95 + 71] =
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdef";

#define CHARGEN_PERIOD (95u * LINE_LEN) /* the stream repeats after 95 lines */

/* Writes n bytes of the stream starting at stream offset pos. */
static void chargen_fill(uint8_t *buf, size_t n, uint32_t pos)
{
	uint32_t line = pos / LINE_LEN, col = pos % LINE_LEN;
	size_t done = CHARGEN_PERIOD;

	/* one period line by line; the rest repeats it (copies that double) */
	if (n > CHARGEN_PERIOD) {
		chargen_fill(buf, CHARGEN_PERIOD, pos);
		while (done < n) {
			size_t k = n - done < done ? n - done : done;

			memcpy(buf + done, buf, k);
			done += k;
		}
		return;
	}

	while (n > 0) {
		size_t k = 0;

		if (col < 72) {
			k = 72u - col < n ? 72u - col : n;
			memcpy(buf, chargen_ring + (line % 95u) + col, k);
		} else {
			buf[0] = col == 72 ? '\r' : '\n';
			k = 1;
		}
		buf += k;
		n -= k;
		col += (uint32_t)k;
		if (col == LINE_LEN) {
			col = 0;
			line++;
		}
	}
}

/* ---- TCP connections -------------------------------------------------------------- */

static void conn_close(struct inetd_conn *c)
{
	net_close(c->fd);
	c->fd = -1;
	stats.active--;
}

static void conn_accept(int svc)
{
	struct inetd_conn *c = NULL;
	int one = 1, fd;

	for (int i = 0; i < CONFIG_INETD_CONNS; i++) {
		if (conns[i].fd < 0) {
			c = &conns[i];
			break;
		}
	}
	if (c == NULL) {
		return;
	}
	fd = net_accept(tcp_fd[svc], NULL);
	if (fd < 0) {
		return;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_NONBLOCK, &one, sizeof(one));
	c->fd = fd;
	c->svc = (uint8_t)svc;
	c->len = c->off = 0;
	c->pos = 0;
	stats.accepted++;
	stats.active++;
}

/* Sends what is pending in c->buf; returns false if the connection ended. */
static bool conn_flush(struct inetd_conn *c)
{
	while (c->off < c->len) {
		int n = net_send(c->fd, c->buf + c->off, c->len - c->off, 0);

		if (n == -EAGAIN) {
			return true;
		}
		if (n <= 0) {
			return false;
		}
		c->off = (uint16_t)(c->off + n);
		stats.tcp_tx += (uint32_t)n;
	}
	c->len = c->off = 0;
	return true;
}

/* Handles one connection's poll events; returns false when it must close. */
static bool conn_event(struct inetd_conn *c, int revents)
{
	int n;

	if (revents & NET_POLLOUT) {
		if (c->svc == SVC_CHARGEN && c->len == 0) {
			chargen_fill(c->buf, sizeof(c->buf), c->pos);
			c->pos += sizeof(c->buf);
			c->len = sizeof(c->buf);
		}
		if (!conn_flush(c)) {
			return false;
		}
	}
	if (!(revents & (NET_POLLIN | NET_POLLHUP | NET_POLLERR))) {
		return true;
	}
	if (c->svc == SVC_ECHO && c->len != 0) {
		return true; /* read again once the echo went out */
	}
	/* echo and discard read into the connection's buffer (discard: as scratch) */
	n = net_recv(c->fd, c->buf, sizeof(c->buf), 0);
	if (n == -EAGAIN) {
		return true;
	}
	if (n <= 0) {
		return false; /* end of stream or error: echo had nothing pending */
	}
	stats.tcp_rx += (uint32_t)n;
	if (c->svc == SVC_ECHO) {
		c->len = (uint16_t)n;
		c->off = 0;
		return conn_flush(c);
	}
	return true;
}

static int16_t conn_events(const struct inetd_conn *c)
{
	if (c->svc == SVC_ECHO) {
		return c->len != 0 ? NET_POLLOUT : NET_POLLIN;
	}
	if (c->svc == SVC_DISCARD) {
		return NET_POLLIN;
	}
	return NET_POLLIN | NET_POLLOUT;
}

/* ---- UDP -------------------------------------------------------------------------- */

static void udp_event(int svc)
{
	struct net_sockaddr_in from;
	int n = net_recvfrom(udp_fd[svc], udp_buf, sizeof(udp_buf), 0, &from);
	size_t len;

	if (n < 0) {
		return;
	}
	stats.udp_rx++;
	if (svc == SVC_DISCARD) {
		return;
	}
	len = (size_t)n;
	if (svc == SVC_CHARGEN) {
		udp_rand = udp_rand * 1103515245u + 12345u;
		len = (udp_rand >> 16) % (CHARGEN_UDP + 1u);
		chargen_fill(udp_buf, len, (uint32_t)(udp_rand >> 8) % CHARGEN_PERIOD);
	}
	if (net_sendto(udp_fd[svc], udp_buf, len, 0, &from) >= 0) {
		stats.udp_tx++;
	}
}

/* ---- the task --------------------------------------------------------------------- */

static void inetd_close_all(void)
{
	for (int i = 0; i < CONFIG_INETD_CONNS; i++) {
		if (conns[i].fd >= 0) {
			conn_close(&conns[i]);
		}
	}
	for (int s = 0; s < SVC_N; s++) {
		if (tcp_fd[s] >= 0) {
			net_close(tcp_fd[s]);
		}
		if (udp_fd[s] >= 0) {
			net_close(udp_fd[s]);
		}
		tcp_fd[s] = udp_fd[s] = -1;
	}
}

/* Fills the poll set; conn_of[i] is the connection behind fds[i], or NULL. */
static unsigned inetd_pollset(struct net_pollfd *fds, struct inetd_conn **conn_of)
{
	unsigned n = 0;
	bool room = stats.active < CONFIG_INETD_CONNS;

	for (int s = 0; s < SVC_N; s++) {
		fds[n] = (struct net_pollfd){udp_fd[s], NET_POLLIN, 0};
		conn_of[n++] = NULL;
		fds[n] = (struct net_pollfd){room ? tcp_fd[s] : -1, NET_POLLIN, 0};
		conn_of[n++] = NULL;
	}
	for (int i = 0; i < CONFIG_INETD_CONNS; i++) {
		if (conns[i].fd >= 0) {
			fds[n] = (struct net_pollfd){conns[i].fd, conn_events(&conns[i]), 0};
			conn_of[n++] = &conns[i];
		}
	}
	return n;
}

static void inetd_main(void *arg)
{
	static struct net_pollfd fds[INETD_NFDS];
	static struct inetd_conn *conn_of[INETD_NFDS];

	(void)arg;
	while (!stopping) {
		unsigned n = inetd_pollset(fds, conn_of);

		if (net_socket_poll(fds, n, POLL_TIMEOUT) <= 0) {
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			if (fds[i].revents == 0) {
				continue;
			}
			if (conn_of[i] != NULL) {
				if (!conn_event(conn_of[i], fds[i].revents)) {
					conn_close(conn_of[i]);
				}
			} else if (i % 2 == 0) {
				udp_event((int)(i / 2));
			} else {
				conn_accept((int)(i / 2));
			}
		}
	}
	inetd_close_all();
	running = false;
	os_sem_give(&inetd_done);
}

static int inetd_open(int type, uint16_t port)
{
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_ANY, port);
	int one = 1;
	int fd = net_socket(NET_AF_INET, type, 0);
	int err;

	if (fd < 0) {
		return fd;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_NONBLOCK, &one, sizeof(one));
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_REUSEADDR, &one, sizeof(one));
	err = net_bind(fd, &a);
	if (err == 0 && type == NET_SOCK_STREAM) {
		err = net_listen(fd, CONFIG_INETD_CONNS);
	}
	if (err < 0) {
		net_close(fd);
		return err;
	}
	return fd;
}

int inetd_start(void)
{
	int err = 0;

	if (running) {
		return -EBUSY;
	}
	memset(&stats, 0, sizeof(stats));
	for (int i = 0; i < CONFIG_INETD_CONNS; i++) {
		conns[i].fd = -1;
	}
	for (int s = 0; s < SVC_N && err >= 0; s++) {
		uint16_t port = (uint16_t)(svc_port[s] + CONFIG_INETD_PORT_BASE);

		err = tcp_fd[s] = inetd_open(NET_SOCK_STREAM, port);
		if (err >= 0) {
			err = udp_fd[s] = inetd_open(NET_SOCK_DGRAM, port);
		}
	}
	if (err < 0) {
		for (int s = 0; s < SVC_N; s++) {
			tcp_fd[s] = tcp_fd[s] < 0 ? -1 : (net_close(tcp_fd[s]), -1);
			udp_fd[s] = udp_fd[s] < 0 ? -1 : (net_close(udp_fd[s]), -1);
		}
		return err;
	}
	stopping = false;
	running = true;
	os_sem_init(&inetd_done, 0, 1);
	err = os_task_create(&inetd_task, "inetd", inetd_main, NULL, CONFIG_INETD_PRIO, inetd_stack,
			     sizeof(inetd_stack));
	if (err < 0) {
		inetd_close_all();
		running = false;
	}
	return err;
}

int inetd_stop(void)
{
	if (!running) {
		return 0;
	}
	stopping = true;
	(void)os_sem_take(&inetd_done, OS_WAIT_FOREVER);
	return 0;
}

void inetd_get_stats(struct inetd_stats *out)
{
	*out = stats;
}
