/*
 * HTTP/1.x request parser (RFC 9112 message syntax, RFC 9110 semantics).
 *
 * The parser is a pure function over the bytes a connection has buffered:
 * it is called again whenever more arrive and either finds one complete
 * request (head and Content-Length body), asks for more, or names the
 * status code to answer with. Re-parsing from the start keeps no state
 * between calls; the buffer is at most CONFIG_HTTPD_MAX_HEADER_BYTES +
 * CONFIG_HTTPD_MAX_BODY bytes, so the cost is bounded.
 *
 * Message layout (RFC 9112 §2.1):
 *
 *   request-line  = method SP request-target SP HTTP-version CRLF   (§3)
 *   *( field-line CRLF )                                             (§5)
 *   CRLF
 *   [ message-body ]                                                 (§6)
 *
 * Decisions (docs/httpd.md has the full table):
 * - Line ends: CR LF, or a bare LF (RFC 9112 §2.2 allows recognising a
 *   lone LF); a CR not followed by LF is 400 (§2.2: bare CR is invalid).
 * - Up to HTTP_LEADING_EOL bytes of empty lines before the request line
 *   are skipped (§2.2 "SHOULD ignore at least one empty line").
 * - Exactly one SP between request-line parts (§3); the method is a
 *   case-sensitive token (RFC 9110 §9.1): a known one we do not serve is
 *   405 later, an unknown one 501 (RFC 9110 §15.6.2).
 * - request-target longer than CONFIG_HTTPD_MAX_URL: 414 (RFC 9110
 *   §15.5.15), reported as soon as the limit is passed.
 * - HTTP-version must be "HTTP/" DIGIT "." DIGIT (§2.3); major 1 only
 *   (505, RFC 9110 §15.6.6); minor > 1 is served as 1.1 (RFC 9110 §6.2).
 * - Head larger than CONFIG_HTTPD_MAX_HEADER_BYTES, or more than
 *   CONFIG_HTTPD_MAX_HEADERS fields: 431 (RFC 6585 §5).
 * - Whitespace between field name and colon, obs-fold, or control
 *   characters in a value: 400 (§5.1, §5.2).
 * - HTTP/1.1 without exactly one Host field: 400 (§3.2); two Hosts: 400.
 * - Content-Length: 1*DIGIT; differing duplicates or lists are 400
 *   (§6.3 item 5); above CONFIG_HTTPD_MAX_BODY 413 (RFC 9110 §15.5.14).
 * - Transfer-Encoding in a request: 501 (§6.1; this server accepts no
 *   chunked bodies), 400 together with Content-Length (§6.3 item 3).
 * - Persistence (§9.3): HTTP/1.1 unless "Connection: close"; HTTP/1.0
 *   only with "Connection: keep-alive". After any error: close.
 */
#include <string.h>

#include <kestrel/errno.h>

#include "httpd_internal.h"

#define HTTP_LEADING_EOL 4  /* empty-line bytes skipped before a request */
#define HTTP_METHOD_MAX	 16 /* longest method token considered */
#define HTTP_CL_DIGITS	 9  /* Content-Length digits read before 413 */

static const struct {
	const char *name;
	uint8_t method;
} http_methods[] = {
	{"GET", HTTP_M_GET},	 {"HEAD", HTTP_M_HEAD},	    {"POST", HTTP_M_POST},
	{"PUT", HTTP_M_PUT},	 {"DELETE", HTTP_M_DELETE}, {"OPTIONS", HTTP_M_OPTIONS},
	{"PATCH", HTTP_M_PATCH}, {"TRACE", HTTP_M_TRACE},   {"CONNECT", HTTP_M_CONNECT},
};

const char *http_method_name(unsigned method)
{
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++) {
		if (http_methods[i].method == method) {
			return http_methods[i].name;
		}
	}
	return NULL;
}

/* tchar, RFC 9110 §5.6.2 */
static bool is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		return true;
	}
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool ieq(const uint8_t *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\0' || lower(a[i]) != (uint8_t)b[i]) {
			return false;
		}
	}
	return b[n] == '\0';
}

