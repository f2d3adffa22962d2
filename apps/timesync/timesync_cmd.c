/*
 * The `timesync` shell command: status (servers, last sync, offset, stratum,
 * next attempt), `timesync now` and `timesync server NAME...`. Showing needs
 * nothing; the two that change the device need a privileged shell (the
 * console, or a logged-in telnet session), as `date -s` does.
 */
#include <string.h>

#include <kestrel/apps/timesync.h>
#include <kestrel/lib/timeconv.h>
#include <kestrel/net/stack.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

/* Longest `timesync now` waits: every server resolved and asked, plus slack. */
#define NOW_WAIT_MS                                                                            \
	(CONFIG_TIMESYNC_SERVERS * (CONFIG_TIMESYNC_RESOLVE_MS + CONFIG_TIMESYNC_TIMEOUT_MS) + \
	 2000u)

/* "+1.000250 s" from microseconds. */
static void print_us(struct shell *sh, const char *sign, int64_t us)
{
	uint64_t a = (uint64_t)(us < 0 ? -us : us);

	shell_printf(sh, "%s%llu.%06llu s", us < 0 ? "-" : sign, (unsigned long long)(a / 1000000u),
		     (unsigned long long)(a % 1000000u));
}

static void print_servers(struct shell *sh, const struct timesync_status *s)
{
	char ip[16];

	if (s->servers[0] != '\0') {
		shell_printf(sh, "  servers:   %s (configured)\n", s->servers);
	} else if (s->dhcp_server != 0) {
		shell_printf(sh, "  servers:   %s (DHCP option 42)\n",
			     net_ntoa(s->dhcp_server, ip));
	} else {
		shell_puts(sh, "  servers:   none (set one with 'timesync server NAME' or --ntp;"
			       " DHCP gave none)\n");
	}
}

static void print_last(struct shell *sh, const struct timesync_status *s)
{
	char when[40], ip[16];
	uint64_t ago = (os_time_ns() / 1000000u - s->last_sync_ms) / 1000u;

	if (s->last_sync_ns == 0) {
		shell_puts(sh, "  last sync: never\n");
		return;
	}
	if (tc_format_iso8601_off(when, sizeof(when), s->last_sync_ns / TC_NS_PER_SEC, 0, 0,
				  os_tz_offset_min()) < 0) {
		strcpy(when, "?");
	}
	(void)net_ntoa(s->server_addr, ip);
	shell_printf(sh, "  last sync: %s (%llu s ago) from %s", when, (unsigned long long)ago,
		     s->server);
	if (strcmp(s->server, ip) != 0) {
		shell_printf(sh, " (%s)", ip);
	}
	shell_printf(sh, ", stratum %u\n  offset:    ", (unsigned)s->stratum);
	print_us(sh, "+", s->offset_us);
	shell_puts(sh, ", round trip ");
	print_us(sh, "", s->delay_us);
	shell_puts(sh, "\n");
}

/* When the next attempt comes (nothing while one runs or the service is stopped). */
static void print_next(struct shell *sh, const struct timesync_status *s)
{
	switch (s->state) {
	case TSYNC_SYNCED:
		shell_printf(sh, "  next:      in %u s (every %u s)\n",
			     (unsigned)((s->next_in_ms + 999u) / 1000u),
			     (unsigned)(s->period_ms / 1000u));
		break;
	case TSYNC_BACKOFF:
		shell_printf(sh, "  next:      retry in %u s\n",
			     (unsigned)((s->next_in_ms + 999u) / 1000u));
		break;
	case TSYNC_WAIT_NET:
		shell_puts(sh, "  next:      as soon as a server is reachable\n");
		break;
	case TSYNC_IDLE:
		shell_puts(sh, "  next:      when there is a server\n");
		break;
	default:
		break;
	}
}

