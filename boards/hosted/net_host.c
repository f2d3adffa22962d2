/*
 * Networking of the hosted device: the --net/--ip/--gw/--dns/--fault
 * options, and start-up of the network task with one Ethernet interface
 * (eth0) on libslirp (default, no root) or a TAP device.
 *
 * With --ip the address is static; otherwise DHCP runs and its lease is
 * reported in the boot log when it binds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/drivers/eth_fault.h>
#include <kestrel/drivers/host/eth_slirp.h>
#include <kestrel/drivers/host/eth_tap.h>
#include <kestrel/net/dhcp.h>
#include <kestrel/net/dns.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include "board_hosted.h"

#define MAX_FWD 8

enum net_kind { NET_SLIRP, NET_TAP, NET_NONE };

static struct {
	enum net_kind kind;
	char tap_name[16];
	const char *fwd[MAX_FWD];
	unsigned nfwd;
	bool default_fwd;
	uint32_t ip, mask, gw, dns;
	bool have_fault;
	struct eth_fault_spec fault;
	uint8_t mac[6];
	bool tap_offload; /* --net tap:IF,offload=on|off (default on; off with --fault) */
} cfg = {NET_SLIRP, "", {NULL}, 0,     true,	      0,
	 0,	    0,	0,	false, {{0}, {0}, 0}, {0x02, 0x00, 0x4b, 0x53, 0x00, 0x02},
	 true};

static struct net_stack stack;
static struct netif eth0;
static struct eth_tap tap;
static struct eth_slirp slirp;
static struct eth_fault fault;
static struct dhcp_client dhcp;

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		return -1;
	}
	*out = ntohl(a.s_addr);
	return 0;
}

static int opt_net(const char *arg)
{
	char buf[512];
	char *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf)) {
		fprintf(stderr, "kestrel: --net: too long\n");
		return 1;
	}
	strcpy(buf, arg);
	tok = strtok_r(buf, ",", &save);
	if (tok == NULL) {
		goto bad;
	}
	if (strcmp(tok, "slirp") == 0) {
		cfg.kind = NET_SLIRP;
	} else if (strncmp(tok, "tap:", 4) == 0 && tok[4] != '\0' && strlen(tok + 4) < 16) {
		cfg.kind = NET_TAP;
		strcpy(cfg.tap_name, tok + 4);
	} else if (strcmp(tok, "none") == 0) {
		cfg.kind = NET_NONE;
	} else {
		goto bad;
	}
	cfg.nfwd = 0;
	cfg.default_fwd = cfg.kind == NET_SLIRP;
	cfg.tap_offload = true;
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		struct eth_slirp_fwd f;

		if (cfg.kind == NET_TAP && strncmp(tok, "offload=", 8) == 0) {
			if (strcmp(tok + 8, "on") != 0 && strcmp(tok + 8, "off") != 0) {
				goto bad;
			}
			cfg.tap_offload = strcmp(tok + 8, "on") == 0;
			continue;
		}
		if (cfg.kind != NET_SLIRP || strncmp(tok, "hostfwd=", 8) != 0 ||
		    cfg.nfwd == MAX_FWD || eth_slirp_fwd_parse(tok + 8, &f) != 0) {
			goto bad;
		}
		cfg.fwd[cfg.nfwd++] = strdup(tok + 8);
		cfg.default_fwd = false;
	}
	return 0;
bad:
	fprintf(stderr, "kestrel: --net takes slirp[,hostfwd=tcp:HOSTADDR:HOSTPORT-:DEVPORT]..., "
			"tap:IFNAME[,offload=on|off] or none\n");
	return 1;
}
HOSTED_OPTION(
	net, "--net slirp[,hostfwd=tcp:ADDR:PORT-:DEVPORT]... | tap:IFNAME[,offload=on|off] | none",
	"network link of eth0 (default: slirp, user-mode NAT without root, address\n"
	"by DHCP, forwarding 127.0.0.1:8080 to :80 and 127.0.0.1:2323 to :23;\n"
	"tap:IFNAME needs CAP_NET_ADMIN and creates the TAP if it does not exist;\n"
	"offload=on (default) lets the kernel complete checksums and cut and merge\n"
	"64 KiB TCP segments (virtio-net header); always off with --fault)",
	1, opt_net);

