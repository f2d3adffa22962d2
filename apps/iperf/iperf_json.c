/*
 * A bounded JSON reader (RFC 8259) for iperf3's parameter message, and the
 * results writer.
 *
 * The reader walks the text once with an index that never passes len;
 * nesting is capped at JSON_DEPTH_MAX (recursion depth is therefore
 * bounded too); only the first 18 digits before the point are converted,
 * so integer conversion cannot overflow, and a longer number is valid but
 * not an integer (iperf3 3.12 writes -1 as 18446744073709551615). Only the top-level members with keys the
 * server knows are kept; everything else is validated and skipped.
 */
#include <kestrel/apps/iperf.h>
#include <kestrel/lib/fmt.h>

#include <string.h>

#define JSON_DEPTH_MAX 8
#define JSON_KEY_MAX   24

enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_OBJ, JV_ARR };

struct jrd {
	const char *s;
	size_t len, i;
};

struct jval {
	int type;
	bool b;
	bool integer; /* JV_NUM without fraction or exponent */
	int64_t n;
};

static void j_ws(struct jrd *r)
{
	while (r->i < r->len && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' ||
				 r->s[r->i] == '\r')) {
		r->i++;
	}
}

static bool j_lit(struct jrd *r, const char *lit)
{
	size_t n = strlen(lit);

	if (r->len - r->i < n || memcmp(r->s + r->i, lit, n) != 0) {
		return false;
	}
	r->i += n;
	return true;
}

static bool j_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at r->i ('"'); copies up to cap-1 raw bytes into key (may be NULL). */
static bool j_string(struct jrd *r, char *key, size_t cap)
{
	size_t k = 0;

	if (r->i >= r->len || r->s[r->i] != '"') {
		return false;
	}
	r->i++;
	while (r->i < r->len) {
		unsigned char c = (unsigned char)r->s[r->i++];

		if (c == '"') {
			if (key != NULL) {
				key[k] = '\0';
			}
			return true;
		}
		if (c < 0x20) {
			return false;
		}
		if (c == '\\') {
			if (r->i >= r->len) {
				return false;
			}
			c = (unsigned char)r->s[r->i++];
			if (c == 'u') {
				if (r->len - r->i < 4 || !j_hex(r->s[r->i]) ||
				    !j_hex(r->s[r->i + 1]) || !j_hex(r->s[r->i + 2]) ||
				    !j_hex(r->s[r->i + 3])) {
					return false;
				}
				r->i += 4;
				c = '?';
			} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
				return false;
			}
		}
		if (key != NULL && k + 1 < cap) {
			key[k++] = (char)c;
		}
	}
	return false;
}

static bool j_number(struct jrd *r, struct jval *v)
{
	size_t digits = 0;
	bool neg = false;

	v->type = JV_NUM;
	v->integer = true;
	v->n = 0;
	if (r->i < r->len && r->s[r->i] == '-') {
		neg = true;
		r->i++;
	}
	if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9') {
		return false;
	}
	if (r->s[r->i] == '0' && r->i + 1 < r->len && r->s[r->i + 1] >= '0' &&
	    r->s[r->i + 1] <= '9') {
		return false; /* no leading zeros */
	}
	while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
		if (++digits > 18) {
			/* valid JSON, but no integer we can hold: iperf3 3.12 sends
			 * -1 as 18446744073709551615 (sender_has_retransmits) */
			v->integer = false;
			r->i++;
			continue;
		}
		v->n = v->n * 10 + (r->s[r->i++] - '0');
	}
	if (neg) {
		v->n = -v->n;
	}
	if (r->i < r->len && r->s[r->i] == '.') {
		r->i++;
		v->integer = false;
		if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9') {
			return false;
		}
		while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
			r->i++;
		}
	}
	if (r->i < r->len && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		v->integer = false;
		if (r->i < r->len && (r->s[r->i] == '+' || r->s[r->i] == '-')) {
			r->i++;
		}
		if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9') {
			return false;
		}
		while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
			r->i++;
		}
	}
	return true;
}

static bool j_value(struct jrd *r, int depth, struct jval *v);

/* Object or array body after its opening bracket. */
static bool j_container(struct jrd *r, int depth, bool obj)
{
	struct jval v;
	char close = obj ? '}' : ']';

	j_ws(r);
	if (r->i < r->len && r->s[r->i] == close) {
		r->i++;
		return true;
	}
	while (r->i < r->len) {
		if (obj) {
			if (!j_string(r, NULL, 0)) {
				return false;
			}
			j_ws(r);
			if (r->i >= r->len || r->s[r->i++] != ':') {
				return false;
			}
		}
		if (!j_value(r, depth + 1, &v)) {
			return false;
		}
		j_ws(r);
		if (r->i >= r->len) {
			return false;
		}
		if (r->s[r->i] == close) {
			r->i++;
			return true;
		}
		if (r->s[r->i++] != ',') {
			return false;
		}
		j_ws(r);
	}
	return false;
}

