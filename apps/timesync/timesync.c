/*
 * The timesync task: decides with the pure schedule (tsync_core.c) when to
 * try, finds out which servers to use and whether the network can reach
 * them (one net_call per look: configured servers, else the DHCP lease's
 * option 42), asks them in turn over a UDP socket and steps the wall clock
 * by the offset of the first good answer.
 *
 * The exchange uses its own socket and the pure codec rather than the
 * stack's SNTP client (net/sntp.c), which `ntpdate` drives: the two never
 * share state, and the offset is measured against os_wallclock_ns()
 * itself, so it is exactly the step applied.
 *
 * ts_mutex guards `ts` (configuration, schedule, status): the shell task
 * reads the status and changes servers while this task runs. It is never
 * held across a network exchange.
 */
#include <string.h>

#include <kestrel/apps/timesync.h>
#include <kestrel/apps/wget.h>
#include <kestrel/net/dhcp.h>
#include <kestrel/net/dns.h>
#include <kestrel/net/ip.h>
#include <kestrel/net/nettask.h>
#include <kestrel/net/sntp.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/wire/ntp.h>
#include <kestrel/wire/udp.h>

#define TS_MAX_SLEEP_MS 60000u /* re-check at least this often */
#define TS_STOP_WAIT_MS (CONFIG_TIMESYNC_RESOLVE_MS + CONFIG_TIMESYNC_TIMEOUT_MS + 1000u)

/* The servers one attempt tries, as the task saw them. */
struct ts_plan {
	int n;
	char names[CONFIG_TIMESYNC_SERVERS][CONFIG_TIMESYNC_NAME_MAX];
	uint32_t addr[CONFIG_TIMESYNC_SERVERS]; /* 0: a name to resolve */
	uint8_t source;				/* enum timesync_source */
	uint32_t dhcp;				/* out of the probe: option 42 */
	bool net_up;				/* out of the probe: a route exists */
};

static struct os_task ts_task;
OS_STACK_DEFINE(ts_stack, CONFIG_TIMESYNC_STACK);
static OS_MUTEX_DEFINE(ts_mutex);    /* guards ts */
static OS_SEM_DEFINE(ts_wake, 0, 1); /* pokes the task: new servers, sync now, stop */
static struct {
	struct tsync_sched sched;
	int nnames;
	char names[CONFIG_TIMESYNC_SERVERS][CONFIG_TIMESYNC_NAME_MAX];
	uint8_t prefer;		     /* index of the server that answered last */
	uint32_t kick_gen, done_gen; /* `sync now` requests made / answered */
	int done_rc;
	bool log;
	struct timesync_status st; /* result fields; the rest is filled on reading */
} ts;
static struct ts_plan ts_plan; /* the task's own; static to keep it off the stack */
static volatile bool ts_run, ts_live;
static uint32_t ts_rand_state = 0x2545f491u;

static uint64_t now_ms(void)
{
	return os_time_ns() / 1000000u;
}

static uint32_t ts_rand(void)
{
	ts_rand_state ^= (uint32_t)os_time_ns() ^ (uint32_t)os_wallclock_ns();
	ts_rand_state = ts_rand_state * 1664525u + 1013904223u;
	return ts_rand_state >> 8;
}

/* ---- configuration ----------------------------------------------------------- */

int timesync_set_servers(const char *list)
{
	char names[CONFIG_TIMESYNC_SERVERS][CONFIG_TIMESYNC_NAME_MAX];
	int n = 0;

	if (list != NULL && list[0] != '\0') {
		n = tsync_parse_servers(list, names, CONFIG_TIMESYNC_SERVERS);
		if (n < 0) {
			return n;
		}
	}
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	memcpy(ts.names, names, sizeof(names[0]) * (size_t)n);
	ts.nnames = n;
	ts.prefer = 0;
	tsync_sched_kick(&ts.sched, now_ms());
	(void)os_mutex_unlock(&ts_mutex);
	(void)os_sem_give(&ts_wake);
	return 0;
}

/* ---- finding servers and routes (network task) -------------------------------- */