static int opt_ip(const char *arg)
{
	char buf[40];
	char *slash;
	long prefix = 24;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		prefix = strtol(slash + 1, NULL, 10);
	}
	if (parse_ip(buf, &cfg.ip) != 0 || prefix < 1 || prefix > 32) {
		fprintf(stderr, "kestrel: --ip takes ADDR/PREFIX, e.g. 10.0.0.2/24\n");
		return 1;
	}
	cfg.mask = prefix == 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> prefix);
	return 0;
}
HOSTED_OPTION(ip, "--ip ADDR/PREFIX", "static IPv4 address of eth0 (default: DHCP)", 1, opt_ip);

static int opt_gw(const char *arg)
{
	if (parse_ip(arg, &cfg.gw) != 0) {
		fprintf(stderr, "kestrel: --gw takes an IPv4 address\n");
		return 1;
	}
	return 0;
}
HOSTED_OPTION(gw, "--gw ADDR", "default gateway with --ip", 1, opt_gw);

static int opt_dns(const char *arg)
{
	if (parse_ip(arg, &cfg.dns) != 0) {
		fprintf(stderr, "kestrel: --dns takes an IPv4 address\n");
		return 1;
	}
	return 0;
}
HOSTED_OPTION(dns, "--dns ADDR", "DNS server with --ip (DHCP supplies one otherwise)", 1, opt_dns);

static int opt_fault(const char *arg)
{
	if (eth_fault_parse(arg, &cfg.fault) != 0) {
		fprintf(stderr, "kestrel: --fault: bad spec '%s' (see docs/drivers-eth.md)\n", arg);
		return 1;
	}
	cfg.have_fault = true;
	return 0;
}
HOSTED_OPTION(fault, "--fault SPEC",
	      "inject link faults on eth0, e.g. drop=5,reorder=5,dup=1,seed=7\n"
	      "(percentages; both directions unless prefixed tx: or rx:)",
	      1, opt_fault);

static void print_ip(const char *what, uint32_t ip)
{
	char b[16];
	os_printf("%s%s", what, net_ntoa(ip, b));
}

static void dhcp_event(void *ctx, struct netif *nif, enum dhcp_event ev)
{
	(void)ctx;
	if (ev == DHCP_EV_BOUND) {
		char a[16], g[16];
		os_printf("net: %s DHCP lease %s/%d gw %s (%u s)\n", nif->name,
			  net_ntoa(nif->ip, a), __builtin_popcount(nif->mask), net_ntoa(nif->gw, g),
			  (unsigned)dhcp.lease_s);
	} else if (ev == DHCP_EV_LOST) {
		os_printf("net: %s DHCP lease lost\n", nif->name);
	}
}

/* Runs in the network task. */
static int net_bringup(struct net_stack *st, void *arg)
{
	const struct eth_driver_ops *ops = cfg.kind == NET_TAP ? &eth_tap_ops : &eth_slirp_ops;
	void *drv = cfg.kind == NET_TAP ? (void *)&tap : (void *)&slirp;
	int rc;

	(void)arg;
	if (cfg.have_fault) {
		eth_fault_init(&fault, ops, drv, cfg.fault.seed);
		eth_fault_set(&fault, ETH_FAULT_TX, &cfg.fault.tx);
		eth_fault_set(&fault, ETH_FAULT_RX, &cfg.fault.rx);
		ops = &eth_fault_ops;
		drv = &fault;
	}
	rc = netif_add(st, &eth0, "eth0", cfg.mac, ops, drv);
	if (rc < 0) {
		return rc;
	}
	netif_set_default(st, &eth0);
	netif_set_up(&eth0, true);
	netif_set_link(&eth0, true);
	if (cfg.ip != 0) {
		netif_set_addr(&eth0, cfg.ip, cfg.mask, cfg.gw);
		if (cfg.dns != 0) {
			dns_set_server(st, 0, cfg.dns);
		}
		return 0;
	}
	return dhcp_start(st, &eth0, &dhcp, dhcp_event, NULL);
}

