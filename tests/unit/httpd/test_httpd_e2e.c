/*
 * HTTP and telnet servers end to end over 127.0.0.1 on the kernel's
 * virtual clock (the shared socket-test harness, tests/unit/socket): the
 * status page and API over one persistent connection, every error status
 * the server sends on the wire, the slowloris 408, 503 when the slots are
 * full, and telnet login refused without a password, failed with its
 * delay, and successful into a shell. The harness teardown checks that no
 * socket, PCB, buffer or task leaked after each case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sock_test.h"

#include <kestrel/apps/httpd.h>
#include <kestrel/apps/telnetd.h>

#include "httpd_internal.h"

#define HTTP_PORT   8080
#define TELNET_PORT 2323

static char rx[16384];
static size_t rx_len;

/* Reads until `want` appears or the peer closes or 5 s pass; true if seen. */
static bool read_until(int fd, const char *want)
{
	uint32_t ms = 5000;

	net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &ms, sizeof(ms));
	for (;;) {
		int n;
		rx[rx_len] = '\0';
		if (want != NULL && strstr(rx, want) != NULL) {
			return true;
		}
		if (rx_len + 1 >= sizeof(rx)) {
			return false;
		}
		n = net_recv(fd, rx + rx_len, sizeof(rx) - 1 - rx_len, 0);
		if (n <= 0) {
			rx[rx_len] = '\0';
			return want == NULL && n == 0;
		}
		rx_len += (size_t)n;
	}
}

static int http_conn(void)
{
	rx_len = 0;
	rx[0] = '\0';
	return st_connect(HTTP_PORT);
}

static int sendstr(int fd, const char *s)
{
	return st_send_all(fd, s, strlen(s));
}

/* Reads one response with its Content-Length body; returns the status. */
static int read_response(int fd, size_t *body_off, size_t *body_len)
{
	char *end, *cl;
	unsigned status = 0;
	size_t len;

	if (!read_until(fd, "\r\n\r\n")) {
		return -EAGAIN;
	}
	end = strstr(rx, "\r\n\r\n") + 4;
	cl = strstr(rx, "Content-Length: ");
	if (sscanf(rx, "HTTP/1.1 %u ", &status) != 1 || cl == NULL || cl > end) {
		return -EBADMSG;
	}
	len = strtoul(cl + 16, NULL, 10);
	while ((size_t)(end - rx) + len > rx_len) {
		int n = net_recv(fd, rx + rx_len, sizeof(rx) - 1 - rx_len, 0);
		if (n <= 0) {
			return -EBADMSG;
		}
		rx_len += (size_t)n;
	}
	*body_off = (size_t)(end - rx);
	*body_len = len;
	return (int)status;
}

/* Drops the first response (head + body) from rx. */
static void consume(size_t off, size_t len)
{
	memmove(rx, rx + off + len, rx_len - off - len);
	rx_len -= off + len;
	rx[rx_len] = '\0';
}

static void http_get_keepalive(void)
{
	const struct httpd_file *idx = httpd_fs_find("/");
	size_t off, len;
	int fd = http_conn();

	KT_ASSERT(fd >= 0);
	KT_ROW("GET /");
	KT_EQ(sendstr(fd, "GET / HTTP/1.1\r\nHost: dev\r\n\r\n"), 0);
	KT_EQ(read_response(fd, &off, &len), 200);
	KT_EQ(len, idx->len);
	KT_MEMEQ(rx + off, idx->data, len);
	KT_ASSERT(strstr(rx, "Connection: keep-alive\r\n") != NULL);
	consume(off, len);

	KT_ROW("GET /api/status on the same connection");
	KT_EQ(sendstr(fd, "GET /api/status HTTP/1.1\r\nHost: dev\r\n\r\n"), 0);
	KT_EQ(read_response(fd, &off, &len), 200);
	KT_ASSERT(strstr(rx, "Content-Type: application/json\r\n") != NULL);
	rx[off + len] = '\0';
	KT_ASSERT(strncmp(rx + off, "{\"device\":\"", 11) == 0);
	KT_ASSERT(strstr(rx + off, "\"time\":\"") != NULL);
	KT_ASSERT(strstr(rx + off, "Z\",\"tz_offset_min\":0,\"uptime_s\":") != NULL);
	KT_ASSERT(strstr(rx + off, "{\"name\":\"httpd\",\"prio\":15,\"base_prio\":15,") != NULL);
	KT_ASSERT(strstr(rx + off, "\"net\":{\"test_counter\":42}}") != NULL);
	consume(off, len);

	KT_ROW("pipelined 404 then HEAD with close");
	KT_EQ(sendstr(fd, "GET /missing HTTP/1.1\r\nHost: dev\r\n\r\n"
			  "HEAD /app.js HTTP/1.1\r\nHost: dev\r\nConnection: close\r\n\r\n"),
	      0);
	KT_EQ(read_response(fd, &off, &len), 404);
	consume(off, len);
	KT_ASSERT(read_until(fd, NULL)); /* HEAD response, then the server closes */
	KT_ASSERT(strncmp(rx, "HTTP/1.1 200 OK\r\n", 17) == 0);
	KT_ASSERT(strstr(rx, "Connection: close\r\n") != NULL);
	KT_ASSERT(strstr(rx, "\r\n\r\n")[4] == '\0'); /* no body */
	net_close(fd);
}

