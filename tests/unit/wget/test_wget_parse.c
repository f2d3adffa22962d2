/*
 * wget's pure parsers: URLs, Location resolution, and the HTTP response
 * parser (status line, headers, Content-Length, chunked, bounds), fed
 * whole and one byte at a time. Table-driven, with negative rows.
 */
#include "ktest.h"

#include <kestrel/apps/wget.h>

KT_MAIN_STATE;

static void test_url_good(void)
{
	static const struct {
		const char *row, *in, *host, *path;
		unsigned port;
	} rows[] = {
		{"plain", "http://example.com", "example.com", "/", 80},
		{"slash", "http://example.com/", "example.com", "/", 80},
		{"port path", "http://10.0.2.2:8080/a/b.bin", "10.0.2.2", "/a/b.bin", 8080},
		{"upper scheme+host", "HTTP://Example.COM/X", "example.com", "/X", 80},
		{"query no path", "http://h?x=1", "h", "/?x=1", 80},
		{"fragment dropped", "http://h/p#frag", "h", "/p", 80},
		{"empty port", "http://h:/p", "h", "/p", 80},
		{"max port", "http://h:65535", "h", "/", 65535},
		{"dot segments", "http://h/a/./b/../c", "h", "/a/c", 80},
		{"dotdot above root", "http://h/../../x", "h", "/x", 80},
		{"trailing dotdot", "http://h/a/b/..", "h", "/a/", 80},
		{"query kept", "http://h/a/../b?q=../x", "h", "/b?q=../x", 80},
	};
	struct wget_url u;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		KT_EQ(wget_url_parse(rows[i].in, strlen(rows[i].in), &u), 0);
		KT_STREQ(u.host, rows[i].host);
		KT_STREQ(u.path, rows[i].path);
		KT_EQ(u.port, rows[i].port);
	}
}

static void test_url_bad(void)
{
	static char longhost[300], longpath[400];
	static const struct {
		const char *row, *in;
		int want;
	} rows[] = {
		{"empty", "", -EINVAL},
		{"no scheme", "example.com/x", -EINVAL},
		{"https", "https://example.com/", -ENOTSUP},
		{"ftp", "ftp://example.com/", -ENOTSUP},
		{"half scheme", "http:/x", -EINVAL},
		{"empty host", "http:///x", -EINVAL},
		{"empty host port", "http://:80/", -EINVAL},
		{"userinfo", "http://u:p@h/", -EINVAL},
		{"ipv6", "http://[::1]/", -ENOTSUP},
		{"port 0", "http://h:0/", -EINVAL},
		{"port big", "http://h:65536/", -EINVAL},
		{"port long", "http://h:000080/", -EINVAL},
		{"port alpha", "http://h:8o/", -EINVAL},
		{"space in path", "http://h/a b", -EINVAL},
		{"control in path", "http://h/a\x01", -EINVAL},
		{"bad host char", "http://h%41/", -EINVAL},
		{"long host", longhost, -ENAMETOOLONG},
		{"long path", longpath, -ENAMETOOLONG},
	};
	struct wget_url u;

	memcpy(longhost, "http://", 7);
	memset(longhost + 7, 'a', 260);
	memcpy(longpath, "http://h/", 9);
	memset(longpath + 9, 'p', 300);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		KT_EQ(wget_url_parse(rows[i].in, strlen(rows[i].in), &u), rows[i].want);
	}
	/* the length bounds the parse, not a NUL */
	KT_ROW("length-bounded");
	KT_EQ(wget_url_parse("http://h/abc", 8, &u), 0);
	KT_STREQ(u.host, "h");
	KT_STREQ(u.path, "/");
}

