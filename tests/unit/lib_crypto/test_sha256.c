/*
 * SHA-256: NIST FIPS 180-4 example vectors (CSRC "SHA256.pdf",
 * SHA256ShortMsg), HMAC-SHA256: RFC 4231 test cases 1-4, 6, 7.
 */
#include <kestrel/lib/sha256.h>

#include "ktest.h"

KT_MAIN_STATE;

static void unhex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i]; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void test_sha256_vectors(void)
{
	static const struct {
		const char *name;
		const char *msg;
		const char *digest;
	} rows[] = {
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"896 bits",
		 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
		 "nopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t want[32], got[32];

		KT_ROW(rows[i].name);
		unhex(rows[i].digest, want);
		sha256(rows[i].msg, strlen(rows[i].msg), got);
		KT_MEMEQ(got, want, 32);
		/* byte-at-a-time streaming gives the same digest */
		struct sha256_ctx c;
		sha256_init(&c);
		for (size_t j = 0; j < strlen(rows[i].msg); j++) {
			sha256_update(&c, rows[i].msg + j, 1);
		}
		sha256_final(&c, got);
		KT_MEMEQ(got, want, 32);
	}
}

static void test_sha256_million_a(void)
{
	static uint8_t chunk[1000];
	uint8_t want[32], got[32];
	struct sha256_ctx c;

	memset(chunk, 'a', sizeof(chunk));
	unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
	sha256_init(&c);
	for (int i = 0; i < 1000; i++) {
		sha256_update(&c, chunk, sizeof(chunk));
	}
	sha256_final(&c, got);
	KT_MEMEQ(got, want, 32);
}

/* Lengths around the padding boundary (55, 56, 63, 64 bytes) stream consistently. */
static void test_sha256_padding_boundaries(void)
{
	static const size_t lens[] = {55, 56, 57, 63, 64, 65, 119, 120, 128};
	uint8_t msg[128];

	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 7);
	}
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t a[32], b[32];
		struct sha256_ctx c;

		sha256(msg, lens[i], a);
		sha256_init(&c);
		sha256_update(&c, msg, lens[i] / 3);
		sha256_update(&c, msg + lens[i] / 3, lens[i] - lens[i] / 3);
		sha256_final(&c, b);
		KT_MEMEQ(a, b, 32);
	}
	/* 64 zero bytes hash (independently known) */
	uint8_t z[64] = {0}, got[32], want[32];
	unhex("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b", want);
	sha256(z, sizeof(z), got);
	KT_MEMEQ(got, want, 32);
}

static void test_hmac_rfc4231(void)
{
	static const struct {
		const char *name;
		uint8_t key_byte;
		size_t key_len;
		const char *data;
		uint8_t data_byte;
		size_t data_len;
		const char *mac;
	} rows[] = {
		{"tc1", 0x0b, 20, "Hi There", 0, 0,
		 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"tc3", 0xaa, 20, NULL, 0xdd, 50,
		 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
		{"tc6 key > block", 0xaa, 131,
		 "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0,
		 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
		{"tc7 key and data > block", 0xaa, 131,
		 "This is a test using a larger than block-size key and a larger than block-size data. "
		 "The key needs to be hashed before being used by the HMAC algorithm.",
		 0, 0, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t key[131], data[200], want[32], got[32];
		size_t dlen;

		KT_ROW(rows[i].name);
		memset(key, rows[i].key_byte, rows[i].key_len);
		if (rows[i].data) {
			dlen = strlen(rows[i].data);
			memcpy(data, rows[i].data, dlen);
		} else {
			dlen = rows[i].data_len;
			memset(data, rows[i].data_byte, dlen);
		}
		unhex(rows[i].mac, want);
		hmac_sha256(key, rows[i].key_len, data, dlen, got);
		KT_MEMEQ(got, want, 32);
	}
}

static void test_hmac_rfc4231_tc2_tc4(void)
{
	uint8_t want[32], got[32], key[25], data[50];
	struct hmac_sha256_ctx c;

	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want);
	hmac_sha256_init(&c, "Jefe", 4);
	hmac_sha256_update(&c, "what do ya want ", 16);
	hmac_sha256_update(&c, "for nothing?", 12);
	hmac_sha256_final(&c, got);
	KT_MEMEQ(got, want, 32);

	for (int i = 0; i < 25; i++) {
		key[i] = (uint8_t)(i + 1);
	}
	memset(data, 0xcd, sizeof(data));
	unhex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", want);
	hmac_sha256(key, sizeof(key), data, sizeof(data), got);
	KT_MEMEQ(got, want, 32);
}

static const struct kt_case cases[] = {
	KT_CASE(test_sha256_vectors),
	KT_CASE(test_sha256_million_a),
	KT_CASE(test_sha256_padding_boundaries),
	KT_CASE(test_hmac_rfc4231),
	KT_CASE(test_hmac_rfc4231_tc2_tc4),
};

int main(void)
{
	return KT_RUN("sha256", cases, NULL);
}
