/*
 * The network shell commands, run with shell_exec_line() into a capture
 * buffer: ifconfig (show, address, up/down, privileges), route, arp,
 * netstat, ping over loopback and to an unreachable host, nslookup, and
 * ntpdate against a small SNTP server on 127.0.0.1:123.
 */
#include "sock_test.h"

#include <stdlib.h>

#include <kestrel/os/shell.h>

static char out[8192];
static size_t out_len;
static struct shell sh;
static struct netif eth0;

static void cap_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n < sizeof(out)) {
		memcpy(out + out_len, s, n);
		out_len += n;
		out[out_len] = '\0';
	}
}

static int run(const char *line)
{
	out_len = 0;
	out[0] = '\0';
	return shell_exec_line(&sh, line);
}

#define KT_HAS(needle) KT_CONTAINS(out, needle)

/* A driver that accepts and drops every frame: nobody answers on eth0. */
static int drop_output(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	(void)p;
	return 0;
}

static const struct eth_driver_ops drop_ops = {NULL, drop_output, NULL, NULL};

static int add_eth0(struct net_stack *st, void *arg)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

	(void)arg;
	return netif_add(st, &eth0, "eth0", mac, &drop_ops, NULL);
}

static void setup(void)
{
	shell_init(&sh, cap_write, NULL);
	shell_set_privileged(&sh, true);
	if (net_call(add_eth0, NULL) != 0) {
		printf("cannot add eth0\n");
	}
}

static void ifconfig_show_and_set(void)
{
	KT_EQ(run("ifconfig"), 0);
	KT_HAS("lo: flags=<UP,LOOPBACK,RUNNING> mtu 1500\n");
	KT_HAS("        inet 127.0.0.1  netmask 255.0.0.0\n");
	KT_HAS("eth0: flags=<DOWN,RUNNING> mtu 1500"); /* no link_up op: carrier */
	KT_HAS("ether 02:00:5e:10:00:01");
	KT_HAS("RX packets 0  bytes 0  dropped 0  errors 0");
	KT_EQ(run("ifconfig eth0 10.0.2.15/24 gw 10.0.2.2"), 0);
	KT_EQ(run("ifconfig eth0 up"), 0);
	KT_EQ(run("ifconfig eth0"), 0);
	KT_HAS("eth0: flags=<UP,RUNNING> mtu 1500\n");
	KT_HAS("inet 10.0.2.15  netmask 255.255.255.0  gateway 10.0.2.2\n");
	KT_ASSERT(strstr(out, "lo:") == NULL);
	KT_EQ(run("ifconfig eth1"), -ENODEV);
	KT_HAS("ifconfig: eth1: no such interface");
	KT_EQ(run("ifconfig eth0 10.0.2/24"), -EINVAL);
	KT_HAS("usage: ifconfig");
	shell_set_privileged(&sh, false);
	KT_EQ(run("ifconfig eth0 down"), -EACCES);
	KT_EQ(run("route add default gw 10.0.2.2"), -EACCES);
	KT_EQ(run("ntpdate 127.0.0.1"), -EACCES);
	KT_EQ(run("ifconfig eth0"), 0); /* showing needs no privilege */
	shell_set_privileged(&sh, true);
}

static void route_table(void)
{
	KT_EQ(run("route add default gw 10.0.2.2"), 0);
	KT_EQ(run("route"), 0);
	KT_HAS("Destination     Gateway         Genmask         Flags Iface\n");
	KT_HAS("0.0.0.0         10.0.2.2        0.0.0.0         UG    eth0\n");
	KT_HAS("10.0.2.0        0.0.0.0         255.255.255.0   U     eth0\n");
	KT_EQ(run("route add default gw 192.168.9.1"), -ENETUNREACH);
	KT_EQ(run("route add default 10.0.2.2"), -EINVAL);
}

static void ping_loopback(void)
{
	KT_EQ(run("ping 127.0.0.1 -c 3 -i 100 -s 100"), 0);
	KT_HAS("PING 127.0.0.1 (127.0.0.1) 100(128) bytes of data.\n");
	KT_HAS("108 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=");
	KT_HAS("icmp_seq=3 ");
	KT_HAS("--- 127.0.0.1 ping statistics ---\n");
	KT_HAS("3 packets transmitted, 3 received, 0% packet loss, time ");
	KT_HAS("rtt min/avg/max = ");
	KT_EQ(run("ping"), -EINVAL);
	KT_EQ(run("ping 127.0.0.1 -c 0"), -EINVAL);
}

