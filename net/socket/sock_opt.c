/*
 * Sockets: options, local/peer names and the table listing for netstat.
 *
 * Options set on a listener (TCP_NODELAY, SO_KEEPALIVE, the timeouts) are
 * inherited by the connections it accepts, as on Linux.
 */
#include <string.h>

#include "sock_internal.h"

struct sock_opt_req {
	int fd, level, name;
	void *val;
	size_t len;
};

static int sock_opt_int(const struct sock_opt_req *o, int *v)
{
	if (o->val == NULL || o->len != sizeof(int)) {
		return -EINVAL;
	}
	memcpy(v, o->val, sizeof(int));
	return 0;
}

static int sock_opt_ms(const struct sock_opt_req *o, uint32_t *v)
{
	if (o->val == NULL || o->len != sizeof(uint32_t)) {
		return -EINVAL;
	}
	memcpy(v, o->val, sizeof(uint32_t));
	return 0;
}

static void sock_apply_keepalive(struct net_sock *s)
{
	if (s->tpcb == NULL || s->state == NET_SS_LISTEN) {
		return;
	}
	tcp_keepalive(s->tpcb, s->keepalive ? CONFIG_TCP_KEEPIDLE_MS : 0, CONFIG_TCP_KEEPINTVL_MS,
		      CONFIG_TCP_KEEPCNT);
}

static int do_setsockopt_sol(struct net_sock *s, const struct sock_opt_req *o)
{
	int v = 0;
	int err;

	switch (o->name) {
	case NET_SO_RCVTIMEO:
		return sock_opt_ms(o, &s->rcvtimeo);
	case NET_SO_SNDTIMEO:
		return sock_opt_ms(o, &s->sndtimeo);
	case NET_SO_REUSEADDR:
	case NET_SO_KEEPALIVE:
	case NET_SO_NONBLOCK:
		break;
	default:
		return -ENOPROTOOPT;
	}
	err = sock_opt_int(o, &v);
	if (err < 0) {
		return err;
	}
	if (o->name == NET_SO_REUSEADDR) {
		s->reuseaddr = v != 0;
	} else if (o->name == NET_SO_NONBLOCK) {
		s->nonblock = v != 0;
	} else {
		if (s->type != NET_SOCK_STREAM) {
			return -ENOPROTOOPT;
		}
		s->keepalive = v != 0;
		sock_apply_keepalive(s);
	}
	return 0;
}

static int do_setsockopt(struct net_stack *st, void *arg)
{
	const struct sock_opt_req *o = arg;
	struct net_sock *s = sock_get(o->fd);
	int v = 0;
	int err;

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (o->level == NET_SOL_SOCKET) {
		return do_setsockopt_sol(s, o);
	}
	if (o->level != NET_IPPROTO_TCP || o->name != NET_TCP_NODELAY ||
	    s->type != NET_SOCK_STREAM) {
		return -ENOPROTOOPT;
	}
	err = sock_opt_int(o, &v);
	if (err < 0) {
		return err;
	}
	s->nodelay = v != 0;
	if (s->tpcb != NULL) {
		tcp_nodelay(s->tpcb, s->nodelay);
	}
	return 0;
}

int net_setsockopt(int fd, int level, int optname, const void *optval, size_t optlen)
{
	struct sock_opt_req o = {fd, level, optname, (void *)(uintptr_t)optval, optlen};

	return net_call(do_setsockopt, &o);
}

static int do_getsockopt(struct net_stack *st, void *arg)
{
	struct sock_opt_req *o = arg;
	struct net_sock *s = sock_get(o->fd);
	uint32_t ms;
	int v;

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (o->level == NET_SOL_SOCKET &&
	    (o->name == NET_SO_RCVTIMEO || o->name == NET_SO_SNDTIMEO)) {
		if (o->len < sizeof(uint32_t)) {
			return -EINVAL;
		}
		ms = o->name == NET_SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo;
		memcpy(o->val, &ms, sizeof(ms));
		o->len = sizeof(ms);
		return 0;
	}
	if (o->level == NET_IPPROTO_TCP && o->name == NET_TCP_NODELAY) {
		v = s->nodelay;
	} else if (o->level != NET_SOL_SOCKET) {
		return -ENOPROTOOPT;
	} else if (o->name == NET_SO_ERROR) {
		v = s->err;
		s->err = 0;
	} else if (o->name == NET_SO_REUSEADDR) {
		v = s->reuseaddr;
	} else if (o->name == NET_SO_KEEPALIVE) {
		v = s->keepalive;
	} else if (o->name == NET_SO_NONBLOCK) {
		v = s->nonblock;
	} else {
		return -ENOPROTOOPT;
	}
	if (o->len < sizeof(int)) {
		return -EINVAL;
	}
	memcpy(o->val, &v, sizeof(v));
	o->len = sizeof(v);
	return 0;
}

