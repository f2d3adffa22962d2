/* SNTP: request bytes, reply checks incl. kiss-o'-death, offset/delay arithmetic, client. */
#include <kestrel/wire/ntp.h>

#include "net_test.h"

KT_MAIN_STATE;

#define NTP_SRV IP_ADDR(192, 168, 1, 123)
#define S(x)	((uint64_t)(x) << 32)

static void test_build_request(void)
{
	uint8_t b[48], want[48] = {0x23};

	put_be32(want + 40, 0xe9000000u);
	put_be32(want + 44, 0x80000000u);
	KT_EQ(sntp_build_request(b, sizeof(b), S(0xe9000000u) | 0x80000000u), 48);
	KT_MEMEQ(b, want, 48);
	KT_EQ(sntp_build_request(b, 47, 0), -EMSGSIZE);
}

static void test_check_reply(void)
{
	static const struct {
		const char *name;
		uint8_t b0, stratum;
		uint32_t refid;
		uint64_t orig, tx;
		int want;
	} rows[] = {
		{"good", 0x24, 2, 0, 5, 9, 0},
		{"client mode", 0x23, 2, 0, 5, 9, -EPROTO},
		{"broadcast mode", 0x25, 2, 0, 5, 9, -EPROTO},
		{"originate mismatch", 0x24, 2, 0, 6, 9, -EPROTO},
		{"unsynchronised (LI 3)", 0xe4, 2, 0, 5, 9, -EPROTO},
		{"zero transmit time", 0x24, 2, 0, 5, 0, -EPROTO},
		{"kiss-o'-death", 0xe4, 0, NTP_KISS_DENY, 5, 0, -ECONNREFUSED},
		{"stratum 16", 0x24, 16, 0, 5, 9, -EPROTO},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[48] = {0};
		struct sntp_pkt p;
		KT_ROW(rows[i].name);
		b[0] = rows[i].b0;
		b[1] = rows[i].stratum;
		put_be32(b + 12, rows[i].refid);
		put_be32(b + 28, (uint32_t)rows[i].orig);
		put_be32(b + 44, (uint32_t)rows[i].tx);
		KT_EQ(sntp_parse(b, sizeof(b), &p), 0);
		KT_EQ(sntp_check_reply(&p, 5), rows[i].want);
	}
}

static void test_parse_short(void)
{
	uint8_t b[48] = {0x24};
	struct sntp_pkt p;

	KT_EQ(sntp_parse(b, 47, &p), -EBADMSG);
	KT_EQ(sntp_parse(b, 0, &p), -EBADMSG);
}

static void test_offset_delay(void)
{
	static const struct {
		const char *name;
		uint64_t t1, t2, t3, t4;
		int64_t off, delay;
	} rows[] = {
		{"in sync, 100 ms path", S(100), S(100) + (S(1) / 20), S(100) + S(1) / 20,
		 S(100) + S(1) / 10, 0, 100000},
		{"client 10 s behind", S(100), S(110), S(110), S(100), 10000000, 0},
		{"client 1.5 s ahead, 20 ms", S(100), S(98) + S(1) / 2 + S(1) / 100,
		 S(98) + S(1) / 2 + S(1) / 100, S(100) + S(1) / 50, -1500000, 20000},
		{"54 years behind (1970 clock)", S(SNTP_UNIX_OFFSET), S(3900000000u),
		 S(3900000000u), S(SNTP_UNIX_OFFSET),
		 (int64_t)(3900000000u - SNTP_UNIX_OFFSET) * 1000000, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t o, d;
		KT_ROW(rows[i].name);
		sntp_offset_delay(rows[i].t1, rows[i].t2, rows[i].t3, rows[i].t4, &o, &d);
		KT_ASSERT(o >= rows[i].off - 1 && o <= rows[i].off + 1);
		KT_ASSERT(d >= rows[i].delay - 1 && d <= rows[i].delay + 1);
	}
	KT_EQ(sntp_to_unix_ms(sntp_from_unix_ms(1700000000123ull)), 1700000000123ull);
}

static struct sntp_result res;
static int calls;

static void on_sntp(void *ctx, const struct sntp_result *r)
{
	(void)ctx;
	res = *r;
	calls++;
}

static void server_reply(uint8_t stratum, uint32_t refid, uint64_t t23)
{
	uint8_t b[48] = {0x24};
	const uint8_t *req = tu_fl4(tu_nframes - 1) + 8;

	b[1] = stratum;
	put_be32(b + 12, refid);
	memcpy(b + 24, req + 40, 8);
	put_be32(b + 32, (uint32_t)(t23 >> 32));
	put_be32(b + 40, (uint32_t)(t23 >> 32));
	tu_rx_udp(NTP_SRV, TU_IP, 123, get_be16(tu_fl4(tu_nframes - 1)), b, sizeof(b));
}

static void test_client_sync_rate_deny(void)
{
	uint64_t now;

	tu_setup();
	arp_add_static(&st, &eth0, NTP_SRV, TU_PEER_MAC);
	calls = 0;
	KT_EQ(sntp_start(&st, NTP_SRV, 1000, on_sntp, NULL), 0);
	KT_EQ(st.sntp.poll_ms, CONFIG_NET_SNTP_MIN_POLL_MS);
	KT_EQ(tu_nframes, 1);
	KT_EQ(tu_fl4(0)[8], 0x23);
	server_reply(2, 0, S(3900000000u));
	KT_EQ(calls, 1);
	KT_EQ(res.status, 0);
	KT_ASSERT(sntp_now(&st, 1000, &now));
	/* within 2 ms of the server's time (the request carries random low bits) */
	KT_ASSERT(now + 2 >= (uint64_t)(3900000000u - SNTP_UNIX_OFFSET) * 1000u &&
		  now <= (uint64_t)(3900000000u - SNTP_UNIX_OFFSET) * 1000u + 2);
	tu_time(1000 + CONFIG_NET_SNTP_MIN_POLL_MS);
	KT_EQ(tu_nframes, 2);
	server_reply(0, NTP_KISS_RATE, 0);
	KT_EQ(st.sntp.poll_ms, 2 * CONFIG_NET_SNTP_MIN_POLL_MS);
	KT_EQ(calls, 1);
	tu_time(1000 + 3 * CONFIG_NET_SNTP_MIN_POLL_MS);
	KT_EQ(tu_nframes, 3);
	server_reply(0, NTP_KISS_DENY, 0);
	KT_EQ(calls, 2);
	KT_EQ(res.status, -ECONNREFUSED);
	KT_ASSERT(!st.sntp.running);
	sntp_stop(&st);
}

static void test_client_timeout(void)
{
	tu_setup();
	arp_add_static(&st, &eth0, NTP_SRV, TU_PEER_MAC);
	calls = 0;
	sntp_start(&st, NTP_SRV, 20000, on_sntp, NULL);
	tu_time(1000 + CONFIG_NET_SNTP_TIMEOUT_MS);
	KT_EQ(calls, 1);
	KT_EQ(res.status, -EAGAIN);
	sntp_stop(&st);
}

static const struct kt_case cases[] = {
	KT_CASE(test_build_request),	     KT_CASE(test_check_reply),
	KT_CASE(test_parse_short),	     KT_CASE(test_offset_delay),
	KT_CASE(test_client_sync_rate_deny), KT_CASE(test_client_timeout),
};

int main(void)
{
	return KT_RUN("sntp", cases, tu_teardown);
}
