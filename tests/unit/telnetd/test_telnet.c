/*
 * The pure parts of the telnet server: option negotiation with the exact
 * reply bytes, data-stream decoding, flood bounds, PBKDF2 against the
 * RFC 7914 §11 vectors, the stored-hash format, and the lockout timing on
 * a virtual millisecond clock.
 */
#include <stdio.h>
#include <string.h>

#include <kestrel/errno.h>

#include "telnetd_internal.h"
#include "ktest.h"

KT_MAIN_STATE;

#define IAC  "\xff"
#define WILL "\xfb"
#define WONT "\xfc"
#define DO   "\xfd"
#define DONT "\xfe"
#define SB   "\xfa"
#define SE   "\xf0"

static struct telnet tn;
static uint8_t data[4096], rep[8192];
static struct wr_cursor out;
static int dlen;

static void start(void)
{
	uint8_t offers[16];
	struct wr_cursor o = wr_init(offers, sizeof(offers));
	telnet_init(&tn, &o);
}

static void feed(const char *in, size_t n)
{
	out = wr_init(rep, sizeof(rep));
	dlen = telnet_input(&tn, (const uint8_t *)in, n, data, &out);
}

struct neg_row {
	const char *name;
	const char *in;
	size_t len;
	const char *reply; /* exact bytes */
	const char *data;  /* exact data bytes */
};

#define ROW(n, i, r, d)                   \
	{                                 \
		n, i, sizeof(i) - 1, r, d \
	}

static void test_offers(void)
{
	uint8_t offers[16];
	struct wr_cursor o = wr_init(offers, sizeof(offers));

	telnet_init(&tn, &o);
	KT_EQ(o.len, 9);
	KT_MEMEQ(offers, IAC WILL "\x01" IAC WILL "\x03" IAC DO "\x03", 9);
}

static void test_negotiation_replies(void)
{
	static const struct neg_row rows[] = {
		ROW("client agrees to all", IAC DO "\x01" IAC DO "\x03" IAC WILL "\x03", "", ""),
		ROW("DO NAWS refused", IAC DO "\x1f", IAC WONT "\x1f", ""),
		ROW("WILL NAWS refused", IAC WILL "\x1f", IAC DONT "\x1f", ""),
		ROW("WILL ECHO refused (we echo)", IAC WILL "\x01", IAC DONT "\x01", ""),
		ROW("WONT unknown ignored", IAC WONT "\x18", "", ""),
		ROW("DONT unknown ignored", IAC DONT "\x18", "", ""),
		ROW("client refuses SGA", IAC DONT "\x03" IAC WONT "\x03", "", ""),
		ROW("DONT ECHO while wanted: no reply", IAC DONT "\x01", "", ""),
		ROW("Linux telnet opening",
		    IAC DO "\x01" IAC WILL "\x18" IAC WILL "\x20" IAC WILL "\x23" IAC WILL
			   "\x27" IAC DO "\x03" IAC WILL "\x1f",
		    IAC DONT "\x18" IAC DONT "\x20" IAC DONT "\x23" IAC DONT "\x27" IAC DONT "\x1f",
		    ""),
		ROW("data around commands",
		    "ab" IAC DO "\x05"
		    "cd",
		    IAC WONT "\x05", "abcd"),
		ROW("IAC IAC is 255", "a" IAC IAC "b", "",
		    "a\xff"
		    "b"),
		ROW("CR NUL", "x\r\0y", "", "x\ry"),
		ROW("CR LF kept", "x\r\ny", "", "x\r\ny"),
		ROW("IP EC EL", IAC "\xf4" IAC "\xf7" IAC "\xf8", "", "\x03\x7f\x15"),
		ROW("NOP GA DM BRK AO ignored",
		    IAC "\xf1" IAC "\xf9" IAC "\xf2" IAC "\xf3" IAC "\xf5", "", ""),
		ROW("AYT", IAC "\xf6", "\r\n[yes]\r\n", ""),
		ROW("subnegotiation skipped", "a" IAC SB "\x18\x00xterm" IAC IAC IAC SE "b", "",
		    "ab"),
		ROW("SB ended by another command",
		    IAC SB "\x1f\x00\x50" IAC DO "\x05"
			   "z",
		    IAC WONT "\x05", "z"),
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		start();
		feed(rows[i].in, rows[i].len);
		KT_EQ(dlen, (int)strlen(rows[i].data));
		KT_MEMEQ(data, rows[i].data, (size_t)dlen);
		KT_EQ(out.len, strlen(rows[i].reply));
		KT_MEMEQ(rep, rows[i].reply, out.len);
	}
}

