/*
 * The iperf3 server task: one listener on port 5201 for the control and
 * the data connections, net_poll() over all of them, the pure control
 * machine (iperf_ctrl.c) deciding what to send. Forward tests count what
 * the streams receive; reverse (-R) tests send a pattern buffer on every
 * stream whenever it can take more, until the client says TEST_END.
 */
#include <kestrel/apps/iperf.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include <string.h>

static struct os_task iperf_task;
OS_STACK_DEFINE(iperf_stack, CONFIG_IPERF_STACK);
static struct iperf_ctrl ic;
static uint8_t iperf_buf[CONFIG_IPERF_BUF];
static int lfd = -1, cfd = -1, sfd[CONFIG_IPERF_STREAMS];
static uint16_t iperf_port;
static struct iperf_stats stats;

static uint32_t now_ms(void)
{
	return (uint32_t)(os_time_ns() / 1000000u);
}

static void close_streams(void)
{
	for (unsigned i = 0; i < CONFIG_IPERF_STREAMS; i++) {
		if (sfd[i] >= 0) {
			(void)net_close(sfd[i]);
			sfd[i] = -1;
		}
	}
}

static void end_test(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < ic.nstreams; i++) {
		total += ic.bytes[i];
	}
	close_streams();
	(void)net_close(cfd);
	cfd = -1;
	stats.running = false;
	if (ic.phase == IPERF_PH_DONE) {
		stats.tests++;
		stats.last_bytes = total;
		stats.last_ms = ic.end_ms - ic.start_ms;
		stats.last_reverse = ic.params.reverse;
	} else {
		stats.failed++;
	}
}

/* Reads exactly n bytes (cookie) with the socket's receive timeout. */
static int recv_all(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int rc = net_recv(fd, p + got, n - got, 0);

		if (rc <= 0) {
			return rc < 0 ? rc : -ECONNRESET;
		}
		got += (size_t)rc;
	}
	return 0;
}

/* Sends what the control machine queued (its replies, TEST_START ...). */
static void flush_control(void)
{
	if (ic.out_len > 0 && cfd >= 0) {
		(void)net_send(cfd, ic.out, ic.out_len, 0);
	}
	ic.out_len = 0;
}

static void on_accept(void)
{
	uint8_t cookie[IPERF_COOKIE_SIZE];
	uint32_t tmo = 3000;
	int8_t denied = IPERF_ACCESS_DENIED;
	int fd = net_accept(lfd, NULL), idx;

	if (fd < 0) {
		return;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &tmo, sizeof(tmo));
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &tmo, sizeof(tmo));
	if (cfd < 0) {
		cfd = fd;
		iperf_ctrl_init(&ic);
		stats.running = true;
		return;
	}
	if (ic.phase == IPERF_PH_STREAMS && recv_all(fd, cookie, sizeof(cookie)) == 0) {
		idx = iperf_ctrl_stream(&ic, cookie, now_ms());
		if (idx >= 0) {
			sfd[idx] = fd;
			/* the last stream makes it queue TEST_START, TEST_RUNNING */
			flush_control();
			return;
		}
	}
	(void)net_send(fd, &denied, 1, 0); /* busy, or a stranger */
	(void)net_close(fd);
}

static void on_control(void)
{
	int n = net_recv(cfd, iperf_buf, sizeof(iperf_buf), NET_MSG_DONTWAIT);

	if (n == -EAGAIN) {
		return;
	}
	if (n <= 0) {
		ic.phase = IPERF_PH_FAILED;
	} else {
		(void)iperf_ctrl_input(&ic, iperf_buf, (size_t)n, now_ms());
	}
	flush_control();
	if (ic.phase >= IPERF_PH_RESULTS_LEN) {
		close_streams(); /* the test is over: no more data */
	}
	if (ic.phase == IPERF_PH_DONE || ic.phase == IPERF_PH_FAILED) {
		end_test();
	}
}

static void on_stream(unsigned i, int16_t revents)
{
	int n;

	if (ic.phase != IPERF_PH_RUNNING && ic.phase != IPERF_PH_STREAMS) {
		return;
	}
	if (ic.params.reverse && (revents & NET_POLLOUT) && ic.phase == IPERF_PH_RUNNING) {
		n = net_send(sfd[i], iperf_buf, sizeof(iperf_buf), NET_MSG_DONTWAIT);
	} else if (revents & (NET_POLLIN | NET_POLLHUP | NET_POLLERR)) {
		n = net_recv(sfd[i], iperf_buf, sizeof(iperf_buf), NET_MSG_DONTWAIT);
		if (n == 0) {
			(void)net_close(sfd[i]);
			sfd[i] = -1;
		}
	} else {
		return;
	}
	if (n > 0) {
		ic.bytes[i] += (uint64_t)n;
	}
}

