/*
 * Network shell commands that show and change local state: ifconfig,
 * route, arp and netstat. Tables are copied out of the stack with one
 * net_call() into static buffers (guarded by netsh_lock, so two shells
 * may run them at once) and printed afterwards.
 */
#include <string.h>

#include <kestrel/lib/fmt.h>
#include <kestrel/net/socket.h>
#include <kestrel/net/tcp.h>

#include "netsh_internal.h"

#define NETSH_ARP_MAX CONFIG_NET_ARP_ENTRIES
#define NETSH_TCP_MAX CONFIG_TCP_MAX_PCBS
#define NETSH_UDP_MAX CONFIG_NET_UDP_PCBS

static struct {
	struct net_netif_info nif[CONFIG_NET_NETIF_MAX];
	unsigned nnif;
	struct net_route_info rt[CONFIG_NET_NETIF_MAX + 1];
	unsigned nrt;
	struct arp_info arp[NETSH_ARP_MAX];
	unsigned narp;
	struct tcp_pcb_info tcp[NETSH_TCP_MAX];
	size_t ntcp;
	struct tcp_stats tstats;
	struct udp_info udp[NETSH_UDP_MAX];
	unsigned nudp;
	struct net_stats stats;
	struct pbuf_stats pool;
} snap;

static int do_snapshot(struct net_stack *st, void *arg)
{
	struct tcp_stack *ts = tcp_net(st);

	(void)arg;
	snap.nnif = net_netifs(st, snap.nif, CONFIG_NET_NETIF_MAX);
	snap.nrt = net_routes(st, snap.rt, CONFIG_NET_NETIF_MAX + 1);
	snap.narp = arp_table(st, snap.arp, NETSH_ARP_MAX);
	snap.nudp = udp_table(st, snap.udp, NETSH_UDP_MAX);
	snap.ntcp = 0;
	if (ts != NULL) {
		snap.ntcp = tcp_pcb_list(ts, snap.tcp, NETSH_TCP_MAX);
		if (snap.ntcp > NETSH_TCP_MAX) {
			snap.ntcp = NETSH_TCP_MAX;
		}
		snap.tstats = *tcp_get_stats(ts);
	}
	net_get_stats(st, &snap.stats);
	net_pool_stats(st, &snap.pool);
	return 0;
}

static void snapshot(void)
{
	(void)net_call(do_snapshot, NULL);
}

static const char *ifname(unsigned index)
{
	for (unsigned i = 0; i < snap.nnif; i++) {
		if (snap.nif[i].index == index) {
			return snap.nif[i].name;
		}
	}
	return "?";
}

/* ---- ifconfig --------------------------------------------------------------------- */

static void print_netif(struct shell *sh, const struct net_netif_info *n)
{
	char a[16], m[16];
	const struct netif_counters *c = &n->cnt;

	shell_printf(sh, "%s: flags=<%s%s%s%s> mtu %u\n", n->name,
		     (n->flags & NETIF_F_UP) ? "UP" : "DOWN",
		     (n->flags & NETIF_F_LOOPBACK) ? ",LOOPBACK" : "",
		     (n->flags & NETIF_F_LINK_UP) ? ",RUNNING" : "",
		     (n->flags & NETIF_F_DEFAULT) ? ",DEFAULT" : "", (unsigned)n->mtu);
	shell_printf(sh, "        inet %s  netmask %s", net_ntoa(n->ip, a), net_ntoa(n->mask, m));
	if (n->gw != 0) {
		shell_printf(sh, "  gateway %s", net_ntoa(n->gw, a));
	}
	if (n->dhcp_state != DHCP_OFF) {
		shell_printf(sh, "  dhcp %s", dhcp_state_name(n->dhcp_state));
	}
	shell_printf(sh, "\n        ether %02x:%02x:%02x:%02x:%02x:%02x\n", n->hwaddr[0],
		     n->hwaddr[1], n->hwaddr[2], n->hwaddr[3], n->hwaddr[4], n->hwaddr[5]);
	shell_printf(sh, "        RX packets %u  bytes %u  dropped %u  errors %u\n",
		     (unsigned)c->rx_frames, (unsigned)c->rx_bytes, (unsigned)c->rx_drops,
		     (unsigned)c->rx_errors);
	shell_printf(sh, "        TX packets %u  bytes %u  dropped %u  errors %u\n",
		     (unsigned)c->tx_frames, (unsigned)c->tx_bytes, (unsigned)c->tx_drops,
		     (unsigned)c->tx_errors);
}

