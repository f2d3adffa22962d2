/*
 * timesync: keeps the wall clock (os_wallclock_ns()) set from NTP servers
 * with SNTP (RFC 4330): once the network is up at boot, then every period
 * (default 1 h), retrying after a failure with a back-off that starts at
 * 5 s and doubles up to the period.
 *
 * Servers, in this order of preference:
 *   1. a configured list (names or dotted quads; names go through the DNS
 *      resolver): timesync_config.servers, timesync_set_servers(), the
 *      hosted --ntp option, `timesync server NAME`;
 *   2. otherwise the NTP server of the DHCP lease (option 42);
 *   3. otherwise none: the service idles and says so in its status.
 * One attempt asks each server in turn (starting with the one that answered
 * last) until one answers; the clock is then stepped by the measured offset.
 *
 * Pure parts (apps/timesync/tsync_core.c): the schedule (when to try, the
 * back-off), the server-list parser and the evaluation of a reply. Glue
 * (timesync.c, timesync_cmd.c): the task, the UDP exchange over the socket
 * API, the status and the `timesync` command. docs/time.md has the rest.
 */
#ifndef KESTREL_APPS_TIMESYNC_H
#define KESTREL_APPS_TIMESYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* Time between syncs (s). RFC 4330 §10: no more often than every 15 s. */
#ifndef CONFIG_TIMESYNC_PERIOD_S
#define CONFIG_TIMESYNC_PERIOD_S 3600
#endif
/* First retry after a failed attempt (ms); doubles up to the period. */
#ifndef CONFIG_TIMESYNC_RETRY_MS
#define CONFIG_TIMESYNC_RETRY_MS 5000
#endif
/* How long one server gets to answer (ms). */
#ifndef CONFIG_TIMESYNC_TIMEOUT_MS
#define CONFIG_TIMESYNC_TIMEOUT_MS 2000
#endif
/* How long a name lookup may take (ms). */
#ifndef CONFIG_TIMESYNC_RESOLVE_MS
#define CONFIG_TIMESYNC_RESOLVE_MS 5000
#endif
/* While idle or waiting for the network: how often to look again (ms). */
#ifndef CONFIG_TIMESYNC_POLL_MS
#define CONFIG_TIMESYNC_POLL_MS 1000
#endif
/* Configured servers, and the longest name (with its NUL). */
#ifndef CONFIG_TIMESYNC_SERVERS
#define CONFIG_TIMESYNC_SERVERS 3
#endif
#ifndef CONFIG_TIMESYNC_NAME_MAX
#define CONFIG_TIMESYNC_NAME_MAX 64
#endif
/* Task priority and stack. */
#ifndef CONFIG_TIMESYNC_PRIO
#define CONFIG_TIMESYNC_PRIO 19
#endif
#ifndef CONFIG_TIMESYNC_STACK
#define CONFIG_TIMESYNC_STACK 2048
#endif

#define TIMESYNC_PERIOD_MIN_S 15
#define TIMESYNC_PERIOD_MAX_S 1000000 /* ~11.5 days: every delay fits 32-bit ms */

_Static_assert(CONFIG_TIMESYNC_PERIOD_S >= TIMESYNC_PERIOD_MIN_S &&
		       CONFIG_TIMESYNC_PERIOD_S <= TIMESYNC_PERIOD_MAX_S,
	       "timesync period 15 s .. ~11 days");
_Static_assert(CONFIG_TIMESYNC_RETRY_MS >= 100 &&
		       CONFIG_TIMESYNC_RETRY_MS <= CONFIG_TIMESYNC_PERIOD_S * 1000LL,
	       "timesync retry within the period");
_Static_assert(CONFIG_TIMESYNC_SERVERS >= 1 && CONFIG_TIMESYNC_SERVERS <= 8, "1..8 servers");
_Static_assert(CONFIG_TIMESYNC_NAME_MAX >= 16 && CONFIG_TIMESYNC_NAME_MAX <= 256,
	       "timesync name length");

/* ---- schedule (pure) ------------------------------------------------------ */

enum tsync_state {
	TSYNC_IDLE = 0, /* no server known: nothing to do */
	TSYNC_WAIT_NET, /* an attempt is due, but there is no route to any server yet */
	TSYNC_SYNCED,	/* the last attempt set the clock; next one after the period */
	TSYNC_BACKOFF,	/* the last attempt failed; next one after the retry delay */
	TSYNC_STOPPED,	/* (status only) the service is not running */
};

struct tsync_sched {
	uint32_t period_ms;    /* between successful syncs */
	uint32_t retry_min_ms; /* first retry delay */
	uint32_t retry_ms;     /* delay after the next failure */
	uint64_t next_ms;      /* monotonic ms of the next attempt */
	uint8_t state;	       /* enum tsync_state */
	uint32_t syncs, failures;
};

enum tsync_action { TSYNC_ACT_WAIT = 0, TSYNC_ACT_SYNC };

/* Starts idle with an attempt due at once (when a server and a route exist). */
void tsync_sched_init(struct tsync_sched *s, uint32_t period_ms, uint32_t retry_min_ms,
		      uint64_t now_ms);

/*
 * What to do at now_ms: TSYNC_ACT_SYNC when an attempt is due, there is a
 * server and a route to it; otherwise TSYNC_ACT_WAIT and *wait_ms, how long
 * to sleep before asking again (at most CONFIG_TIMESYNC_POLL_MS while idle
 * or waiting for the network). A server appearing (IDLE -> have_server)
 * makes an attempt due at once.
 */
