/*
 * Private interfaces of the HTTP server: the pure request parser
 * (http_parse.c), the response builder and router (http_resp.c), the JSON
 * writer (http_json.c) and the compiled-in file image (generated
 * httpd_www.c). None of these call the kernel or the socket API, so unit
 * tests and fuzzers drive them directly.
 */
#ifndef KESTREL_HTTPD_INTERNAL_H
#define KESTREL_HTTPD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/apps/httpd.h>

/* ---- request parser (http_parse.c) ---- */

enum http_method {
	HTTP_M_UNKNOWN = 0,
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_PATCH,
	HTTP_M_TRACE,
	HTTP_M_CONNECT,
};

/* Longest If-None-Match value kept (longer ones are ignored). */
#define HTTP_INM_MAX 71

/* A parsed request. path is percent-decoded, without the query. */
struct http_request {
	uint8_t method;	    /* enum http_method */
	uint8_t minor;	    /* HTTP/1.minor; 0 or 1 (higher minors count as 1) */
	bool keep_alive;    /* the connection may stay open after the response */
	bool has_host;	    /* a Host field was present */
	uint16_t status;    /* on -EPROTO: the status code to answer with */
	uint16_t path_len;  /* bytes in path (no NUL counted) */
	uint16_t query_len; /* bytes in query */
	uint32_t content_length;
	uint32_t head_len;   /* request line + fields + empty line */
	const uint8_t *body; /* into the caller's buffer; content_length bytes */
	uint8_t inm_len;     /* If-None-Match value (0: absent or too long) */
	char inm[HTTP_INM_MAX + 1];
	char path[CONFIG_HTTPD_MAX_URL + 1];
	char query[CONFIG_HTTPD_MAX_URL + 1];
};

/*
 * Parses one request from buf[0..len) (RFC 9112 §2-§9).
 * Returns the bytes the request occupies (head and body, > 0) when it is
 * complete, 0 when more bytes are needed and nothing is wrong so far, or
 * -EPROTO with req->status set to the status code to answer with (400,
 * 413, 414, 431, 501, 505) and req->keep_alive false. Errors are reported
 * as early as the bytes allow (a bad request line before its CR LF).
 * Bytes after the returned count belong to the next (pipelined) request.
 */
int http_parse_request(const uint8_t *buf, size_t len, struct http_request *req);

/* "GET", ... for a known method, else NULL. */
const char *http_method_name(unsigned method);

/* ---- responses and routing (http_resp.c) ---- */

/* Reason phrase of a status code ("Not Found"), "" for an unknown one. */
const char *http_reason(unsigned status);

/* Content type by the extension of path ("text/html; charset=utf-8", ...). */
const char *http_content_type(const char *path);

/*
 * Writes a response head (status line, Content-Type when ctype is not
 * NULL, Content-Length, Connection, Cache-Control, plus extra, which must
 * be NULL or whole "Name: value\r\n" lines) into buf. Returns its length.
 * @retval -EMSGSIZE it does not fit in cap
 */
int http_format_head(char *buf, size_t cap, unsigned status, const char *ctype, size_t content_len,
		     bool keep_alive, const char *extra);

/* One file of the compiled-in image. */
struct httpd_file {
	const char *path; /* "/index.html" */
	const uint8_t *data;
	uint32_t len;
	const char *etag; /* quoted strong validator, from the content hash */
};
extern const struct httpd_file httpd_www_files[];
extern const unsigned httpd_www_count;

/* The file at path ("/" means "/index.html"), or NULL. */
const struct httpd_file *httpd_fs_find(const char *path);

/* Longest response head (status line and fields). */
#define HTTP_HEAD_MAX 384

/* What to send for one request: head[0..head_len) then body[0..body_len). */
struct http_response {
	uint16_t status;
	bool close; /* close the connection after sending */
	uint16_t head_len;
	const uint8_t *body;
	size_t body_len;
	char head[HTTP_HEAD_MAX];
	char text[48]; /* body of an error response */
};

/*
 * Answers one parsed request (or a parse error, when rc is -EPROTO):
 * dynamic routes, then files; 404 / 405 with Allow otherwise. Dynamic
 * bodies go into dyn[0..dyn_cap). HEAD gets GET's head with no body.
 */
void httpd_respond(const struct http_request *req, int rc, struct http_response *resp, char *dyn,
		   size_t dyn_cap);

/* A bare error response (408, 503): short text body, Connection: close. */
void httpd_respond_error(unsigned status, struct http_response *resp);

/* Dispatch table of httpd_route_add() (shared with the server). */
httpd_handler_fn httpd_route_find(const char *path);
void httpd_routes_reset(void);

/* ---- JSON writer (http_json.c) ---- */

#define JSON_MAX_DEPTH 8

/*
 * A bounded JSON text writer (RFC 8259). Commas are placed automatically;
 * any overflow or misuse sets a sticky error that json_finish() reports.
 */
struct json_writer {
	char *buf;
	size_t cap;
	size_t len;
	bool err;  /* sticky: overflow or misuse */
	bool full; /* the error was running out of room */
	uint8_t depth;
	bool after_key;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool is_obj[JSON_MAX_DEPTH + 1];
};

void json_init(struct json_writer *w, char *buf, size_t cap);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
/* An object member name (escaped like a string). */
void json_key(struct json_writer *w, const char *key);
/*
 * A string: '"' '\' and control characters are escaped (\n \r \t \b \f,
 * else \u00XX), as is DEL; bytes >= 0x80 become U+FFFD (the writer does
 * not validate UTF-8). NULL writes null.
 */
void json_str(struct json_writer *w, const char *s);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
/* v / 10 with one decimal: 1234 -> 123.4 (CPU permille to percent). */
void json_fixed1(struct json_writer *w, int64_t tenths);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/*
 * NUL-terminates and returns the length.
 * @retval -EMSGSIZE the text did not fit   @retval -EINVAL unbalanced nesting
 */
int json_finish(struct json_writer *w);

/* ---- status handler (httpd_status.c) ---- */

int httpd_status_handler(const struct http_request *req, struct httpd_body *body);

#endif /* KESTREL_HTTPD_INTERNAL_H */