static void test_state_changes(void)
{
	start();
	feed(IAC DO "\x01", 3); /* answers our WILL ECHO */
	KT_EQ(out.len, 0);
	KT_EQ(tn.us_echo, TELNET_Q_YES);
	KT_ROW("DONT ECHO when on: WONT, once");
	feed(IAC DONT "\x01" IAC DONT "\x01", 6);
	KT_EQ(out.len, 3);
	KT_MEMEQ(rep, IAC WONT "\x01", 3);
	KT_ROW("DO ECHO again: WILL, once");
	feed(IAC DO "\x01" IAC DO "\x01", 6);
	KT_EQ(out.len, 3);
	KT_MEMEQ(rep, IAC WILL "\x01", 3);
	KT_ROW("WONT SGA when on: DONT");
	feed(IAC WILL "\x03", 3);
	KT_EQ(out.len, 0);
	feed(IAC WONT "\x03", 3);
	KT_MEMEQ(rep, IAC DONT "\x03", 3);
	KT_EQ(out.len, 3);
	KT_ROW("split across calls");
	feed(IAC, 1);
	KT_EQ(out.len, 0);
	feed(DO, 1);
	feed("\x22", 1);
	KT_EQ(out.len, 3);
	KT_MEMEQ(rep, IAC WONT "\x22", 3);
}

static void test_floods_bounded(void)
{
	static char flood[3 * 10000];
	size_t total = 0;

	start();
	for (size_t i = 0; i < sizeof(flood); i += 3) {
		memcpy(flood + i, IAC WILL "\x1f", 3);
	}
	for (int round = 0; round < 10; round++) {
		feed(flood, sizeof(flood));
		KT_EQ(dlen, 0);
		total += out.len;
	}
	KT_ROW("replies stop at the budget");
	KT_EQ(total, 3 * TELNET_MAX_REPLIES);
	KT_EQ(tn.ignored, 100000 - TELNET_MAX_REPLIES);

	KT_ROW("alternating DO/DONT ECHO is bounded too");
	start();
	total = 0;
	for (int i = 0; i < 1000; i++) {
		feed(IAC DO "\x01" IAC DONT "\x01", 6);
		total += out.len;
	}
	KT_ASSERT(total <= 3 * TELNET_MAX_REPLIES);

	KT_ROW("AYT flood bounded");
	start();
	total = 0;
	for (int i = 0; i < 1000; i++) {
		feed(IAC "\xf6", 2);
		total += out.len;
	}
	KT_EQ(total, 9 * TELNET_MAX_REPLIES);

	KT_ROW("endless subnegotiation");
	start();
	memset(flood, 'x', sizeof(flood));
	memcpy(flood, IAC SB "\x18", 3);
	feed(flood, 2 + TELNET_SB_MAX); /* IAC SB and SB_MAX bytes */
	KT_EQ(dlen, 0);
	start();
	feed(flood, 3 + TELNET_SB_MAX);
	KT_EQ(dlen, -EPROTO);

	KT_ROW("small reply buffer: whole commands only");
	start();
	{
		uint8_t small[4];
		struct wr_cursor o = wr_init(small, sizeof(small));
		KT_EQ(telnet_input(&tn, (const uint8_t *)IAC DO "\x05" IAC DO "\x06", 6, data, &o),
		      0);
		KT_EQ(o.len, 3);
		KT_MEMEQ(small, IAC WONT "\x05", 3);
	}
}

static void test_escape(void)
{
	uint8_t buf[8];
	struct wr_cursor o = wr_init(buf, sizeof(buf));

	KT_EQ(telnet_escape((const uint8_t *)"a\xff"
					     "b",
			    3, &o),
	      3);
	KT_EQ(o.len, 4);
	KT_MEMEQ(buf,
		 "a\xff\xff"
		 "b",
		 4);
	o = wr_init(buf, 2);
	KT_EQ(telnet_escape((const uint8_t *)"a\xff", 2, &o), 1); /* IAC IAC would not fit */
	KT_EQ(o.len, 1);
}