static bool lease_bound(const struct dhcp_client *c)
{
	return c->state == DHCP_BOUND || c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;
}

/* Runs in the network task: the lease's NTP server, and whether any server is routable. */
static int probe_in_net(struct net_stack *st, void *arg)
{
	struct ts_plan *pl = arg;

	pl->dhcp = 0;
	for (const struct dhcp_client *c = st->dhcp; c != NULL; c = c->next) {
		if (lease_bound(c) && c->ntp != 0) {
			pl->dhcp = c->ntp;
			break;
		}
	}
	pl->net_up = false;
	if (pl->n == 0 && pl->dhcp != 0) {
		pl->net_up = ip_route(st, pl->dhcp, NULL, NULL) != NULL;
	}
	for (int i = 0; i < pl->n && !pl->net_up; i++) {
		/* a name needs the name server */
		uint32_t a = pl->addr[i] != 0 ? pl->addr[i] : st->dns.server[0];

		pl->net_up = a != 0 && ip_route(st, a, NULL, NULL) != NULL;
	}
	return 0;
}

/* Fills pl with the servers to use now. Caller does not hold ts_mutex. */
static void make_plan(struct ts_plan *pl)
{
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	pl->n = ts.nnames;
	memcpy(pl->names, ts.names, sizeof(pl->names));
	(void)os_mutex_unlock(&ts_mutex);
	for (int i = 0; i < pl->n; i++) {
		if (net_parse_ipv4(pl->names[i], &pl->addr[i]) < 0) {
			pl->addr[i] = 0;
		}
	}
	pl->source = pl->n > 0 ? TIMESYNC_SRC_CONFIG : TIMESYNC_SRC_NONE;
	if (net_task_stack() == NULL || net_call(probe_in_net, pl) < 0) {
		pl->dhcp = 0;
		pl->net_up = false;
	}
	if (pl->n == 0 && pl->dhcp != 0) {
		pl->n = 1;
		pl->addr[0] = pl->dhcp;
		(void)net_ntoa(pl->dhcp, pl->names[0]);
		pl->source = TIMESYNC_SRC_DHCP;
	}
}

/* ---- one exchange --------------------------------------------------------------- */

/*
 * Sends one request to addr:123 and waits CONFIG_TIMESYNC_TIMEOUT_MS for
 * its answer, ignoring datagrams that are not one (wrong source, forged or
 * stale originate). @retval -ETIMEDOUT no answer
 */
static int query(uint32_t addr, struct tsync_reply *r)
{
	struct net_sockaddr_in to = net_sockaddr(addr, UDP_PORT_NTP), from;
	uint64_t deadline = now_ms() + CONFIG_TIMESYNC_TIMEOUT_MS;
	uint8_t buf[NTP_LEN + 20]; /* longer datagrams (extension fields) are cut */
	uint64_t t1;
	int fd = net_socket(NET_AF_INET, NET_SOCK_DGRAM, 0);
	int rc, n;

	if (fd < 0) {
		return fd;
	}
	/* random low fraction bits (~15 us) make the originate check hard to forge */
	t1 = (tsync_ntp_from_ns(os_wallclock_ns()) & ~0xffffull) | (ts_rand() & 0xffffu);
	(void)sntp_build_request(buf, sizeof(buf), t1);
	rc = net_sendto(fd, buf, NTP_LEN, 0, &to);
	if (rc < 0) {
		goto out;
	}
	rc = -ETIMEDOUT;
	for (uint64_t now = now_ms(); now < deadline; now = now_ms()) {
		uint32_t left = (uint32_t)(deadline - now);

		(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &left, sizeof(left));
		n = net_recvfrom(fd, buf, sizeof(buf), 0, &from);
		if (n == -EAGAIN) {
			break;
		}
		if (n < 0) {
			rc = n;
			break;
		}
		if (from.addr != addr || from.port != UDP_PORT_NTP) {
			continue;
		}
		rc = tsync_eval_reply(buf, (size_t)n, t1, tsync_ntp_from_ns(os_wallclock_ns()), r);
		if (rc != -EPROTO) {
			break;
		}
		rc = -ETIMEDOUT;
	}
out:
	(void)net_close(fd);
	return rc;
}

