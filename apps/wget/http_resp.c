/*
 * Incremental HTTP/1.1 response parser (RFC 9112).
 *
 * Bytes arrive in any split; the parser keeps one line buffer and a state:
 *
 *   STATUS   "HTTP/1.x SP 3DIGIT [SP reason] CRLF"            (RFC 9112 §4)
 *   HEADER   "name: value CRLF" ... empty line                  (§5)
 *   body framing, decided at the empty line (§6.3):
 *     Transfer-Encoding ending in chunked -> CHUNK_SIZE / CHUNK_DATA /
 *       CHUNK_END ... "0" -> TRAILER lines -> DONE            (§7.1)
 *     Content-Length -> BODY_LENGTH -> DONE
 *     1xx, 204, 304, HEAD -> DONE (no body); 1xx restarts at STATUS
 *     otherwise BODY_EOF until the connection closes
 *
 * Bounds: each line (status, header, chunk size, trailer) must fit
 * CONFIG_WGET_LINE_MAX; the status line, header section and trailers
 * together CONFIG_WGET_HEADER_MAX; at most 8 interim responses. A bare LF
 * ends a line too (§2.2). Obsolete line folding is refused (§5.2), as are
 * conflicting Content-Length values (§6.3 item 5).
 */
#include <kestrel/apps/wget.h>

#include <string.h>

#define HTTP_MAX_INTERIM 8
/* 2^60: far beyond any body a device takes, and overflow-safe to parse. */
#define HTTP_LEN_LIMIT (1ull << 60)

void http_resp_init(struct http_resp *r, http_body_fn on_body, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->on_body = on_body;
	r->ctx = ctx;
}

static char lc(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
	size_t n = strlen(b);

	if (alen != n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (lc(a[i]) != b[i]) {
			return false;
		}
	}
	return true;
}

/* tchar of RFC 9110 §5.6.2. */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int http_status_line(struct http_resp *r, const char *s, size_t n)
{
	if (n < 12 || memcmp(s, "HTTP/", 5) != 0 || s[6] != '.' || s[8] != ' ') {
		return -EPROTO;
	}
	if (s[5] != '1') {
		return (s[5] >= '2' && s[5] <= '9') ? -ENOTSUP : -EPROTO;
	}
	if (s[7] < '0' || s[7] > '9') {
		return -EPROTO;
	}
	for (int i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -EPROTO;
		}
	}
	if (n > 12 && s[12] != ' ') {
		return -EPROTO;
	}
	r->version_minor = (uint8_t)(s[7] - '0');
	r->status = (uint16_t)((s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0'));
	if (r->status < 100 || r->status > 599) {
		return -EPROTO;
	}
	r->state = HTTP_RS_HEADER;
	return 0;
}

static int http_content_length(struct http_resp *r, const char *v, size_t n)
{
	uint64_t len = 0;

	if (n == 0) {
		return -EPROTO;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			return -EPROTO;
		}
		len = len * 10 + (uint64_t)(v[i] - '0');
		if (len > HTTP_LEN_LIMIT) {
			return -EPROTO;
		}
	}
	if (r->have_length && r->content_length != len) {
		return -EPROTO;
	}
	r->have_length = true;
	r->content_length = len;
	return 0;
}

/* The last transfer coding must be chunked; no other coding is supported. */
static int http_transfer_encoding(struct http_resp *r, const char *v, size_t n)
{
	if (!ieq(v, n, "chunked") || r->chunked) {
		return -ENOTSUP;
	}
	r->chunked = true;
	return 0;
}

static int http_header_line(struct http_resp *r, const char *s, size_t n)
{
	size_t colon = 0, vs, ve;

	if (s[0] == ' ' || s[0] == '\t') {
		return -EPROTO; /* obs-fold */
	}
	while (colon < n && s[colon] != ':') {
		if (!is_tchar(s[colon])) {
			return -EPROTO;
		}
		colon++;
	}
	if (colon == 0 || colon == n) {
		return -EPROTO;
	}
	for (vs = colon + 1; vs < n && (s[vs] == ' ' || s[vs] == '\t'); vs++) {
	}
	for (ve = n; ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'); ve--) {
	}
	for (size_t i = vs; i < ve; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < ' ' && c != '\t') || c == 0x7f) {
			return -EPROTO;
		}
	}
	if (ieq(s, colon, "content-length")) {
		return http_content_length(r, s + vs, ve - vs);
	}
	if (ieq(s, colon, "transfer-encoding")) {
		return http_transfer_encoding(r, s + vs, ve - vs);
	}
	if (ieq(s, colon, "connection")) {
		r->conn_close = ieq(s + vs, ve - vs, "close");
	} else if (ieq(s, colon, "location")) {
		r->location_too_long = ve - vs >= sizeof(r->location);
		if (!r->location_too_long) {
			memcpy(r->location, s + vs, ve - vs);
			r->location[ve - vs] = '\0';
		}
	}
	return 0;
}