static void test_url_resolve(void)
{
	static const struct {
		const char *row, *ref, *host, *path;
		unsigned port;
	} rows[] = {
		{"absolute", "http://other:81/z", "other", "/z", 81},
		{"network path", "//other/z", "other", "/z", 80},
		{"absolute path", "/x/y", "base", "/x/y", 8080},
		{"relative", "c.txt", "base", "/a/b/c.txt", 8080},
		{"relative dotdot", "../c", "base", "/a/c", 8080},
		{"query only", "?n=2", "base", "/a/b/f?n=2", 8080},
		{"dot", ".", "base", "/a/b/", 8080},
		{"empty", "", "base", "/a/b/f?q=1", 8080},
	};
	struct wget_url base, out;

	KT_EQ(wget_url_parse("http://base:8080/a/b/f?q=1", 26, &base), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		KT_EQ(wget_url_resolve(&base, rows[i].ref, strlen(rows[i].ref), &out), 0);
		KT_STREQ(out.host, rows[i].host);
		KT_STREQ(out.path, rows[i].path);
		KT_EQ(out.port, rows[i].port);
	}
	KT_ROW("https location");
	KT_EQ(wget_url_resolve(&base, "https://x/", 10, &out), -ENOTSUP);
	KT_ROW("bad relative");
	KT_EQ(wget_url_resolve(&base, "a b", 3, &out), -EINVAL);
}

/* ---- responses ---- */

static char body[4096];
static size_t body_len;

static int sink(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (body_len + n > sizeof(body)) {
		return -ENOSPC;
	}
	memcpy(body + body_len, p, n);
	body_len += n;
	return 0;
}

/* Feeds the whole response (bytewise if split) then EOF if eof; returns the last result. */
static int feed(struct http_resp *r, const char *s, bool bytewise, bool eof)
{
	size_t n = strlen(s);
	int rc = 0;

	http_resp_init(r, sink, NULL);
	body_len = 0;
	if (bytewise) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			rc = http_resp_input(r, s + i, 1);
		}
	} else {
		rc = http_resp_input(r, s, n);
	}
	if (rc == 0 && eof) {
		rc = http_resp_eof(r);
	}
	return rc;
}

static void test_resp_good(void)
{
	static const struct {
		const char *row, *in, *body;
		unsigned status;
		bool eof;
	} rows[] = {
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello",
		 200, false},
		{"chunked",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
		 "hello world", 200, false},
		{"chunk hex upper",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
		 "0123456789", 200, false},
		{"until close", "HTTP/1.0 200 OK\r\n\r\nraw bytes", "raw bytes", 200, true},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", "hi", 200, false},
		{"no reason", "HTTP/1.1 204\r\n\r\n", "", 204, false},
		{"304 no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", "", 304,
		 false},
		{"100 continue first",
		 "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", "x",
		 200, false},
		{"zero length", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "", 200, false},
		{"same length twice",
		 "HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length:1\r\n\r\nz", "z", 200,
		 false},
		{"TE over CL",
		 "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n",
		 "q", 200, false},
		{"404 with body", "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnope", "nop",
		 404, false},
	};
	struct http_resp r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int bw = 0; bw < 2; bw++) {
			KT_ROW(rows[i].row);
			KT_EQ(feed(&r, rows[i].in, bw, rows[i].eof), 1);
			KT_EQ(r.status, rows[i].status);
			KT_EQ(body_len, strlen(rows[i].body));
			KT_MEMEQ(body, rows[i].body, body_len);
			KT_EQ(r.body_bytes, body_len);
		}
	}
}

static void test_resp_location(void)
{
	struct http_resp r;

	KT_EQ(feed(&r, "HTTP/1.1 302 Found\r\nLocation:  /next?a=1 \r\nContent-Length: 0\r\n\r\n",
		   false, false),
	      1);
	KT_EQ(r.status, 302);
	KT_STREQ(r.location, "/next?a=1");
	KT_EQ(r.location_too_long, 0);
}

