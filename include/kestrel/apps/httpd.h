/*
 * The device's HTTP/1.1 server (RFC 9110 semantics, RFC 9112 syntax).
 *
 * GET and HEAD of static files compiled into the firmware from
 * apps/httpd/www/ (the status page) and of dynamic handlers such as
 * GET /api/status (JSON). One task serves up to CONFIG_HTTPD_MAX_CONN
 * persistent connections with net_socket_poll(); see docs/httpd.md for the
 * status codes and limits.
 *
 * The server is started once by the board:
 *
 *	static const struct httpd_config cfg = {.port = 80, .prio = 15};
 *	httpd_set_net_counters_hook(httpd_stack_counters);   (optional)
 *	httpd_start(&cfg);
 */
#ifndef KESTREL_APPS_HTTPD_H
#define KESTREL_APPS_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* ---- configuration (defaults; a board overrides them in kestrel_config.h) ---- */

/* TCP port the server listens on when httpd_config.port is 0. */
#ifndef CONFIG_HTTPD_PORT
#define CONFIG_HTTPD_PORT 80
#endif
/* Concurrent connections; one more is accepted and answered 503. */
#ifndef CONFIG_HTTPD_MAX_CONN
#define CONFIG_HTTPD_MAX_CONN 4
#endif
/* Request line plus header fields, CR LFs included (431 beyond). */
#ifndef CONFIG_HTTPD_MAX_HEADER_BYTES
#define CONFIG_HTTPD_MAX_HEADER_BYTES 2048
#endif
/* Longest request-target (414 beyond). */
#ifndef CONFIG_HTTPD_MAX_URL
#define CONFIG_HTTPD_MAX_URL 256
#endif
/* Largest Content-Length accepted (413 beyond). */
#ifndef CONFIG_HTTPD_MAX_BODY
#define CONFIG_HTTPD_MAX_BODY 1024
#endif
/* Header fields per request (431 beyond). */
#ifndef CONFIG_HTTPD_MAX_HEADERS
#define CONFIG_HTTPD_MAX_HEADERS 32
#endif
/* A request must arrive completely within this time of its first byte (408). */
#ifndef CONFIG_HTTPD_REQUEST_TIMEOUT_MS
#define CONFIG_HTTPD_REQUEST_TIMEOUT_MS 10000
#endif
/* An idle persistent connection is closed after this long. */
#ifndef CONFIG_HTTPD_IDLE_TIMEOUT_MS
#define CONFIG_HTTPD_IDLE_TIMEOUT_MS 15000
#endif
/* Requests served on one connection before it is closed (0 = no limit). */
#ifndef CONFIG_HTTPD_MAX_KEEPALIVE_REQUESTS
#define CONFIG_HTTPD_MAX_KEEPALIVE_REQUESTS 1000
#endif
/* Buffer dynamic handlers write their body into (e.g. /api/status JSON). */
#ifndef CONFIG_HTTPD_DYN_BUF
#define CONFIG_HTTPD_DYN_BUF 4096
#endif
/* Dynamic routes that httpd_route_add() can register. */
#ifndef CONFIG_HTTPD_MAX_ROUTES
#define CONFIG_HTTPD_MAX_ROUTES 8
#endif
/* Server task stack (bytes, before the port's headroom). */
#ifndef CONFIG_HTTPD_STACK_SIZE
#define CONFIG_HTTPD_STACK_SIZE 3072
#endif
/* Name shown in the status page header and in /api/status. */
#ifndef CONFIG_HTTPD_DEVICE_NAME
#ifdef KESTREL_BOARD_NAME
#define CONFIG_HTTPD_DEVICE_NAME "Kestrel " KESTREL_BOARD_NAME
#else
#define CONFIG_HTTPD_DEVICE_NAME "Kestrel"
#endif
#endif
/* Tasks and pools /api/status lists at most. */
#ifndef CONFIG_HTTPD_STATUS_TASKS
#define CONFIG_HTTPD_STATUS_TASKS 24
#endif
#ifndef CONFIG_HTTPD_STATUS_POOLS
#define CONFIG_HTTPD_STATUS_POOLS 16
#endif
/* Network counters the board's hook may report. */
#ifndef CONFIG_HTTPD_STATUS_COUNTERS
#define CONFIG_HTTPD_STATUS_COUNTERS 32
#endif

