/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104).
 *
 * Design: a message is consumed in 64-byte blocks. Bytes are buffered in
 * the context until a block is full, then the compression function mixes
 * the block into the eight-word state. The message schedule W is computed
 * in place in a 16-word ring (W[t] depends on W[t-2], W[t-7], W[t-15] and
 * W[t-16], all within the last 16 words), which keeps the stack at 64
 * bytes instead of 256 - it matters on a Cortex-M task stack.
 *
 * Padding (FIPS 180-4 §5.1.1): append 0x80, zeros up to 56 mod 64, then
 * the message length in bits as a big-endian 64-bit integer.
 *
 * HMAC (RFC 2104 §2): H((K ^ opad) || H((K ^ ipad) || m)), with K hashed
 * first when longer than the block and zero-padded to the block size. Both
 * the inner and outer contexts are primed at init so the key is not kept.
 */
#include <string.h>

#include <kestrel/lib/sha256.h>

/* FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[16];
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];

	for (unsigned t = 0; t < 64; t++) {
		uint32_t wt, t1, t2;

		if (t < 16) {
			wt = ((uint32_t)p[4 * t] << 24) | ((uint32_t)p[4 * t + 1] << 16) |
			     ((uint32_t)p[4 * t + 2] << 8) | p[4 * t + 3];
		} else {
			uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
			uint32_t s0 = ror32(w15, 7) ^ ror32(w15, 18) ^ (w15 >> 3);
			uint32_t s1 = ror32(w2, 17) ^ ror32(w2, 19) ^ (w2 >> 10);

			wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
		}
		w[t & 15] = wt;
		t1 = k + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
		     sha256_k[t] + wt;
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += k;
}

void sha256_init(struct sha256_ctx *c)
{
	/* FIPS 180-4 §5.3.3 */
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
	c->used = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;

	c->bytes += len;
	if (c->used) {
		size_t n = SHA256_BLOCK_SIZE - c->used;

		if (n > len) {
			n = len;
		}
		memcpy(c->block + c->used, p, n);
		c->used = (uint8_t)(c->used + n);
		p += n;
		len -= n;
		if (c->used < SHA256_BLOCK_SIZE) {
			return;
		}
		sha256_block(c->h, c->block);
		c->used = 0;
	}
	while (len >= SHA256_BLOCK_SIZE) {
		sha256_block(c->h, p);
		p += SHA256_BLOCK_SIZE;
		len -= SHA256_BLOCK_SIZE;
	}
	if (len) {
		memcpy(c->block, p, len);
		c->used = (uint8_t)len;
	}
}

void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_SIZE])
{
	uint64_t bits = c->bytes * 8;
	unsigned i;

	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, SHA256_BLOCK_SIZE - c->used);
		sha256_block(c->h, c->block);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++) {
		c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	}
	sha256_block(c->h, c->block);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(c->h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)c->h[i];
	}
	c->used = 0;
}

void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, digest);
}

void hmac_sha256_init(struct hmac_sha256_ctx *c, const void *key, size_t key_len)
{
	uint8_t k[SHA256_BLOCK_SIZE];
	unsigned i;

	memset(k, 0, sizeof(k));
	if (key_len > SHA256_BLOCK_SIZE) {
		sha256(key, key_len, k);
	} else if (key_len) {
		memcpy(k, key, key_len);
	}
	for (i = 0; i < SHA256_BLOCK_SIZE; i++) {
		k[i] ^= 0x36;
	}
	sha256_init(&c->inner);
	sha256_update(&c->inner, k, sizeof(k));
	for (i = 0; i < SHA256_BLOCK_SIZE; i++) {
		k[i] ^= 0x36 ^ 0x5c;
	}
	sha256_init(&c->outer);
	sha256_update(&c->outer, k, sizeof(k));
	memset(k, 0, sizeof(k));
}

void hmac_sha256_update(struct hmac_sha256_ctx *c, const void *data, size_t len)
{
	sha256_update(&c->inner, data, len);
}

void hmac_sha256_final(struct hmac_sha256_ctx *c, uint8_t mac[SHA256_DIGEST_SIZE])
{
	uint8_t ih[SHA256_DIGEST_SIZE];

	sha256_final(&c->inner, ih);
	sha256_update(&c->outer, ih, sizeof(ih));
	sha256_final(&c->outer, mac);
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		 uint8_t mac[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx c;

	hmac_sha256_init(&c, key, key_len);
	hmac_sha256_update(&c, data, len);
	hmac_sha256_final(&c, mac);
}
