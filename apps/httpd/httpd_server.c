/*
 * The HTTP server task: one task, one net_socket_poll() loop over the listener
 * and a fixed table of connections.
 *
 * Each connection buffers at most one request (head + body) plus what a
 * pipelining client sent after it; the pure parser (http_parse.c) is run
 * over the buffer whenever bytes arrive and every complete request is
 * answered in order (RFC 9112 §9.3.2). Responses always carry
 * Content-Length, so a connection stays open unless the request or an
 * error says otherwise.
 *
 * Timers (checked every poll round, HTTPD_POLL_MS):
 * - a request must be complete within CONFIG_HTTPD_REQUEST_TIMEOUT_MS of
 *   its first byte, however slowly it trickles in: otherwise 408 and close
 *   (slowloris defence, RFC 9110 §15.5.9);
 * - an idle persistent connection is closed quietly after
 *   CONFIG_HTTPD_IDLE_TIMEOUT_MS (RFC 9112 §9.5).
 *
 * Every response leaves in one net_send() when it fits in httpd_out: head
 * and body side by side, so the stack cuts it into full segments and only
 * the last one is short. (Sending the head on its own costs an extra
 * segment, and a second request to the network task, per response.)
 * Dynamic handlers write their body straight into httpd_out behind
 * HTTP_HEAD_MAX bytes of room, where the head is then put in front of it;
 * files are copied in. Only a file larger than httpd_out takes a second
 * send for its tail.
 *
 * Closing after an error uses a "lingering close" (RFC 9112 §9.6): the
 * response is sent, our side is shut down, and what the client still
 * sends is read and dropped for up to HTTPD_LINGER_MS, so its unread bytes
 * do not make the stack reset the connection before the client has read
 * the response. A connection arriving while all CONFIG_HTTPD_MAX_CONN
 * slots serve gets 503 from one of HTTPD_REJECT_SLOTS extra slots, which
 * only linger.
 */
#include <string.h>

#include <kestrel/apps/httpd.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>

#include "httpd_internal.h"

#define HTTPD_POLL_MS	   100
#define HTTPD_LINGER_MS	   2000
#define HTTPD_SEND_TIMEOUT 5000 /* ms a send may block on a slow reader */
#define HTTPD_REJECT_SLOTS 2
#define HTTPD_SLOTS	   (CONFIG_HTTPD_MAX_CONN + HTTPD_REJECT_SLOTS)
/* head limit, its leading empty lines and CR slack, and the body */
#define HTTPD_CONN_BUF (CONFIG_HTTPD_MAX_HEADER_BYTES + CONFIG_HTTPD_MAX_BODY + 8)

_Static_assert(sizeof(((struct http_response *)0)->head) == HTTP_HEAD_MAX, "head room");
_Static_assert(HTTPD_SLOTS + 1 <= CONFIG_NET_SOCKETS,
	       "CONFIG_NET_SOCKETS too small for CONFIG_HTTPD_MAX_CONN");

enum httpd_conn_state { CONN_FREE = 0, CONN_SERVE, CONN_LINGER };

struct httpd_conn {
	int fd;
	uint8_t state;	 /* enum httpd_conn_state */
	uint16_t len;	 /* bytes buffered */
	uint32_t served; /* requests answered */
	os_tick_t since; /* first byte of the pending request, or last activity */
	uint8_t buf[HTTPD_CONN_BUF];
};

static struct httpd_conn httpd_conns[HTTPD_SLOTS];
static struct net_pollfd httpd_pfd[HTTPD_SLOTS + 1];
static struct http_request httpd_req;
static struct http_response httpd_resp;
/* head room, then the dynamic body (see the top) */
static uint8_t httpd_out[HTTP_HEAD_MAX + CONFIG_HTTPD_DYN_BUF];
#define HTTPD_DYN (httpd_out + HTTP_HEAD_MAX)
static struct httpd_stats httpd_st;
static struct httpd_config httpd_cfg;
static bool httpd_started;
static struct os_task httpd_task;
OS_STACK_DEFINE(httpd_stack, CONFIG_HTTPD_STACK_SIZE);

void httpd_get_stats(struct httpd_stats *st)
{
	*st = httpd_st;
}

/* 0 when all len bytes were queued; a send that timed out part-way fails. */
static int send_all(int fd, const uint8_t *p, size_t len)
{
	int rc = net_send(fd, p, len, 0);

	if (rc < 0) {
		return rc;
	}
	return (size_t)rc == len ? 0 : -EAGAIN;
}

