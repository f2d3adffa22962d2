/*
 * wget_fetch(): GET over a socket, redirects, progress, and the body into
 * ramfs or a SHA-256.
 *
 * Per hop: resolve, connect, send "GET path HTTP/1.1" with Host,
 * "Connection: close" and "Accept-Encoding: identity" (so the body needs no
 * decoding, RFC 9110 §12.5.3), then feed everything received to the
 * response parser until it completes or the peer closes. For 301, 302,
 * 303, 307 and 308 with a Location, the next hop is the Location resolved
 * against the current URL (RFC 9110 §15.4); the 3xx body is discarded.
 */
#include <kestrel/apps/ramfs.h>
#include <kestrel/apps/wget.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/lib/sha256.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>

#include <string.h>

struct wget_job {
	const struct wget_opts *o;
	struct http_resp resp; /* about 1 KiB: static, see wget_fetch */
	struct sha256_ctx sha;
	uint32_t t0_ms, last_ms;
	bool store; /* this hop's body is the result */
	int store_err;
	uint8_t buf[512];
};

static struct wget_job wget_job;
static OS_MUTEX_DEFINE(wget_mutex); /* one transfer at a time owns wget_job */

static uint32_t now_ms(void)
{
	return (uint32_t)(os_time_ns() / 1000000u);
}

static void wget_progress(struct wget_job *j, bool final)
{
	uint32_t t = now_ms() - j->t0_ms;
	uint64_t b = j->resp.body_bytes;
	uint64_t rate = t ? b * 1000u / t : 0;

	if (j->o->quiet || j->o->print == NULL) {
		return;
	}
	if (j->resp.have_length && j->resp.content_length > 0) {
		j->o->print(j->o->print_ctx, "%llu / %llu bytes (%u%%), %llu B/s%s",
			    (unsigned long long)b, (unsigned long long)j->resp.content_length,
			    (unsigned)(b * 100u / j->resp.content_length), (unsigned long long)rate,
			    final ? "\n" : "\r");
	} else {
		j->o->print(j->o->print_ctx, "%llu bytes, %llu B/s%s", (unsigned long long)b,
			    (unsigned long long)rate, final ? "\n" : "\r");
	}
}

static int wget_body(void *ctx, const uint8_t *p, size_t n)
{
	struct wget_job *j = ctx;
	int rc = 0;

	if (!j->store || j->resp.status < 200 || j->resp.status > 299) {
		return 0; /* a redirect's or error's body */
	}
	sha256_update(&j->sha, p, n);
	if (j->o->out_name != NULL) {
		ramfs_lock();
		rc = ramfs_append(ramfs_root(), j->o->out_name, p, n);
		ramfs_unlock();
	}
	if (now_ms() - j->last_ms >= 500) {
		j->last_ms = now_ms();
		wget_progress(j, false);
	}
	return rc;
}

static int wget_send_request(int fd, const struct wget_url *u, uint8_t *buf, size_t cap)
{
	int n = kfmt_snprintf((char *)buf, cap,
			      "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: kestrel-wget\r\n"
			      "Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
			      u->path, u->host, u->port);
	int rc;

	if (n < 0 || (size_t)n >= cap) {
		return -EMSGSIZE;
	}
	rc = net_send(fd, buf, (size_t)n, 0);
	return rc == n ? 0 : (rc < 0 ? rc : -EIO);
}

/* One request/response on a fresh connection. */
static int wget_hop(struct wget_job *j, const struct wget_url *u)
{
	struct net_sockaddr_in sa;
	uint32_t addr, tmo = CONFIG_WGET_TIMEOUT_MS;
	int fd, rc, n;

	rc = wget_resolve(u->host, &addr, 5000);
	if (rc < 0) {
		return rc;
	}
	fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	if (fd < 0) {
		return fd;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &tmo, sizeof(tmo));
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &tmo, sizeof(tmo));
	sa = net_sockaddr(addr, u->port);
	rc = net_connect(fd, &sa);
	if (rc == 0) {
		rc = wget_send_request(fd, u, j->buf, sizeof(j->buf));
	}
	while (rc == 0) {
		n = net_recv(fd, j->buf, sizeof(j->buf), 0);
		if (n < 0) {
			rc = n;
		} else if (n == 0) {
			rc = http_resp_eof(&j->resp);
		} else {
			rc = http_resp_input(&j->resp, j->buf, (size_t)n);
		}
	}
	(void)net_close(fd);
	return rc == 1 ? 0 : rc;
}

static bool wget_is_redirect(uint16_t s)
{
	return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static int wget_run(struct wget_job *j, const char *url, struct wget_result *res)
{
	struct wget_url next;
	int rc = wget_url_parse(url, strlen(url), &res->url);

	for (res->redirects = 0; rc == 0; res->redirects++) {
		http_resp_init(&j->resp, wget_body, j);
		rc = wget_hop(j, &res->url);
		res->status = j->resp.status;
		if (rc < 0 || !wget_is_redirect(j->resp.status) || j->resp.location[0] == '\0') {
			break;
		}
		if (res->redirects >= CONFIG_WGET_MAX_REDIRECTS) {
			return -ERANGE;
		}
		if (j->resp.location_too_long) {
			return -ENAMETOOLONG;
		}
		rc = wget_url_resolve(&res->url, j->resp.location, strlen(j->resp.location), &next);
		res->url = next;
		if (j->o->print != NULL && !j->o->quiet) {
			j->o->print(j->o->print_ctx, "%u -> http://%s:%u%s\n", res->status,
				    res->url.host, res->url.port, res->url.path);
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (res->status == 404 || res->status == 410) {
		return -ENOENT;
	}
	return (res->status >= 200 && res->status <= 299) ? 0 : -EIO;
}

int wget_fetch(const char *url, const struct wget_opts *o, struct wget_result *res)
{
	struct wget_job *j = &wget_job;
	int rc;

	memset(res, 0, sizeof(*res));
	(void)os_mutex_lock(&wget_mutex, OS_WAIT_FOREVER);
	j->o = o;
	j->store = true;
	j->t0_ms = j->last_ms = now_ms();
	sha256_init(&j->sha);
	if (o->out_name != NULL) {
		ramfs_lock();
		rc = ramfs_create(ramfs_root(), o->out_name);
		ramfs_unlock();
		if (rc < 0) {
			goto out;
		}
	}
	rc = wget_run(j, url, res);
	res->bytes = j->resp.body_bytes;
	res->ms = now_ms() - j->t0_ms;
	sha256_final(&j->sha, res->sha256);
	if (rc == 0) {
		wget_progress(j, true);
	} else if (o->out_name != NULL) {
		ramfs_lock();
		(void)ramfs_delete(ramfs_root(), o->out_name);
		ramfs_unlock();
	}
out:
	(void)os_mutex_unlock(&wget_mutex);
	return rc;
}
