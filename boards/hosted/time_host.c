/*
 * Time of the hosted device: the --tz option (the device's UTC offset, see
 * os_tz_offset_min()), the --ntp / --ntp-period options, and start-up of
 * the timesync service after the network (HOSTED_SERVICE order 40).
 *
 * Without --ntp the service uses the NTP server of the DHCP lease (option
 * 42) once there is one; under libslirp (`make run`) there is none, so it
 * stays idle and `timesync` says so. docs/time.md.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/lib/timeconv.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include "board_hosted.h"

#ifdef KESTREL_HAVE_TIMESYNC
#include <kestrel/apps/timesync.h>
#include <kestrel/net/nettask.h>
#endif

static int opt_tz(const char *arg)
{
	int off = 0;

	if (strcmp(arg, "UTC") != 0 && strcmp(arg, "0") != 0 &&
	    tc_parse_utc_offset(arg, strlen(arg), &off) < 0) {
		off = OS_TZ_OFFSET_MAX_MIN + 1;
	}
	if (os_tz_set_offset_min(off) < 0) {
		fprintf(stderr, "kestrel: --tz takes an offset from UTC within -14:00..+14:00, "
				"e.g. +05:30, -0800 or UTC\n");
		return 1;
	}
	return 0;
}
HOSTED_OPTION(tz, "--tz OFFSET",
	      "time zone as a fixed offset from UTC, e.g. +05:30, -08:00 or UTC (default);\n"
	      "'date' shows local time with it, 'tz' changes it at run time",
	      1, opt_tz);

#ifdef KESTREL_HAVE_TIMESYNC
static char ntp_list[CONFIG_TIMESYNC_SERVERS * CONFIG_TIMESYNC_NAME_MAX];
static unsigned long ntp_period_s;

static int opt_ntp(const char *arg)
{
	char names[CONFIG_TIMESYNC_SERVERS][CONFIG_TIMESYNC_NAME_MAX];
	char list[sizeof(ntp_list)];
	int n;

	/* repeated options add to the list */
	n = snprintf(list, sizeof(list), "%s%s%s", ntp_list, ntp_list[0] ? "," : "", arg);
	if (n < 0 || (size_t)n >= sizeof(list)) {
		n = -EMSGSIZE;
	} else {
		n = tsync_parse_servers(list, names, CONFIG_TIMESYNC_SERVERS);
	}
	if (n < 0) {
		fprintf(stderr,
			"kestrel: --ntp takes host names or IPv4 addresses, comma-separated or "
			"repeated, at most %d of %d characters\n",
			CONFIG_TIMESYNC_SERVERS, CONFIG_TIMESYNC_NAME_MAX - 1);
		return 1;
	}
	strcpy(ntp_list, list);
	return 0;
}
HOSTED_OPTION(ntp, "--ntp SERVER[,SERVER...]",
	      "NTP servers (names or addresses; the option may repeat) that the timesync\n"
	      "service keeps the clock set from: at boot once the network is up, then every\n"
	      "--ntp-period; default: the DHCP lease's NTP server (option 42), else none",
	      1, opt_ntp);

static int opt_ntp_period(const char *arg)
{
	char *end;

	ntp_period_s = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || ntp_period_s < TIMESYNC_PERIOD_MIN_S ||
	    ntp_period_s > TIMESYNC_PERIOD_MAX_S) {
		fprintf(stderr, "kestrel: --ntp-period takes seconds, %d..%d\n",
			TIMESYNC_PERIOD_MIN_S, TIMESYNC_PERIOD_MAX_S);
		return 1;
	}
	return 0;
}
/* Explicit registration: the option's name has a '-' (see apps_host.c). */
static const struct hosted_option hosted_opt_ntp_period
	__attribute__((used, section("hosted_opts"), aligned(sizeof(void *)))) = {
		"ntp-period", "--ntp-period SECONDS",
		"time between syncs (default 3600; retries after a failure start at 5 s\n"
		"and double up to it)",
		1, opt_ntp_period};

static void time_start(void)
{
	struct timesync_config cfg = {ntp_list, (uint32_t)ntp_period_s, !hosted_quiet()};
	int tz = os_tz_offset_min(), rc;
	unsigned a = (unsigned)(tz < 0 ? -tz : tz);

	if (net_task_stack() == NULL) {
		return; /* --net none */
	}
	rc = timesync_start(&cfg);
	if (rc < 0) {
		os_printf("timesync: cannot start (error %d)\n", rc);
		return;
	}
	if (hosted_quiet()) {
		return;
	}
	if (ntp_list[0] != '\0') {
		os_printf("timesync: SNTP from %s every %lu s", ntp_list,
			  ntp_period_s ? ntp_period_s : (unsigned long)CONFIG_TIMESYNC_PERIOD_S);
	} else {
		os_printf("timesync: no NTP server yet (DHCP option 42, --ntp, 'timesync server')");
	}
	os_printf("; time zone UTC%c%02u:%02u\n", tz < 0 ? '-' : '+', a / 60u, a % 60u);
}
HOSTED_SERVICE(timesync, 40, time_start);
#endif
