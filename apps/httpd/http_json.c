/*
 * A small bounded JSON writer (RFC 8259) for the server's API responses.
 *
 * The writer tracks nesting and puts commas and colons itself, so callers
 * write a document as a sequence of begin/key/value/end calls. Overflow
 * and misuse (a value where a key is due, too deep, unbalanced ends) set a
 * sticky error; json_finish() reports it, so callers check once.
 *
 * Strings are escaped per RFC 8259 §7: '"' and '\' get a backslash, the
 * control characters U+0000..U+001F the short forms \b \f \n \r \t or
 * \u00XX, and DEL \u007f for the benefit of terminals. Bytes >= 0x80 are
 * written as \ufffd: the inputs are C strings of unknown encoding (task
 * names), and this way the output is always valid UTF-8 JSON.
 */
#include <string.h>

#include <kestrel/errno.h>

#include "httpd_internal.h"

void json_init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap == 0) {
		w->err = true;
		w->full = true;
	}
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	/* one byte stays free for the NUL json_finish() adds */
	if (w->err || n >= w->cap - w->len) {
		w->err = true;
		w->full = w->full || n >= w->cap - w->len;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc1(struct json_writer *w, char c)
{
	put(w, &c, 1);
}

/* The comma between siblings. */
static void separate(struct json_writer *w)
{
	if (w->need_comma[w->depth]) {
		putc1(w, ',');
	}
	w->need_comma[w->depth] = true;
}

/* Before any value: nothing after a key, else a comma in an array. */
static void value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->is_obj[w->depth] || (w->depth == 0 && w->need_comma[0])) {
		w->err = true; /* a member needs a key; one top-level value */
		return;
	}
	separate(w);
}

static void open_scope(struct json_writer *w, char c, bool is_obj)
{
	value_prefix(w);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->err = true;
		return;
	}
	putc1(w, c);
	w->depth++;
	w->need_comma[w->depth] = false;
	w->is_obj[w->depth] = is_obj;
}

static void close_scope(struct json_writer *w, char c, bool is_obj)
{
	if (w->depth == 0 || w->after_key || w->is_obj[w->depth] != is_obj) {
		w->err = true;
		return;
	}
	putc1(w, c);
	w->depth--;
}

void json_obj_begin(struct json_writer *w)
{
	open_scope(w, '{', true);
}

void json_obj_end(struct json_writer *w)
{
	close_scope(w, '}', true);
}

void json_arr_begin(struct json_writer *w)
{
	open_scope(w, '[', false);
}

void json_arr_end(struct json_writer *w)
{
	close_scope(w, ']', false);
}

static void put_escaped(struct json_writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	putc1(w, '"');
	for (; *s != '\0' && !w->err; s++) {
		uint8_t c = (uint8_t)*s;
		const char *esc = NULL;
		char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			break;
		}
		if (esc != NULL) {
			put(w, esc, 2);
		} else if (c >= 0x80) {
			put(w, "\\ufffd", 6);
		} else if (c < 0x20 || c == 0x7f) {
			put(w, u, sizeof(u));
		} else {
			putc1(w, (char)c);
		}
	}
	putc1(w, '"');
}

void json_key(struct json_writer *w, const char *key)
{
	if (!w->is_obj[w->depth] || w->after_key) {
		w->err = true;
		return;
	}
	separate(w);
	put_escaped(w, key);
	putc1(w, ':');
	w->after_key = true;
}

void json_str(struct json_writer *w, const char *s)
{
	if (s == NULL) {
		json_null(w);
		return;
	}
	value_prefix(w);
	put_escaped(w, s);
}

static void put_u64(struct json_writer *w, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(w, tmp + sizeof(tmp) - n, n);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	value_prefix(w);
	put_u64(w, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	value_prefix(w);
	if (v < 0) {
		putc1(w, '-');
		put_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(w, (uint64_t)v);
	}
}

void json_fixed1(struct json_writer *w, int64_t tenths)
{
	uint64_t m;

	value_prefix(w);
	if (tenths < 0) {
		putc1(w, '-');
		m = (uint64_t)0 - (uint64_t)tenths;
	} else {
		m = (uint64_t)tenths;
	}
	put_u64(w, m / 10);
	putc1(w, '.');
	putc1(w, (char)('0' + m % 10));
}

void json_bool(struct json_writer *w, bool v)
{
	value_prefix(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json_writer *w)
{
	value_prefix(w);
	put(w, "null", 4);
}

int json_finish(struct json_writer *w)
{
	if (w->err) {
		if (w->cap > 0) {
			w->buf[0] = '\0';
		}
		return w->full ? -EMSGSIZE : -EINVAL;
	}
	if (w->depth != 0 || w->after_key) {
		return -EINVAL;
	}
	w->buf[w->len] = '\0';
	return (int)w->len;
}