int net_getsockopt(int fd, int level, int optname, void *optval, size_t *optlen)
{
	struct sock_opt_req o = {fd, level, optname, optval, 0};
	int ret;

	if (optval == NULL || optlen == NULL) {
		return -EINVAL;
	}
	o.len = *optlen;
	ret = net_call(do_getsockopt, &o);
	if (ret == 0) {
		*optlen = o.len;
	}
	return ret;
}

/* ---- names ------------------------------------------------------------------------ */

static struct net_sockaddr_in sock_local(const struct net_sock *s)
{
	if (s->tpcb != NULL) {
		return net_sockaddr(s->tpcb->lip, s->tpcb->lport);
	}
	if (s->upcb != NULL) {
		return net_sockaddr(s->upcb->local_ip, s->upcb->local_port);
	}
	return net_sockaddr(0, 0);
}

struct sock_name_req {
	int fd;
	bool peer;
	struct net_sockaddr_in addr;
};

static int do_getname(struct net_stack *st, void *arg)
{
	struct sock_name_req *r = arg;
	struct net_sock *s = sock_get(r->fd);

	(void)st;
	if (s == NULL) {
		return -EBADF;
	}
	if (!r->peer) {
		r->addr = sock_local(s);
		return 0;
	}
	if (s->state != NET_SS_CONNECTED && !(s->state == NET_SS_CLOSED && s->peer.port != 0)) {
		return -ENOTCONN;
	}
	r->addr = s->peer;
	return 0;
}

static int sock_getname(int fd, struct net_sockaddr_in *addr, bool peer)
{
	struct sock_name_req r = {fd, peer, {0, 0, 0}};
	int ret;

	if (addr == NULL) {
		return -EINVAL;
	}
	ret = net_call(do_getname, &r);
	if (ret == 0) {
		*addr = r.addr;
	}
	return ret;
}

int net_getsockname(int fd, struct net_sockaddr_in *addr)
{
	return sock_getname(fd, addr, false);
}

int net_getpeername(int fd, struct net_sockaddr_in *addr)
{
	return sock_getname(fd, addr, true);
}

/* ---- listing ---------------------------------------------------------------------- */

struct sock_list_req {
	struct net_socket_info *out;
	int max;
};

static void sock_fill_info(const struct net_sock *s, struct net_socket_info *i)
{
	i->fd = sock_fd(s);
	i->type = s->type;
	i->state = s->state;
	i->local = sock_local(s);
	i->peer = s->peer;
	i->parent = s->parent;
	if (s->type == NET_SOCK_DGRAM) {
		i->rx_queued = s->rxq_len;
		if (s->upcb != NULL && s->upcb->connected) {
			i->peer = net_sockaddr(s->upcb->remote_ip, s->upcb->remote_port);
		}
	} else {
		i->rx_queued = s->tpcb != NULL ? (uint32_t)tcp_readable(s->tpcb) : 0;
	}
}

static int do_list(struct net_stack *st, void *arg)
{
	struct sock_list_req *r = arg;
	int n = 0;

	(void)st;
	for (int i = 0; i < CONFIG_NET_SOCKETS; i++) {
		const struct net_sock *s = &sock_tab[i];

		if (s->state == NET_SS_FREE) {
			continue;
		}
		if (r->out != NULL && n < r->max) {
			sock_fill_info(s, &r->out[n]);
		}
		n++;
	}
	return n;
}

int net_socket_list(struct net_socket_info *out, int max)
{
	struct sock_list_req r = {out, max};

	return net_call(do_list, &r);
}

const char *net_sock_state_name(unsigned state)
{
	static const char *const names[] = {"FREE",	  "OPEN",      "LISTEN",
					    "CONNECTING", "CONNECTED", "CLOSED"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
