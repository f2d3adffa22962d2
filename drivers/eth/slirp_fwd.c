/*
 * Parser of QEMU-style host port forward rules (eth_slirp_fwd_parse):
 *
 *   rule  := proto ":" [addr] ":" port "-" [addr] ":" port
 *   proto := "" | "tcp" | "udp"
 *   addr  := dotted IPv4, four decimal octets 0..255 (at most 3 digits)
 *   port  := decimal 1..65535 (at most 5 digits)
 *
 * e.g. "tcp:127.0.0.1:8080-:80", "udp::5353-10.0.2.15:53". The string
 * comes from the command line, so it is read through a bounded cursor;
 * every field is checked against the bytes that remain.
 */
#include <kestrel/drivers/host/eth_slirp.h>
#include <kestrel/errno.h>

#include <string.h>

struct fwd_cur {
	const char *s;
	size_t left;
};

static bool fwd_eat(struct fwd_cur *c, char ch)
{
	if (c->left == 0 || *c->s != ch) {
		return false;
	}
	c->s++;
	c->left--;
	return true;
}

/* Reads 1..max_digits decimal digits; fails on none or too many. */
static int fwd_dec(struct fwd_cur *c, unsigned max_digits, uint32_t *out)
{
	uint32_t v = 0;
	unsigned n = 0;

	while (c->left > 0 && *c->s >= '0' && *c->s <= '9') {
		if (++n > max_digits) {
			return -EINVAL;
		}
		v = v * 10u + (uint32_t)(*c->s - '0');
		c->s++;
		c->left--;
	}
	if (n == 0) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Optional dotted IPv4 address (empty: 0), in host byte order. */
static int fwd_addr(struct fwd_cur *c, uint32_t *out)
{
	uint32_t a = 0, octet;

	*out = 0;
	if (c->left == 0 || *c->s == ':') {
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (i > 0 && !fwd_eat(c, '.')) {
			return -EINVAL;
		}
		if (fwd_dec(c, 3, &octet) < 0 || octet > 255u) {
			return -EINVAL;
		}
		a = (a << 8) | octet;
	}
	*out = a;
	return 0;
}

static int fwd_port(struct fwd_cur *c, uint16_t *out)
{
	uint32_t v;

	if (fwd_dec(c, 5, &v) < 0 || v == 0 || v > 65535u) {
		return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

static int fwd_proto(struct fwd_cur *c, bool *udp)
{
	if (c->left >= 4 && memcmp(c->s, "tcp:", 4) == 0) {
		*udp = false;
		c->s += 3;
		c->left -= 3;
	} else if (c->left >= 4 && memcmp(c->s, "udp:", 4) == 0) {
		*udp = true;
		c->s += 3;
		c->left -= 3;
	} else {
		*udp = false;
	}
	return fwd_eat(c, ':') ? 0 : -EINVAL;
}

int eth_slirp_fwd_parse(const char *s, struct eth_slirp_fwd *out)
{
	struct fwd_cur c = {s, strlen(s)};
	struct eth_slirp_fwd f;

	memset(&f, 0, sizeof(f));
	if (fwd_proto(&c, &f.udp) < 0 || fwd_addr(&c, &f.host_addr) < 0 || !fwd_eat(&c, ':') ||
	    fwd_port(&c, &f.host_port) < 0 || !fwd_eat(&c, '-') ||
	    fwd_addr(&c, &f.guest_addr) < 0 || !fwd_eat(&c, ':') ||
	    fwd_port(&c, &f.guest_port) < 0 || c.left != 0) {
		return -EINVAL;
	}
	*out = f;
	return 0;
}
