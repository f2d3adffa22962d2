/*
 * The external definitions of the cursor helpers (include/kestrel/lib/cursor.h).
 * The header defines them as C99 inline functions; these declarations make
 * this file emit the one out-of-line copy that calls not inlined use.
 */
#include <kestrel/lib/cursor.h>

extern inline struct rd_cursor rd_init(const void *buf, size_t len);
extern inline bool rd_ok(const struct rd_cursor *c);
extern inline size_t rd_left(const struct rd_cursor *c);
extern inline bool rd_has(struct rd_cursor *c, size_t n);
extern inline const uint8_t *rd_bytes(struct rd_cursor *c, size_t n);
extern inline bool rd_skip(struct rd_cursor *c, size_t n);
extern inline bool rd_copy(struct rd_cursor *c, void *dst, size_t n);
extern inline uint8_t rd_u8(struct rd_cursor *c);
extern inline uint16_t rd_be16(struct rd_cursor *c);
extern inline uint16_t rd_le16(struct rd_cursor *c);
extern inline uint32_t rd_be32(struct rd_cursor *c);
extern inline uint32_t rd_le32(struct rd_cursor *c);
extern inline uint64_t rd_le64(struct rd_cursor *c);
extern inline struct rd_cursor rd_sub(struct rd_cursor *c, size_t n);
extern inline struct wr_cursor wr_init(void *buf, size_t cap);
extern inline bool wr_ok(const struct wr_cursor *c);
extern inline uint8_t *wr_reserve(struct wr_cursor *c, size_t n);
extern inline void wr_bytes(struct wr_cursor *c, const void *src, size_t n);
extern inline void wr_zero(struct wr_cursor *c, size_t n);
extern inline void wr_u8(struct wr_cursor *c, uint8_t v);
extern inline void wr_be16(struct wr_cursor *c, uint16_t v);
extern inline void wr_le16(struct wr_cursor *c, uint16_t v);
extern inline void wr_be32(struct wr_cursor *c, uint32_t v);
extern inline void wr_le32(struct wr_cursor *c, uint32_t v);
extern inline void wr_le64(struct wr_cursor *c, uint64_t v);
extern inline uint16_t get_be16(const uint8_t *p);
extern inline uint32_t get_be32(const uint8_t *p);
extern inline void put_be16(uint8_t *p, uint16_t v);
extern inline void put_be32(uint8_t *p, uint32_t v);