/* The whole response in one send when it fits (see the top). */
static int send_response(int fd, const struct http_response *r)
{
	size_t first = r->body_len;
	int rc;

	if (r->body == HTTPD_DYN) {
		/* built in place: the head goes right in front of it */
		uint8_t *start = HTTPD_DYN - r->head_len;

		memcpy(start, r->head, r->head_len);
		return send_all(fd, start, r->head_len + r->body_len);
	}
	if (first > sizeof(httpd_out) - r->head_len) {
		first = sizeof(httpd_out) - r->head_len;
	}
	memcpy(httpd_out, r->head, r->head_len);
	if (first != 0) {
		memcpy(httpd_out + r->head_len, r->body, first);
	}
	rc = send_all(fd, httpd_out, r->head_len + first);
	if (rc == 0 && first < r->body_len) {
		rc = send_all(fd, r->body + first, r->body_len - first);
	}
	return rc;
}

static void conn_free(struct httpd_conn *c)
{
	net_close(c->fd);
	c->fd = -1;
	c->state = CONN_FREE;
	c->len = 0;
}

/* Stops sending and drains what the client still sends (see the top). */
static void conn_linger(struct httpd_conn *c)
{
	if (net_shutdown(c->fd, NET_SHUT_WR) < 0) {
		conn_free(c);
		return;
	}
	c->state = CONN_LINGER;
	c->len = 0;
	c->since = os_ticks();
}

static void conn_send(struct httpd_conn *c, const struct http_response *r)
{
	httpd_st.requests++;
	if (r->status >= 400) {
		httpd_st.errors++;
	}
	if (send_response(c->fd, r) < 0) {
		conn_free(c);
	} else if (r->close) {
		conn_linger(c);
	}
}

/* Answers every complete request in the buffer. */
static void conn_process(struct httpd_conn *c)
{
	while (c->state == CONN_SERVE && c->len > 0) {
		int rc = http_parse_request(c->buf, c->len, &httpd_req);
		if (rc == 0) {
			if (c->len >= sizeof(c->buf)) {
				httpd_req.status = 431;
				rc = -EPROTO;
			} else {
				return;
			}
		}
		c->served++;
		if (CONFIG_HTTPD_MAX_KEEPALIVE_REQUESTS != 0 &&
		    c->served >= CONFIG_HTTPD_MAX_KEEPALIVE_REQUESTS) {
			httpd_req.keep_alive = false; /* the last one on this connection */
		}
		httpd_respond(&httpd_req, rc, &httpd_resp, (char *)HTTPD_DYN, CONFIG_HTTPD_DYN_BUF);
		conn_send(c, &httpd_resp);
		if (rc < 0 || c->state != CONN_SERVE) {
			return;
		}
		memmove(c->buf, c->buf + rc, c->len - (size_t)rc);
		c->len = (uint16_t)(c->len - (size_t)rc);
		c->since = os_ticks();
	}
}

static void conn_readable(struct httpd_conn *c)
{
	size_t room = sizeof(c->buf) - c->len;
	int n;

	if (c->state == CONN_LINGER) {
		n = net_recv(c->fd, c->buf, sizeof(c->buf), NET_MSG_DONTWAIT);
		if (n != -EAGAIN && n <= 0) {
			conn_free(c);
		}
		return;
	}
	if (room == 0) {
		conn_process(c);
		return;
	}
	n = net_recv(c->fd, c->buf + c->len, room, NET_MSG_DONTWAIT);
	if (n == -EAGAIN) {
		return;
	}
	if (n <= 0) {
		conn_free(c); /* end of stream or reset */
		return;
	}
	if (c->len == 0) {
		c->since = os_ticks(); /* a new request starts */
	}
	c->len = (uint16_t)(c->len + (size_t)n);
	conn_process(c);
}

static void conn_timers(struct httpd_conn *c, os_tick_t now)
{
	os_tick_t age = now - c->since;

	if (c->state == CONN_LINGER) {
		if (age >= OS_MS(HTTPD_LINGER_MS)) {
			conn_free(c);
		}
	} else if (c->len > 0 && age >= OS_MS(CONFIG_HTTPD_REQUEST_TIMEOUT_MS)) {
		httpd_st.timeouts++;
		httpd_respond_error(408, &httpd_resp);
		conn_send(c, &httpd_resp);
	} else if (c->len == 0 && age >= OS_MS(CONFIG_HTTPD_IDLE_TIMEOUT_MS)) {
		httpd_st.timeouts++;
		conn_free(c);
	}
}

static struct httpd_conn *slot_find(bool reject)
{
	unsigned lo = reject ? CONFIG_HTTPD_MAX_CONN : 0;
	unsigned hi = reject ? HTTPD_SLOTS : CONFIG_HTTPD_MAX_CONN;

	for (unsigned i = lo; i < hi; i++) {
		if (httpd_conns[i].state == CONN_FREE) {
			return &httpd_conns[i];
		}
	}
	return NULL;
}

