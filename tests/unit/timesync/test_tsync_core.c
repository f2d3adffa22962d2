/*
 * timesync's pure parts without a kernel: the schedule (boot, waiting for a
 * server or a route, period, back-off 5 s doubling to the period, kicks),
 * the server-list parser, NTP timestamps and the evaluation of replies.
 */
#include <kestrel/apps/timesync.h>
#include <kestrel/net/sntp.h>
#include <kestrel/wire/ntp.h>

#include "ktest.h"

KT_MAIN_STATE;

#define H (3600u * 1000u) /* the default period */

/* ---- schedule ------------------------------------------------------------------ */

static void test_boot_syncs_once_network_is_up(void)
{
	struct tsync_sched s;
	uint32_t wait = 77;

	tsync_sched_init(&s, H, 5000, 1000);
	KT_EQ(s.state, TSYNC_IDLE);
	KT_ROW("no server yet: idle, look again in 1 s");
	KT_EQ(tsync_sched_poll(&s, 1000, false, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, CONFIG_TIMESYNC_POLL_MS);
	KT_EQ(s.state, TSYNC_IDLE);
	KT_ROW("server, no route: wait for the network");
	KT_EQ(tsync_sched_poll(&s, 2000, true, false, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, CONFIG_TIMESYNC_POLL_MS);
	KT_EQ(s.state, TSYNC_WAIT_NET);
	KT_EQ(tsync_sched_poll(&s, 3000, true, false, &wait), TSYNC_ACT_WAIT);
	KT_ROW("route: sync at once");
	KT_EQ(tsync_sched_poll(&s, 3500, true, true, &wait), TSYNC_ACT_SYNC);
	KT_EQ(wait, 0);
	tsync_sched_done(&s, 3600, true);
	KT_EQ(s.state, TSYNC_SYNCED);
	KT_EQ(s.syncs, 1);
	KT_ROW("then every period");
	KT_EQ(tsync_sched_poll(&s, 3600, true, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, H);
	KT_EQ(tsync_sched_poll(&s, 3600 + H - 1, true, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, 1);
	KT_EQ(tsync_sched_poll(&s, 3600 + H, true, true, &wait), TSYNC_ACT_SYNC);
	KT_ROW("network down when due: wait for it, then sync");
	KT_EQ(tsync_sched_poll(&s, 3600 + H, true, false, &wait), TSYNC_ACT_WAIT);
	KT_EQ(s.state, TSYNC_WAIT_NET);
	KT_EQ(tsync_sched_poll(&s, 9000 + H, true, true, &wait), TSYNC_ACT_SYNC);
}

static void test_backoff_doubles_to_the_period(void)
{
	/* seconds after each consecutive failure, with 5 s and the 1 h period */
	static const uint32_t want_s[] = {5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600};
	struct tsync_sched s;
	uint64_t now = 0;
	uint32_t wait;

	tsync_sched_init(&s, H, 5000, 0);
	for (size_t i = 0; i < sizeof(want_s) / sizeof(want_s[0]); i++) {
		KT_ROW("failure");
		KT_EQ(tsync_sched_poll(&s, now, true, true, &wait), TSYNC_ACT_SYNC);
		now += 2000; /* the attempt took 2 s */
		tsync_sched_done(&s, now, false);
		KT_EQ(s.state, TSYNC_BACKOFF);
		KT_EQ(tsync_sched_poll(&s, now, true, true, &wait), TSYNC_ACT_WAIT);
		KT_EQ(wait, want_s[i] * 1000u);
		now += wait;
	}
	KT_ROW("a success resets the back-off");
	KT_EQ(s.failures, 12);
	tsync_sched_done(&s, now, true);
	KT_EQ(s.state, TSYNC_SYNCED);
	KT_EQ(tsync_sched_poll(&s, now, true, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, H);
	now += H;
	tsync_sched_done(&s, now, false);
	KT_EQ(tsync_sched_poll(&s, now, true, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(wait, 5000);
}

static void test_schedule_rows(void)
{
	static const struct {
		const char *name;
		uint32_t period_ms, retry_ms;
		uint32_t fails; /* failures before the check */
		uint32_t want_wait;
	} rows[] = {
		{"first retry", H, 5000, 1, 5000},
		{"retry above the period is capped", 15000, 60000, 1, 15000},
		{"second retry capped at a short period", 15000, 10000, 2, 15000},
		{"odd period: 7, 14, 20", 20000, 7000, 3, 20000},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tsync_sched s;
		uint32_t wait = 0;

		KT_ROW(rows[i].name);
		tsync_sched_init(&s, rows[i].period_ms, rows[i].retry_ms, 0);
		(void)tsync_sched_poll(&s, 0, true, true, &wait);
		for (uint32_t f = 0; f < rows[i].fails; f++) {
			tsync_sched_done(&s, s.next_ms, false);
		}
		KT_EQ(tsync_sched_poll(&s, s.next_ms - rows[i].want_wait, true, true, &wait),
		      TSYNC_ACT_WAIT);
		KT_EQ(wait, rows[i].want_wait);
	}
}

static void test_kick_and_new_server(void)
{
	struct tsync_sched s;
	uint32_t wait;

	tsync_sched_init(&s, H, 5000, 0);
	(void)tsync_sched_poll(&s, 0, true, true, &wait);
	tsync_sched_done(&s, 100, true);
	KT_ROW("kick: due at once");
	tsync_sched_kick(&s, 60000);
	KT_EQ(tsync_sched_poll(&s, 60000, true, true, &wait), TSYNC_ACT_SYNC);
	tsync_sched_done(&s, 60100, true);
	KT_ROW("server gone: idle, the deadline kept");
	KT_EQ(tsync_sched_poll(&s, 70000, false, true, &wait), TSYNC_ACT_WAIT);
	KT_EQ(s.state, TSYNC_IDLE);
	KT_EQ(s.next_ms, 60100 + H);
	KT_ROW("a server appears: sync at once, not an hour later");
	KT_EQ(tsync_sched_poll(&s, 80000, true, true, &wait), TSYNC_ACT_SYNC);
	KT_EQ(s.syncs, 2);
	KT_STREQ(tsync_state_name(TSYNC_SYNCED), "synced");
	KT_STREQ(tsync_state_name(TSYNC_WAIT_NET), "waiting for the network");
	KT_STREQ(tsync_state_name(200), "?");
}

/* ---- server list --------------------------------------------------------------------- */

static void test_parse_servers(void)
{
	static const struct {
		const char *name;
		const char *list;
		int ret;
		const char *first, *last;
	} rows[] = {
		{"one address", "10.77.0.1", 1, "10.77.0.1", "10.77.0.1"},
		{"one name", "pool.ntp.org", 1, "pool.ntp.org", "pool.ntp.org"},
		{"comma list", "a.example,10.0.0.1", 2, "a.example", "10.0.0.1"},
		{"blanks", "  a b\tc  ", 3, "a", "c"},
		{"comma and blanks", "a , b,c", 3, "a", "c"},
		{"underscore and dash", "my_ntp-1.lan", 1, "my_ntp-1.lan", "my_ntp-1.lan"},
		{"empty", "", -EINVAL, NULL, NULL},
		{"blanks only", "   ", -EINVAL, NULL, NULL},
		{"empty between commas", "a,,b", -EINVAL, NULL, NULL},
		{"leading comma", ",a", -EINVAL, NULL, NULL},
		{"trailing comma", "a,", -EINVAL, NULL, NULL},
		{"trailing comma and blank", "a, ", -EINVAL, NULL, NULL},
		{"slash", "a/b", -EINVAL, NULL, NULL},
		{"port", "10.0.0.1:123", -EINVAL, NULL, NULL},
		{"four names", "a,b,c,d", -EMSGSIZE, NULL, NULL},
		{"63 characters fit",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1,
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"64 do not", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 -EMSGSIZE, NULL, NULL},
	};
	_Static_assert(CONFIG_TIMESYNC_SERVERS == 3 && CONFIG_TIMESYNC_NAME_MAX == 64,
		       "rows assume the defaults");

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char names[CONFIG_TIMESYNC_SERVERS][CONFIG_TIMESYNC_NAME_MAX];
		int n;

		KT_ROW(rows[i].name);
		n = tsync_parse_servers(rows[i].list, names, CONFIG_TIMESYNC_SERVERS);
		KT_EQ(n, rows[i].ret);
		if (n > 0) {
			KT_STREQ(names[0], rows[i].first);
			KT_STREQ(names[n - 1], rows[i].last);
		}
	}
	KT_ROW("NULL");
	KT_EQ(tsync_parse_servers(NULL, NULL, 3), -EINVAL);
}

/* ---- timestamps and replies -------------------------------------------------------------- */

static void test_ntp_timestamps(void)
{
	KT_ROW("epoch");
	KT_EQ(tsync_ntp_from_ns(0), (uint64_t)SNTP_UNIX_OFFSET << 32);
	KT_ROW("half a second");
	KT_EQ(tsync_ntp_from_ns(1500000000LL),
	      ((uint64_t)(SNTP_UNIX_OFFSET + 1) << 32) | 0x80000000u);
	KT_ROW("2026-11-21T10:00:00.250Z");
	KT_EQ(sntp_to_unix_ms(tsync_ntp_from_ns(1795255200250000000LL)), 1795255200250ull);
	KT_ROW("1 ns is not lost");
	KT_ASSERT(tsync_ntp_from_ns(1) == ((uint64_t)SNTP_UNIX_OFFSET << 32) + 4u);
	KT_ROW("before 1970 reads as 1970");
	KT_EQ(tsync_ntp_from_ns(-5), (uint64_t)SNTP_UNIX_OFFSET << 32);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

#define T1 (((uint64_t)3972000000u << 32) | 0x12340000u) /* a 2025 time */
#define S  (1ull << 32)					 /* one second */

static void test_eval_reply(void)
{
	static const struct {
		const char *name;
		uint8_t b0, stratum;
		uint64_t orig, t2, t3, t4;
		size_t len;
		int ret;
		int64_t offset_us, delay_us;
	} rows[] = {
		/* server 10 s ahead, 40 ms each way, 2 ms inside the server */
		{"server ahead", 0x24, 2, T1, T1 + 10 * S + S / 25, T1 + 10 * S + S / 25 + S / 500,
		 T1 + S / 25 * 2 + S / 500, 48, 0, 10000000, 80000},
		{"server behind", 0x24, 3, T1, T1 - 100 * S, T1 - 100 * S, T1, 48, 0, -100000000,
		 0},
		{"NTPv3 reply", 0x1c, 2, T1, T1, T1, T1, 48, 0, 0, 0},
		{"longer datagram", 0x24, 2, T1, T1, T1, T1, 60, 0, 0, 0},
		{"47 bytes", 0x24, 2, T1, T1, T1, T1, 47, -EPROTO, 0, 0},
		{"client mode", 0x23, 2, T1, T1, T1, T1, 48, -EPROTO, 0, 0},
		{"broadcast mode", 0x25, 2, T1, T1, T1, T1, 48, -EPROTO, 0, 0},
		{"originate mismatch", 0x24, 2, T1 + 1, T1, T1, T1, 48, -EPROTO, 0, 0},
		{"unsynchronised (LI 3)", 0xe4, 2, T1, T1, T1, T1, 48, -EPROTO, 0, 0},
		{"stratum 16", 0x24, 16, T1, T1, T1, T1, 48, -EPROTO, 0, 0},
		{"zero transmit time", 0x24, 2, T1, T1, 0, T1, 48, -EPROTO, 0, 0},
		{"kiss-o'-death", 0x24, 0, T1, T1, T1, T1, 48, -ECONNREFUSED, 0, 0},
		{"round trip -2 ms: forged", 0x24, 2, T1, T1 + S / 100, T1 + S / 100 + S / 500, T1,
		 48, -EPROTO, 0, 0},
		{"round trip -0.5 ms: granularity", 0x24, 2, T1, T1 + S / 1000,
		 T1 + S / 1000 + S / 2000, T1, 48, 0, 1250, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[64];
		struct tsync_reply r = {77, 77, 77};
		int rc;

		KT_ROW(rows[i].name);
		memset(b, 0, sizeof(b));
		b[0] = rows[i].b0;
		b[1] = rows[i].stratum;
		put64(b + NTP_OFF_ORIG, rows[i].orig);
		put64(b + NTP_OFF_RX, rows[i].t2);
		put64(b + NTP_OFF_TX, rows[i].t3);
		rc = tsync_eval_reply(b, rows[i].len, T1, rows[i].t4, &r);
		KT_EQ(rc, rows[i].ret);
		if (rc == 0) {
			/* fixed point: allow the last microsecond */
			KT_ASSERT(r.offset_us - rows[i].offset_us <= 1 &&
				  rows[i].offset_us - r.offset_us <= 1);
			KT_ASSERT(r.delay_us - rows[i].delay_us <= 1 &&
				  rows[i].delay_us - r.delay_us <= 1);
			KT_EQ(r.stratum, rows[i].stratum);
		}
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_boot_syncs_once_network_is_up),
	KT_CASE(test_backoff_doubles_to_the_period),
	KT_CASE(test_schedule_rows),
	KT_CASE(test_kick_and_new_server),
	KT_CASE(test_parse_servers),
	KT_CASE(test_ntp_timestamps),
	KT_CASE(test_eval_reply),
};

int main(void)
{
	return KT_RUN("tsync_core", cases, NULL);
}
