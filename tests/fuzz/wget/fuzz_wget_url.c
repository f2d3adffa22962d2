/*
 * Fuzzes URL parsing and Location resolution. Checks: results are 0 or a
 * documented error; on success host and path are NUL-terminated, within
 * their buffers, the path starts with '/' and has no "/../" left, and
 * parsing is idempotent (re-parsing "http://host:port/path" gives the same).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/apps/wget.h>

static void check(int rc, const struct wget_url *u)
{
	char again[8 + WGET_HOST_MAX + CONFIG_WGET_PATH_MAX + 8];
	struct wget_url v;
	int n;

	if (rc != 0) {
		if (rc != -EINVAL && rc != -ENOTSUP && rc != -ENAMETOOLONG) {
			abort();
		}
		return;
	}
	if (memchr(u->host, 0, sizeof(u->host)) == NULL ||
	    memchr(u->path, 0, sizeof(u->path)) == NULL || u->path[0] != '/' || u->port == 0 ||
	    u->host[0] == '\0') {
		abort();
	}
	if (strstr(u->path, "/../") != NULL && strstr(u->path, "?") == NULL) {
		abort();
	}
	n = snprintf(again, sizeof(again), "http://%s:%u%s", u->host, u->port, u->path);
	if (n < 0 || (size_t)n >= sizeof(again)) {
		abort();
	}
	if (wget_url_parse(again, (size_t)n, &v) != 0 || strcmp(v.host, u->host) != 0 ||
	    strcmp(v.path, u->path) != 0 || v.port != u->port) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wget_url base, u;
	const char *s = (const char *)data;

	check(wget_url_parse(s, size, &u), &u);
	if (wget_url_parse("http://base.example:8080/d/e/f?x", 32, &base) != 0) {
		abort();
	}
	check(wget_url_resolve(&base, s, size, &u), &u);
	return 0;
}