static void test_resp_bad(void)
{
	static char long_line[700], many_headers[9000];
	static const struct {
		const char *row, *in;
		int want;
		bool eof;
	} rows[] = {
		{"not http", "SMTP/1.1 200 OK\r\n\r\n", -EPROTO, false},
		{"http2", "HTTP/2.0 200 OK\r\n\r\n", -ENOTSUP, false},
		{"http0", "HTTP/0.9 200 OK\r\n\r\n", -EPROTO, false},
		{"short status", "HTTP/1.1 20\r\n\r\n", -EPROTO, false},
		{"status alpha", "HTTP/1.1 2x0 OK\r\n\r\n", -EPROTO, false},
		{"status 600", "HTTP/1.1 600 Bad\r\n\r\n", -EPROTO, false},
		{"status 099", "HTTP/1.1 099 Bad\r\n\r\n", -EPROTO, false},
		{"no space after code", "HTTP/1.1 200OK\r\n\r\n", -EPROTO, false},
		{"header no colon", "HTTP/1.1 200 OK\r\nBroken\r\n\r\n", -EPROTO, false},
		{"header empty name", "HTTP/1.1 200 OK\r\n: x\r\n\r\n", -EPROTO, false},
		{"header space in name", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", -EPROTO, false},
		{"obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", -EPROTO, false},
		{"bare CR", "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", -EPROTO, false},
		{"NUL in value", "HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", -EPROTO, false},
		{"CL alpha", "HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n", -EPROTO, false},
		{"CL negative", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", -EPROTO, false},
		{"CL empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", -EPROTO, false},
		{"CL list", "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", -EPROTO, false},
		{"CL conflict", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		 -EPROTO, false},
		{"CL overflow",
		 "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", -EPROTO,
		 false},
		{"gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", -ENOTSUP,
		 false},
		{"TE twice",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
		 -ENOTSUP, false},
		{"chunk not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		 -EPROTO, false},
		{"chunk empty size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
		 -EPROTO, false},
		{"chunk overflow",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
		 -EPROTO, false},
		{"chunk no CRLF",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", -EPROTO,
		 false},
		{"truncated length", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", -EPROTO,
		 true},
		{"truncated chunked",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", -EPROTO, true},
		{"truncated headers", "HTTP/1.1 200 OK\r\nA: b\r\n", -EPROTO, true},
		{"nothing", "", -EPROTO, true},
		{"long line", long_line, -EMSGSIZE, false},
		{"header section too big", many_headers, -EMSGSIZE, false},
	};
	struct http_resp r;
	size_t n = 0;

	memcpy(long_line, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(long_line + 20, 'a', 600);
	memcpy(many_headers, "HTTP/1.1 200 OK\r\n", 17);
	for (n = 17; n + 12 < sizeof(many_headers) - 1; n += 12) {
		memcpy(many_headers + n, "X-Pad: 1234\n", 12);
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int bw = 0; bw < 2; bw++) {
			KT_ROW(rows[i].row);
			KT_EQ(feed(&r, rows[i].in, bw, rows[i].eof), rows[i].want);
		}
	}
}

static void test_resp_interim_bound(void)
{
	static char many[1000];
	struct http_resp r;
	size_t n = 0;

	for (int i = 0; i < 10; i++) {
		memcpy(many + n, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		n += 25;
	}
	KT_EQ(feed(&r, many, false, false), -EPROTO);
}

static void test_resp_sink_abort(void)
{
	struct http_resp r;
	static char big[5000];
	int rc;

	memcpy(big, "HTTP/1.1 200 OK\r\n\r\n", 19);
	memset(big + 19, 'b', 4500);
	http_resp_init(&r, sink, NULL);
	body_len = 0;
	rc = http_resp_input(&r, big, strlen(big));
	KT_EQ(rc, -ENOSPC);
}

static const struct kt_case cases[] = {
	KT_CASE(test_url_good),		  KT_CASE(test_url_bad),	 KT_CASE(test_url_resolve),
	KT_CASE(test_resp_good),	  KT_CASE(test_resp_location),	 KT_CASE(test_resp_bad),
	KT_CASE(test_resp_interim_bound), KT_CASE(test_resp_sink_abort),
};

int main(void)
{
	return KT_RUN("wget_parse", cases, NULL);
}
