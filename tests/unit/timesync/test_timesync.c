/*
 * The timesync service on the kernel's virtual clock (time moves only while
 * every task is idle, so an hour of back-off takes milliseconds) against a
 * small SNTP responder on 127.0.0.1:123 that serves "true time" = 2030 +
 * uptime, stays silent, sends kiss-o'-death or forged replies.
 *
 * Checked: the boot sync and the periodic one (the wall clock, set wrong
 * in between, comes back by itself), the back-off timeline of requests
 * (5 s doubling) while the server is silent, `timesync now`, kiss-o'-death
 * and forged replies, the DHCP option 42 source, names without a name
 * server, and the shell command's output and privileges. The harness
 * (tests/unit/socket/sock_test.c) fails a case that leaks a socket, PCB,
 * pbuf or task.
 */
#include "sock_test.h"

#include <stdlib.h>

#include <kestrel/apps/timesync.h>
#include <kestrel/net/dhcp.h>
#include <kestrel/os/shell.h>
#include <kestrel/wire/ntp.h>

#define TRUE_BASE_S 1893456000LL	    /* 2030-01-01T00:00:00Z */
#define WRONG_NS    (1000LL * 1000000000LL) /* 1970-01-01T00:16:40Z */
#define MAX_REQ	    32

enum srv_mode { SRV_ANSWER, SRV_SILENT, SRV_KOD, SRV_FORGED, SRV_FORGED_THEN_ANSWER };

static struct {
	volatile int mode;
	volatile bool stop;
	bool running;
	int fd;
	unsigned nreq;
	uint64_t req_ms[MAX_REQ]; /* uptime of each request */
} srv;

static char out[4096];
static size_t out_len;
static struct shell sh;

static void cap_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n < sizeof(out)) {
		memcpy(out + out_len, s, n);
		out_len += n;
		out[out_len] = '\0';
	}
}

static int run(bool priv, const char *line)
{
	shell_init(&sh, cap_write, NULL);
	shell_set_privileged(&sh, priv);
	out_len = 0;
	out[0] = '\0';
	return shell_exec_line(&sh, line);
}

#define KT_HAS(needle) KT_CONTAINS(out, needle)

static uint64_t uptime_ms(void)
{
	return os_time_ns() / 1000000u;
}

static int64_t true_ns(void)
{
	return TRUE_BASE_S * 1000000000LL + (int64_t)os_time_ns();
}

