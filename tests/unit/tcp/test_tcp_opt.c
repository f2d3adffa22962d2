/* TCP header/option parsing, sequence arithmetic, checksum and SipHash. */
#include "tcp_harness.h"
#include "ktest.h"

KT_MAIN_STATE;

static void test_opt_parse(void)
{
	static const struct {
		const char *name;
		uint8_t len;
		uint8_t b[44];
		int rc;
		uint8_t present;
		uint16_t mss;
		uint8_t ws;
		uint32_t tsval, tsecr;
	} rows[] = {
		{"empty", 0, {0}, 0, 0, 0, 0, 0, 0},
		{"mss", 4, {2, 4, 0x05, 0xb4}, 0, TCP_O_MSS, 1460, 0, 0, 0},
		{"linux syn",
		 20,
		 {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7},
		 0,
		 TCP_O_MSS | TCP_O_SACK | TCP_O_TS | TCP_O_WS,
		 1460,
		 7,
		 1,
		 0},
		{"nop padding then eol stops", 8, {1, 1, 0, 2, 4, 1, 1, 1}, 0, 0, 0, 0, 0, 0},
		{"wscale above 14 clamped", 3, {3, 3, 20}, 0, TCP_O_WS, 0, 14, 0, 0},
		{"unknown kind skipped", 8, {30, 4, 9, 9, 2, 4, 2, 0}, 0, TCP_O_MSS, 512, 0, 0, 0},
		{"timestamps",
		 10,
		 {8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7},
		 0,
		 TCP_O_TS,
		 0,
		 0,
		 0xdeadbeef,
		 7},
		{"zero length", 4, {30, 0, 1, 1}, -EBADMSG, 0, 0, 0, 0, 0},
		{"length one", 4, {30, 1, 1, 1}, -EBADMSG, 0, 0, 0, 0, 0},
		{"overlong", 4, {30, 9, 1, 1}, -EBADMSG, 0, 0, 0, 0, 0},
		{"truncated kind", 1, {2}, -EBADMSG, 0, 0, 0, 0, 0},
		{"truncated mss", 3, {2, 4, 5}, -EBADMSG, 0, 0, 0, 0, 0},
		{"mss wrong length", 4, {2, 3, 5, 1}, -EBADMSG, 0, 0, 0, 0, 0},
		{"ws wrong length", 4, {3, 4, 1, 1}, -EBADMSG, 0, 0, 0, 0, 0},
		{"ts wrong length", 8, {8, 8, 0, 0, 0, 0, 0, 0}, -EBADMSG, 0, 0, 0, 0, 0},
		{"sackok wrong length", 3, {4, 3, 0}, -EBADMSG, 0, 0, 0, 0, 0},
		{"over 40 bytes", 44, {1}, -EBADMSG, 0, 0, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tcp_opts o;

		KT_ROW(rows[i].name);
		KT_EQ(tcp_opt_parse(rows[i].b, rows[i].len, &o), rows[i].rc);
		if (rows[i].rc < 0) {
			continue;
		}
		KT_EQ(o.present, rows[i].present);
		KT_EQ(o.mss, rows[i].mss);
		KT_EQ(o.wscale, rows[i].ws);
		KT_EQ(o.tsval, rows[i].tsval);
		KT_EQ(o.tsecr, rows[i].tsecr);
	}
}

static void test_opt_roundtrip(void)
{
	struct tcp_opts o = {TCP_O_MSS | TCP_O_WS | TCP_O_TS, 7, 1460, 0x01020304, 0x0a0b0c0d};
	struct tcp_opts back;
	uint8_t buf[40];
	static const uint8_t want[] = {2, 4,  5, 0xb4, 1, 3, 3,	 7,  1,	 1,
				       8, 10, 1, 2,    3, 4, 10, 11, 12, 13};

	KT_EQ(tcp_opt_write(buf, sizeof(buf), &o), 20);
	KT_MEMEQ(buf, want, sizeof(want));
	KT_EQ(tcp_opt_parse(buf, 20, &back), 0);
	KT_EQ(back.present, o.present);
	KT_EQ(back.tsecr, o.tsecr);
	KT_EQ(tcp_opt_write(buf, 19, &o), 0);
}

static void test_hdr_parse(void)
{
	static const struct {
		const char *name;
		size_t len;
		uint8_t doff;
		int rc;
		size_t payload;
	} rows[] = {
		{"minimal", 20, 0x50, 0, 0},
		{"with payload", 30, 0x50, 0, 10},
		{"options + payload", 34, 0x60, 0, 10},
		{"short", 19, 0x50, -EBADMSG, 0},
		{"data offset 4", 20, 0x40, -EBADMSG, 0},
		{"data offset past end", 20, 0x60, -EBADMSG, 0},
		{"data offset 15 past end", 40, 0xf0, -EBADMSG, 0},
	};
	uint8_t seg[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tcp_seg s;

		KT_ROW(rows[i].name);
		memset(seg, 1, sizeof(seg)); /* options area: NOPs */
		put_be16(seg, 1234);
		put_be16(seg + 2, 80);
		put_be32(seg + 4, 0x11223344);
		put_be32(seg + 8, 0x55667788);
		seg[12] = rows[i].doff;
		seg[13] = TCP_ACK | TCP_PSH;
		KT_EQ(tcp_hdr_parse(seg, rows[i].len, &s), rows[i].rc);
		if (rows[i].rc == 0) {
			KT_EQ(s.sport, 1234);
			KT_EQ(s.seq, 0x11223344u);
			KT_EQ(s.ack, 0x55667788u);
			KT_EQ(s.flags, TCP_ACK | TCP_PSH);
			KT_EQ(s.len, rows[i].payload);
		}
	}
}

static void test_seq_math(void)
{
	static const struct {
		const char *name;
		uint32_t a, b;
		int lt;
	} rows[] = {
		{"plain", 1, 2, 1},
		{"equal", 5, 5, 0},
		{"wrap", 0xfffffff0u, 0x10, 1},
		{"wrap reverse", 0x10, 0xfffffff0u, 0},
		{"half space", 0, 0x7fffffffu, 1},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		KT_EQ(SEQ_LT(rows[i].a, rows[i].b), rows[i].lt);
		KT_EQ(SEQ_GEQ(rows[i].a, rows[i].b), !rows[i].lt);
	}
}

static void test_siphash_vector(void)
{
	uint8_t key[16], in[15];

	for (int i = 0; i < 16; i++) {
		key[i] = (uint8_t)i;
	}
	for (int i = 0; i < 15; i++) {
		in[i] = (uint8_t)i;
	}
	/* SipHash-2-4 paper, appendix A */
	KT_EQ(tcp_siphash(key, in, 15), 0xa129ca6149be45e5ull);
	KT_EQ(tcp_siphash(key, in, 0), 0x726fdb47dd0e0e31ull);
}

static void test_isn(void)
{
	h_init(NULL);
	/* same tuple: advances with the 4 us clock; other tuple: unrelated */
	KT_EQ(tcp_isn(&h_a, 1, 2, 3, 4, 1000) - tcp_isn(&h_a, 1, 2, 3, 4, 0), 250000u);
	KT_ASSERT(tcp_isn(&h_a, 1, 2, 3, 5, 0) != tcp_isn(&h_a, 1, 2, 3, 4, 0));
	KT_ASSERT(tcp_isn(&h_b, 1, 2, 3, 4, 0) != tcp_isn(&h_a, 1, 2, 3, 4, 0));
}

static void test_checksum(void)
{
	/* header with checksum filled verifies to 0 */
	uint8_t seg[24] = {0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0,   0,	 0,  0,
			   0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, 'a', 'b', 'c'};

	put_be16(seg + 16, tcp_checksum(0xc0a80001u, 0xc0a80002u, seg, 23));
	KT_EQ(tcp_checksum(0xc0a80001u, 0xc0a80002u, seg, 23), 0);
	seg[21] ^= 1;
	KT_ASSERT(tcp_checksum(0xc0a80001u, 0xc0a80002u, seg, 23) != 0);
}

static void test_rtt_estimator(void)
{
	static const struct {
		const char *name;
		uint32_t sample, srtt, rto;
	} rows[] = {
		/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR */
		{"first 400 ms", 400, 400, 1200},
		/* RTTVAR = 3/4*200 + 1/4*|400-200| = 200, SRTT = 7/8*400 + 200/8 = 375 */
		{"then 200 ms", 200, 375, 1175},
		/* RTTVAR = 3/4*200 + 365/4 = 241.25, SRTT = 329: RTO = 329 + 965 */
		{"then 10 ms", 10, 329, 1294},
	};
	struct tcp_pcb pcb;

	memset(&pcb, 0, sizeof(pcb));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		tcp_rtt_sample(&pcb, rows[i].sample);
		KT_EQ(pcb.srtt8 >> 3, rows[i].srtt);
		KT_EQ(pcb.rto, rows[i].rto);
	}
	memset(&pcb, 0, sizeof(pcb));
	tcp_rtt_sample(&pcb, 10);
	KT_EQ(pcb.rto, CONFIG_TCP_RTO_MIN_MS); /* 10 + 4 * 5 raised to the minimum */
	KT_EQ(tcp_initial_cwnd(1460), 4380);
	KT_EQ(tcp_initial_cwnd(536), 2144);
	KT_EQ(tcp_initial_cwnd(8960), 17920);
}

int main(void)
{
	static const struct kt_case cases[] = {
		KT_CASE(test_opt_parse), KT_CASE(test_opt_roundtrip),  KT_CASE(test_hdr_parse),
		KT_CASE(test_seq_math),	 KT_CASE(test_siphash_vector), KT_CASE(test_isn),
		KT_CASE(test_checksum),	 KT_CASE(test_rtt_estimator),
	};

	return KT_RUN("tcp_opt", cases, NULL);
}
