/*
 * inetd over loopback: echo, discard and chargen on TCP and UDP, several
 * clients at once, and a clean stop (the teardown checks for leaks).
 */
#include "sock_test.h"

#include <kestrel/apps/inetd.h>

static int udp_client(void)
{
	int fd = net_socket(NET_AF_INET, NET_SOCK_DGRAM, 0);
	uint32_t ms = 1000;

	if (fd >= 0) {
		(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &ms, sizeof(ms));
	}
	return fd;
}

struct echo_client {
	int idx, err;
};

static void echo_client_task(void *arg)
{
	struct echo_client *c = arg;
	uint8_t out[3000], in[3000];
	int fd = st_connect(7);

	if (fd < 0) {
		c->err = fd;
		return;
	}
	for (int r = 0; r < 10 && c->err == 0; r++) {
		for (size_t i = 0; i < sizeof(out); i++) {
			out[i] = (uint8_t)(i * 7u + (unsigned)r + (unsigned)c->idx * 13u);
		}
		c->err = st_send_all(fd, out, sizeof(out));
		if (c->err == 0) {
			c->err = st_recv_all(fd, in, sizeof(in));
		}
		if (c->err == 0 && memcmp(in, out, sizeof(in)) != 0) {
			c->err = -EBADMSG;
		}
	}
	net_close(fd);
}

static void inetd_tcp_echo_concurrent(void)
{
	static const char *const rows[] = {"c0", "c1", "c2", "c3", "c4"};
	struct echo_client cl[5];
	struct inetd_stats s;

	KT_EQ(inetd_start(), 0);
	KT_EQ(inetd_start(), -EBUSY);
	for (int i = 0; i < 5; i++) {
		cl[i] = (struct echo_client){i, 0};
		st_spawn(i, echo_client_task, &cl[i]);
	}
	for (int i = 0; i < 5; i++) {
		KT_EQ(st_join(i, 30000), 0);
	}
	for (int i = 0; i < 5; i++) {
		KT_ROW(rows[i]);
		KT_EQ(cl[i].err, 0);
	}
	os_sleep(OS_MS(300));
	inetd_get_stats(&s);
	KT_EQ(s.accepted, 5);
	KT_EQ(s.active, 0);
	KT_EQ(s.tcp_rx, 5 * 10 * 3000);
	KT_EQ(s.tcp_tx, 5 * 10 * 3000);
	KT_EQ(inetd_stop(), 0);
}

static void inetd_chargen_discard(void)
{
	static char line[2 * 74 + 1];
	static uint8_t junk[10000];
	struct inetd_stats s;
	int fd;

	KT_EQ(inetd_start(), 0);
	fd = st_connect(19);
	KT_ASSERT(fd >= 0);
	KT_EQ(st_recv_all(fd, line, 2 * 74), 0);
	KT_EQ(memcmp(line, " !\"#$%&'()*+,-./0123456789", 26), 0);
	KT_EQ(line[72], '\r');
	KT_EQ(line[73], '\n');
	KT_EQ(memcmp(line + 74, "!\"#$%&'()*+,-./0123456789:", 26), 0);
	KT_EQ(line[74 + 71], 'h'); /* line 1 ends 72 characters after '!' */
	/* the stream goes on while we read, past its 95-line period (7030 bytes) */
	KT_EQ(st_recv_all(fd, junk, sizeof(junk)), 0);
	for (uint32_t i = 0; i < sizeof(junk); i++) {
		uint32_t k = 2u * 74u + i, ln = k / 74u, col = k % 74u;
		uint8_t want = col == 72   ? '\r'
			       : col == 73 ? '\n'
					   : (uint8_t)(' ' + (ln + col) % 95u);

		if (junk[i] != want) {
			KT_EQ(junk[i], want);
			break;
		}
	}
	KT_EQ(net_close(fd), 0);
	fd = st_connect(9);
	KT_ASSERT(fd >= 0);
	KT_EQ(st_send_all(fd, junk, sizeof(junk)), 0);
	KT_EQ(net_shutdown(fd, NET_SHUT_WR), 0);
	KT_EQ(net_recv(fd, line, sizeof(line), 0), 0); /* discard closes after our FIN */
	KT_EQ(net_close(fd), 0);
	os_sleep(OS_MS(300));
	inetd_get_stats(&s);
	KT_EQ(s.active, 0);
	KT_ASSERT(s.tcp_rx >= sizeof(junk));
	KT_EQ(inetd_stop(), 0);
}

static void inetd_udp(void)
{
	struct net_sockaddr_in echo = net_sockaddr(NET_INADDR_LOOPBACK, 7);
	struct net_sockaddr_in chargen = net_sockaddr(NET_INADDR_LOOPBACK, 19);
	struct net_sockaddr_in discard = net_sockaddr(NET_INADDR_LOOPBACK, 9);
	struct net_sockaddr_in from;
	uint8_t buf[600];
	int fd, n;

	KT_EQ(inetd_start(), 0);
	fd = udp_client();
	KT_ASSERT(fd >= 0);
	KT_EQ(net_sendto(fd, "ping 1", 6, 0, &echo), 6);
	n = net_recvfrom(fd, buf, sizeof(buf), 0, &from);
	KT_EQ(n, 6);
	KT_MEMEQ(buf, "ping 1", 6);
	KT_EQ(from.port, 7);
	KT_EQ(net_sendto(fd, "x", 1, 0, &discard), 1);
	for (int i = 0; i < 5; i++) {
		KT_EQ(net_sendto(fd, "", 0, 0, &chargen), 0);
		n = net_recvfrom(fd, buf, sizeof(buf), 0, &from);
		KT_ASSERT(n >= 0 && n <= 512);
		KT_EQ(from.port, 19);
		for (int k = 0; k < n; k++) {
			KT_ASSERT((buf[k] >= ' ' && buf[k] <= '~') || buf[k] == '\r' ||
				  buf[k] == '\n');
		}
	}
	/* nothing comes back from discard */
	KT_EQ(net_recv(fd, buf, sizeof(buf), NET_MSG_DONTWAIT), -EAGAIN);
	KT_EQ(net_close(fd), 0);
	KT_EQ(inetd_stop(), 0);
}

static const struct kt_case cases[] = {
	KT_CASE(inetd_tcp_echo_concurrent),
	KT_CASE(inetd_chargen_discard),
	KT_CASE(inetd_udp),
};

SOCK_TEST_MAIN("inetd", cases, NULL)
