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

static uint32_t fold(uint32_t s)
{
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s;
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
	while (len >= 2) {
		s += ((uint32_t)p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len) {
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