static int fail(struct http_request *req, unsigned status)
{
	req->status = (uint16_t)status;
	req->keep_alive = false;
	return -EPROTO;
}

/*
 * Finds the line starting at off, searching below limit. Returns 1 with
 * [off, *end) the content and *next past its terminator, 0 if no
 * terminator is there yet, or -1 for a bare CR.
 */
static int find_line(const uint8_t *b, size_t len, size_t off, size_t limit, size_t *end,
		     size_t *next)
{
	size_t i;

	for (i = off; i < len && i < limit; i++) {
		if (b[i] == '\n') {
			*end = i;
			*next = i + 1;
			return 1;
		}
		if (b[i] == '\r') {
			if (i + 1 >= len) {
				return 0;
			}
			if (b[i + 1] != '\n') {
				return -1;
			}
			*end = i;
			*next = i + 2;
			return 1;
		}
	}
	return 0;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = lower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/*
 * Percent-decodes the path (RFC 3986 §2.1) and copies the query. An empty
 * path (absolute-form "http://host" or "http://host?q") becomes "/".
 */
static int split_target(const uint8_t *t, size_t n, struct http_request *req)
{
	size_t i = 0, o = 0;

	if (n == 0 || t[0] == '?') {
		req->path[o++] = '/';
	}

	while (i < n && t[i] != '?') {
		uint8_t c = t[i++];
		if (c == '#') {
			return fail(req, 400);
		}
		if (c == '%') {
			int hi = i + 1 < n ? hexval(t[i]) : -1;
			int lo = hi >= 0 ? hexval(t[i + 1]) : -1;
			if (lo < 0 || (hi | lo) == 0) {
				return fail(req, 400); /* bad escape or %00 */
			}
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		req->path[o++] = (char)c;
	}
	req->path[o] = '\0';
	req->path_len = (uint16_t)o;
	if (i < n) {
		i++; /* '?' */
		memcpy(req->query, t + i, n - i);
		req->query_len = (uint16_t)(n - i);
	}
	req->query[req->query_len] = '\0';
	return 0;
}

/* request-target forms, RFC 9112 §3.2 */
static int parse_target(const uint8_t *t, size_t n, struct http_request *req)
{
	if (req->method == HTTP_M_CONNECT || (n == 1 && t[0] == '*')) {
		/* authority-form / asterisk-form: nothing here serves them (405) */
		if (req->method != HTTP_M_CONNECT && req->method != HTTP_M_OPTIONS) {
			return fail(req, 400);
		}
		memcpy(req->path, t, n);
		req->path[n] = '\0';
		req->path_len = (uint16_t)n;
		return 0;
	}
	if (n >= 7 && ieq(t, 7, "http://")) {
		/* absolute-form (§3.2.2): skip the authority, keep the path */
		size_t i = 7;
		while (i < n && t[i] != '/' && t[i] != '?') {
			i++;
		}
		if (i == 7) {
			return fail(req, 400);
		}
		return split_target(t + i, n - i, req);
	}
	if (n == 0 || t[0] != '/') {
		return fail(req, 400);
	}
	return split_target(t, n, req);
}

static int parse_method(const uint8_t *b, size_t avail, struct http_request *req, size_t *pos)
{
	size_t i = 0;

	while (i < avail && i <= HTTP_METHOD_MAX && is_tchar(b[i])) {
		i++;
	}
	if (i > HTTP_METHOD_MAX) {
		return fail(req, 501);
	}
	if (i == avail) {
		return 0; /* need more */
	}
	if (i == 0 || b[i] != ' ') {
		return fail(req, 400);
	}
	req->method = HTTP_M_UNKNOWN;
	for (size_t m = 0; m < sizeof(http_methods) / sizeof(http_methods[0]); m++) {
		if (strlen(http_methods[m].name) == i && memcmp(b, http_methods[m].name, i) == 0) {
			req->method = http_methods[m].method;
		}
	}
	if (req->method == HTTP_M_UNKNOWN) {
		return fail(req, 501);
	}
	*pos = i + 1;
	return 1;
}

/* "HTTP/" DIGIT "." DIGIT, RFC 9112 §2.3; checks as many bytes as there are. */
static int parse_version(const uint8_t *v, size_t avail, bool complete, struct http_request *req)
{
	static const char pat[] = "HTTP/d.d";

	for (size_t i = 0; i < avail; i++) {
		bool ok;
		if (i >= 8) {
			return fail(req, 400);
		}
		ok = pat[i] == 'd' ? (v[i] >= '0' && v[i] <= '9') : v[i] == (uint8_t)pat[i];
		if (!ok) {
			return fail(req, 400);
		}
	}
	if (avail < 8) {
		return complete ? fail(req, 400) : 0;
	}
	if (v[5] != '1') {
		return fail(req, 505);
	}
	req->minor = v[7] == '0' ? 0 : 1;
	return 1;
}

/*
 * The request line in b[0..avail); complete says avail is its whole
 * content (the terminator was found). Returns 1 parsed, 0 need more, or
 * -EPROTO.
 */
static int parse_request_line(const uint8_t *b, size_t avail, bool complete,
			      struct http_request *req)
{
	size_t pos, t0, n;
	int rc = parse_method(b, avail, req, &pos);

	if (rc <= 0) {
		return (rc == 0 && complete) ? fail(req, 400) : rc;
	}
	t0 = pos;
	while (pos < avail && b[pos] != ' ') {
		if (b[pos] < 0x21 || b[pos] > 0x7e) {
			return fail(req, 400);
		}
		if (pos - t0 >= CONFIG_HTTPD_MAX_URL) {
			return fail(req, 414);
		}
		pos++;
	}
	if (pos == avail) {
		return complete ? fail(req, 400) : 0; /* no version: HTTP/0.9 is not served */
	}
	n = pos - t0;
	if (n == 0) {
		return fail(req, 400);
	}
	rc = parse_version(b + pos + 1, avail - pos - 1, complete, req);
	if (rc <= 0) {
		return rc;
	}
	return parse_target(b + t0, n, req) < 0 ? -EPROTO : 1;
}

struct http_fields {
	unsigned hosts;
	bool have_cl;
	bool have_te;
	bool conn_close;
	bool conn_keep;
};

/* Content-Length = 1*DIGIT (RFC 9110 §8.6) */
static int field_content_length(const uint8_t *v, size_t n, struct http_request *req,
				struct http_fields *f)
{
	uint32_t val = 0;

	if (n == 0) {
		return fail(req, 400);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			return fail(req, 400);
		}
		if (i >= HTTP_CL_DIGITS && val != 0) {
			return fail(req, 413);
		}
		val = val * 10 + (uint32_t)(v[i] - '0');
	}
	if (f->have_cl && val != req->content_length) {
		return fail(req, 400);
	}
	f->have_cl = true;
	req->content_length = val;
	return 0;
}

/* Connection = #connection-option (RFC 9110 §7.6.1) */
static void field_connection(const uint8_t *v, size_t n, struct http_fields *f)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) {
			i++;
		}
		s = i;
		while (i < n && v[i] != ',') {
			i++;
		}
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t')) {
			e--;
		}
		if (ieq(v + s, e - s, "close")) {
			f->conn_close = true;
		} else if (ieq(v + s, e - s, "keep-alive")) {
			f->conn_keep = true;
		}
	}
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 §5) */
static int parse_field(const uint8_t *b, size_t n, struct http_request *req, struct http_fields *f)
{
	size_t i = 0, vs, ve;

	if (n > 0 && (b[0] == ' ' || b[0] == '\t')) {
		return fail(req, 400); /* obs-fold, §5.2 */
	}
	while (i < n && is_tchar(b[i])) {
		i++;
	}
	if (i == 0 || i == n || b[i] != ':') {
		return fail(req, 400);
	}
	vs = i + 1;
	while (vs < n && (b[vs] == ' ' || b[vs] == '\t')) {
		vs++;
	}
	ve = n;
	while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
		ve--;
	}
	for (size_t k = vs; k < ve; k++) {
		if ((b[k] < 0x20 && b[k] != '\t') || b[k] == 0x7f) {
			return fail(req, 400); /* field-value chars, RFC 9110 §5.5 */
		}
	}
	if (ieq(b, i, "host")) {
		f->hosts++;
	} else if (ieq(b, i, "content-length")) {
		return field_content_length(b + vs, ve - vs, req, f);
	} else if (ieq(b, i, "transfer-encoding")) {
		f->have_te = true;
	} else if (ieq(b, i, "connection")) {
		field_connection(b + vs, ve - vs, f);
	} else if (ieq(b, i, "if-none-match") && ve - vs <= HTTP_INM_MAX) {
		memcpy(req->inm, b + vs, ve - vs);
		req->inm[ve - vs] = '\0';
		req->inm_len = (uint8_t)(ve - vs);
	}
	return 0;
}

