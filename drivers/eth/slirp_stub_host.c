/*
 * Stand-in for slirp_host.c when the build has no libslirp: the API exists
 * so the hosted board links, and every call reports -ENOTSUP. The hostfwd
 * parser (slirp_fwd.c) is built either way.
 */
#include <string.h>

#include <kestrel/drivers/host/eth_slirp.h>
#include <kestrel/errno.h>

static int stub_init(struct netif *nif)
{
	(void)nif;
	return -ENOTSUP;
}

static int stub_output(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	(void)p;
	return -ENOTSUP;
}

const struct eth_driver_ops eth_slirp_ops = {stub_init, stub_output, NULL, NULL};

int eth_slirp_init(struct eth_slirp *s)
{
	memset(s, 0, sizeof(*s));
	s->wake_fd = -1;
	return -ENOTSUP;
}

int eth_slirp_add_hostfwd(struct eth_slirp *s, const char *spec)
{
	struct eth_slirp_fwd f;
	int rc = eth_slirp_fwd_parse(spec, &f);

	(void)s;
	return rc < 0 ? rc : -ENOTSUP;
}

void eth_slirp_set_restricted(struct eth_slirp *s, bool on)
{
	s->restricted = on;
}

void eth_slirp_set_rx_hook(struct eth_slirp *s, const struct eth_rx_hook *hook)
{
	(void)s;
	(void)hook;
}

void eth_slirp_get_stats(struct eth_slirp *s, struct eth_host_stats *out)
{
	(void)s;
	memset(out, 0, sizeof(*out));
}

void eth_slirp_close(struct eth_slirp *s)
{
	(void)s;
}
