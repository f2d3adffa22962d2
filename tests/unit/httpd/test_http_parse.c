/*
 * The pure parts of the HTTP server: request parser (every status path,
 * limits, pipelining, keep-alive rules), responses and routing, JSON
 * writer escaping. No kernel, no sockets.
 */
#include <stdio.h>
#include <string.h>

#include <kestrel/errno.h>

#include "httpd_internal.h"
#include "ktest.h"

KT_MAIN_STATE;

static struct http_request req;

struct parse_row {
	const char *name;
	const char *in;
	int rc;		 /* > 0: expect the whole input consumed; 0 incomplete; -EPROTO */
	unsigned status; /* for -EPROTO */
};

static void run_parse_rows(const struct parse_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(rows[i].in);
		int rc;
		KT_ROW(rows[i].name);
		rc = http_parse_request((const uint8_t *)rows[i].in, len, &req);
		if (rows[i].rc > 0) {
			KT_EQ(rc, (int)len);
		} else {
			KT_EQ(rc, rows[i].rc);
		}
		if (rc == -EPROTO) {
			KT_EQ(req.status, rows[i].status);
			KT_EQ(req.keep_alive, false);
		}
	}
}

static void test_good_requests(void)
{
	static const struct parse_row rows[] = {
		{"GET 1.1", "GET / HTTP/1.1\r\nHost: d\r\n\r\n", 1, 0},
		{"HEAD", "HEAD /x HTTP/1.1\r\nHost: d\r\n\r\n", 1, 0},
		{"1.0 no host", "GET / HTTP/1.0\r\n\r\n", 1, 0},
		{"bare LF", "GET / HTTP/1.1\nHost: d\n\n", 1, 0},
		{"leading CRLF", "\r\nGET / HTTP/1.1\r\nHost: d\r\n\r\n", 1, 0},
		{"OWS in value", "GET / HTTP/1.1\r\nHost:   d  \t\r\n\r\n", 1, 0},
		{"empty value", "GET / HTTP/1.1\r\nHost: d\r\nX-E:\r\n\r\n", 1, 0},
		{"obs-text value", "GET / HTTP/1.1\r\nHost: d\r\nX: \xc3\xa9\r\n\r\n", 1, 0},
		{"HTTP/1.9 as 1.1", "GET / HTTP/1.9\r\nHost: d\r\n\r\n", 1, 0},
		{"body", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\n\r\nabc", 1, 0},
		{"same CL twice",
		 "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 1\r\nContent-length: 1\r\n\r\nz", 1,
		 0},
		{"POST parses (405 later)",
		 "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n", 1, 0},
		{"absolute-form", "GET http://dev/a?b HTTP/1.1\r\nHost: dev\r\n\r\n", 1, 0},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: d\r\n\r\n", 1, 0},
	};
	run_parse_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_incomplete(void)
{
	static const struct parse_row rows[] = {
		{"empty", "", 0, 0},
		{"method only", "GET", 0, 0},
		{"half line", "GET /index", 0, 0},
		{"line, CR pending", "GET / HTTP/1.1\r", 0, 0},
		{"no empty line", "GET / HTTP/1.1\r\nHost: d\r\n", 0, 0},
		{"CR of the end", "GET / HTTP/1.1\r\nHost: d\r\n\r", 0, 0},
		{"body short", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\n\r\nab", 0, 0},
		{"only CRLF", "\r\n", 0, 0},
		{"version prefix", "GET / HT", 0, 0},
		{"leading CRLF, CR pending", "\r\nGET / HTTP/1.0\r", 0, 0},
	};
	run_parse_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_errors(void)
{
	static const struct parse_row rows[] = {
		{"bare CR", "GET / HTTP/1.1\rHost: d\r\n\r\n", -EPROTO, 400},
		{"bare CR in field", "GET / HTTP/1.1\r\nHost: d\rX\r\n\r\n", -EPROTO, 400},
		{"lowercase method", "get / HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 501},
		{"unknown method", "BREW / HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 501},
		{"long method", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", -EPROTO, 501},
		{"two spaces", "GET  / HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"tab separator", "GET\t/ HTTP/1.1\r\n\r\n", -EPROTO, 400},
		{"no version (0.9)", "GET /\r\n\r\n", -EPROTO, 400},
		{"bad version", "GET / HTTQ/1.1\r\n", -EPROTO, 400},
		{"version early", "GET / HTTQ", -EPROTO, 400},
		{"version 2.0", "GET / HTTP/2.0\r\nHost: d\r\n\r\n", -EPROTO, 505},
		{"version 0.9", "GET / HTTP/0.9\r\n\r\n", -EPROTO, 505},
		{"version 10.0", "GET / HTTP/10.0\r\n\r\n", -EPROTO, 400},
		{"version trailing", "GET / HTTP/1.1x\r\n\r\n", -EPROTO, 400},
		{"relative target", "GET index.html HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"control in target", "GET /\x01 HTTP/1.1\r\n\r\n", -EPROTO, 400},
		{"fragment", "GET /#x HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"bad escape", "GET /%zz HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"short escape", "GET /% HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"NUL escape", "GET /%00 HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"star not OPTIONS", "GET * HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"empty authority", "GET http:///x HTTP/1.1\r\nHost: d\r\n\r\n", -EPROTO, 400},
		{"1.1 no Host", "GET / HTTP/1.1\r\n\r\n", -EPROTO, 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -EPROTO, 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : d\r\n\r\n", -EPROTO, 400},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: d\r\nX: a\r\n b\r\n\r\n", -EPROTO, 400},
		{"no colon", "GET / HTTP/1.1\r\nHost d\r\n\r\n", -EPROTO, 400},
		{"empty name", "GET / HTTP/1.1\r\n: d\r\n\r\n", -EPROTO, 400},
		{"CTL in value", "GET / HTTP/1.1\r\nHost: d\x01\r\n\r\n", -EPROTO, 400},
		{"DEL in value", "GET / HTTP/1.1\r\nHost: d\x7f\r\n\r\n", -EPROTO, 400},
		{"CL not a number", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 1x\r\n\r\n",
		 -EPROTO, 400},
		{"CL negative", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: -1\r\n\r\n", -EPROTO,
		 400},
		{"CL empty", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length:\r\n\r\n", -EPROTO, 400},
		{"CL list", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 1, 1\r\n\r\n", -EPROTO,
		 400},
		{"CL differ",
		 "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		 -EPROTO, 400},
		{"CL too large", "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 1025\r\n\r\n",
		 -EPROTO, 413},
		{"CL huge",
		 "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999999999999999\r\n\r\n",
		 -EPROTO, 413},
		{"TE chunked", "GET / HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n",
		 -EPROTO, 501},
		{"TE and CL",
		 "GET / HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
		 -EPROTO, 400},
		{"too many empty lines", "\r\n\r\n\r\nGET / HTTP/1.1\r\n", -EPROTO, 400},
	};
	run_parse_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static char big[CONFIG_HTTPD_MAX_HEADER_BYTES * 2];

static void test_limits(void)
{
	int n, rc;

	KT_ROW("URI at the limit");
	n = snprintf(big, sizeof(big), "GET /%0*d HTTP/1.1\r\nHost: d\r\n\r\n",
		     CONFIG_HTTPD_MAX_URL - 1, 0);
	KT_EQ(http_parse_request((const uint8_t *)big, (size_t)n, &req), n);
	KT_EQ(req.path_len, CONFIG_HTTPD_MAX_URL);

	KT_ROW("URI one over: 414 before the line ends");
	n = snprintf(big, sizeof(big), "GET /%0*d", CONFIG_HTTPD_MAX_URL, 0);
	KT_EQ(http_parse_request((const uint8_t *)big, (size_t)n, &req), -EPROTO);
	KT_EQ(req.status, 414);

	KT_ROW("head over the limit, incomplete: 431");
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: d\r\nX: ");
	memset(big + n, 'a', CONFIG_HTTPD_MAX_HEADER_BYTES);
	n += CONFIG_HTTPD_MAX_HEADER_BYTES;
	KT_EQ(http_parse_request((const uint8_t *)big, (size_t)n, &req), -EPROTO);
	KT_EQ(req.status, 431);

	KT_ROW("head just under the limit is fine");
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: d\r\nX: ");
	memset(big + n, 'a', (size_t)(CONFIG_HTTPD_MAX_HEADER_BYTES - n - 4));
	memcpy(big + CONFIG_HTTPD_MAX_HEADER_BYTES - 4, "\r\n\r\n", 4);
	KT_EQ(http_parse_request((const uint8_t *)big, CONFIG_HTTPD_MAX_HEADER_BYTES, &req),
	      CONFIG_HTTPD_MAX_HEADER_BYTES);

	KT_ROW("too many fields: 431");
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: d\r\n");
	for (int i = 0; i < CONFIG_HTTPD_MAX_HEADERS; i++) {
		n += snprintf(big + n, sizeof(big) - (size_t)n, "X%d: y\r\n", i);
	}
	n += snprintf(big + n, sizeof(big) - (size_t)n, "\r\n");
	KT_EQ(http_parse_request((const uint8_t *)big, (size_t)n, &req), -EPROTO);
	KT_EQ(req.status, 431);

	KT_ROW("body at the limit");
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: d\r\nContent-Length: %d\r\n\r\n",
		     CONFIG_HTTPD_MAX_BODY);
	memset(big + n, 'b', CONFIG_HTTPD_MAX_BODY);
	rc = http_parse_request((const uint8_t *)big, (size_t)n + CONFIG_HTTPD_MAX_BODY, &req);
	KT_EQ(rc, n + CONFIG_HTTPD_MAX_BODY);
	KT_EQ(req.content_length, CONFIG_HTTPD_MAX_BODY);
	KT_ASSERT(req.body == (const uint8_t *)big + n);
}

struct ka_row {
	const char *name;
	const char *in;
	bool keep_alive;
};

static void test_keep_alive_rules(void)
{
	static const struct ka_row rows[] = {
		{"1.1 default", "GET / HTTP/1.1\r\nHost: d\r\n\r\n", true},
		{"1.1 close", "GET / HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", false},
		{"1.1 Close case", "GET / HTTP/1.1\r\nHost: d\r\nconnection: CLOSE\r\n\r\n", false},
		{"1.1 list with close",
		 "GET / HTTP/1.1\r\nHost: d\r\nConnection: te, close\r\n\r\n", false},
		{"1.0 default", "GET / HTTP/1.0\r\n\r\n", false},
		{"1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
		{"1.0 keep-alive, close", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
		 false},
		{"closed-ish token", "GET / HTTP/1.1\r\nHost: d\r\nConnection: closed\r\n\r\n",
		 true},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		KT_ASSERT(http_parse_request((const uint8_t *)rows[i].in, strlen(rows[i].in),
					     &req) > 0);
		KT_EQ(req.keep_alive, rows[i].keep_alive);
	}
}

static void test_target_and_pipelining(void)
{
	static const char two[] =
		"GET /a%20b?x=1&y HTTP/1.1\r\nHost: d\r\n\r\n"
		"HEAD /style.css HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n";
	size_t first = strlen("GET /a%20b?x=1&y HTTP/1.1\r\nHost: d\r\n\r\n");
	int rc = http_parse_request((const uint8_t *)two, sizeof(two) - 1, &req);

	KT_EQ(rc, (int)first);
	KT_STREQ(req.path, "/a b");
	KT_STREQ(req.query, "x=1&y");
	KT_EQ(req.method, HTTP_M_GET);
	rc = http_parse_request((const uint8_t *)two + first, sizeof(two) - 1 - first, &req);
	KT_EQ(rc, (int)(sizeof(two) - 1 - first));
	KT_EQ(req.method, HTTP_M_HEAD);
	KT_STREQ(req.path, "/style.css");
	KT_EQ(req.keep_alive, false);

	KT_ROW("absolute-form keeps the path");
	{
		static const char a[] =
			"GET http://dev:80/api/status?q HTTP/1.1\r\nHost: dev\r\n\r\n";
		rc = http_parse_request((const uint8_t *)a, sizeof(a) - 1, &req);
		KT_EQ(rc, (int)sizeof(a) - 1);
	}
	KT_STREQ(req.path, "/api/status");
	KT_STREQ(req.query, "q");
	KT_ROW("absolute-form without a path");
	{
		static const char a[] = "GET http://dev HTTP/1.1\r\nHost: dev\r\n\r\n";
		rc = http_parse_request((const uint8_t *)a, sizeof(a) - 1, &req);
		KT_EQ(rc, (int)sizeof(a) - 1);
	}
	KT_STREQ(req.path, "/");
}

/* ---- responses ---- */

static char dyn[512];
static struct http_response resp;

static int h_hello(const struct http_request *r, struct httpd_body *b)
{
	(void)r;
	b->len = (size_t)snprintf(b->buf, b->cap, "{\"hello\":1}");
	return 0;
}

static int h_fail(const struct http_request *r, struct httpd_body *b)
{
	(void)r;
	(void)b;
	return -EMSGSIZE;
}

static void respond(const char *in)
{
	int rc = http_parse_request((const uint8_t *)in, strlen(in), &req);
	httpd_respond(&req, rc, &resp, dyn, sizeof(dyn));
	resp.head[resp.head_len] = '\0';
}

static void test_responses(void)
{
	const struct httpd_file *idx = httpd_fs_find("/");
	char want[64];

	httpd_routes_reset();
	KT_EQ(httpd_route_add("/hello", h_hello), 0);
	KT_EQ(httpd_route_add("/hello", h_hello), -EEXIST);
	KT_EQ(httpd_route_add("/fail", h_fail), 0);
	KT_ASSERT(idx != NULL);
	KT_STREQ(idx->path, "/index.html");

	KT_ROW("GET / serves index.html");
	respond("GET / HTTP/1.1\r\nHost: d\r\n\r\n");
	KT_EQ(resp.status, 200);
	KT_EQ(resp.close, false);
	KT_ASSERT(strstr(resp.head, "Content-Type: text/html; charset=utf-8\r\n") != NULL);
	snprintf(want, sizeof(want), "Content-Length: %u\r\n", (unsigned)idx->len);
	KT_ASSERT(strstr(resp.head, want) != NULL);
	KT_ASSERT(strstr(resp.head, "Connection: keep-alive\r\n") != NULL);
	KT_ASSERT(resp.body == idx->data && resp.body_len == idx->len);

	KT_ROW("HEAD: same head, no body");
	respond("HEAD / HTTP/1.1\r\nHost: d\r\n\r\n");
	KT_EQ(resp.status, 200);
	KT_ASSERT(strstr(resp.head, want) != NULL);
	KT_EQ(resp.body_len, 0);

	KT_ROW("If-None-Match: 304");
	snprintf(dyn, sizeof(dyn), "GET / HTTP/1.1\r\nHost: d\r\nIf-None-Match: %s\r\n\r\n",
		 idx->etag);
	respond(strcpy(big, dyn));
	KT_EQ(resp.status, 304);
	KT_EQ(resp.body_len, 0);

	KT_ROW("css type");
	respond("GET /style.css HTTP/1.0\r\n\r\n");
	KT_EQ(resp.status, 200);
	KT_EQ(resp.close, true);
	KT_ASSERT(strstr(resp.head, "Content-Type: text/css") != NULL);
	KT_ASSERT(strstr(resp.head, "Connection: close\r\n") != NULL);

	KT_ROW("404");
	respond("GET /nope HTTP/1.1\r\nHost: d\r\n\r\n");
	KT_EQ(resp.status, 404);
	KT_EQ(resp.close, false);
	KT_ASSERT(strncmp(resp.head, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
	KT_ASSERT(strstr(resp.head, "Content-Length: 14\r\n") != NULL);
	KT_EQ(resp.body_len, 14);

	KT_ROW("405 with Allow");
	respond("POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\nab");
	KT_EQ(resp.status, 405);
	KT_ASSERT(strstr(resp.head, "Allow: GET, HEAD\r\n") != NULL);

	KT_ROW("dynamic");
	respond("GET /hello HTTP/1.1\r\nHost: d\r\n\r\n");
	KT_EQ(resp.status, 200);
	KT_ASSERT(strstr(resp.head, "Content-Type: application/json\r\nContent-Length: 11\r\n") !=
		  NULL);
	KT_EQ(resp.body_len, 11);
	KT_MEMEQ(resp.body, "{\"hello\":1}", 11);

	KT_ROW("handler failure: 500");
	respond("GET /fail HTTP/1.1\r\nHost: d\r\n\r\n");
	KT_EQ(resp.status, 500);

	KT_ROW("parse error closes");
	respond("GET / HTTP/2.0\r\n\r\n");
	KT_EQ(resp.status, 505);
	KT_EQ(resp.close, true);
	KT_ASSERT(strstr(resp.head, "Connection: close\r\n") != NULL);

	KT_ROW("503/408 bodies");
	httpd_respond_error(503, &resp);
	resp.head[resp.head_len] = '\0';
	KT_ASSERT(strncmp(resp.head, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0);
	KT_EQ(resp.close, true);
	httpd_routes_reset();
}

static void test_content_types(void)
{
	KT_STREQ(http_content_type("/a.js"), "text/javascript; charset=utf-8");
	KT_STREQ(http_content_type("/a.json"), "application/json");
	KT_STREQ(http_content_type("/a.png"), "image/png");
	KT_STREQ(http_content_type("/noext"), "application/octet-stream");
	KT_STREQ(http_content_type("/dir.d/noext"), "application/octet-stream");
	KT_EQ(http_format_head(dyn, 20, 200, NULL, 0, true, NULL), -EMSGSIZE);
}

/* ---- JSON ---- */

static void test_json_escaping(void)
{
	char buf[256];
	struct json_writer w;

	json_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_key(&w, "s");
	json_str(&w, "q\"b\\n\n\r\t\b\f\x01\x1f\x7f/\xc3\xa9");
	json_key(&w, "k\"ey");
	json_arr_begin(&w);
	json_int(&w, -9223372036854775807LL - 1);
	json_uint(&w, 18446744073709551615ULL);
	json_fixed1(&w, 998);
	json_fixed1(&w, 5);
	json_bool(&w, true);
	json_null(&w);
	json_str(&w, NULL);
	json_obj_begin(&w);
	json_obj_end(&w);
	json_arr_end(&w);
	json_obj_end(&w);
	KT_EQ(json_finish(&w), (int)strlen(buf));
	KT_STREQ(buf, "{\"s\":\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f/\\ufffd\\ufffd\","
		      "\"k\\\"ey\":[-9223372036854775808,18446744073709551615,99.8,0.5,true,null,"
		      "null,{}]}");
}

static void test_json_errors(void)
{
	char buf[16];
	struct json_writer w;

	KT_ROW("overflow");
	json_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	json_str(&w, "0123456789abcdef");
	json_arr_end(&w);
	KT_EQ(json_finish(&w), -EMSGSIZE);
	KT_STREQ(buf, "");

	KT_ROW("exact fit");
	json_init(&w, buf, 8);
	json_str(&w, "abcde");
	KT_EQ(json_finish(&w), 7);
	KT_STREQ(buf, "\"abcde\"");
	json_init(&w, buf, 7);
	json_str(&w, "abcde");
	KT_EQ(json_finish(&w), -EMSGSIZE);

	KT_ROW("value without key");
	json_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_int(&w, 1);
	json_obj_end(&w);
	KT_EQ(json_finish(&w), -EINVAL);

	KT_ROW("unbalanced");
	json_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	KT_EQ(json_finish(&w), -EINVAL);
	json_init(&w, buf, sizeof(buf));
	json_arr_end(&w);
	KT_EQ(json_finish(&w), -EINVAL);
	json_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	json_obj_end(&w);
	KT_EQ(json_finish(&w), -EINVAL);

	KT_ROW("key outside object, two top-level values");
	json_init(&w, buf, sizeof(buf));
	json_key(&w, "a");
	KT_EQ(json_finish(&w), -EINVAL);
	json_init(&w, buf, sizeof(buf));
	json_int(&w, 1);
	json_int(&w, 2);
	KT_EQ(json_finish(&w), -EINVAL);

	KT_ROW("too deep");
	json_init(&w, buf, sizeof(buf));
	for (int i = 0; i <= JSON_MAX_DEPTH; i++) {
		json_arr_begin(&w);
	}
	KT_EQ(json_finish(&w), -EINVAL);
}

static const struct kt_case cases[] = {
	KT_CASE(test_good_requests),	KT_CASE(test_incomplete),
	KT_CASE(test_errors),		KT_CASE(test_limits),
	KT_CASE(test_keep_alive_rules), KT_CASE(test_target_and_pipelining),
	KT_CASE(test_responses),	KT_CASE(test_content_types),
	KT_CASE(test_json_escaping),	KT_CASE(test_json_errors),
};

int main(void)
{
	return KT_RUN("http_parse", cases, NULL);
}