/* Fields from off up to the empty line; *head_end gets the offset past it. */
static int parse_fields(const uint8_t *b, size_t len, size_t off, struct http_request *req,
			struct http_fields *f, size_t *head_end)
{
	unsigned count = 0;

	for (;;) {
		size_t end, next;
		int rc = find_line(b, len, off, CONFIG_HTTPD_MAX_HEADER_BYTES, &end, &next);
		if (rc < 0) {
			return fail(req, 400);
		}
		if (rc == 0) {
			/* no empty line within the limit yet */
			return len >= CONFIG_HTTPD_MAX_HEADER_BYTES ? fail(req, 431) : 0;
		}
		if (next > CONFIG_HTTPD_MAX_HEADER_BYTES) {
			return fail(req, 431); /* its CR LF straddles the limit */
		}
		if (end == off) {
			*head_end = next;
			return 1;
		}
		if (++count > CONFIG_HTTPD_MAX_HEADERS) {
			return fail(req, 431);
		}
		if (parse_field(b + off, end - off, req, f) < 0) {
			return -EPROTO;
		}
		off = next;
	}
}

static int check_semantics(struct http_request *req, const struct http_fields *f)
{
	if (f->hosts > 1 || (req->minor >= 1 && f->hosts == 0)) {
		return fail(req, 400); /* RFC 9112 §3.2 */
	}
	req->has_host = f->hosts == 1;
	if (f->have_te) {
		return fail(req, f->have_cl ? 400 : 501);
	}
	if (req->content_length > CONFIG_HTTPD_MAX_BODY) {
		return fail(req, 413);
	}
	if (req->minor >= 1) {
		req->keep_alive = !f->conn_close;
	} else {
		req->keep_alive = f->conn_keep && !f->conn_close;
	}
	return 0;
}

