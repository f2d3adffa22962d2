/* RFC 1071 Internet checksum: known vectors, odd chunks, pseudo-header, RFC 1624 update. */
#include <kestrel/lib/inet_csum.h>

#include "ktest.h"

KT_MAIN_STATE;

static void test_vectors(void)
{
	static const struct {
		const char *name;
		uint8_t data[20];
		size_t len;
		uint16_t want;
	} rows[] = {
		{"RFC 1071 §3 example",
		 {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7},
		 8,
		 0x220d},
		{"IPv4 header, checksum field zero",
		 {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7},
		 20,
		 0xb861},
		{"IPv4 header with valid checksum verifies to 0",
		 {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7},
		 20,
		 0x0000},
		{"empty", {0}, 0, 0xffff},
		{"single odd byte", {0x01}, 1, 0xfeff},
		{"three bytes", {0x01, 0x02, 0x03}, 3, 0xfbfd},
		{"all ones", {0xff, 0xff}, 2, 0x0000},
		{"carry wraps twice", {0xff, 0xff, 0xff, 0xff, 0x00, 0x02}, 6, 0xfffd},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		KT_EQ(inet_csum(rows[i].data, rows[i].len), rows[i].want);
	}
}

static void test_odd_chunks_equal_one_shot(void)
{
	static uint8_t buf[1501];
	static const size_t chunk[] = {1, 2, 3, 5, 7, 64, 333};
	uint16_t want;

	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 37u + 11u);
	}
	want = inet_csum(buf, sizeof(buf));
	for (size_t k = 0; k < sizeof(chunk) / sizeof(chunk[0]); k++) {
		struct inet_csum c;
		size_t off = 0;
		inet_csum_init(&c);
		while (off < sizeof(buf)) {
			size_t n = sizeof(buf) - off < chunk[k] ? sizeof(buf) - off : chunk[k];
			inet_csum_update(&c, buf + off, n);
			off += n;
		}
		KT_EQ(inet_csum_final(&c), want);
	}
}

static void test_large_buffer_no_overflow(void)
{
	static uint8_t big[200000];
	struct inet_csum c;

	memset(big, 0xff, sizeof(big));
	KT_EQ(inet_csum(big, sizeof(big)), 0x0000);
	big[0] = 0xfe; /* 99999 * 0xffff + 0xfeff folds to 0xfeff */
	inet_csum_init(&c);
	inet_csum_update(&c, big, sizeof(big));
	KT_EQ(inet_csum_final(&c), 0x0100);
}

static void test_pseudo_header(void)
{
	/* UDP 192.168.0.1:1000 -> 192.168.0.199:53, payload "ab" */
	uint8_t udp[10] = {0x03, 0xe8, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 'a', 'b'};
	struct inet_csum c;
	uint16_t sum;

	inet_csum_init(&c);
	inet_csum_pseudo(&c, 0xc0a80001u, 0xc0a800c7u, 17, sizeof(udp));
	inet_csum_update(&c, udp, sizeof(udp));
	sum = inet_csum_final(&c);
	/* by hand: c0a8+0001+c0a8+00c7+0011+000a+03e8+0035+000a+6162 folds to 0xe7bd */
	KT_EQ(sum, (uint16_t)~0xe7bdu);
	udp[6] = (uint8_t)(sum >> 8);
	udp[7] = (uint8_t)sum;
	inet_csum_init(&c);
	inet_csum_pseudo(&c, 0xc0a80001u, 0xc0a800c7u, 17, sizeof(udp));
	inet_csum_update(&c, udp, sizeof(udp));
	KT_EQ(inet_csum_final(&c), 0);
}

static void test_incremental_adjust(void)
{
	uint8_t msg[8] = {0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01};
	uint16_t sum = inet_csum(msg, sizeof(msg));

	msg[0] = 0x00;
	KT_EQ(inet_csum_adjust(sum, 0x0800, 0x0000), inet_csum(msg, sizeof(msg)));
}

static const struct kt_case cases[] = {
	KT_CASE(test_vectors),
	KT_CASE(test_odd_chunks_equal_one_shot),
	KT_CASE(test_large_buffer_no_overflow),
	KT_CASE(test_pseudo_header),
	KT_CASE(test_incremental_adjust),
};

int main(void)
{
	return KT_RUN("inet_csum", cases, NULL);
}