/* The empty line ended the header section: pick the body framing. */
static void http_headers_end(struct http_resp *r)
{
	if (r->status < 200) {
		/* interim response: the real one follows; forget this one's fields */
		r->interim++;
		r->have_length = r->chunked = false;
		r->location[0] = '\0';
		r->state = HTTP_RS_STATUS;
	} else if (r->head || r->status == 204 || r->status == 304) {
		r->state = HTTP_RS_DONE;
	} else if (r->chunked) {
		r->state = HTTP_RS_CHUNK_SIZE;
	} else if (r->have_length) {
		r->left = r->content_length;
		r->state = r->left ? HTTP_RS_BODY_LENGTH : HTTP_RS_DONE;
	} else {
		r->state = HTTP_RS_BODY_EOF;
	}
}

static int http_chunk_size(struct http_resp *r, const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n; i++) {
		char c = lc(s[i]);
		unsigned d;

		if (c >= '0' && c <= '9') {
			d = (unsigned)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			d = (unsigned)(c - 'a' + 10);
		} else {
			break;
		}
		v = (v << 4) | d;
		if (v > HTTP_LEN_LIMIT) {
			return -EPROTO;
		}
	}
	/* chunk-ext after BWS ';' is ignored (RFC 9112 §7.1.1) */
	while (i < n && (s[i] == ' ' || s[i] == '\t')) {
		i++;
	}
	if (i == 0 || (i < n && s[i] != ';')) {
		return -EPROTO;
	}
	r->left = v;
	r->state = v ? HTTP_RS_CHUNK_DATA : HTTP_RS_TRAILER;
	return 0;
}

/* One complete line (without its line ending) in the current state. */
static int http_line(struct http_resp *r, const char *s, size_t n)
{
	switch (r->state) {
	case HTTP_RS_STATUS:
		if (r->interim > HTTP_MAX_INTERIM) {
			return -EPROTO;
		}
		return http_status_line(r, s, n);
	case HTTP_RS_HEADER:
		if (n == 0) {
			http_headers_end(r);
			return 0;
		}
		return http_header_line(r, s, n);
	case HTTP_RS_CHUNK_SIZE:
		return http_chunk_size(r, s, n);
	case HTTP_RS_CHUNK_END:
		if (n != 0) {
			return -EPROTO;
		}
		r->state = HTTP_RS_CHUNK_SIZE;
		return 0;
	case HTTP_RS_TRAILER:
		if (n == 0) {
			r->state = HTTP_RS_DONE;
		}
		return 0; /* trailer fields are ignored */
	default:
		return -EPROTO;
	}
}

/* Collects one byte of a line; runs http_line() at LF. */
static int http_line_byte(struct http_resp *r, char c)
{
	bool counted = r->state == HTTP_RS_STATUS || r->state == HTTP_RS_HEADER ||
		       r->state == HTTP_RS_TRAILER;
	size_t n;

	if (counted && ++r->header_bytes > CONFIG_WGET_HEADER_MAX) {
		return -EMSGSIZE;
	}
	if (c != '\n') {
		if (r->line_len >= sizeof(r->line)) {
			return -EMSGSIZE;
		}
		r->line[r->line_len++] = c;
		return 0;
	}
	n = r->line_len;
	if (n > 0 && r->line[n - 1] == '\r') {
		n--;
	}
	r->line_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (r->line[i] == '\r' || r->line[i] == '\0') {
			return -EPROTO; /* bare CR or NUL inside a line */
		}
	}
	return http_line(r, r->line, n);
}

static int http_body(struct http_resp *r, const uint8_t *p, size_t n)
{
	r->body_bytes += n;
	return r->on_body ? r->on_body(r->ctx, p, n) : 0;
}

int http_resp_input(struct http_resp *r, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i = 0;
	int rc;

	while (i < len && r->state != HTTP_RS_DONE) {
		if (r->state == HTTP_RS_BODY_EOF) {
			return http_body(r, p + i, len - i);
		}
		if (r->state == HTTP_RS_BODY_LENGTH || r->state == HTTP_RS_CHUNK_DATA) {
			size_t n = len - i;

			if (n > r->left) {
				n = (size_t)r->left;
			}
			rc = http_body(r, p + i, n);
			if (rc != 0) {
				return rc;
			}
			i += n;
			r->left -= n;
			if (r->left == 0) {
				r->state = r->state == HTTP_RS_BODY_LENGTH ? HTTP_RS_DONE
									   : HTTP_RS_CHUNK_END;
			}
			continue;
		}
		rc = http_line_byte(r, (char)p[i++]);
		if (rc < 0) {
			return rc;
		}
	}
	return r->state == HTTP_RS_DONE ? 1 : 0;
}

int http_resp_eof(struct http_resp *r)
{
	if (r->state == HTTP_RS_BODY_EOF) {
		r->state = HTTP_RS_DONE;
	}
	return r->state == HTTP_RS_DONE ? 1 : -EPROTO;
}