struct if_set_req {
	const char *name;
	int op; /* 0 address, 1 up, 2 down */
	uint32_t ip, mask, gw;
	bool has_gw;
};

static int do_if_set(struct net_stack *st, void *arg)
{
	struct if_set_req *r = arg;
	struct netif *nif = netif_find(st, r->name);

	if (nif == NULL) {
		return -ENODEV;
	}
	if (r->op == 1 || r->op == 2) {
		netif_set_up(nif, r->op == 1);
		return 0;
	}
	netif_set_addr(nif, r->ip, r->mask, r->has_gw ? r->gw : nif->gw);
	return 0;
}

/* "a.b.c.d/len" -> address and mask. */
static int parse_cidr(char *s, uint32_t *ip, uint32_t *mask)
{
	char *slash = strchr(s, '/');
	uint32_t len = 24;

	if (slash != NULL) {
		*slash = '\0';
		if (netsh_parse_uint(slash + 1, 0, 32, &len) < 0) {
			return -EINVAL;
		}
	}
	if (net_parse_ipv4(s, ip) < 0) {
		return -EINVAL;
	}
	*mask = len == 0 ? 0 : 0xFFFFFFFFu << (32u - len);
	return 0;
}

static int ifconfig_set(struct shell *sh, int argc, char **argv)
{
	struct if_set_req r = {argv[1], 0, 0, 0, 0, false};

	if (!shell_is_privileged(sh)) {
		return -EACCES;
	}
	if (argc == 3 && strcmp(argv[2], "up") == 0) {
		r.op = 1;
	} else if (argc == 3 && strcmp(argv[2], "down") == 0) {
		r.op = 2;
	} else if (parse_cidr(argv[2], &r.ip, &r.mask) < 0) {
		return netsh_usage(sh, argv[0]);
	} else if (argc == 5 && strcmp(argv[3], "gw") == 0) {
		if (net_parse_ipv4(argv[4], &r.gw) < 0) {
			return netsh_usage(sh, argv[0]);
		}
		r.has_gw = true;
	} else if (argc != 3) {
		return netsh_usage(sh, argv[0]);
	}
	return net_call(do_if_set, &r);
}

static int cmd_ifconfig(struct shell *sh, int argc, char **argv)
{
	int shown = 0;

	if (argc >= 3) {
		return ifconfig_set(sh, argc, argv);
	}
	os_mutex_lock(&netsh_lock, OS_WAIT_FOREVER);
	snapshot();
	for (unsigned i = 0; i < snap.nnif; i++) {
		if (argc == 2 && strcmp(argv[1], snap.nif[i].name) != 0) {
			continue;
		}
		if (shown++ > 0) {
			shell_puts(sh, "\n");
		}
		print_netif(sh, &snap.nif[i]);
	}
	os_mutex_unlock(&netsh_lock);
	if (argc == 2 && shown == 0) {
		shell_printf(sh, "ifconfig: %s: no such interface\n", argv[1]);
		return -ENODEV;
	}
	return 0;
}

SHELL_CMD(ifconfig, cmd_ifconfig,
	  "show or configure network interfaces\n"
	  "usage: ifconfig [IF]               show all interfaces (or IF)\n"
	  "       ifconfig IF ADDR/PREFIX [gw GW]  set the address (privileged)\n"
	  "       ifconfig IF up|down          change the state (privileged)",
	  0);

/* ---- route ------------------------------------------------------------------------ */

struct route_req {
	uint32_t gw;
	bool del;
};