static int open_link(void)
{
	static const struct eth_rx_hook hook = {eth_fault_rx, &fault};
	int rc;

	if (cfg.kind == NET_TAP) {
		/* with faults, corrupted frames must meet real checksums: no offloads */
		unsigned flags = cfg.tap_offload && !cfg.have_fault ? ETH_TAP_F_OFFLOAD : 0;

		rc = eth_tap_open_flags(&tap, cfg.tap_name, flags);
		if (rc == 0 && cfg.have_fault) {
			eth_tap_set_rx_hook(&tap, &hook);
		}
		return rc;
	}
	rc = eth_slirp_init(&slirp);
	if (rc < 0) {
		return rc;
	}
	if (cfg.default_fwd) {
		if (eth_slirp_add_hostfwd(&slirp, "tcp:127.0.0.1:8080-:80") < 0 ||
		    eth_slirp_add_hostfwd(&slirp, "tcp:127.0.0.1:2323-:23") < 0) {
			os_printf("net: warning: default port forwards 8080/2323 unavailable\n");
		}
	}
	for (unsigned i = 0; i < cfg.nfwd; i++) {
		if (eth_slirp_add_hostfwd(&slirp, cfg.fwd[i]) < 0) {
			os_printf("net: warning: hostfwd %s failed (port in use?)\n", cfg.fwd[i]);
		}
	}
	if (cfg.have_fault) {
		eth_slirp_set_rx_hook(&slirp, &hook);
	}
	return 0;
}

static void net_start(void)
{
	int rc;

	if (cfg.kind == NET_NONE) {
		return;
	}
	rc = net_task_start(&stack);
	if (rc == 0) {
		rc = open_link();
	}
	if (rc < 0) {
		os_printf("net: cannot open %s%s: error %d%s\n",
			  cfg.kind == NET_TAP ? "tap:" : "slirp", cfg.tap_name, rc,
			  rc == -EPERM || rc == -EACCES ? " (TAP needs root/CAP_NET_ADMIN)" : "");
		return;
	}
	rc = net_call(net_bringup, NULL);
	if (rc == -EADDRINUSE) {
		os_printf("net: a forwarded host port is in use; pick others with\n"
			  "     --net slirp,hostfwd=tcp:127.0.0.1:PORT-:80,...\n");
		return;
	}
	if (rc < 0) {
		os_printf("net: eth0 bring-up failed: error %d\n", rc);
		return;
	}
	if (hosted_quiet()) {
		return;
	}
	os_printf("net: eth0 %02x:%02x:%02x:%02x:%02x:%02x on %s%s%s, link up\n", cfg.mac[0],
		  cfg.mac[1], cfg.mac[2], cfg.mac[3], cfg.mac[4], cfg.mac[5],
		  cfg.kind == NET_TAP ? "tap " : "libslirp (10.0.2.0/24 NAT)", cfg.tap_name,
		  cfg.kind != NET_TAP	  ? ""
		  : eth_tap_offload(&tap) ? " (offloads: checksum, TSO, LRO)"
					  : " (no offloads)");
	if (cfg.ip != 0) {
		print_ip("net: eth0 ", cfg.ip);
		os_printf("/%d", __builtin_popcount(cfg.mask));
		if (cfg.gw != 0) {
			print_ip(" gw ", cfg.gw);
		}
		os_printf(" (static)\n");
	} else {
		os_printf("net: eth0 DHCP discovering...\n");
	}
}
HOSTED_SERVICE(net, 10, net_start);
