/*
 * wget: an HTTP/1.1 client (RFC 9110, RFC 9112) for http:// URLs.
 *
 * Pure parts (apps/wget/wget_url.c, http_resp.c; no kernel, fuzzed):
 *   - wget_url_parse()    http://host[:port][/path][?query] (RFC 3986 §3)
 *   - wget_url_resolve()  a Location reference against a base (RFC 3986 §5.2)
 *   - struct http_resp    an incremental response parser: status line,
 *                         header fields (bounded), Content-Length, chunked
 *                         transfer coding, or body to end of connection.
 *
 * Glue (apps/wget/wget.c, wget_cmd.c): wget_fetch() resolves the host
 * (dotted quad or DNS), connects, sends GET, follows up to
 * CONFIG_WGET_MAX_REDIRECTS redirects (301/302/303/307/308), reports
 * progress, and hands the body to a sink: a ramfs file (`wget URL -O
 * name`) or a SHA-256 (`wget URL` prints "sha256 <hex>  <n> bytes").
 */
#ifndef KESTREL_APPS_WGET_H
#define KESTREL_APPS_WGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* Longest host name (RFC 1035 §2.3.4: 253 characters), NUL included. */
#define WGET_HOST_MAX 254

/* Longest path-and-query of a URL, NUL included. */
#ifndef CONFIG_WGET_PATH_MAX
#define CONFIG_WGET_PATH_MAX 256
#endif
/* Longest status or header line (and chunk-size line) of a response. */
#ifndef CONFIG_WGET_LINE_MAX
#define CONFIG_WGET_LINE_MAX 512
#endif
/* Most bytes of status line + header section (+ trailers) of a response. */
#ifndef CONFIG_WGET_HEADER_MAX
#define CONFIG_WGET_HEADER_MAX 8192
#endif
/* Redirects followed before wget_fetch() gives up with -ERANGE. */
#ifndef CONFIG_WGET_MAX_REDIRECTS
#define CONFIG_WGET_MAX_REDIRECTS 5
#endif
/* Receive timeout of each socket read (ms). */
#ifndef CONFIG_WGET_TIMEOUT_MS
#define CONFIG_WGET_TIMEOUT_MS 10000
#endif

_Static_assert(CONFIG_WGET_PATH_MAX >= 16 && CONFIG_WGET_PATH_MAX <= 4096, "wget path size");
_Static_assert(CONFIG_WGET_LINE_MAX >= 64 && CONFIG_WGET_LINE_MAX <= CONFIG_WGET_HEADER_MAX,
	       "wget line size");
_Static_assert(CONFIG_WGET_MAX_REDIRECTS >= 0 && CONFIG_WGET_MAX_REDIRECTS <= 20, "redirects");

/* ---- URLs ---------------------------------------------------------------- */

struct wget_url {
	char host[WGET_HOST_MAX];
	uint16_t port;			 /* 80 unless given */
	char path[CONFIG_WGET_PATH_MAX]; /* "/..." with the query, without the fragment */
};

/*
 * Parses an absolute http:// URL of len bytes (the scheme and host are
 * case-insensitive; the host is stored lower-case; dot segments of the
 * path are removed).
 * @retval -EINVAL not a URL, empty host, bad character, port 0 or > 65535,
 *         user info (user@host)
 * @retval -ENOTSUP another scheme (https, ftp) or an IPv6 literal
 * @retval -ENAMETOOLONG host or path too long
 */
int wget_url_parse(const char *s, size_t len, struct wget_url *u);

/*
 * Resolves a reference (a Location field value) against base, as RFC 3986
 * §5.2.2: absolute URL, "//host/path", "/path", "?query" or a relative
 * path. Errors as wget_url_parse().
 */
int wget_url_resolve(const struct wget_url *base, const char *ref, size_t len,
		     struct wget_url *out);

/* ---- responses ----------------------------------------------------------- */

/* Receives body bytes (after transfer decoding). Non-zero aborts the parse. */
typedef int (*http_body_fn)(void *ctx, const uint8_t *data, size_t len);

enum http_resp_state {
	HTTP_RS_STATUS = 0,
	HTTP_RS_HEADER,
	HTTP_RS_BODY_LENGTH, /* Content-Length bytes */
	HTTP_RS_BODY_EOF,    /* until the connection closes */
	HTTP_RS_CHUNK_SIZE,
	HTTP_RS_CHUNK_DATA,
	HTTP_RS_CHUNK_END, /* CRLF after chunk data */
	HTTP_RS_TRAILER,
	HTTP_RS_DONE,
};