static void ping_unreachable_and_arp(void)
{
	/* nobody answers ARP on eth0: every request times out */
	KT_EQ(run("ping 10.0.2.99 -c 2 -i 100"), -EHOSTUNREACH);
	KT_HAS("2 packets transmitted, 0 received, 100% packet loss");
	KT_EQ(run("arp"), 0);
	KT_HAS("Address         HWaddress         State    Iface  Age(s)\n");
	KT_HAS("10.0.2.99       00:00:00:00:00:00 pending  eth0");
}

static void netstat_lists(void)
{
	int lfd = st_listen(7500, 1);
	int u = st_udp(7501);

	KT_ASSERT(lfd >= 0 && u >= 0);
	KT_EQ(run("netstat"), 0);
	KT_HAS("Proto Local Address          Foreign Address        State       ");
	KT_HAS("tcp   127.0.0.1:7500         *:*                    LISTEN");
	KT_HAS("udp   127.0.0.1:7501         *:*");
	KT_HAS("Tcp: ");
	KT_HAS("Pbufs: ");
	KT_HAS("Sockets: 2/");
	KT_EQ(run("netstat -s"), 0);
	KT_ASSERT(strstr(out, "LISTEN") == NULL);
	KT_EQ(run("netstat -x"), -EINVAL);
	net_close(lfd);
	net_close(u);
}

static void nslookup_cases(void)
{
	KT_EQ(run("nslookup 192.0.2.7"), 0);
	KT_HAS("Name:\t192.0.2.7\nAddress: 192.0.2.7\n");
	/* no name server configured */
	KT_EQ(run("nslookup example.com"), -EHOSTUNREACH);
	KT_HAS("Server:\t\t(none)");
	KT_EQ(run("nslookup"), -EINVAL);
}

/* ---- SNTP server on loopback ---- */

#define NTP_2030 4102444800u /* 2030-01-01T00:00:00Z in NTP seconds */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void sntp_server(void *arg)
{
	int *fdp = arg;
	uint8_t req[68], rep[48];
	struct net_sockaddr_in from;
	int n = net_recvfrom(*fdp, req, sizeof(req), 0, &from);

	if (n < 48) {
		return;
	}
	memset(rep, 0, sizeof(rep));
	rep[0] = (0 << 6) | (4 << 3) | 4; /* LI 0, VN 4, mode 4 (server) */
	rep[1] = 2;			  /* stratum */
	memcpy(rep + 12, "GPS\0", 4);
	put32(rep + 16, NTP_2030);
	memcpy(rep + 24, req + 40, 8); /* originate = the client's transmit */
	put32(rep + 32, NTP_2030);
	put32(rep + 40, NTP_2030);
	(void)net_sendto(*fdp, rep, sizeof(rep), 0, &from);
}

static void ntpdate_sets_clock(void)
{
	int fd = st_udp(123);
	int64_t now;

	KT_ASSERT(fd >= 0);
	st_spawn(0, sntp_server, &fd);
	KT_EQ(run("ntpdate 127.0.0.1"), 0);
	KT_HAS("ntpdate: adjust time server 127.0.0.1 stratum 2 offset ");
	KT_HAS(" offset +18934559"); /* the virtual clock starts near 1970 */
	now = os_wallclock_ns() / 1000000000;
	KT_ASSERT(now >= 1893456000 - 1 && now < 1893456000 + 5);
	KT_EQ(st_join(0, 1000), 0);
	net_close(fd);
	/* nobody listening on 127.0.0.2:123 -> no reply */
	KT_EQ(run("ntpdate 127.0.0.2"), -ETIMEDOUT);
	KT_HAS("no server suitable");
}

static const struct kt_case cases[] = {
	KT_CASE(ifconfig_show_and_set),	   KT_CASE(route_table),   KT_CASE(ping_loopback),
	KT_CASE(ping_unreachable_and_arp), KT_CASE(netstat_lists), KT_CASE(nslookup_cases),
	KT_CASE(ntpdate_sets_clock),
};

SOCK_TEST_MAIN("net_shell", cases, setup)