static void accept_one(int fd)
{
	struct httpd_conn *c = slot_find(false);

	httpd_st.accepted++;
	if (c == NULL) {
		httpd_st.rejected++;
		c = slot_find(true);
		httpd_respond_error(503, &httpd_resp);
		if (c == NULL) {
			send_response(fd, &httpd_resp);
			net_close(fd);
			return;
		}
	}
	c->fd = fd;
	c->state = CONN_SERVE;
	c->len = 0;
	c->served = 0;
	c->since = os_ticks();
	if (c - httpd_conns >= CONFIG_HTTPD_MAX_CONN) {
		conn_send(c, &httpd_resp); /* the 503, then linger */
	}
}

/*
 * Takes every connection waiting on the (non-blocking) listener: the
 * stack resets a connection that finds the accept queue full, and a
 * browser or benchmark opens several at once.
 */
static void accept_all(int lfd)
{
	int fd;

	while ((fd = net_accept(lfd, NULL)) >= 0) {
		accept_one(fd);
	}
}

/*
 * The listener: non-blocking for accept_all() (accepted connections do not
 * inherit that, as on Linux). TCP_NODELAY and the send timeout do pass to
 * them; with NODELAY the short last segment of a response leaves at once
 * instead of waiting for the client's (delayed) ACK of the ones before.
 * The backlog holds a browser's burst of connections (six).
 */
static int listen_socket(void)
{
	static const int one = 1;
	static const uint32_t sndtimeo = HTTPD_SEND_TIMEOUT;
	static const int backlogs[] = {HTTPD_SLOTS, 4, 2, 1};
	struct net_sockaddr_in a = net_sockaddr(httpd_cfg.listen_ip, httpd_cfg.port);
	int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	int rc;

	if (fd < 0) {
		return fd;
	}
	net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_REUSEADDR, &one, sizeof(one));
	net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_NONBLOCK, &one, sizeof(one));
	net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &sndtimeo, sizeof(sndtimeo));
	net_setsockopt(fd, NET_IPPROTO_TCP, NET_TCP_NODELAY, &one, sizeof(one));
	rc = net_bind(fd, &a);
	for (size_t i = 0; rc == 0 && i < sizeof(backlogs) / sizeof(backlogs[0]); i++) {
		rc = net_listen(fd, backlogs[i]);
		if (rc != -EINVAL) {
			break;
		}
	}
	if (rc < 0) {
		net_close(fd);
		return rc;
	}
	return fd;
}

static void httpd_loop(int lfd)
{
	for (;;) {
		unsigned n = 1;
		os_tick_t now;

		httpd_pfd[0].fd = lfd;
		httpd_pfd[0].events = NET_POLLIN;
		for (unsigned i = 0; i < HTTPD_SLOTS; i++) {
			httpd_pfd[n].fd =
				httpd_conns[i].state != CONN_FREE ? httpd_conns[i].fd : -1;
			httpd_pfd[n].events = NET_POLLIN;
			httpd_pfd[n++].revents = 0;
		}
		if (net_socket_poll(httpd_pfd, n, HTTPD_POLL_MS) > 0) {
			for (unsigned i = 0; i < HTTPD_SLOTS; i++) {
				if (httpd_pfd[i + 1].fd >= 0 && httpd_pfd[i + 1].revents != 0) {
					conn_readable(&httpd_conns[i]);
				}
			}
			if (httpd_pfd[0].revents & NET_POLLIN) {
				accept_all(lfd);
			}
		}
		now = os_ticks();
		for (unsigned i = 0; i < HTTPD_SLOTS; i++) {
			if (httpd_conns[i].state != CONN_FREE) {
				conn_timers(&httpd_conns[i], now);
			}
		}
	}
}

static void httpd_main(void *arg)
{
	int lfd;

	(void)arg;
	for (;;) {
		lfd = listen_socket();
		if (lfd >= 0) {
			httpd_loop(lfd);
		}
		os_sleep_ms(1000); /* no network yet: try again */
	}
}

int httpd_start(const struct httpd_config *cfg)
{
	int rc;

	if (httpd_started) {
		return -EALREADY;
	}
	memset(&httpd_cfg, 0, sizeof(httpd_cfg));
	if (cfg != NULL) {
		httpd_cfg = *cfg;
	}
	if (httpd_cfg.port == 0) {
		httpd_cfg.port = CONFIG_HTTPD_PORT;
	}
	if (httpd_cfg.prio == 0) {
		httpd_cfg.prio = 15;
	}
	rc = httpd_route_add("/api/status", httpd_status_handler);
	if (rc < 0 && rc != -EEXIST) {
		return rc;
	}
	for (unsigned i = 0; i < HTTPD_SLOTS; i++) {
		httpd_conns[i].fd = -1;
		httpd_conns[i].state = CONN_FREE;
	}
	rc = os_task_create(&httpd_task, "httpd", httpd_main, NULL, httpd_cfg.prio, httpd_stack,
			    sizeof(httpd_stack));
	if (rc == 0) {
		httpd_started = true;
	}
	return rc;
}