static int do_route(struct net_stack *st, void *arg)
{
	struct route_req *r = arg;

	if (r->del) {
		netif_set_default(st, NULL);
		return 0;
	}
	for (unsigned i = 0; i < CONFIG_NET_NETIF_MAX; i++) {
		struct netif *nif = st->netif[i];

		if (nif != NULL && nif->ip != 0 && !(nif->flags & NETIF_F_LOOPBACK) &&
		    ((nif->ip ^ r->gw) & nif->mask) == 0) {
			netif_set_addr(nif, nif->ip, nif->mask, r->gw);
			netif_set_default(st, nif);
			return 0;
		}
	}
	return -ENETUNREACH;
}

static int route_change(struct shell *sh, int argc, char **argv)
{
	struct route_req r = {0, false};

	if (!shell_is_privileged(sh)) {
		return -EACCES;
	}
	if (argc == 3 && strcmp(argv[1], "del") == 0 && strcmp(argv[2], "default") == 0) {
		r.del = true;
	} else if (argc != 5 || strcmp(argv[1], "add") != 0 || strcmp(argv[2], "default") != 0 ||
		   strcmp(argv[3], "gw") != 0 || net_parse_ipv4(argv[4], &r.gw) < 0) {
		return netsh_usage(sh, argv[0]);
	}
	return net_call(do_route, &r);
}

static int cmd_route(struct shell *sh, int argc, char **argv)
{
	char d[16], g[16], m[16];

	if (argc > 1) {
		return route_change(sh, argc, argv);
	}
	os_mutex_lock(&netsh_lock, OS_WAIT_FOREVER);
	snapshot();
	shell_printf(sh, "%-15s %-15s %-15s %-5s %s\n", "Destination", "Gateway", "Genmask",
		     "Flags", "Iface");
	for (unsigned i = 0; i < snap.nrt; i++) {
		const struct net_route_info *r = &snap.rt[i];

		shell_printf(sh, "%-15s %-15s %-15s %-5s %s\n", net_ntoa(r->dest, d),
			     net_ntoa(r->gw, g), net_ntoa(r->mask, m), r->gw ? "UG" : "U",
			     r->ifname);
	}
	os_mutex_unlock(&netsh_lock);
	return 0;
}

SHELL_CMD(route, cmd_route,
	  "show or change the routing table\n"
	  "usage: route                      show the table\n"
	  "       route add default gw GW    default route via GW (privileged)\n"
	  "       route del default          remove the default route (privileged)",
	  0);

/* ---- arp -------------------------------------------------------------------------- */

static int cmd_arp(struct shell *sh, int argc, char **argv)
{
	static const char *const states[] = {"free", "pending", "stable", "static"};
	char a[16];

	if (argc != 1) {
		return netsh_usage(sh, argv[0]);
	}
	os_mutex_lock(&netsh_lock, OS_WAIT_FOREVER);
	snapshot();
	shell_printf(sh, "%-15s %-17s %-8s %-6s %s\n", "Address", "HWaddress", "State", "Iface",
		     "Age(s)");
	for (unsigned i = 0; i < snap.narp; i++) {
		const struct arp_info *e = &snap.arp[i];

		shell_printf(sh, "%-15s %02x:%02x:%02x:%02x:%02x:%02x %-8s %-6s %u\n",
			     net_ntoa(e->ip, a), e->mac[0], e->mac[1], e->mac[2], e->mac[3],
			     e->mac[4], e->mac[5], e->state < 4 ? states[e->state] : "?",
			     ifname(e->netif), (unsigned)(e->age_ms / 1000u));
	}
	if (snap.narp == 0) {
		shell_puts(sh, "(no entries)\n");
	}
	os_mutex_unlock(&netsh_lock);
	return 0;
}

SHELL_CMD(arp, cmd_arp, "show the ARP cache\nusage: arp", 0);

/* ---- netstat ---------------------------------------------------------------------- */

