/*
 * Responses and routing of the HTTP server: status lines and heads
 * (RFC 9112 §4, §6.2), content types by extension, the compiled-in file
 * image and the table of dynamic routes. Pure: no kernel, no sockets.
 *
 * Every response carries Content-Length (also 304/HEAD, where it is the
 * length a GET would have sent, RFC 9110 §8.6) so persistent connections
 * stay framed; no response is chunked.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/fmt.h>

#include "httpd_internal.h"

static const struct {
	uint16_t code;
	const char *reason;
} http_reasons[] = {
	{200, "OK"},
	{304, "Not Modified"},
	{400, "Bad Request"},
	{404, "Not Found"},
	{405, "Method Not Allowed"},
	{408, "Request Timeout"},
	{413, "Content Too Large"},
	{414, "URI Too Long"},
	{431, "Request Header Fields Too Large"},
	{500, "Internal Server Error"},
	{501, "Not Implemented"},
	{503, "Service Unavailable"},
	{505, "HTTP Version Not Supported"},
};

const char *http_reason(unsigned status)
{
	for (size_t i = 0; i < sizeof(http_reasons) / sizeof(http_reasons[0]); i++) {
		if (http_reasons[i].code == status) {
			return http_reasons[i].reason;
		}
	}
	return "";
}

static const struct {
	const char *ext;
	const char *type;
} http_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"txt", "text/plain; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"ico", "image/x-icon"},
};

const char *http_content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL) {
		for (size_t i = 0; i < sizeof(http_types) / sizeof(http_types[0]); i++) {
			if (strcmp(dot + 1, http_types[i].ext) == 0) {
				return http_types[i].type;
			}
		}
	}
	return "application/octet-stream";
}

int http_format_head(char *buf, size_t cap, unsigned status, const char *ctype, size_t content_len,
		     bool keep_alive, const char *extra)
{
	int n = kfmt_snprintf(buf, cap,
			      "HTTP/1.1 %u %s\r\n"
			      "Server: Kestrel\r\n"
			      "%s%s%s"
			      "Content-Length: %zu\r\n"
			      "Cache-Control: no-cache\r\n"
			      "Connection: %s\r\n"
			      "%s\r\n",
			      status, http_reason(status), ctype ? "Content-Type: " : "",
			      ctype ? ctype : "", ctype ? "\r\n" : "", content_len,
			      keep_alive ? "keep-alive" : "close", extra ? extra : "");

	if (n < 0 || (size_t)n >= cap) {
		return -EMSGSIZE;
	}
	return n;
}

const struct httpd_file *httpd_fs_find(const char *path)
{
	if (strcmp(path, "/") == 0) {
		path = "/index.html";
	}
	for (unsigned i = 0; i < httpd_www_count; i++) {
		if (strcmp(httpd_www_files[i].path, path) == 0) {
			return &httpd_www_files[i];
		}
	}
	return NULL;
}

/* ---- dynamic routes ---- */

static struct {
	const char *path;
	httpd_handler_fn fn;
} httpd_routes[CONFIG_HTTPD_MAX_ROUTES];

int httpd_route_add(const char *path, httpd_handler_fn fn)
{
	for (size_t i = 0; i < CONFIG_HTTPD_MAX_ROUTES; i++) {
		if (httpd_routes[i].path != NULL && strcmp(httpd_routes[i].path, path) == 0) {
			return -EEXIST;
		}
	}
	for (size_t i = 0; i < CONFIG_HTTPD_MAX_ROUTES; i++) {
		if (httpd_routes[i].path == NULL) {
			httpd_routes[i].fn = fn;
			httpd_routes[i].path = path;
			return 0;
		}
	}
	return -ENOSPC;
}

httpd_handler_fn httpd_route_find(const char *path)
{
	for (size_t i = 0; i < CONFIG_HTTPD_MAX_ROUTES; i++) {
		if (httpd_routes[i].path != NULL && strcmp(httpd_routes[i].path, path) == 0) {
			return httpd_routes[i].fn;
		}
	}
	return NULL;
}