/* ---- passwords ---- */

static void test_pbkdf2_vectors(void)
{
	/* RFC 7914 §11, first 32 bytes of the 64-byte outputs */
	static const uint8_t v1[32] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f,
				       0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
				       0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65,
				       0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc};
	static const uint8_t v2[32] = {0x4d, 0xdc, 0xd8, 0xf6, 0x0b, 0x98, 0xbe, 0x21,
				       0x83, 0x0c, 0xee, 0x5e, 0xf2, 0x27, 0x01, 0xf9,
				       0x64, 0x1a, 0x44, 0x18, 0xd0, 0x4c, 0x04, 0x14,
				       0xae, 0xff, 0x08, 0x87, 0x6b, 0x34, 0xab, 0x56};
	uint8_t dk[32];

	KT_ROW("passwd/salt/1");
	telnet_pbkdf2("passwd", 6, (const uint8_t *)"salt", 4, 1, dk);
	KT_MEMEQ(dk, v1, 32);
	KT_ROW("Password/NaCl/80000");
	telnet_pbkdf2("Password", 8, (const uint8_t *)"NaCl", 4, 80000, dk);
	KT_MEMEQ(dk, v2, 32);
}

static void test_pw_hash(void)
{
	static const uint8_t salt[TELNET_SALT_LEN] = {1, 2,  3,	 4,  5,	 6,  7,	 8,
						      9, 10, 11, 12, 13, 14, 15, 16};
	struct telnet_pwhash h, p;
	char text[TELNETD_HASH_MAX];
	int n;

	memset(&h, 0, sizeof(h));
	KT_ROW("no password: nothing verifies");
	KT_EQ(telnet_pw_verify(&h, ""), false);
	telnet_pw_make(&h, "s3cret!", salt, 1000);
	KT_ROW("verify");
	KT_EQ(telnet_pw_verify(&h, "s3cret!"), true);
	KT_EQ(telnet_pw_verify(&h, "s3cret"), false);
	KT_EQ(telnet_pw_verify(&h, "s3cret!!"), false);
	KT_EQ(telnet_pw_verify(&h, ""), false);
	KT_ROW("format and parse round trip");
	n = telnet_pw_format(&h, text, sizeof(text));
	KT_EQ(n, (int)strlen(text));
	KT_ASSERT(strncmp(text, "$pbkdf2-sha256$1000$0102030405060708090a0b0c0d0e0f10$", 53) == 0);
	KT_EQ(telnet_pw_parse(text, &p), 0);
	KT_EQ(p.iter, 1000);
	KT_EQ(telnet_pw_verify(&p, "s3cret!"), true);
	KT_EQ(telnet_pw_format(&h, text, 40), -EMSGSIZE);

	static const char *const bad[] = {
		"",
		"$pbkdf2-sha256$",
		"$pbkdf2-sha256$999$0102030405060708090a0b0c0d0e0f10$" /* iter too small */
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$pbkdf2-sha256$1000$0102030405060708090a0b0c0d0e0f1$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$pbkdf2-sha256$1000$0102030405060708090a0b0c0d0e0f10$"
		"000000000000000000000000000000000000000000000000000000000000000",
		"$pbkdf2-sha256$1000$0102030405060708090A0b0c0d0e0f10$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$pbkdf2-sha256$1000x0102030405060708090a0b0c0d0e0f10$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$pbkdf2-sha256$99999999999$0102030405060708090a0b0c0d0e0f10$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$sha256$1000$0102030405060708090a0b0c0d0e0f10$"
		"0000000000000000000000000000000000000000000000000000000000000000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "bad %zu", i);
		KT_ROW(name);
		KT_EQ(telnet_pw_parse(bad[i], &p), -EINVAL);
	}
}

/* ---- lockout, on a virtual ms clock ---- */

static struct telnet_lockout lk;