static void iperf_loop(void)
{
	struct net_pollfd pf[2 + CONFIG_IPERF_STREAMS];
	bool sending = ic.params.reverse && ic.phase == IPERF_PH_RUNNING;
	unsigned k;

	pf[0].fd = lfd;
	pf[0].events = NET_POLLIN;
	pf[1].fd = cfd;
	pf[1].events = NET_POLLIN;
	for (k = 0; k < CONFIG_IPERF_STREAMS; k++) {
		pf[2 + k].fd = sfd[k];
		pf[2 + k].events = sending ? NET_POLLOUT : NET_POLLIN;
	}
	if (net_socket_poll(pf, 2 + CONFIG_IPERF_STREAMS, 200) <= 0) {
		return;
	}
	for (k = 0; k < CONFIG_IPERF_STREAMS; k++) {
		if (pf[2 + k].revents != 0 && sfd[k] >= 0) {
			on_stream(k, pf[2 + k].revents);
		}
	}
	if (pf[1].revents != 0 && cfd >= 0) {
		on_control();
	}
	if (pf[0].revents & NET_POLLIN) {
		on_accept();
	}
}

static void iperf_main(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < sizeof(iperf_buf); i++) {
		iperf_buf[i] = (uint8_t)('0' + i % 10);
	}
	for (;;) {
		iperf_loop();
	}
}

int iperf_start(uint16_t port)
{
	struct net_sockaddr_in sa;
	int one = 1, rc;

	if (lfd >= 0) {
		return -EALREADY;
	}
	iperf_port = port ? port : IPERF_DEFAULT_PORT;
	for (unsigned i = 0; i < CONFIG_IPERF_STREAMS; i++) {
		sfd[i] = -1;
	}
	rc = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	if (rc < 0) {
		return rc;
	}
	lfd = rc;
	(void)net_setsockopt(lfd, NET_SOL_SOCKET, NET_SO_REUSEADDR, &one, sizeof(one));
	sa = net_sockaddr(NET_INADDR_ANY, iperf_port);
	rc = net_bind(lfd, &sa);
	if (rc == 0) {
		rc = net_listen(lfd, CONFIG_IPERF_STREAMS + 1);
	}
	if (rc == 0) {
		rc = os_task_create(&iperf_task, "iperf", iperf_main, NULL, CONFIG_IPERF_PRIO,
				    iperf_stack, sizeof(iperf_stack));
	}
	if (rc < 0) {
		(void)net_close(lfd);
		lfd = -1;
	}
	return rc;
}

void iperf_get_stats(struct iperf_stats *st)
{
	*st = stats;
}

static int cmd_iperf(struct shell *sh, int argc, char **argv)
{
	int rc;

	if (argc == 2 && strcmp(argv[1], "start") == 0) {
		rc = iperf_start(0);
		if (rc == 0) {
			shell_printf(sh, "iperf3 server on port %u\n", iperf_port);
		}
		return rc;
	}
	if (argc != 1) {
		return -EINVAL;
	}
	shell_printf(sh, "iperf3 server: %s, port %u, %u tests, %u failed%s\n",
		     lfd >= 0 ? "listening" : "stopped", iperf_port, (unsigned)stats.tests,
		     (unsigned)stats.failed, stats.running ? ", test running" : "");
	if (stats.tests > 0) {
		shell_printf(sh, "last: %s %llu bytes in %u ms (%llu kbit/s)\n",
			     stats.last_reverse ? "sent" : "received",
			     (unsigned long long)stats.last_bytes, (unsigned)stats.last_ms,
			     (unsigned long long)(stats.last_ms
							  ? stats.last_bytes * 8u / stats.last_ms
							  : 0));
	}
	return 0;
}

SHELL_CMD(iperf, cmd_iperf,
	  "iperf3-compatible TCP server\nusage: iperf [start]\n"
	  "  then on a PC: iperf3 -c DEVICE [-R] [-P n]",
	  0);