static void log_step(const char *name, uint32_t addr, const struct tsync_reply *r)
{
	uint64_t a = (uint64_t)(r->offset_us < 0 ? -r->offset_us : r->offset_us);
	char ip[16];

	(void)net_ntoa(addr, ip);
	os_printf("timesync: clock set from %s%s%s%s, stratum %u, offset %c%llu.%06llu s\n", name,
		  strcmp(name, ip) != 0 ? " (" : "", strcmp(name, ip) != 0 ? ip : "",
		  strcmp(name, ip) != 0 ? ")" : "", (unsigned)r->stratum,
		  r->offset_us < 0 ? '-' : '+', (unsigned long long)(a / 1000000u),
		  (unsigned long long)(a % 1000000u));
}

/* Steps the clock by r's offset and records the sync. */
static void apply(const struct ts_plan *pl, int i, uint32_t addr, const struct tsync_reply *r)
{
	bool big = r->offset_us >= 1000000 || r->offset_us <= -1000000, log;

	os_wallclock_set(os_wallclock_ns() + r->offset_us * 1000);
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	memcpy(ts.st.server, pl->names[i], sizeof(ts.st.server));
	ts.st.server_addr = addr;
	ts.st.last_sync_ns = os_wallclock_ns();
	ts.st.last_sync_ms = now_ms();
	ts.st.offset_us = r->offset_us;
	ts.st.delay_us = r->delay_us;
	ts.st.stratum = r->stratum;
	if (pl->source == TIMESYNC_SRC_CONFIG) {
		ts.prefer = (uint8_t)i;
	}
	log = ts.log && big; /* a clock that was right needs no console line */
	(void)os_mutex_unlock(&ts_mutex);
	if (log) {
		log_step(pl->names[i], addr, r);
	}
}

/* One attempt: each server in turn, from the one that answered last. */
static int attempt(const struct ts_plan *pl)
{
	struct tsync_reply r;
	int rc = -ENOENT, first;

	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	first = pl->source == TIMESYNC_SRC_CONFIG && ts.prefer < pl->n ? ts.prefer : 0;
	(void)os_mutex_unlock(&ts_mutex);
	for (int k = 0; k < pl->n && ts_run; k++) {
		int i = (first + k) % pl->n;
		uint32_t addr = pl->addr[i];

		if (addr == 0) {
			rc = wget_resolve(pl->names[i], &addr, CONFIG_TIMESYNC_RESOLVE_MS);
			if (rc < 0) {
				continue;
			}
		}
		rc = query(addr, &r);
		if (rc == 0) {
			apply(pl, i, addr, &r);
			return 0;
		}
	}
	return rc;
}

/* ---- the task -------------------------------------------------------------------- */

/* Records the end of an attempt (or of a `sync now` that could not run one). */
static void finish(uint32_t gen, int rc, bool attempted)
{
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	if (attempted) {
		tsync_sched_done(&ts.sched, now_ms(), rc == 0);
		ts.st.last_error = rc;
		ts.st.busy = false;
		if (ts.kick_gen != gen) {
			tsync_sched_kick(&ts.sched, now_ms()); /* asked again meanwhile */
		}
	}
	ts.done_gen = gen;
	ts.done_rc = rc;
	(void)os_mutex_unlock(&ts_mutex);
}