static bool j_value(struct jrd *r, int depth, struct jval *v)
{
	if (depth > JSON_DEPTH_MAX) {
		return false;
	}
	j_ws(r);
	if (r->i >= r->len) {
		return false;
	}
	switch (r->s[r->i]) {
	case '{':
	case '[':
		v->type = r->s[r->i] == '{' ? JV_OBJ : JV_ARR;
		r->i++;
		return j_container(r, depth, v->type == JV_OBJ);
	case '"':
		v->type = JV_STR;
		return j_string(r, NULL, 0);
	case 't':
		v->type = JV_BOOL;
		v->b = true;
		return j_lit(r, "true");
	case 'f':
		v->type = JV_BOOL;
		v->b = false;
		return j_lit(r, "false");
	case 'n':
		v->type = JV_NULL;
		return j_lit(r, "null");
	default:
		return j_number(r, v);
	}
}

bool iperf_json_valid(const char *s, size_t len)
{
	struct jrd r = {s, len, 0};
	struct jval v;

	if (!j_value(&r, 0, &v)) {
		return false;
	}
	j_ws(&r);
	return r.i == r.len;
}

/* Stores one known top-level member. */
static int j_param(struct iperf_params *p, const char *key, const struct jval *v)
{
	static const char *const bools[] = {"tcp", "udp", "sctp", "reverse", "bidirectional"};
	bool *const bdst[] = {&p->tcp, &p->udp, &p->sctp, &p->reverse, &p->bidirectional};
	static const char *const ints[] = {"parallel", "time", "omit", "len"};
	int32_t *const idst[] = {&p->parallel, &p->time, &p->omit, &p->len};

	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		if (strcmp(key, bools[i]) == 0) {
			/* iperf3 sends true, older clients 1 */
			if (v->type == JV_BOOL) {
				*bdst[i] = v->b;
			} else if (v->type == JV_NUM && v->integer) {
				*bdst[i] = v->n != 0;
			} else {
				return -EPROTO;
			}
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(key, ints[i]) == 0) {
			if (v->type != JV_NUM || !v->integer || v->n < 0 || v->n > 0x7fffffff) {
				return -EPROTO;
			}
			*idst[i] = (int32_t)v->n;
			return 0;
		}
	}
	if (strcmp(key, "num") == 0 || strcmp(key, "blockcount") == 0) {
		if (v->type != JV_NUM || !v->integer || v->n < 0) {
			return -EPROTO;
		}
		*(key[0] == 'n' ? &p->bytes : &p->blockcount) = (uint64_t)v->n;
	}
	return 0;
}

int iperf_json_params(const char *s, size_t len, struct iperf_params *p)
{
	struct jrd r = {s, len, 0};
	char key[JSON_KEY_MAX];
	struct jval v;

	memset(p, 0, sizeof(*p));
	p->parallel = 1;
	p->time = 10;
	j_ws(&r);
	if (r.i >= r.len || r.s[r.i++] != '{') {
		return -EPROTO;
	}
	j_ws(&r);
	if (r.i < r.len && r.s[r.i] == '}') {
		r.i++;
		goto out;
	}
	while (r.i < r.len) {
		if (!j_string(&r, key, sizeof(key))) {
			return -EPROTO;
		}
		j_ws(&r);
		if (r.i >= r.len || r.s[r.i++] != ':' || !j_value(&r, 1, &v)) {
			return -EPROTO;
		}
		if (j_param(p, key, &v) < 0) {
			return -EPROTO;
		}
		j_ws(&r);
		if (r.i < r.len && r.s[r.i] == '}') {
			r.i++;
			goto out;
		}
		if (r.i >= r.len || r.s[r.i++] != ',') {
			return -EPROTO;
		}
		j_ws(&r);
	}
	return -EPROTO;
out:
	j_ws(&r);
	return r.i == r.len ? 0 : -EPROTO;
}

int iperf_results_json(const struct iperf_ctrl *c, char *buf, size_t cap)
{
	uint32_t ms = c->end_ms - c->start_ms;
	bool sender = c->params.reverse; /* -R: the server sent the data */
	size_t n;
	int w;

	w = kfmt_snprintf(buf, cap,
			  "{\"cpu_util_total\":0,\"cpu_util_user\":0,\"cpu_util_system\":0,"
			  "\"sender_has_retransmits\":%d,\"streams\":[",
			  sender ? 0 : -1);
	if (w < 0 || (size_t)w >= cap) {
		return -EMSGSIZE;
	}
	n = (size_t)w;
	for (unsigned i = 0; i < c->nstreams; i++) {
		w = kfmt_snprintf(buf + n, cap - n,
				  "%s{\"id\":%d,\"bytes\":%llu,\"retransmits\":%d,\"jitter\":0,"
				  "\"errors\":0,\"omitted_errors\":0,\"packets\":0,"
				  "\"omitted_packets\":0,\"start_time\":0,\"end_time\":%u.%03u}",
				  i ? "," : "", iperf_stream_id(i), (unsigned long long)c->bytes[i],
				  sender ? 0 : -1, (unsigned)(ms / 1000), (unsigned)(ms % 1000));
		if (w < 0 || (size_t)w >= cap - n) {
			return -EMSGSIZE;
		}
		n += (size_t)w;
	}
	if (cap - n < 3) {
		return -EMSGSIZE;
	}
	memcpy(buf + n, "]}", 3);
	return (int)(n + 2);
}