static void test_lockout_timing(void)
{
	const uint32_t ip = 0x0a000202, other = 0x0a000203;
	uint64_t t = 1000000;

	telnet_lock_init(&lk);
	KT_EQ(telnet_lock_check(&lk, ip, t), 0);
	KT_ROW("growing delays");
	KT_EQ(telnet_lock_fail(&lk, ip, t), CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_EQ(telnet_lock_fail(&lk, ip, t + 1000), 2 * CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_EQ(telnet_lock_fail(&lk, ip, t + 3000), 4 * CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_EQ(telnet_lock_check(&lk, ip, t + 7000), 0);
	KT_EQ(telnet_lock_fail(&lk, ip, t + 7000), 8 * CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_ROW("fifth failure locks the address");
	KT_EQ(telnet_lock_fail(&lk, ip, t + 15000), 16 * CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_EQ(telnet_lock_check(&lk, ip, t + 15000), CONFIG_TELNETD_LOCKOUT_MS);
	KT_EQ(telnet_lock_check(&lk, ip, t + 15000 + CONFIG_TELNETD_LOCKOUT_MS - 1), 1);
	KT_ROW("other addresses are not locked");
	KT_EQ(telnet_lock_check(&lk, other, t + 16000), 0);
	KT_ROW("the lockout ends");
	KT_EQ(telnet_lock_check(&lk, ip, t + 15000 + CONFIG_TELNETD_LOCKOUT_MS), 0);
	KT_ROW("and the window starts over");
	KT_EQ(telnet_lock_fail(&lk, ip, t + 15000 + CONFIG_TELNETD_LOCKOUT_MS),
	      CONFIG_TELNETD_FAIL_DELAY_MS);

	KT_ROW("success clears");
	telnet_lock_init(&lk);
	telnet_lock_fail(&lk, ip, t);
	telnet_lock_fail(&lk, ip, t);
	telnet_lock_success(&lk, ip);
	KT_EQ(telnet_lock_fail(&lk, ip, t), CONFIG_TELNETD_FAIL_DELAY_MS);

	KT_ROW("old failures expire");
	telnet_lock_init(&lk);
	for (int i = 0; i < CONFIG_TELNETD_LOCK_FAILS - 1; i++) {
		telnet_lock_fail(&lk, ip, t);
	}
	KT_EQ(telnet_lock_fail(&lk, ip, t + CONFIG_TELNETD_LOCKOUT_MS),
	      CONFIG_TELNETD_FAIL_DELAY_MS);
	KT_EQ(telnet_lock_check(&lk, ip, t + CONFIG_TELNETD_LOCKOUT_MS), 0);
}

static void test_global_lockout(void)
{
	uint64_t t = 5000;

	telnet_lock_init(&lk);
	/* many addresses, each under its own limit */
	for (uint32_t i = 0; i < CONFIG_TELNETD_GLOBAL_FAILS - 1; i++) {
		telnet_lock_fail(&lk, 0x0a000000 + i, t + i);
	}
	KT_EQ(telnet_lock_check(&lk, 0x0b000001, t + 100), 0);
	telnet_lock_fail(&lk, 0x0a0000ff, t + 100);
	KT_ROW("everyone locked out");
	KT_EQ(telnet_lock_check(&lk, 0x0b000001, t + 100), CONFIG_TELNETD_LOCKOUT_MS);
	KT_EQ(telnet_lock_check(&lk, 0x0b000001, t + 100 + CONFIG_TELNETD_LOCKOUT_MS), 0);

	KT_ROW("table full: a locked entry survives churn");
	telnet_lock_init(&lk);
	for (int i = 0; i < CONFIG_TELNETD_LOCK_FAILS; i++) {
		telnet_lock_fail(&lk, 0x01010101, t);
	}
	for (uint32_t i = 0; i < 3 * CONFIG_TELNETD_LOCK_SLOTS; i++) {
		telnet_lock_fail(&lk, 0x02000000 + i, t + 1);
	}
	KT_ASSERT(telnet_lock_check(&lk, 0x01010101, t + 2) > 0);
}

static const struct kt_case cases[] = {
	KT_CASE(test_offers),	      KT_CASE(test_negotiation_replies),
	KT_CASE(test_state_changes),  KT_CASE(test_floods_bounded),
	KT_CASE(test_escape),	      KT_CASE(test_pbkdf2_vectors),
	KT_CASE(test_pw_hash),	      KT_CASE(test_lockout_timing),
	KT_CASE(test_global_lockout),
};

int main(void)
{
	return KT_RUN("telnet", cases, NULL);
}