int http_parse_request(const uint8_t *buf, size_t len, struct http_request *req)
{
	struct http_fields f = {0, false, false, false, false};
	size_t off = 0, end = 0, next = 0, head_end = 0;
	bool line_done;
	int rc;

	memset(req, 0, offsetof(struct http_request, path));
	req->path[0] = '\0';
	req->query[0] = '\0';
	req->inm[0] = '\0';
	while (off < len && (buf[off] == '\r' || buf[off] == '\n')) {
		if (++off > HTTP_LEADING_EOL) {
			return fail(req, 400);
		}
	}
	rc = find_line(buf, len, off, CONFIG_HTTPD_MAX_HEADER_BYTES, &end, &next);
	if (rc < 0) {
		return fail(req, 400);
	}
	if (rc == 0) {
		/* partial line: a CR at the very end may be half of its CR LF */
		end = (len > off && buf[len - 1] == '\r') ? len - 1 : len;
	}
	line_done = rc == 1;
	rc = parse_request_line(buf + off, end - off, line_done, req);
	if (rc > 0 && !line_done) {
		rc = 0; /* all good so far, but the line goes on */
	}
	if (rc <= 0) {
		if (rc == 0 && len >= CONFIG_HTTPD_MAX_HEADER_BYTES) {
			return fail(req, 431);
		}
		return rc;
	}
	rc = parse_fields(buf, len, next, req, &f, &head_end);
	if (rc <= 0) {
		return rc;
	}
	if (check_semantics(req, &f) < 0) {
		return -EPROTO;
	}
	req->head_len = (uint32_t)head_end;
	if (len - head_end < req->content_length) {
		return 0;
	}
	req->body = buf + head_end;
	return (int)(head_end + req->content_length);
}