_Static_assert(CONFIG_HTTPD_MAX_CONN >= 1 && CONFIG_HTTPD_MAX_CONN <= 16, "1..16 connections");
_Static_assert(CONFIG_HTTPD_MAX_URL >= 16 && CONFIG_HTTPD_MAX_URL <= 4096, "URL limit 16..4096");
_Static_assert(CONFIG_HTTPD_MAX_HEADER_BYTES >= CONFIG_HTTPD_MAX_URL + 32 &&
		       CONFIG_HTTPD_MAX_HEADER_BYTES <= 65535,
	       "header limit must hold a request line with the longest URL");
_Static_assert(CONFIG_HTTPD_MAX_BODY >= 0 && CONFIG_HTTPD_MAX_BODY <= 65535, "body 0..65535");
_Static_assert(CONFIG_HTTPD_MAX_HEADERS >= 4 && CONFIG_HTTPD_MAX_HEADERS <= 255, "4..255 fields");
_Static_assert(CONFIG_HTTPD_DYN_BUF >= 256, "dynamic buffer too small");

/* ---- server ---- */

struct httpd_config {
	uint16_t port;	    /* 0: CONFIG_HTTPD_PORT */
	uint8_t prio;	    /* server task priority (0: 15) */
	uint32_t listen_ip; /* host byte order; 0 = any */
};

/*
 * Starts the server task (binds, listens, serves). Call once after the
 * network task runs. cfg may be NULL (defaults); it is copied.
 * @retval -EALREADY already started
 * @retval -EINVAL bad priority
 * @retval -ENOTSUP built without the socket API
 */
int httpd_start(const struct httpd_config *cfg);

/* Connections served, requests answered, and their error responses so far. */
struct httpd_stats {
	uint32_t accepted;
	uint32_t requests;
	uint32_t errors;   /* 4xx/5xx sent */
	uint32_t rejected; /* 503: no slot */
	uint32_t timeouts; /* 408 sent or idle connection closed */
};
void httpd_get_stats(struct httpd_stats *st);

/* ---- dynamic content ---- */

/* Where a dynamic handler writes its response body. */
struct httpd_body {
	char *buf;
	size_t cap;
	size_t len;
	const char *content_type; /* default "application/json" */
	uint16_t status;	  /* default 200 */
};

struct http_request;

/*
 * A dynamic handler fills body (at most body->cap bytes) and returns 0, or
 * a negative errno for a 500 (-EMSGSIZE: the body did not fit). It runs on
 * the server task; it must not block for long.
 */
typedef int (*httpd_handler_fn)(const struct http_request *req, struct httpd_body *body);

/*
 * Registers a handler for GET/HEAD of an exact path (kept by reference),
 * before or after httpd_start(). /api/status is built in.
 * @retval -ENOSPC CONFIG_HTTPD_MAX_ROUTES reached   @retval -EEXIST path taken
 */
int httpd_route_add(const char *path, httpd_handler_fn fn);

/* ---- network counters for /api/status ---- */

struct httpd_counter {
	const char *name; /* e.g. "ip_rx", kept by reference */
	uint64_t value;
};

/*
 * Fills up to max counters and returns how many it wrote. Set by the board
 * (httpd never touches the stack's internals); called on the server task.
 */
typedef int (*httpd_counters_fn)(struct httpd_counter *out, int max);
void httpd_set_net_counters_hook(httpd_counters_fn fn);

/*
 * A hook for the common case: the network task's stack counters (eth_rx,
 * ip_rx/tx/drop, icmp_rx, udp_rx/tx, reass_ok), read through net_call().
 */
int httpd_stack_counters(struct httpd_counter *out, int max);

#endif /* KESTREL_APPS_HTTPD_H */