static void ts_main(void *arg)
{
	struct ts_plan *pl = &ts_plan;

	(void)arg;
	while (ts_run) {
		enum tsync_action act;
		uint32_t wait, gen;
		bool answer;

		make_plan(pl);
		(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
		gen = ts.kick_gen;
		act = tsync_sched_poll(&ts.sched, now_ms(), pl->n > 0, pl->net_up, &wait);
		ts.st.source = pl->source;
		ts.st.dhcp_server = pl->dhcp;
		ts.st.busy = act == TSYNC_ACT_SYNC;
		answer = act == TSYNC_ACT_WAIT && gen != ts.done_gen;
		(void)os_mutex_unlock(&ts_mutex);
		if (act == TSYNC_ACT_SYNC) {
			finish(gen, attempt(pl), true);
			continue;
		}
		if (answer) {
			/* a `sync now` that cannot run: say why instead of letting it time out */
			finish(gen, pl->n == 0 ? -ENOENT : -ENETUNREACH, false);
		}
		(void)os_sem_take(&ts_wake, OS_MS(wait < TS_MAX_SLEEP_MS ? wait : TS_MAX_SLEEP_MS));
	}
	ts_live = false;
}

int timesync_start(const struct timesync_config *cfg)
{
	uint32_t period_s =
		cfg != NULL && cfg->period_s != 0 ? cfg->period_s : CONFIG_TIMESYNC_PERIOD_S;
	int rc;

	if (ts_live) {
		return -EALREADY;
	}
	if (period_s < TIMESYNC_PERIOD_MIN_S || period_s > TIMESYNC_PERIOD_MAX_S) {
		return -EINVAL;
	}
	rc = timesync_set_servers(cfg != NULL ? cfg->servers : NULL);
	if (rc < 0) {
		return rc;
	}
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	tsync_sched_init(&ts.sched, period_s * 1000u, CONFIG_TIMESYNC_RETRY_MS, now_ms());
	memset(&ts.st, 0, sizeof(ts.st));
	ts.done_gen = ts.kick_gen;
	ts.log = cfg != NULL && cfg->log;
	(void)os_mutex_unlock(&ts_mutex);
	os_sem_init(&ts_wake, 0, 1);
	ts_run = true;
	ts_live = true;
	rc = os_task_create(&ts_task, "timesync", ts_main, NULL, CONFIG_TIMESYNC_PRIO, ts_stack,
			    sizeof(ts_stack));
	if (rc < 0) {
		ts_run = false;
		ts_live = false;
	}
	return rc;
}

int timesync_stop(void)
{
	ts_run = false;
	(void)os_sem_give(&ts_wake);
	for (uint32_t t = 0; t < TS_STOP_WAIT_MS && ts_live; t += 20) {
		os_sleep_ms(20);
	}
	return ts_live ? -EBUSY : 0;
}

int timesync_sync_now(uint32_t timeout_ms)
{
	uint32_t target;
	int rc = -EAGAIN;

	if (!ts_run) {
		return -ENOTCONN;
	}
	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	target = ++ts.kick_gen;
	tsync_sched_kick(&ts.sched, now_ms());
	(void)os_mutex_unlock(&ts_mutex);
	(void)os_sem_give(&ts_wake);
	for (uint32_t t = 0;; t += 20) {
		bool done;

		(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
		done = (int32_t)(ts.done_gen - target) >= 0;
		if (done) {
			rc = ts.done_rc;
		}
		(void)os_mutex_unlock(&ts_mutex);
		if (done || t >= timeout_ms || !ts_run) {
			break;
		}
		os_sleep_ms(20);
	}
	return rc;
}

void timesync_get_status(struct timesync_status *out)
{
	uint64_t now = now_ms();
	size_t len = 0;

	(void)os_mutex_lock(&ts_mutex, OS_WAIT_FOREVER);
	*out = ts.st;
	out->state = ts_live ? ts.sched.state : TSYNC_STOPPED;
	out->period_ms = ts.sched.period_ms;
	out->retry_ms = ts.sched.retry_ms;
	out->syncs = ts.sched.syncs;
	out->failures = ts.sched.failures;
	out->next_in_ms = ts.sched.next_ms > now ? (uint32_t)(ts.sched.next_ms - now) : 0;
	out->servers[0] = '\0';
	for (int i = 0; i < ts.nnames; i++) {
		size_t n = strlen(ts.names[i]);

		if (len + n + 2 > sizeof(out->servers)) {
			break;
		}
		if (i > 0) {
			out->servers[len++] = ',';
		}
		memcpy(out->servers + len, ts.names[i], n + 1);
		len += n;
	}
	(void)os_mutex_unlock(&ts_mutex);
}
