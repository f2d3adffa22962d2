/*
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of the data taken as big-endian 16-bit words.
 *
 * Data may arrive in chunks of any length, odd ones included: struct
 * inet_csum remembers whether the next byte is the high or the low half of
 * a word. inet_csum_final() returns the value to store in a checksum field
 * (write it big-endian with put_be16()); run over data that includes a
 * valid checksum field, it returns 0.
 */
#ifndef KESTREL_LIB_INET_CSUM_H
#define KESTREL_LIB_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

struct inet_csum {
	uint32_t sum;
	uint8_t odd; /* 1 if an odd number of bytes was added so far */
};

static inline void inet_csum_init(struct inet_csum *c)
{
	c->sum = 0;
	c->odd = 0;
}

/* Adds len bytes at data. */
void inet_csum_update(struct inet_csum *c, const void *data, size_t len);

/* Adds one 16-bit word (word-aligned position assumed: call between even chunks). */
void inet_csum_add16(struct inet_csum *c, uint16_t v);

/* Folds the sum and returns its complement (the checksum field value). */
uint16_t inet_csum_final(const struct inet_csum *c);

/* One-shot checksum of a buffer. */
uint16_t inet_csum(const void *data, size_t len);

/*
 * Adds the IPv4 pseudo-header used by TCP and UDP (RFC 768, RFC 9293
 * §3.1): source and destination address (host byte order), protocol and
 * transport length. Call first, on a fresh struct inet_csum.
 */
void inet_csum_pseudo(struct inet_csum *c, uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/*
 * Incremental update (RFC 1624 eqn. 3): the new checksum field value after
 * one 16-bit word covered by `old_csum` changes from `old_word` to
 * `new_word`.
 */
uint16_t inet_csum_adjust(uint16_t old_csum, uint16_t old_word, uint16_t new_word);

#endif /* KESTREL_LIB_INET_CSUM_H */