enum tsync_action tsync_sched_poll(struct tsync_sched *s, uint64_t now_ms, bool have_server,
				   bool net_up, uint32_t *wait_ms);

/*
 * An attempt ended: ok sets the next one a period away and resets the
 * back-off; a failure sets it retry_ms away and doubles retry_ms up to the
 * period.
 */
void tsync_sched_done(struct tsync_sched *s, uint64_t now_ms, bool ok);

/* Makes an attempt due at once (`timesync now`, new servers). */
void tsync_sched_kick(struct tsync_sched *s, uint64_t now_ms);

const char *tsync_state_name(uint8_t state);

/* ---- server list and replies (pure) ----------------------------------------- */

/*
 * Splits "a,b c" (commas and/or blanks) into host names or dotted quads of
 * letters, digits, '.', '-' and '_'. Returns the number of names (1..max).
 * @retval -EINVAL empty list, empty name or another character
 * @retval -EMSGSIZE more than max names, or a name of CONFIG_TIMESYNC_NAME_MAX
 *         characters or more
 */
int tsync_parse_servers(const char *list, char names[][CONFIG_TIMESYNC_NAME_MAX], int max);

/* NTP timestamp (RFC 5905 §6: seconds since 1900 . 32-bit fraction) of Unix ns. */
uint64_t tsync_ntp_from_ns(int64_t unix_ns);

struct tsync_reply {
	int64_t offset_us; /* add to the local clock */
	int64_t delay_us;  /* round trip, server time excluded */
	uint8_t stratum;
};

/*
 * Evaluates a datagram from the server: t1 is the request's transmit
 * timestamp, t4 the local time it arrived (both tsync_ntp_from_ns()).
 * @retval -EPROTO not a usable answer to this request (short, not a server
 *         reply, originate mismatch, unsynchronised server, round trip below -1 ms):
 *         keep waiting for another
 * @retval -ECONNREFUSED kiss-o'-death (stratum 0): give up on this server
 */
int tsync_eval_reply(const void *buf, size_t len, uint64_t t1, uint64_t t4, struct tsync_reply *r);

/* ---- the service (library kestrel_app_timesync) ----------------------------- */

struct timesync_config {
	const char *servers; /* "a,b": names or addresses; NULL or "" = DHCP option 42 */
	uint32_t period_s;   /* 0 = CONFIG_TIMESYNC_PERIOD_S */
	bool log;	     /* print steps of 1 s or more on the console (os_printf) */
};

enum timesync_source { TIMESYNC_SRC_NONE = 0, TIMESYNC_SRC_CONFIG, TIMESYNC_SRC_DHCP };

struct timesync_status {
	uint8_t state;	/* enum tsync_state */
	uint8_t source; /* enum timesync_source of the servers in use */
	bool busy;	/* an attempt is running */
	char servers[CONFIG_TIMESYNC_SERVERS * CONFIG_TIMESYNC_NAME_MAX]; /* configured, "a,b" */
	uint32_t dhcp_server;		       /* option 42 of the lease, 0 none */
	char server[CONFIG_TIMESYNC_NAME_MAX]; /* last one that answered, "" never */
	uint32_t server_addr;
	int64_t last_sync_ns;  /* wall clock just after the last sync, 0 never */
	uint64_t last_sync_ms; /* uptime (os_time_ns() / 10^6) then */
	int64_t offset_us, delay_us;
	uint8_t stratum;
	int last_error;	     /* of the last attempt: 0 or a negative errno */
	uint32_t next_in_ms; /* until the next attempt (SYNCED, BACKOFF) */
	uint32_t period_ms;  /* between syncs */
	uint32_t retry_ms;   /* delay after the next failure */
	uint32_t syncs;	     /* attempts that set the clock */
	uint32_t failures;   /* attempts where no server answered */
};

/*
 * Starts the service task (cfg may be NULL: defaults, DHCP's server).
 * @retval -EINVAL bad server list or period outside 15 s .. ~11 days
 * @retval -EMSGSIZE too many or too long server names
 * @retval -EALREADY already running
 * @retval task creation errors
 */
int timesync_start(const struct timesync_config *cfg);

/* Stops the task (after its current exchange); waits up to 10 s. @retval -EBUSY */
int timesync_stop(void);

/*
 * Replaces the configured servers (list as in timesync_config.servers;
 * NULL or "" falls back to DHCP's) and makes an attempt due at once. Works
 * whether or not the service runs. Errors as tsync_parse_servers().
 */
int timesync_set_servers(const char *list);

/*
 * Makes an attempt due now and waits up to timeout_ms for it to end.
 * Returns its result: 0 the clock was set, or the last server's error
 * (-ETIMEDOUT no answer, -ECONNREFUSED kiss-o'-death, resolver errors).
 * @retval -ENOENT no server configured or from DHCP
 * @retval -ENETUNREACH no route to any server
 * @retval -EAGAIN the attempt did not end within timeout_ms
 * @retval -ENOTCONN the service is not running
 */
int timesync_sync_now(uint32_t timeout_ms);

void timesync_get_status(struct timesync_status *out);

#endif /* KESTREL_APPS_TIMESYNC_H */
