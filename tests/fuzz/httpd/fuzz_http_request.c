/*
 * Fuzzes the HTTP request parser and the responder behind it. Invariants:
 * a complete request never claims more bytes than given and covers its
 * head and body; an error always names a 4xx/5xx status and drops
 * keep-alive; the parse of a prefix never contradicts the whole (an error
 * on a prefix stays an error, a complete prefix parse is the same
 * request); every response head is well formed and carries
 * Content-Length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/errno.h>

#include "httpd_internal.h"

static struct http_request req, req2;
static struct http_response resp;
static char dyn[256];

static void check_response(int rc)
{
	httpd_respond(&req, rc, &resp, dyn, sizeof(dyn));
	if (resp.head_len == 0 || resp.head_len >= sizeof(resp.head) ||
	    memcmp(resp.head, "HTTP/1.1 ", 9) != 0 ||
	    memcmp(resp.head + resp.head_len - 4, "\r\n\r\n", 4) != 0) {
		abort();
	}
	resp.head[resp.head_len] = '\0';
	if (strstr(resp.head, "\r\nContent-Length: ") == NULL) {
		abort();
	}
	if (rc < 0 && !resp.close) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc = http_parse_request(data, size, &req);

	if (rc > 0) {
		if ((size_t)rc > size || req.head_len + req.content_length != (uint32_t)rc ||
		    req.content_length > CONFIG_HTTPD_MAX_BODY ||
		    req.path_len > CONFIG_HTTPD_MAX_URL || strlen(req.path) != req.path_len ||
		    (req.minor >= 1 && !req.has_host)) {
			abort();
		}
	} else if (rc < 0) {
		if (rc != -EPROTO || req.status < 400 || req.status > 505 || req.keep_alive) {
			abort();
		}
	} else if (size >= CONFIG_HTTPD_MAX_HEADER_BYTES + CONFIG_HTTPD_MAX_BODY + 8) {
		abort(); /* the server's buffer is full: the parser must decide */
	}
	check_response(rc);
	if (size > 1) {
		/* a prefix: never an error if the whole was fine */
		int rc2 = http_parse_request(data, size / 2, &req2);
		if (rc > 0 && rc2 < 0) {
			abort();
		}
		if (rc2 > 0 && rc2 != rc) {
			abort();
		}
	}
	return 0;
}