static const char *endpoint(char *buf, uint32_t ip, uint16_t port)
{
	char a[16];

	if (port == 0) {
		kfmt_snprintf(buf, 24, "%s:*", ip ? net_ntoa(ip, a) : "*");
	} else {
		kfmt_snprintf(buf, 24, "%s:%u", net_ntoa(ip, a), (unsigned)port);
	}
	return buf;
}

static void netstat_conns(struct shell *sh)
{
	char l[24], r[24];

	shell_printf(sh, "Proto %-22s %-22s %-11s %6s %6s\n", "Local Address", "Foreign Address",
		     "State", "Recv-Q", "Send-Q");
	for (size_t i = 0; i < snap.ntcp; i++) {
		const struct tcp_pcb_info *t = &snap.tcp[i];

		shell_printf(sh, "tcp   %-22s %-22s %-11s %6u %6u\n",
			     endpoint(l, t->local_ip, t->local_port),
			     endpoint(r, t->remote_ip, t->remote_port), tcp_state_name(t->state),
			     (unsigned)t->rcv_queued, (unsigned)t->snd_queued);
	}
	for (unsigned i = 0; i < snap.nudp; i++) {
		const struct udp_info *u = &snap.udp[i];

		shell_printf(sh, "udp   %-22s %-22s rx %u tx %u\n",
			     endpoint(l, u->local_ip, u->local_port),
			     endpoint(r, u->remote_ip, u->remote_port), (unsigned)u->rx,
			     (unsigned)u->tx);
	}
}

static void netstat_counters(struct shell *sh)
{
	const struct net_stats *s = &snap.stats;
	const struct tcp_stats *t = &snap.tstats;

	shell_printf(sh, "Ip: %u received, %u sent, %u dropped, %u bad checksums, %u reassembled\n",
		     (unsigned)s->ip_rx, (unsigned)s->ip_tx, (unsigned)s->ip_drop,
		     (unsigned)s->ip_csum_err, (unsigned)s->reass_ok);
	shell_printf(sh, "Icmp: %u received, %u sent\n", (unsigned)s->icmp_rx,
		     (unsigned)s->icmp_tx);
	shell_printf(sh, "Udp: %u received, %u sent, %u to unknown ports, %u bad checksums\n",
		     (unsigned)s->udp_rx, (unsigned)s->udp_tx, (unsigned)s->udp_noport,
		     (unsigned)s->udp_csum_err);
	shell_printf(sh,
		     "Tcp: %u segments received, %u sent, %u retransmitted, %u resets sent, "
		     "%u accepted (%u held back: queue full), %u connects\n",
		     (unsigned)t->seg_in, (unsigned)t->seg_out, (unsigned)t->retrans,
		     (unsigned)t->rst_out, (unsigned)t->accepts, (unsigned)t->accept_full,
		     (unsigned)t->connects);
	shell_printf(sh, "Pbufs: %u/%u used, peak %u, %u failed allocations\n",
		     (unsigned)snap.pool.used, (unsigned)snap.pool.total, (unsigned)snap.pool.peak,
		     (unsigned)snap.pool.fails);
}

static int cmd_netstat(struct shell *sh, int argc, char **argv)
{
	bool conns = true, counters = true;
	int socks;

	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		conns = false;
	} else if (argc == 2 && strcmp(argv[1], "-a") == 0) {
		counters = false;
	} else if (argc != 1) {
		return netsh_usage(sh, argv[0]);
	}
	socks = net_socket_list(NULL, 0);
	os_mutex_lock(&netsh_lock, OS_WAIT_FOREVER);
	snapshot();
	if (conns) {
		netstat_conns(sh);
	}
	if (counters) {
		netstat_counters(sh);
		shell_printf(sh, "Sockets: %d/%d in use\n", socks < 0 ? 0 : socks,
			     CONFIG_NET_SOCKETS);
	}
	os_mutex_unlock(&netsh_lock);
	return 0;
}

SHELL_CMD(netstat, cmd_netstat,
	  "show connections, protocol counters and buffers\n"
	  "usage: netstat [-a | -s]   -a: connections only, -s: counters only",
	  0);