void httpd_routes_reset(void)
{
	memset(httpd_routes, 0, sizeof(httpd_routes));
}

/* ---- answering ---- */

static void set_head(struct http_response *r, unsigned status, const char *ctype, size_t len,
		     bool keep_alive, const char *extra)
{
	int n = http_format_head(r->head, sizeof(r->head), status, ctype, len, keep_alive, extra);

	if (n < 0) {
		/* only an oversized extra can get here; drop it */
		n = http_format_head(r->head, sizeof(r->head), status, ctype, len, false, NULL);
		keep_alive = false;
	}
	r->status = (uint16_t)status;
	r->head_len = (uint16_t)(n < 0 ? 0 : n);
	r->close = !keep_alive;
}

/* Error bodies are one short line of text. */
static void error_response(struct http_response *r, unsigned status, bool keep_alive, bool head,
			   const char *extra)
{
	int n = kfmt_snprintf(r->text, sizeof(r->text), "%u %s\n", status, http_reason(status));

	set_head(r, status, "text/plain; charset=utf-8", (size_t)n, keep_alive, extra);
	r->body = head ? NULL : (const uint8_t *)r->text;
	r->body_len = head ? 0 : (size_t)n;
}

void httpd_respond_error(unsigned status, struct http_response *resp)
{
	error_response(resp, status, false, false, NULL);
}

/* If-None-Match (RFC 9110 §13.1.2): "*" or a list holding the file's tag. */
static bool etag_matches(const struct http_request *req, const struct httpd_file *f)
{
	if (req->inm_len == 0 || f->etag == NULL) {
		return false;
	}
	if (strcmp(req->inm, "*") == 0) {
		return true;
	}
	return strstr(req->inm, f->etag) != NULL;
}

static void respond_dynamic(const struct http_request *req, httpd_handler_fn fn,
			    struct http_response *r, char *dyn, size_t dyn_cap)
{
	struct httpd_body body = {dyn, dyn_cap, 0, "application/json", 200};
	bool head = req->method == HTTP_M_HEAD;

	if (fn(req, &body) < 0 || body.len > dyn_cap) {
		error_response(r, 500, req->keep_alive, head, NULL);
		return;
	}
	set_head(r, body.status, body.content_type, body.len, req->keep_alive, NULL);
	r->body = head ? NULL : (const uint8_t *)dyn;
	r->body_len = head ? 0 : body.len;
}

void httpd_respond(const struct http_request *req, int rc, struct http_response *resp, char *dyn,
		   size_t dyn_cap)
{
	const struct httpd_file *f;
	httpd_handler_fn fn;
	bool head = req->method == HTTP_M_HEAD;
	char extra[48];

	memset(resp, 0, offsetof(struct http_response, head));
	if (rc < 0) {
		error_response(resp, req->status ? req->status : 400, false, head, NULL);
		return;
	}
	fn = httpd_route_find(req->path);
	f = fn ? NULL : httpd_fs_find(req->path);
	if (fn == NULL && f == NULL) {
		error_response(resp, 404, req->keep_alive, head, NULL);
		return;
	}
	if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD) {
		/* RFC 9110 §15.5.6: 405 lists the methods the target supports */
		error_response(resp, 405, req->keep_alive, false, "Allow: GET, HEAD\r\n");
		return;
	}
	if (fn != NULL) {
		respond_dynamic(req, fn, resp, dyn, dyn_cap);
		return;
	}
	kfmt_snprintf(extra, sizeof(extra), "ETag: %s\r\n", f->etag ? f->etag : "\"0\"");
	if (etag_matches(req, f)) {
		set_head(resp, 304, NULL, 0, req->keep_alive, extra);
		return;
	}
	set_head(resp, 200, http_content_type(f->path), f->len, req->keep_alive, extra);
	resp->body = head ? NULL : f->data;
	resp->body_len = head ? 0 : f->len;
}
