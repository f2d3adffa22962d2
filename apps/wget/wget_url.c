/*
 * http:// URLs: parsing (RFC 3986 §3, RFC 9110 §4.2.1) and reference
 * resolution for Location (RFC 3986 §5.2, §5.2.4 remove_dot_segments).
 *
 *   http://host[:port][/path][?query][#fragment]
 *
 * Only the http scheme, reg-name or IPv4 hosts (no user info, no IPv6
 * literals), ports 1..65535 (an empty port means 80). The fragment is
 * dropped (it never goes on the wire). Every loop is bounded by the input
 * length; output fields are filled through explicit length checks.
 */
#include <kestrel/apps/wget.h>

#include <string.h>

static char url_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* unreserved / sub-delims / pct-encoded characters of a reg-name (RFC 3986 §3.2.2). */
static bool url_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Visible ASCII: what may appear in a request target (no blanks, no controls). */
static bool url_path_char(char c)
{
	return c > ' ' && c < 0x7f;
}

/*
 * Removes "." and ".." segments of an absolute path in place (RFC 3986
 * §5.2.4), leaving the query alone. Never grows the string.
 */
static void url_remove_dots(char *path)
{
	char *q = strchr(path, '?');
	size_t plen = q ? (size_t)(q - path) : strlen(path);
	size_t in = 0, out = 0;

	while (in < plen) {
		size_t seg = in + 1;

		while (seg < plen && path[seg] != '/') {
			seg++;
		}
		/* path[in] == '/', segment is path[in+1 .. seg) */
		size_t n = seg - in - 1;
		if (n == 1 && path[in + 1] == '.') {
			if (seg == plen) {
				path[out++] = '/';
			}
		} else if (n == 2 && path[in + 1] == '.' && path[in + 2] == '.') {
			while (out > 0 && path[--out] != '/') {
			}
			if (seg == plen) {
				path[out++] = '/';
			}
		} else {
			memmove(path + out, path + in, seg - in);
			out += seg - in;
		}
		in = seg;
	}
	if (out == 0) {
		path[out++] = '/';
	}
	memmove(path + out, path + plen, strlen(path + plen) + 1);
}

static int url_parse_port(const char *s, size_t len, uint16_t *port)
{
	uint32_t v = 0;

	if (len == 0) {
		*port = 80;
		return 0;
	}
	if (len > 5) {
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -EINVAL;
		}
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > 65535) {
		return -EINVAL;
	}
	*port = (uint16_t)v;
	return 0;
}

static int url_parse_authority(const char *s, size_t len, struct wget_url *u)
{
	size_t hlen = 0;

	if (len > 0 && s[0] == '[') {
		return -ENOTSUP;
	}
	while (hlen < len && s[hlen] != ':') {
		if (s[hlen] == '@') {
			return -EINVAL;
		}
		if (!url_host_char(s[hlen])) {
			return -EINVAL;
		}
		hlen++;
	}
	if (hlen == 0) {
		return -EINVAL;
	}
	if (hlen >= WGET_HOST_MAX) {
		return -ENAMETOOLONG;
	}
	for (size_t i = 0; i < hlen; i++) {
		u->host[i] = url_lower(s[i]);
	}
	u->host[hlen] = '\0';
	if (hlen == len) {
		u->port = 80;
		return 0;
	}
	return url_parse_port(s + hlen + 1, len - hlen - 1, &u->port);
}

/* Copies path[len] (up to any '#') into u->path, "/" if empty. */
static int url_set_path(struct wget_url *u, const char *prefix, size_t plen, const char *s,
			size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '#') {
			len = i;
			break;
		}
		if (!url_path_char(s[i])) {
			return -EINVAL;
		}
	}
	bool slash = plen + len == 0 || (plen == 0 && s[0] != '/');

	if (plen + len + (slash ? 1u : 0u) + 1u > sizeof(u->path)) {
		return -ENAMETOOLONG;
	}
	if (slash) {
		u->path[n++] = '/';
	}
	memcpy(u->path + n, prefix, plen);
	n += plen;
	memcpy(u->path + n, s, len);
	n += len;
	u->path[n] = '\0';
	url_remove_dots(u->path);
	return 0;
}

static bool url_prefix(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	if (len < n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (url_lower(s[i]) != p[i]) {
			return false;
		}
	}
	return true;
}

/* True if s starts with "scheme:" (RFC 3986 §3.1). */
static bool url_has_scheme(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = url_lower(s[i]);

		if (c == ':') {
			return i > 0;
		}
		if (!((c >= 'a' && c <= 'z') ||
		      (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
			return false;
		}
	}
	return false;
}

int wget_url_parse(const char *s, size_t len, struct wget_url *u)
{
	size_t a;
	int rc;

	if (!url_prefix(s, len, "http://")) {
		if (url_prefix(s, len, "http:") || !url_has_scheme(s, len)) {
			return -EINVAL;
		}
		return -ENOTSUP;
	}
	s += 7;
	len -= 7;
	for (a = 0; a < len && s[a] != '/' && s[a] != '?' && s[a] != '#'; a++) {
	}
	rc = url_parse_authority(s, a, u);
	if (rc < 0) {
		return rc;
	}
	return url_set_path(u, "", 0, s + a, len - a);
}

int wget_url_resolve(const struct wget_url *base, const char *ref, size_t len, struct wget_url *out)
{
	char dir[CONFIG_WGET_PATH_MAX];
	size_t dlen;

	if (len == 0) {
		*out = *base;
		return 0;
	}
	if (url_has_scheme(ref, len)) {
		return wget_url_parse(ref, len, out);
	}
	if (len >= 2 && ref[0] == '/' && ref[1] == '/') {
		char abs[8 + WGET_HOST_MAX + CONFIG_WGET_PATH_MAX];

		if (len + 5 >= sizeof(abs)) {
			return -ENAMETOOLONG;
		}
		memcpy(abs, "http:", 5);
		memcpy(abs + 5, ref, len);
		return wget_url_parse(abs, len + 5, out);
	}
	memcpy(out->host, base->host, sizeof(out->host));
	out->port = base->port;
	if (ref[0] == '/') {
		return url_set_path(out, "", 0, ref, len);
	}
	/* "?q" keeps the base path; "x" replaces its last segment (§5.2.3). */
	dlen = strcspn(base->path, "?");
	if (ref[0] != '?') {
		while (dlen > 0 && base->path[dlen - 1] != '/') {
			dlen--;
		}
	}
	memcpy(dir, base->path, dlen);
	return url_set_path(out, dir, dlen, ref, len);
}