/* |wall clock - true time| in ms */
static int64_t skew_ms(void)
{
	int64_t d = os_wallclock_ns() - true_ns();

	return (d < 0 ? -d : d) / 1000000;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void srv_reply(const uint8_t *req, const struct net_sockaddr_in *to, int mode)
{
	uint8_t rep[NTP_LEN];
	uint64_t now = tsync_ntp_from_ns(true_ns());

	memset(rep, 0, sizeof(rep));
	rep[0] = (4 << 3) | NTP_MODE_SERVER;
	rep[1] = mode == SRV_KOD ? 0 : 2;
	memcpy(rep + 12, mode == SRV_KOD ? "DENY" : "GPS\0", 4);
	memcpy(rep + NTP_OFF_ORIG, req + NTP_OFF_TX, 8);
	if (mode == SRV_FORGED) {
		rep[NTP_OFF_ORIG + 7] ^= 1; /* a blind forger does not know the low bits */
	}
	put64(rep + NTP_OFF_RX, now);
	put64(rep + NTP_OFF_TX, now);
	(void)net_sendto(srv.fd, rep, sizeof(rep), 0, to);
}

static void srv_main(void *arg)
{
	uint8_t req[68];
	struct net_sockaddr_in from;
	uint32_t tmo = 50;

	(void)arg;
	(void)net_setsockopt(srv.fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &tmo, sizeof(tmo));
	while (!srv.stop) {
		int n = net_recvfrom(srv.fd, req, sizeof(req), 0, &from);

		if (n < NTP_LEN) {
			continue;
		}
		if (srv.nreq < MAX_REQ) {
			srv.req_ms[srv.nreq] = uptime_ms();
		}
		srv.nreq++;
		if (srv.mode == SRV_FORGED_THEN_ANSWER) {
			srv_reply(req, &from, SRV_FORGED);
			srv_reply(req, &from, SRV_ANSWER);
		} else if (srv.mode != SRV_SILENT) {
			srv_reply(req, &from, srv.mode);
		}
	}
}

static void srv_start(int mode)
{
	srv.mode = mode;
	srv.stop = false;
	srv.nreq = 0;
	srv.fd = st_udp(123);
	if (srv.fd < 0) {
		KT_FAIL("cannot bind 127.0.0.1:123 (%d)", srv.fd);
		return;
	}
	srv.running = true;
	st_spawn(0, srv_main, NULL);
}

static void srv_end(void)
{
	srv.stop = true;
	if (st_join(0, 1000) != 0) {
		KT_FAIL("responder did not stop");
	}
	net_close(srv.fd);
	srv.running = false;
}

/* Starts the service with cfg's servers and period (0: default). */
static int start(const char *servers, uint32_t period_s)
{
	struct timesync_config cfg = {servers, period_s, false};

	os_wallclock_set(WRONG_NS);
	return timesync_start(&cfg);
}

static void end(void)
{
	if (timesync_stop() != 0) {
		KT_FAIL("timesync did not stop");
	}
	(void)timesync_set_servers(NULL);
}

/* Undoes what a failed case left behind, so the next one starts clean. */
static void fresh(void)
{
	struct timesync_status s;

	timesync_get_status(&s);
	if (s.state != TSYNC_STOPPED) {
		(void)timesync_stop();
	}
	(void)timesync_set_servers(NULL);
	if (srv.running) {
		srv_end();
	}
}

/* ---- cases ------------------------------------------------------------------------ */

static void idle_without_server(void)
{
	struct timesync_status s;

	fresh();
	timesync_get_status(&s);
	KT_EQ(s.state, TSYNC_STOPPED);
	KT_EQ(timesync_sync_now(1000), -ENOTCONN);
	KT_EQ(start(NULL, 0), 0);
	os_sleep_ms(3000);
	timesync_get_status(&s);
	KT_EQ(s.state, TSYNC_IDLE);
	KT_EQ(s.source, TIMESYNC_SRC_NONE);
	KT_EQ(s.syncs + s.failures, 0);
	KT_EQ(timesync_sync_now(5000), -ENOENT);
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: idle\n");
	KT_HAS("  servers:   none (set one with 'timesync server NAME' or --ntp; DHCP gave none)\n");
	KT_HAS("  last sync: never\n");
	KT_HAS("  next:      when there is a server\n");
	KT_EQ(run(true, "timesync now"), -ENOENT);
	KT_HAS("timesync: no NTP server");
	KT_ASSERT(os_wallclock_ns() - WRONG_NS < 60 * 1000000000LL); /* untouched */
	end();
}

static void syncs_at_start_then_every_period(void)
{
	uint64_t t0;

	fresh();
	srv_start(SRV_ANSWER);
	KT_EQ(start("127.0.0.1", 60), 0);
	t0 = uptime_ms();
	os_sleep_ms(100);
	KT_EQ(srv.nreq, 1);
	KT_ASSERT(srv.req_ms[0] - t0 <= 10);
	KT_ASSERT(skew_ms() <= 1);
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: synced\n");
	KT_HAS("  servers:   127.0.0.1 (configured)\n");
	KT_HAS("  last sync: 2030-01-01T00:00:");
	KT_HAS(" from 127.0.0.1, stratum 2\n");
	KT_HAS("  offset:    +18934");
	KT_HAS("  next:      in 60 s (every 60 s)\n");
	KT_HAS("  attempts:  1 synced, 0 failed\n");
	/* somebody sets the clock wrong: the next periodic sync repairs it */
	os_wallclock_set(WRONG_NS);
	os_sleep_ms(59000);
	KT_EQ(srv.nreq, 1);
	KT_ASSERT(skew_ms() > 1000);
	os_sleep_ms(1000);
	KT_EQ(srv.nreq, 2);
	KT_ASSERT(srv.req_ms[1] - srv.req_ms[0] >= 59990 && srv.req_ms[1] - srv.req_ms[0] <= 60010);
	KT_ASSERT(skew_ms() <= 1);
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("  offset:    +18934");
	KT_HAS("  attempts:  2 synced, 0 failed\n");
	end();
	srv_end();
}

static void backoff_while_server_is_silent(void)
{
	/* request i+1 comes the 2 s timeout plus 5, 10, 20, 40, 80 s after request i */
	static const uint32_t gap_ms[] = {7000, 12000, 22000, 42000, 82000};
	struct timesync_status s;

	fresh();
	srv_start(SRV_SILENT);
	KT_EQ(start("127.0.0.1", 0), 0);
	os_sleep_ms(170000);
	KT_EQ(srv.nreq, 6);
	for (unsigned i = 0; i < 5; i++) {
		uint64_t d = srv.req_ms[i + 1] - srv.req_ms[i];

		KT_ROW("gap");
		if (d + 20 < gap_ms[i] || d > gap_ms[i] + 20) {
			KT_FAILF("request %u came %llu ms after the one before, want %u", i + 1,
				 (unsigned long long)d, (unsigned)gap_ms[i]);
			return;
		}
	}
	KT_ROW(NULL);
	timesync_get_status(&s);
	KT_EQ(s.state, TSYNC_BACKOFF);
	KT_EQ(s.last_error, -ETIMEDOUT);
	KT_EQ(s.syncs, 0);
	KT_ASSERT(skew_ms() > 1000); /* nothing set */
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: retrying\n");
	KT_HAS("  last sync: never\n");
	KT_HAS("  last try:  failed, ETIMEDOUT (connection timed out)\n");
	KT_HAS("  next:      retry in ");
	/* the server comes back; an operator does not wait for the retry */
	srv.mode = SRV_ANSWER;
	KT_EQ(run(true, "timesync now"), 0);
	KT_HAS("timesync: synced\n");
	KT_HAS("  next:      in 3600 s (every 3600 s)\n");
	KT_ASSERT(skew_ms() <= 1);
	timesync_get_status(&s);
	KT_EQ(s.retry_ms, CONFIG_TIMESYNC_RETRY_MS); /* back-off reset */
	KT_EQ(s.last_error, 0);
	end();
	srv_end();
}

static void kiss_of_death_and_forgeries(void)
{
	struct timesync_status s;

	fresh();
	srv_start(SRV_KOD);
	KT_EQ(start("127.0.0.1", 0), 0);
	os_sleep_ms(100);
	KT_EQ(timesync_sync_now(10000), -ECONNREFUSED);
	KT_ASSERT(skew_ms() > 1000);
	KT_ROW("forged reply only: ignored, times out");
	srv.mode = SRV_FORGED;
	KT_EQ(timesync_sync_now(10000), -ETIMEDOUT);
	KT_ASSERT(skew_ms() > 1000);
	KT_ROW("forged reply first, then the real one");
	srv.mode = SRV_FORGED_THEN_ANSWER;
	KT_EQ(timesync_sync_now(10000), 0);
	KT_ASSERT(skew_ms() <= 1);
	timesync_get_status(&s);
	KT_EQ(s.syncs, 1);
	KT_EQ(s.stratum, 2);
	end();
	srv_end();
}

/*
 * A lease with option 42, without a DHCP server: a bound client record
 * put on the stack's list. Its timer is far away, so the stack never
 * runs it (it has no interface).
 */
static struct dhcp_client fake_lease;

static int lease_add(struct net_stack *st, void *arg)
{
	memset(&fake_lease, 0, sizeof(fake_lease));
	fake_lease.state = DHCP_BOUND;
	fake_lease.ntp = *(uint32_t *)arg;
	fake_lease.next_ms = st->now_ms + 0x40000000u;
	fake_lease.next = st->dhcp;
	st->dhcp = &fake_lease;
	return 0;
}

static int lease_del(struct net_stack *st, void *arg)
{
	(void)arg;
	if (st->dhcp == &fake_lease) {
		st->dhcp = fake_lease.next;
	}
	return 0;
}

static void dhcp_option_42(void)
{
	uint32_t ntp = NET_INADDR_LOOPBACK;
	struct timesync_status s;

	fresh();
	srv_start(SRV_ANSWER);
	KT_EQ(start(NULL, 0), 0);
	os_sleep_ms(5000);
	KT_EQ(srv.nreq, 0);
	KT_EQ(net_call(lease_add, &ntp), 0);
	os_sleep_ms(CONFIG_TIMESYNC_POLL_MS + 100); /* noticed within a poll */
	KT_EQ(srv.nreq, 1);
	KT_ASSERT(skew_ms() <= 1);
	timesync_get_status(&s);
	KT_EQ(s.source, TIMESYNC_SRC_DHCP);
	KT_EQ(s.dhcp_server, NET_INADDR_LOOPBACK);
	KT_STREQ(s.server, "127.0.0.1");
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("  servers:   127.0.0.1 (DHCP option 42)\n");
	KT_HAS("timesync: synced\n");
	KT_ROW("a configured server wins over DHCP's");
	KT_EQ(run(true, "timesync server 127.0.0.2"), 0);
	KT_HAS("timesync: servers 127.0.0.2; syncing now\n");
	os_sleep_ms(3000);
	KT_EQ(srv.nreq, 1); /* nobody on 127.0.0.2 */
	timesync_get_status(&s);
	KT_EQ(s.source, TIMESYNC_SRC_CONFIG);
	KT_EQ(s.last_error, -ETIMEDOUT);
	KT_ROW("'server dhcp' goes back to the lease's");
	KT_EQ(run(true, "timesync server dhcp"), 0);
	KT_HAS("timesync: servers from DHCP (option 42); syncing now\n");
	os_sleep_ms(100);
	KT_EQ(srv.nreq, 2);
	KT_ROW("lease gone: nothing sent when the period is up; idle");
	KT_EQ(net_call(lease_del, NULL), 0);
	os_sleep_ms(3600u * 1000u + 100);
	KT_EQ(srv.nreq, 2);
	timesync_get_status(&s);
	KT_EQ(s.state, TSYNC_IDLE);
	KT_EQ(s.dhcp_server, 0);
	end();
	srv_end();
}

static void names_need_a_name_server(void)
{
	struct timesync_status s;

	fresh();
	srv_start(SRV_ANSWER);
	KT_EQ(start("ntp.example", 0), 0);
	os_sleep_ms(3000);
	timesync_get_status(&s);
	KT_EQ(s.state, TSYNC_WAIT_NET);
	KT_EQ(timesync_sync_now(5000), -ENETUNREACH);
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: waiting for the network\n");
	KT_HAS("  next:      as soon as a server is reachable\n");
	KT_ROW("fall over to the second server of a list");
	KT_EQ(run(true, "timesync server 127.0.0.2 127.0.0.1"), 0);
	os_sleep_ms(2500);
	KT_EQ(srv.nreq, 1);
	KT_ASSERT(skew_ms() <= 1);
	timesync_get_status(&s);
	KT_STREQ(s.servers, "127.0.0.2,127.0.0.1");
	KT_STREQ(s.server, "127.0.0.1");
	KT_ROW("the one that answered goes first next time");
	KT_EQ(timesync_sync_now(10000), 0);
	KT_EQ(srv.nreq, 2);
	end();
	srv_end();
}

static void command_and_privileges(void)
{
	static const struct {
		const char *name;
		bool priv;
		const char *line;
		int ret;
		const char *has;
	} rows[] = {
		{"status needs nothing", false, "timesync status", 0, "timesync: idle\n"},
		{"now needs a login", false, "timesync now", -EACCES, ""},
		{"server needs a login", false, "timesync server 10.0.0.1", -EACCES, ""},
		{"unknown subcommand", true, "timesync bogus", -EINVAL,
		 "usage: timesync [status | now | server NAME[,NAME...] | server dhcp]\n"},
		{"server without a name", true, "timesync server", -EINVAL, "usage: timesync"},
		{"bad list", true, "timesync server a,,b", -EINVAL,
		 "timesync: bad server list 'a,,b'\n"},
		{"too many", true, "timesync server a b c d", -EMSGSIZE,
		 "timesync: at most 3 servers of 63 characters\n"},
		{"help", false, "timesync -h", 0, "  now     sync at once and wait for the result"},
		{"still idle", false, "timesync", 0, "  servers:   none"},
	};

	fresh();
	KT_EQ(start(NULL, 0), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		KT_EQ(run(rows[i].priv, rows[i].line), rows[i].ret);
		KT_HAS(rows[i].has);
	}
	KT_ROW("start errors");
	KT_EQ(start(NULL, 0), -EALREADY);
	end();
	KT_EQ(start(NULL, 14), -EINVAL);
	KT_EQ(start("a/b", 0), -EINVAL);
	KT_EQ(start(NULL, 15), 0);
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: idle\n");
	end();
	KT_EQ(run(false, "timesync"), 0);
	KT_HAS("timesync: stopped\n");
}

static void setup(void)
{
	memset(&srv, 0, sizeof(srv));
}

static const struct kt_case cases[] = {
	KT_CASE(idle_without_server),
	KT_CASE(syncs_at_start_then_every_period),
	KT_CASE(backoff_while_server_is_silent),
	KT_CASE(kiss_of_death_and_forgeries),
	KT_CASE(dhcp_option_42),
	KT_CASE(names_need_a_name_server),
	KT_CASE(command_and_privileges),
};

SOCK_TEST_MAIN("timesync", cases, setup)
