/*
 * Network services of qemu-mps2-an385, started by the init task once eth0
 * is up (DHCP may still be running: every listener binds to any address):
 *
 *   inetd    echo, discard, chargen on tcp+udp 7, 9, 19
 *   httpd    the status page and /api/status on port 80
 *   telnetd  the shell on port 23, after a login
 *   iperf    an iperf3 server on port 5201
 *   timesync SNTP from the DHCP lease's NTP server (option 42), if any
 *
 * The same set as the hosted device (boards/hosted/apps_host.c); the wget,
 * datalink and ramfs libraries linked with them only add shell commands.
 *
 * Telnet logins need a provisioned password: `passwd` at the console, or
 * the build option KESTREL_TELNET_HASH (what `passwd --hash` prints),
 * applied here at boot. There is no default password (docs/qemu.md).
 */
#include <kestrel/apps/httpd.h>
#include <kestrel/apps/inetd.h>
#include <kestrel/apps/iperf.h>
#include <kestrel/apps/telnetd.h>
#include <kestrel/apps/timesync.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/console.h>

#include "board.h"
#include "board_provision.h" /* BOARD_TELNET_HASH, generated from KESTREL_TELNET_HASH */

struct counters_req {
	struct httpd_counter *out;
	int max;
};

/* Runs in the network task: copies the stack's counters for /api/status. */
static int counters_in_net(struct net_stack *st, void *arg)
{
	struct counters_req *r = arg;
	struct net_stats s;
	const struct {
		const char *name;
		const uint32_t *v;
	} rows[] = {
		{"eth_rx", &s.eth_rx},	 {"ip_rx", &s.ip_rx},	    {"ip_tx", &s.ip_tx},
		{"ip_drop", &s.ip_drop}, {"icmp_rx", &s.icmp_rx},   {"udp_rx", &s.udp_rx},
		{"udp_tx", &s.udp_tx},	 {"reass_ok", &s.reass_ok},
	};
	int n = 0;

	net_get_stats(st, &s);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && n < r->max; i++, n++) {
		r->out[n].name = rows[i].name;
		r->out[n].value = *rows[i].v;
	}
	return n;
}

/* httpd's counters hook, called on the server task. */
static int net_counters(struct httpd_counter *out, int max)
{
	struct counters_req r = {out, max};

	return net_call(counters_in_net, &r);
}

/* Prints what a service's start returned: its line, or why it is not running. */
static void report(const char *name, int rc, const char *what)
{
	if (rc == 0) {
		os_printf("%s: %s\n", name, what);
	} else {
		os_printf("%s: not started (error %d)\n", name, rc);
	}
}

static void telnet_start(void)
{
	static const char hash[] = BOARD_TELNET_HASH;
	int rc;

	if (hash[0] != '\0' && telnetd_set_password_hash(hash) < 0) {
		os_printf("telnetd: KESTREL_TELNET_HASH is not a 'passwd --hash' line, ignored\n");
	}
	rc = telnetd_start(NULL);
	report("telnetd", rc,
	       telnetd_password_set() ? "shell on port 23 (password provisioned)"
				      : "shell on port 23 (no password yet: run 'passwd' here)");
}

void board_services_start(void)
{
	report("inetd", inetd_start(), "echo, discard, chargen on tcp+udp 7, 9, 19");
	httpd_set_net_counters_hook(net_counters);
	report("httpd", httpd_start(NULL), "status page on port 80");
	telnet_start();
	report("iperf", iperf_start(0), "iperf3 server on port 5201");
	/* QEMU's -nic user hands out no NTP server: idle until 'timesync server' */
	report("timesync", timesync_start(NULL), "clock from the DHCP lease's NTP server, if any");
}
