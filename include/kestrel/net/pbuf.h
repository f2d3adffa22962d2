/*
 * Packet buffers: fixed-size blocks from a static pool, chained for data
 * longer than one block, reference counted.
 *
 * A pbuf describes one block: `payload` points at the current first byte,
 * `len` is the bytes in this block, `tot_len` the bytes in this block and
 * every block after it. Headers are prepended with pbuf_push() into the
 * headroom the allocation reserved (see enum pbuf_layer) and stripped with
 * pbuf_pull(), so a segment is built in place and never copied on its way
 * down. Only the first block of a chain carries headroom.
 *
 * Reference counting: pbuf_alloc() returns a chain whose blocks each have
 * ref 1. pbuf_ref() adds a reference to the first block; pbuf_free()
 * drops one and, when it reaches zero, returns the block to its pool and
 * goes on with the next block (which may itself be shared).
 *
 * Pools are per stack (struct net_stack owns one). Allocation and free are
 * bracketed by a lock hook pair that defaults to no-ops, so glue code can
 * make them ISR-safe (e.g. mask interrupts) without touching this code.
 */
#ifndef KESTREL_NET_PBUF_H
#define KESTREL_NET_PBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/net/config.h>

/* Headroom reserved by pbuf_alloc(), by what the payload will hold. */
enum pbuf_layer {
	/* payload is raw: no headroom (e.g. a received frame) */
	PBUF_RAW = 0,
	/* payload is the IP header: room for the link header */
	PBUF_LINK = CONFIG_NET_LINK_HLEN,
	/* payload is the transport header: room for link + IPv4 headers */
	PBUF_IP = CONFIG_NET_LINK_HLEN + NET_IP_HLEN,
	/* payload is application data: room for link + IPv4 + TCP/UDP headers */
	PBUF_TRANSPORT = CONFIG_NET_LINK_HLEN + NET_IP_HLEN + CONFIG_NET_TRANSPORT_HLEN,
};

struct pbuf_pool;

struct pbuf {
	struct pbuf *next;	/* next block of this packet, or NULL */
	uint8_t *payload;	/* first valid byte */
	uint16_t len;		/* bytes in this block */
	uint16_t tot_len;	/* bytes in this block and all that follow */
	uint16_t ref;		/* references; 0 while in the pool */
	uint16_t flags;		/* PBUF_F_* */
	uint16_t gso_size;	/* TX with NETIF_CAP_TSO: TCP payload per wire segment */
	uint32_t tag;		/* scratch for the current owner (queues, reassembly) */
	struct pbuf_pool *pool; /* the pool this block returns to */
	struct pbuf *qnext;	/* packet queue link for the current owner */
	uint8_t *base;		/* start of this block's storage */
};

#define PBUF_F_BCAST 0x0001u /* received as link-layer broadcast */
#define PBUF_F_MCAST 0x0002u /* received as link-layer multicast */
/* RX: the TCP/UDP checksum was verified by the link (see NETIF_CAP_*) */
#define PBUF_F_CSUM_OK 0x0004u
/* TX: the TCP/UDP checksum field holds the pseudo-header sum; the driver completes it */
#define PBUF_F_CSUM_PARTIAL 0x0008u

/* Pool statistics (pbuf_pool_stats()). */
struct pbuf_stats {
	uint16_t total; /* blocks in the pool */
	uint16_t used;	/* blocks handed out now */
	uint16_t peak;	/* highest `used` seen */
	uint32_t fails; /* allocations refused for lack of blocks */
	uint32_t allocs;
};

/* Lock hook: lock() returns a token that unlock() receives back. */
struct pbuf_lock_ops {
	uint32_t (*lock)(void *ctx);
	void (*unlock)(void *ctx, uint32_t token);
	void *ctx;
};

struct pbuf_pool {
	struct pbuf hdr[CONFIG_NET_PBUF_COUNT];
	uint8_t mem[CONFIG_NET_PBUF_COUNT][CONFIG_NET_PBUF_SIZE] __attribute__((aligned(4)));
	struct pbuf *free;
	struct pbuf_stats st;
	struct pbuf_lock_ops lock;
};

/* Usable bytes of one block. */
#define PBUF_BLOCK_SIZE CONFIG_NET_PBUF_SIZE

/* Initialises pool with every block free and no-op lock hooks. */
void pbuf_pool_init(struct pbuf_pool *pool);

/* Installs lock hooks (NULL ops restores the no-op default). */
void pbuf_pool_set_lock(struct pbuf_pool *pool, const struct pbuf_lock_ops *ops);

/* Fills *out with the pool's counters. */
void pbuf_pool_stats(const struct pbuf_pool *pool, struct pbuf_stats *out);

/*
 * Allocates a packet of `len` payload bytes with headroom for `layer`,
 * chaining blocks when it does not fit one. Contents are undefined.
 * Returns NULL when the pool runs out (counted in stats.fails).
 */
struct pbuf *pbuf_alloc(struct pbuf_pool *pool, enum pbuf_layer layer, uint16_t len);

/* Adds a reference to p (the whole chain is then shared). */
void pbuf_ref(struct pbuf *p);

/*
 * Drops one reference to the chain at p; frees blocks that reach zero.
 * NULL is allowed. Returns the number of blocks returned to the pool.
 */
unsigned pbuf_free(struct pbuf *p);

/* Number of blocks in the chain. */
unsigned pbuf_clen(const struct pbuf *p);

/*
 * Prepends n bytes of header to the first block (payload moves back).
 * @retval -EMSGSIZE not enough headroom (p unchanged)
 */
int pbuf_push(struct pbuf *p, uint16_t n);

/*
 * Strips n bytes from the front of the first block.
 * @retval -EMSGSIZE n is more than the first block holds (p unchanged)
 */
int pbuf_pull(struct pbuf *p, uint16_t n);

/* Bytes of headroom in front of p->payload. */
uint16_t pbuf_headroom(const struct pbuf *p);

/*
 * Shortens the packet to new_len bytes, freeing blocks no longer needed.
 * Does nothing if new_len >= tot_len.
 */
void pbuf_trim(struct pbuf *p, uint16_t new_len);

/*
 * Appends chain t to chain h; the caller's reference to t passes to h.
 * @retval -EMSGSIZE the result would exceed 65535 bytes (nothing changed)
 */
int pbuf_cat(struct pbuf *h, struct pbuf *t);

/* Copies up to len bytes from offset of p into dst; returns bytes copied. */
uint16_t pbuf_copy_out(const struct pbuf *p, uint16_t offset, void *dst, uint16_t len);

/*
 * Copies len bytes from src into p at offset.
 * @retval -EMSGSIZE offset + len is beyond tot_len (nothing written)
 */
int pbuf_copy_in(struct pbuf *p, uint16_t offset, const void *src, uint16_t len);

/*
 * Allocates a packet with `layer` headroom holding a copy of src.
 * Returns NULL when the pool runs out.
 */
struct pbuf *pbuf_from(struct pbuf_pool *pool, enum pbuf_layer layer, const void *src,
		       uint16_t len);

/*
 * Returns a pointer to the first len bytes if they lie in the first block,
 * else NULL (parsers use this for headers; data sent from this host always
 * has its headers in the first block).
 */
void *pbuf_contig(const struct pbuf *p, uint16_t len);

/* Adds tot_len bytes of p to a running Internet checksum (see inet_csum.h). */
struct inet_csum;
void pbuf_csum_add(struct inet_csum *c, const struct pbuf *p);

#endif /* KESTREL_NET_PBUF_H */
