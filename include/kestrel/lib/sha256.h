/*
 * SHA-256 (FIPS 180-4 §6.2) and HMAC-SHA256 (RFC 2104), streaming.
 *
 * Pure functions over caller-owned contexts; no heap, no globals. A context
 * may be reused after *_final() by calling *_init() again.
 *
 *   struct sha256_ctx c;
 *   sha256_init(&c);
 *   sha256_update(&c, data, len);        any number of times
 *   sha256_final(&c, digest);            32 bytes out
 */
#ifndef KESTREL_LIB_SHA256_H
#define KESTREL_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t bytes; /* total message length so far */
	uint8_t block[SHA256_BLOCK_SIZE];
	uint8_t used; /* bytes buffered in block */
};

struct hmac_sha256_ctx {
	struct sha256_ctx inner;
	struct sha256_ctx outer;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_SIZE]);
/* One-shot digest of len bytes. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Keys longer than the block size are hashed first (RFC 2104 §2). */
void hmac_sha256_init(struct hmac_sha256_ctx *c, const void *key, size_t key_len);
void hmac_sha256_update(struct hmac_sha256_ctx *c, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256_ctx *c, uint8_t mac[SHA256_DIGEST_SIZE]);
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		 uint8_t mac[SHA256_DIGEST_SIZE]);

#endif /* KESTREL_LIB_SHA256_H */