/* GET /api/status on fd; leaves the NUL-terminated body at *body. */
static int get_status(int fd, const char **body)
{
	size_t off, len;
	int st;

	rx_len = 0;
	rx[0] = '\0';
	if (sendstr(fd, "GET /api/status HTTP/1.1\r\nHost: dev\r\n\r\n") != 0) {
		return -EIO;
	}
	st = read_response(fd, &off, &len);
	if (st > 0) {
		rx[off + len] = '\0';
		*body = rx + off;
	}
	return st;
}

/* A task that lives a second (ends on its own even if a check fails). */
static void live_a_second(void *arg)
{
	(void)arg;
	os_sleep_ms(1000);
}

/*
 * The task table (a stack scan of every task with interrupts masked) is
 * taken at most every 250 ms however fast /api/status is polled; the
 * clock fields are fresh on every request.
 */
static void http_status_task_table_age(void)
{
	const char *body = NULL;
	char uptime[40] = "";
	os_tick_t t0;
	int fd;

	os_sleep_ms(300); /* whatever an earlier case left is stale */
	fd = http_conn();
	KT_ASSERT(fd >= 0);
	KT_ROW("first request takes the table");
	KT_EQ(get_status(fd, &body), 200);
	t0 = os_ticks();
	KT_ASSERT(strstr(body, "{\"name\":\"h3\"") == NULL);
	KT_ASSERT(strstr(body, "\"uptime_ms\":") != NULL);
	snprintf(uptime, sizeof(uptime), "%s", strstr(body, "\"uptime_ms\":"));
	st_spawn(3, live_a_second, NULL);
	os_sleep_ms(20);

	KT_ROW("a new task is not listed while the table is younger than 250 ms");
	KT_EQ(get_status(fd, &body), 200);
	KT_ASSERT(os_ticks() - t0 < OS_MS(250));
	KT_ASSERT(strstr(body, "{\"name\":\"h3\"") == NULL);
	KT_ASSERT(strstr(body, "\"uptime_ms\":") != NULL);
	KT_ASSERT(strncmp(strstr(body, "\"uptime_ms\":"), uptime, strlen(uptime)) != 0);

	KT_ROW("then it is");
	os_sleep_ms(250);
	KT_EQ(get_status(fd, &body), 200);
	KT_ASSERT(strstr(body, "{\"name\":\"h3\",\"prio\":10,") != NULL);
	KT_EQ(st_join(3, 2000), 0);
	net_close(fd);
}

struct err_row {
	const char *name;
	const char *req;
	const char *status_line;
};

static char big[4096];

