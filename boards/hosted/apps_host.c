/*
 * Network services of the hosted device, started after the network
 * (HOSTED_SERVICE order 30): inetd (echo/discard/chargen), the web server
 * with the status page, telnet, and the iperf3 server. Each app is compiled
 * in only when its library is part of the build (KESTREL_HAVE_* from
 * boards/hosted/CMakeLists.txt).
 *
 * Telnet logins need a provisioned password: `passwd` at the console, or
 * --telnet-hash-file FILE holding a hash that `passwd --hash` printed.
 * There is no default password.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <kestrel/net/nettask.h>
#include <kestrel/os/console.h>

#include "board_hosted.h"

#ifdef KESTREL_HAVE_INETD
#include <kestrel/apps/inetd.h>
#endif
#ifdef KESTREL_HAVE_HTTPD
#include <kestrel/apps/httpd.h>
#endif
#ifdef KESTREL_HAVE_TELNETD
#include <kestrel/apps/telnetd.h>
#endif
#ifdef KESTREL_HAVE_IPERF
#include <kestrel/apps/iperf.h>
#endif

static char telnet_hash[256];

static int opt_telnet_hash(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	n = fread(telnet_hash, 1, sizeof(telnet_hash) - 1, f);
	fclose(f);
	while (n > 0 && (telnet_hash[n - 1] == '\n' || telnet_hash[n - 1] == '\r')) {
		n--;
	}
	telnet_hash[n] = '\0';
	return 0;
}
/*
 * HOSTED_OPTION() names the option after its C identifier ("telnet_hash_file"),
 * which cannot hold the '-' of "--telnet-hash-file" the help text promises;
 * the same registration with an explicit name (as mctp_host.c does).
 */
static const struct hosted_option hosted_opt_telnet_hash_file
	__attribute__((used, section("hosted_opts"), aligned(sizeof(void *)))) = {
		"telnet-hash-file", "--telnet-hash-file FILE",
		"provision the telnet password from a hash (the line 'passwd --hash'\n"
		"prints on the console); without it, set one with 'passwd' first",
		1, opt_telnet_hash};

static void apps_start(void)
{
	bool q = hosted_quiet();

	if (net_task_stack() == NULL) {
		return;
	}
#ifdef KESTREL_HAVE_INETD
	if (inetd_start() == 0 && !q) {
		os_printf("inetd: echo, discard, chargen on tcp+udp 7, 9, 19\n");
	}
#endif
#ifdef KESTREL_HAVE_HTTPD
	httpd_set_net_counters_hook(httpd_stack_counters);
	if (httpd_start(NULL) == 0 && !q) {
		os_printf("httpd: status page on port 80\n");
	}
#endif
#ifdef KESTREL_HAVE_TELNETD
	if (telnet_hash[0] != '\0' && telnetd_set_password_hash(telnet_hash) < 0) {
		os_printf("telnetd: bad --telnet-hash-file contents, ignored\n");
	}
	if (telnetd_start(NULL) == 0 && !q) {
		os_printf("telnetd: shell on port 23 (%s)\n",
			  telnetd_password_set() ? "password provisioned"
						 : "no password yet: run 'passwd' here");
	}
#endif
#ifdef KESTREL_HAVE_IPERF
	if (iperf_start(0) == 0 && !q) {
		os_printf("iperf: iperf3 server on port 5201\n");
	}
#endif
}
HOSTED_SERVICE(apps, 30, apps_start);
