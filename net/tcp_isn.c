/*
 * Initial sequence numbers (RFC 6528 §3) and timestamp offsets.
 *
 * ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where M
 * is a clock ticking every 4 microseconds (derived here from the ms clock,
 * 250 ticks per ms) and F is SipHash-2-4 (Aumasson and Bernstein, 2012)
 * keyed with the stack's 128-bit secret. SipHash is a PRF designed for
 * short inputs, so an off-path attacker who sees one connection's ISN
 * learns nothing about another 4-tuple's. The same PRF, over the tuple
 * with a different domain byte, gives each connection a random offset for
 * its RFC 7323 timestamp clock (RFC 7323 §7.1).
 *
 * Input layout hashed (13 bytes):
 *
 * OFFSET  SIZE  DESCRIPTION
 *      0     4  local address (big-endian)
 *      4     2  local port
 *      6     4  remote address
 *     10     2  remote port
 *     12     1  domain: 0 = ISN, 1 = timestamp offset
 */
#include "tcp_internal.h"

static uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64u - b));
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++) {
		v |= (uint64_t)p[i] << (8u * i);
	}
	return v;
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl64(v[2], 32);
}

static void sip_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

/* SipHash-2-4 of in[0..len) under a 128-bit key. */
uint64_t tcp_siphash(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
			 k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
	uint64_t last = (uint64_t)(len & 0xffu) << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		sip_absorb(v, load_le64(in + i));
	}
	for (size_t j = 0; i + j < len; j++) {
		last |= (uint64_t)in[i + j] << (8u * j);
	}
	sip_absorb(v, last);
	v[2] ^= 0xff;
	for (unsigned r = 0; r < 4; r++) {
		sip_round(v);
	}
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint32_t tuple_hash(const struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
			   uint16_t rport, uint8_t domain)
{
	uint8_t in[13];

	put_be32(in, lip);
	put_be16(in + 4, lport);
	put_be32(in + 6, rip);
	put_be16(in + 10, rport);
	in[12] = domain;
	return (uint32_t)tcp_siphash(st->key, in, sizeof(in));
}

uint32_t tcp_isn(const struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		 uint16_t rport, uint32_t now_ms)
{
	return now_ms * 250u + tuple_hash(st, lip, lport, rip, rport, 0);
}

uint32_t tcp_ts_offset(const struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		       uint16_t rport)
{
	return tuple_hash(st, lip, lport, rip, rport, 1);
}