static void http_error_statuses(void)
{
	static const struct err_row rows[] = {
		{"400", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"405", "DELETE / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n",
		 "HTTP/1.1 405 Method Not Allowed\r\n"},
		{"413", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 100000\r\n\r\n",
		 "HTTP/1.1 413 Content Too Large\r\n"},
		{"501", "BREW / HTTP/1.1\r\nHost: d\r\n\r\n", "HTTP/1.1 501 Not Implemented\r\n"},
		{"505", "GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported\r\n"},
		{"414", NULL, "HTTP/1.1 414 URI Too Long\r\n"},
		{"431", NULL, "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *req = rows[i].req;
		int fd;
		KT_ROW(rows[i].name);
		if (req == NULL && strcmp(rows[i].name, "414") == 0) {
			snprintf(big, sizeof(big), "GET /%0*d HTTP/1.1\r\n",
				 CONFIG_HTTPD_MAX_URL + 10, 0);
			req = big;
		} else if (req == NULL) {
			int n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: d\r\nX: ");
			memset(big + n, 'a', (size_t)CONFIG_HTTPD_MAX_HEADER_BYTES);
			big[n + CONFIG_HTTPD_MAX_HEADER_BYTES] = '\0';
			req = big;
		}
		fd = http_conn();
		KT_ASSERT(fd >= 0);
		KT_EQ(sendstr(fd, req), 0);
		KT_ASSERT(read_until(fd, NULL)); /* response, then close */
		KT_ASSERT(strncmp(rx, rows[i].status_line, strlen(rows[i].status_line)) == 0);
		if (strcmp(rows[i].name, "405") == 0) {
			KT_ASSERT(strstr(rx, "Allow: GET, HEAD\r\n") != NULL);
		}
		KT_ASSERT(strstr(rx, "Connection: close\r\n") != NULL);
		net_close(fd);
	}
}

static void http_slowloris_408(void)
{
	os_tick_t t0;
	int fd = http_conn();

	KT_ASSERT(fd >= 0);
	t0 = os_ticks();
	KT_EQ(sendstr(fd, "GET / HTTP/1.1\r\n"), 0);
	/* trickle a byte a second: the request deadline still holds */
	for (int i = 0; i < CONFIG_HTTPD_REQUEST_TIMEOUT_MS / 1000 + 2; i++) {
		os_sleep_ms(1000);
		if (net_send(fd, "X", 1, 0) != 1) {
			break;
		}
	}
	KT_ASSERT(read_until(fd, NULL));
	KT_ASSERT(strncmp(rx, "HTTP/1.1 408 Request Timeout\r\n", 30) == 0);
	KT_ASSERT(os_ticks() - t0 >= OS_MS(CONFIG_HTTPD_REQUEST_TIMEOUT_MS));
	net_close(fd);

	KT_ROW("idle keep-alive connection closed quietly");
	fd = http_conn();
	KT_ASSERT(fd >= 0);
	os_sleep_ms(CONFIG_HTTPD_IDLE_TIMEOUT_MS + 500);
	KT_ASSERT(read_until(fd, NULL));
	KT_EQ(rx_len, 0);
	net_close(fd);
}

static void http_503_when_full(void)
{
	int fds[CONFIG_HTTPD_MAX_CONN], fd;
	struct httpd_stats st;

	for (int i = 0; i < CONFIG_HTTPD_MAX_CONN; i++) {
		fds[i] = st_connect(HTTP_PORT);
		KT_ASSERT(fds[i] >= 0);
	}
	os_sleep_ms(300); /* the server accepts them all */
	fd = http_conn();
	KT_ASSERT(fd >= 0);
	KT_ASSERT(read_until(fd, NULL));
	KT_ASSERT(strncmp(rx, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0);
	net_close(fd);
	httpd_get_stats(&st);
	KT_ASSERT(st.rejected >= 1);
	for (int i = 0; i < CONFIG_HTTPD_MAX_CONN; i++) {
		net_close(fds[i]);
	}
	os_sleep_ms(300);
}

/*
 * A browser opens six connections at once. They all finish their
 * handshakes before the server task runs (it has the lowest priority
 * here); none may be reset: the first CONFIG_HTTPD_MAX_CONN are served,
 * the rest answered 503.
 */
static void http_burst_not_reset(void)
{
	enum { BURST = CONFIG_HTTPD_MAX_CONN + 2 };
	static const int one = 1, zero = 0;
	struct net_sockaddr_in a = net_sockaddr(NET_INADDR_LOOPBACK, HTTP_PORT);
	int fds[BURST], ok = 0, busy = 0;

	for (int i = 0; i < BURST; i++) {
		fds[i] = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
		KT_ASSERT(fds[i] >= 0);
		net_setsockopt(fds[i], NET_SOL_SOCKET, NET_SO_NONBLOCK, &one, sizeof(one));
		KT_EQ(net_connect(fds[i], &a), -EINPROGRESS);
	}
	for (int i = 0; i < BURST; i++) {
		net_setsockopt(fds[i], NET_SOL_SOCKET, NET_SO_NONBLOCK, &zero, sizeof(zero));
		rx_len = 0;
		rx[0] = '\0';
		KT_EQ(sendstr(fds[i], "GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"), 0);
		KT_ASSERT(read_until(fds[i], NULL)); /* the whole response, then a FIN, no reset */
		ok += strncmp(rx, "HTTP/1.1 200 OK\r\n", 17) == 0;
		busy += strncmp(rx, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0;
		net_close(fds[i]);
	}
	KT_EQ(ok, CONFIG_HTTPD_MAX_CONN);
	KT_EQ(busy, BURST - CONFIG_HTTPD_MAX_CONN);
	os_sleep_ms(300);
}

/* ---- telnet ---- */

static int telnet_conn(void)
{
	rx_len = 0;
	rx[0] = '\0';
	return st_connect(TELNET_PORT);
}

static void telnet_no_password(void)
{
	int fd;

	KT_EQ(telnetd_set_password(NULL), 0);
	fd = telnet_conn();
	KT_ASSERT(fd >= 0);
	KT_ASSERT(read_until(fd, NULL));
	KT_ASSERT(memcmp(rx, "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x03", 9) == 0);
	KT_ASSERT(strstr(rx, "login disabled: no password set") != NULL);
	KT_ASSERT(strstr(rx, "login:") == NULL);
	net_close(fd);
}

static void telnet_login(void)
{
	char hash[TELNETD_HASH_MAX];
	os_tick_t t0;
	int fd;

	KT_EQ(telnetd_set_password("hunter22"), 0);
	KT_EQ(telnetd_get_password_hash(hash, sizeof(hash)), (int)strlen(hash));
	KT_ASSERT(strncmp(hash, "$pbkdf2-sha256$10000$", 21) == 0);
	KT_EQ(telnetd_set_password_hash(hash), 0);

	KT_ROW("wrong password, delayed");
	fd = telnet_conn();
	KT_ASSERT(fd >= 0);
	KT_ASSERT(read_until(fd, "login: "));
	KT_EQ(sendstr(fd, "admin\r\nwrong\r\n"), 0);
	t0 = os_ticks();
	KT_ASSERT(read_until(fd, "Login incorrect\r\nlogin: "));
	KT_ASSERT(os_ticks() - t0 >= OS_MS(CONFIG_TELNETD_FAIL_DELAY_MS));
	KT_ASSERT(strstr(rx, "wrong") == NULL); /* the password is not echoed */

	KT_ROW("then the right one");
	rx_len = 0;
	KT_EQ(sendstr(fd, "admin\r\n"), 0);
	KT_ASSERT(read_until(fd, "Password: "));
	KT_EQ(sendstr(fd, "hunter22\r\n"), 0);
	KT_ASSERT(read_until(fd, "Welcome.\r\nkestrel> "));
	KT_EQ(sendstr(fd, "echo hi there\r\n"), 0);
	KT_ASSERT(read_until(fd, "hi there\r\nkestrel> "));
	/* one prompt: the password line's LF is not an empty command */
	KT_CONTAINS(rx, "Welcome.\r\nkestrel> echo hi there\r\n");
	KT_ROW("privileged after login");
	rx_len = 0;
	KT_EQ(sendstr(fd, "passwd --hash\r\n"), 0);
	KT_ASSERT(read_until(fd, "$pbkdf2-sha256$"));
	KT_ROW("Ctrl-D ends the session");
	KT_EQ(sendstr(fd, "\x04"), 0);
	KT_ASSERT(read_until(fd, NULL));
	KT_ASSERT(strstr(rx, "bye") != NULL);
	net_close(fd);
}

static int counters(struct httpd_counter *out, int max)
{
	(void)max;
	out[0].name = "test_counter";
	out[0].value = 42;
	return 1;
}

static void setup(void)
{
	static const struct httpd_config hc = {.port = HTTP_PORT, .prio = 15};
	static const struct telnetd_config tc = {.port = TELNET_PORT, .prio = 18};

	httpd_set_net_counters_hook(counters);
	httpd_start(&hc);
	telnetd_start(&tc);
	os_sleep_ms(200); /* both listening */
}

static const struct kt_case cases[] = {
	KT_CASE(http_get_keepalive),  KT_CASE(http_status_task_table_age),
	KT_CASE(http_error_statuses), KT_CASE(http_slowloris_408),
	KT_CASE(http_503_when_full),  KT_CASE(http_burst_not_reset),
	KT_CASE(telnet_no_password),  KT_CASE(telnet_login),
};

SOCK_TEST_MAIN("httpd_e2e", cases, setup)