static void print_status(struct shell *sh)
{
	struct timesync_status s;

	timesync_get_status(&s);
	shell_printf(sh, "timesync: %s\n",
		     s.busy ? "asking the servers now" : tsync_state_name(s.state));
	print_servers(sh, &s);
	print_last(sh, &s);
	if (s.last_error < 0) {
		shell_printf(sh, "  last try:  failed, %s\n", shell_strerror(s.last_error));
	}
	if (!s.busy) {
		print_next(sh, &s);
	}
	shell_printf(sh, "  attempts:  %u synced, %u failed\n", (unsigned)s.syncs,
		     (unsigned)s.failures);
}

static int cmd_now(struct shell *sh)
{
	int rc = timesync_sync_now(NOW_WAIT_MS);

	if (rc == -ENOENT) {
		shell_puts(sh, "timesync: no NTP server (--ntp, 'timesync server NAME' or DHCP)\n");
	} else if (rc == -ENETUNREACH) {
		shell_puts(sh, "timesync: no route to the server yet\n");
	} else if (rc == -ENOTCONN) {
		shell_puts(sh, "timesync: the service is not running\n");
	} else if (rc < 0) {
		shell_printf(sh, "timesync: no server answered (%s)\n", shell_strerror(rc));
	}
	print_status(sh);
	return rc;
}

/* `timesync server a b,c`: the words joined by commas; "dhcp" forgets them. */
static int cmd_server(struct shell *sh, int argc, char **argv)
{
	char list[CONFIG_TIMESYNC_SERVERS * CONFIG_TIMESYNC_NAME_MAX];
	size_t len = 0;
	int rc;

	if (argc == 2 && strcmp(argv[1], "dhcp") == 0) {
		list[0] = '\0';
	} else {
		for (int i = 1; i < argc; i++) {
			size_t n = strlen(argv[i]);

			if (len + n + 2 > sizeof(list)) {
				shell_printf(sh, "timesync: at most %d servers of %d characters\n",
					     CONFIG_TIMESYNC_SERVERS, CONFIG_TIMESYNC_NAME_MAX - 1);
				return -EMSGSIZE;
			}
			if (i > 1) {
				list[len++] = ',';
			}
			memcpy(list + len, argv[i], n + 1);
			len += n;
		}
	}
	rc = timesync_set_servers(list);
	if (rc == 0) {
		shell_printf(sh, "timesync: servers %s; syncing now\n",
			     list[0] != '\0' ? list : "from DHCP (option 42)");
	} else if (rc == -EINVAL) {
		shell_printf(sh, "timesync: bad server list '%s'\n", list);
	} else if (rc == -EMSGSIZE) {
		shell_printf(sh, "timesync: at most %d servers of %d characters\n",
			     CONFIG_TIMESYNC_SERVERS, CONFIG_TIMESYNC_NAME_MAX - 1);
	}
	return rc;
}

static int cmd_timesync(struct shell *sh, int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "status") == 0)) {
		print_status(sh);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		return shell_is_privileged(sh) ? cmd_now(sh) : -EACCES;
	}
	if (argc >= 3 && strcmp(argv[1], "server") == 0) {
		return shell_is_privileged(sh) ? cmd_server(sh, argc - 1, argv + 1) : -EACCES;
	}
	shell_puts(sh, "usage: timesync [status | now | server NAME[,NAME...] | server dhcp]\n");
	return -EINVAL;
}

SHELL_CMD(timesync, cmd_timesync,
	  "keep the clock set from NTP servers (SNTP)\n"
	  "usage: timesync [status | now | server NAME[,NAME...] | server dhcp]\n"
	  "  status  servers, last sync, offset, stratum, next attempt (the default)\n"
	  "  now     sync at once and wait for the result (privileged)\n"
	  "  server  use these servers, names or addresses (privileged); 'dhcp'\n"
	  "          goes back to the lease's (DHCP option 42), else none\n"
	  "Syncs at boot once the network is up, then every period (default 1 h);\n"
	  "after a failure it retries in 5 s, doubling up to the period.",
	  0);
