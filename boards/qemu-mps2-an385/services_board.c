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
#include <kestrel/os/console.h>

#include "board.h"
#include "board_provision.h" /* BOARD_TELNET_HASH, generated from KESTREL_TELNET_HASH */

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
	httpd_set_net_counters_hook(httpd_stack_counters);
	report("httpd", httpd_start(NULL), "status page on port 80");
	telnet_start();
	report("iperf", iperf_start(0), "iperf3 server on port 5201");
	/* QEMU's -nic user hands out no NTP server: idle until 'timesync server' */
	report("timesync", timesync_start(NULL), "clock from the DHCP lease's NTP server, if any");
}