struct http_resp {
	uint8_t state;		/* enum http_resp_state */
	uint8_t interim;	/* 1xx responses skipped */
	uint16_t status;	/* 100..599 once the status line is in */
	uint8_t version_minor;	/* HTTP/1.x */
	bool head;		/* the request was HEAD: no body */
	bool chunked;		/* Transfer-Encoding: chunked */
	bool have_length;	/* Content-Length seen */
	bool location_too_long; /* Location did not fit */
	bool conn_close;	/* Connection: close */
	uint16_t line_len;
	uint32_t header_bytes;	 /* counted against CONFIG_WGET_HEADER_MAX */
	uint64_t content_length; /* valid if have_length */
	uint64_t left;		 /* body or chunk bytes still expected */
	uint64_t body_bytes;	 /* body bytes delivered */
	http_body_fn on_body;
	void *ctx;
	char location[CONFIG_WGET_PATH_MAX + WGET_HOST_MAX + 16];
	char line[CONFIG_WGET_LINE_MAX];
};

/* Prepares a parser; on_body (may be NULL) gets the decoded body. */
void http_resp_init(struct http_resp *r, http_body_fn on_body, void *ctx);

/*
 * Feeds len received bytes. Returns 0 (more needed) or 1 (the response is
 * complete; bytes after it are ignored).
 * @retval -EPROTO malformed status line, header field, chunk or length
 * @retval -EMSGSIZE a line over CONFIG_WGET_LINE_MAX or a header section
 *         over CONFIG_WGET_HEADER_MAX
 * @retval -ENOTSUP a transfer coding other than chunked, or HTTP/2+
 * @retval the on_body callback's non-zero result (passed through)
 */
int http_resp_input(struct http_resp *r, const void *buf, size_t len);

/*
 * The connection closed. Returns 1 if that completes the response (body
 * delimited by the close, or already done).
 * @retval -EPROTO the response was cut short
 */
int http_resp_eof(struct http_resp *r);

/* True once the status line and header section are in. */
static inline bool http_resp_headers_done(const struct http_resp *r)
{
	return r->state >= HTTP_RS_BODY_LENGTH;
}

/* ---- fetching (library kestrel_app_wget) ----------------------------------- */

struct wget_progress {
	uint64_t bytes; /* body bytes so far */
	uint64_t total; /* Content-Length, 0 if unknown */
	uint32_t ms;	/* since the request went out */
};

struct wget_opts {
	const char *out_name; /* ramfs file, or NULL: discard and hash */
	bool quiet;	      /* no progress lines */
	/* Progress and messages (printf-like); NULL = silent. */
	void (*print)(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
	void *print_ctx;
};

struct wget_result {
	uint16_t status;     /* final HTTP status */
	uint8_t redirects;   /* followed */
	uint64_t bytes;	     /* body bytes */
	uint32_t ms;	     /* whole transfer */
	uint8_t sha256[32];  /* of the body */
	struct wget_url url; /* final URL */
};

/*
 * Fetches url with GET. Returns 0 for a 2xx final response (its body
 * stored or hashed), else:
 * @retval -ENOENT the server answered 404 / 410
 * @retval -EIO another non-2xx status (res->status says which)
 * @retval -ERANGE more than CONFIG_WGET_MAX_REDIRECTS redirects
 * @retval -ENOSPC the ramfs file did not fit (it is deleted)
 * @retval errors of wget_url_parse(), http_resp_input(), wget_resolve()
 *         and the socket calls (-ECONNREFUSED, -ETIMEDOUT, -EAGAIN, ...)
 */
int wget_fetch(const char *url, const struct wget_opts *o, struct wget_result *res);

/*
 * Resolves a host name (dotted quad or DNS through the network task) to an
 * IPv4 address in host byte order, waiting at most timeout_ms.
 * @retval -EAGAIN no answer in time   @retval -ENOENT no such name
 * @retval -ENETDOWN no network task   @retval dns_gethostbyname() errors
 */
int wget_resolve(const char *host, uint32_t *addr, uint32_t timeout_ms);

#endif /* KESTREL_APPS_WGET_H */
