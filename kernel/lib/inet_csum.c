/*
 * The Internet checksum, RFC 1071.
 *
 * The sum is the one's complement sum of big-endian 16-bit words. One's
 * complement addition is commutative and byte-order independent up to a
 * swap, so we simply accumulate words in a 32-bit register and fold the
 * carries back in (RFC 1071 §2 (B), "deferred carries"). Chunks of odd
 * length leave a byte half way through a word: `odd` records that the next
 * byte is the low half of the current word, so a checksum may be computed
 * over a pbuf chain or a pseudo-header plus payload in any number of
 * pieces and still equal the one-shot result.
 *
 * Each update folds before returning, so the register never overflows: a
 * chunk adds at most 32768 words of 0xffff (< 2^31) to a value < 2^17.
 * Longer chunks are processed 64 KiB at a time.
 */
#include <kestrel/lib/inet_csum.h>

#include <string.h>

static uint32_t fold(uint32_t s)
{
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s;
}

/* The sum of n 16-bit words at p in host byte order, folded to 16 bits. */
static uint32_t sum_native(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	uint32_t t;

	/* 32-bit loads: 2^16 == 1 (mod 0xffff), so adding word pairs is the same sum */
	for (; n >= 4; n -= 4, p += 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		s += (uint64_t)a + b;
	}
	for (; n > 0; n--, p += 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		s += w;
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	t = fold((uint32_t)s);
	t = fold(t);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* RFC 1071 §2 (B): a sum of byte-swapped words is the byte-swapped sum */
	t = ((t & 0xffu) << 8) | (t >> 8);
#endif
	return t;
}

static void update_chunk(struct inet_csum *c, const uint8_t *p, size_t len)
{
	uint32_t s = c->sum;

	if (len == 0) {
		return;
	}
	if (c->odd) {
		s += *p++;
		len--;
		c->odd = 0;
	}
	s += sum_native(p, len / 2u);
	p += len & ~(size_t)1;
	if (len & 1u) {
		s += (uint32_t)p[0] << 8;
		c->odd = 1;
	}
	c->sum = fold(s);
}

void inet_csum_update(struct inet_csum *c, const void *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;

	while (len > 0) {
		size_t n = len > 65536u ? 65536u : len;
		update_chunk(c, p, n);
		p += n;
		len -= n;
	}
}

void inet_csum_add16(struct inet_csum *c, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	inet_csum_update(c, b, 2);
}

uint16_t inet_csum_final(const struct inet_csum *c)
{
	return (uint16_t)~fold(c->sum);
}

uint16_t inet_csum(const void *data, size_t len)
{
	struct inet_csum c;

	inet_csum_init(&c);
	inet_csum_update(&c, data, len);
	return inet_csum_final(&c);
}

void inet_csum_pseudo(struct inet_csum *c, uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	inet_csum_add16(c, (uint16_t)(src >> 16));
	inet_csum_add16(c, (uint16_t)src);
	inet_csum_add16(c, (uint16_t)(dst >> 16));
	inet_csum_add16(c, (uint16_t)dst);
	inet_csum_add16(c, proto);
	inet_csum_add16(c, len);
}

uint16_t inet_csum_adjust(uint16_t old_csum, uint16_t old_word, uint16_t new_word)
{
	/* HC' = ~(~HC + ~m + m')  (RFC 1624 eqn. 3) */
	uint32_t s = (uint16_t)~old_csum;

	s += (uint16_t)~old_word;
	s += new_word;
	return (uint16_t)~fold(s);
}
