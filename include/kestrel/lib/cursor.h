/*
 * Bounded byte cursors for reading and writing wire formats.
 *
 * Every parser of outside bytes reads through a struct rd_cursor: it tracks
 * the bytes *remaining*, and the first read past the end sets a sticky
 * error so later reads return 0 and the caller checks once, at the end
 * (rd_ok()). Length fields are checked with rd_has() against what remains,
 * never against a packet total. Writers mirror this with struct wr_cursor.
 *
 * Never cast a packed struct over a received buffer; use these.
 *
 * The helpers are C99 inline functions: an optimising build inlines them
 * where that pays, and every other call goes to the one external definition
 * in kernel/lib/cursor.c (C11 6.7.4p7) instead of a private copy in each
 * file that uses them, which is what `static inline` left behind at -Os.
 */
#ifndef KESTREL_LIB_CURSOR_H
#define KESTREL_LIB_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd_cursor {
	const uint8_t *p;
	size_t left;
	bool err;
};

struct wr_cursor {
	uint8_t *p;
	size_t left;
	size_t len; /* bytes written so far */
	bool err;
};

inline struct rd_cursor rd_init(const void *buf, size_t len)
{
	struct rd_cursor c = {(const uint8_t *)buf, len, false};
	return c;
}

inline bool rd_ok(const struct rd_cursor *c)
{
	return !c->err;
}

inline size_t rd_left(const struct rd_cursor *c)
{
	return c->err ? 0 : c->left;
}

/* True if n more bytes can be read; otherwise marks the cursor failed. */
inline bool rd_has(struct rd_cursor *c, size_t n)
{
	if (c->err || c->left < n) {
		c->err = true;
		return false;
	}
	return true;
}

/* Returns a pointer to the next n bytes and advances, or NULL. */
inline const uint8_t *rd_bytes(struct rd_cursor *c, size_t n)
{
	const uint8_t *p;
	if (!rd_has(c, n)) {
		return NULL;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

inline bool rd_skip(struct rd_cursor *c, size_t n)
{
	return rd_bytes(c, n) != NULL;
}

inline bool rd_copy(struct rd_cursor *c, void *dst, size_t n)
{
	const uint8_t *p = rd_bytes(c, n);
	if (p == NULL) {
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

inline uint8_t rd_u8(struct rd_cursor *c)
{
	const uint8_t *p = rd_bytes(c, 1);
	return p ? p[0] : 0;
}

inline uint16_t rd_be16(struct rd_cursor *c)
{
	const uint8_t *p = rd_bytes(c, 2);
	return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

inline uint16_t rd_le16(struct rd_cursor *c)
{
	const uint8_t *p = rd_bytes(c, 2);
	return p ? (uint16_t)((p[1] << 8) | p[0]) : 0;
}

inline uint32_t rd_be32(struct rd_cursor *c)
{
	const uint8_t *p = rd_bytes(c, 4);
	return p ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]
		 : 0;
}

inline uint32_t rd_le32(struct rd_cursor *c)
{
	const uint8_t *p = rd_bytes(c, 4);
	return p ? ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0]
		 : 0;
}

inline uint64_t rd_le64(struct rd_cursor *c)
{
	uint64_t lo = rd_le32(c);
	uint64_t hi = rd_le32(c);
	return lo | (hi << 32);
}

/* Splits off the next n bytes as a sub-cursor (for nested TLVs). */
inline struct rd_cursor rd_sub(struct rd_cursor *c, size_t n)
{
	struct rd_cursor s = {NULL, 0, true};
	const uint8_t *p = rd_bytes(c, n);
	if (p != NULL) {
		s.p = p;
		s.left = n;
		s.err = false;
	}
	return s;
}

inline struct wr_cursor wr_init(void *buf, size_t cap)
{
	struct wr_cursor c = {(uint8_t *)buf, cap, 0, false};
	return c;
}

inline bool wr_ok(const struct wr_cursor *c)
{
	return !c->err;
}

/* Reserves n bytes and returns where they go, or NULL (sticky). */
inline uint8_t *wr_reserve(struct wr_cursor *c, size_t n)
{
	uint8_t *p;
	if (c->err || c->left < n) {
		c->err = true;
		return NULL;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	c->len += n;
	return p;
}

inline void wr_bytes(struct wr_cursor *c, const void *src, size_t n)
{
	uint8_t *p = wr_reserve(c, n);
	if (p != NULL && n != 0) {
		memcpy(p, src, n);
	}
}

inline void wr_zero(struct wr_cursor *c, size_t n)
{
	uint8_t *p = wr_reserve(c, n);
	if (p != NULL && n != 0) {
		memset(p, 0, n);
	}
}

inline void wr_u8(struct wr_cursor *c, uint8_t v)
{
	uint8_t *p = wr_reserve(c, 1);
	if (p) {
		p[0] = v;
	}
}

inline void wr_be16(struct wr_cursor *c, uint16_t v)
{
	uint8_t *p = wr_reserve(c, 2);
	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

inline void wr_le16(struct wr_cursor *c, uint16_t v)
{
	uint8_t *p = wr_reserve(c, 2);
	if (p) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

inline void wr_be32(struct wr_cursor *c, uint32_t v)
{
	uint8_t *p = wr_reserve(c, 4);
	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

inline void wr_le32(struct wr_cursor *c, uint32_t v)
{
	uint8_t *p = wr_reserve(c, 4);
	if (p) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

inline void wr_le64(struct wr_cursor *c, uint64_t v)
{
	wr_le32(c, (uint32_t)v);
	wr_le32(c, (uint32_t)(v >> 32));
}

/* Big-endian helpers on raw memory, for fields patched after writing. */
inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* KESTREL_LIB_CURSOR_H */
