/*
 * Packet buffers from a fixed pool.
 *
 * Design: every block is the same size (CONFIG_NET_PBUF_SIZE) and has a
 * header struct kept apart from its storage, so storage stays aligned and
 * a header can never be overwritten by a payload that runs long. Free
 * headers form a singly linked list through `next`. A packet longer than
 * one block is a chain; only the first block gets the headroom requested,
 * the others start at their base. The pool keeps used/peak/failure
 * counters for the status page and for leak checks in tests and fuzzers
 * (after all input is processed, `used` must be back to zero).
 *
 * The lock hook brackets the free-list manipulation only, so glue may make
 * alloc/free callable from an ISR by masking interrupts there.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/inet_csum.h>
#include <kestrel/net/pbuf.h>

static uint32_t nolock(void *ctx)
{
	(void)ctx;
	return 0;
}

static void nounlock(void *ctx, uint32_t token)
{
	(void)ctx;
	(void)token;
}

void pbuf_pool_init(struct pbuf_pool *pool)
{
	memset(&pool->st, 0, sizeof(pool->st));
	pool->free = NULL;
	for (int i = CONFIG_NET_PBUF_COUNT - 1; i >= 0; i--) {
		struct pbuf *p = &pool->hdr[i];
		memset(p, 0, sizeof(*p));
		p->pool = pool;
		p->base = pool->mem[i];
		p->next = pool->free;
		pool->free = p;
	}
	pool->st.total = CONFIG_NET_PBUF_COUNT;
	pbuf_pool_set_lock(pool, NULL);
}

void pbuf_pool_set_lock(struct pbuf_pool *pool, const struct pbuf_lock_ops *ops)
{
	if (ops != NULL && ops->lock != NULL && ops->unlock != NULL) {
		pool->lock = *ops;
	} else {
		pool->lock.lock = nolock;
		pool->lock.unlock = nounlock;
		pool->lock.ctx = NULL;
	}
}

void pbuf_pool_stats(const struct pbuf_pool *pool, struct pbuf_stats *out)
{
	*out = pool->st;
}

/* Takes one block off the free list (the lock is held by the caller). */
static struct pbuf *take_block(struct pbuf_pool *pool)
{
	struct pbuf *p = pool->free;

	if (p == NULL) {
		return NULL;
	}
	pool->free = p->next;
	pool->st.used++;
	if (pool->st.used > pool->st.peak) {
		pool->st.peak = pool->st.used;
	}
	p->next = NULL;
	p->qnext = NULL;
	p->ref = 1;
	p->flags = 0;
	p->gso_size = 0;
	p->tag = 0;
	return p;
}

static void give_block(struct pbuf_pool *pool, struct pbuf *p)
{
	p->ref = 0;
	p->next = pool->free;
	pool->free = p;
	pool->st.used--;
}

struct pbuf *pbuf_alloc(struct pbuf_pool *pool, enum pbuf_layer layer, uint16_t len)
{
	struct pbuf *head = NULL, *tail = NULL;
	uint32_t left = len, off = (uint32_t)layer;
	uint32_t tok = pool->lock.lock(pool->lock.ctx);

	pool->st.allocs++;
	do {
		struct pbuf *p = take_block(pool);
		uint32_t n;

		if (p == NULL) {
			pool->st.fails++;
			pool->lock.unlock(pool->lock.ctx, tok);
			pbuf_free(head);
			return NULL;
		}
		n = PBUF_BLOCK_SIZE - off;
		if (n > left) {
			n = left;
		}
		p->payload = p->base + off;
		p->len = (uint16_t)n;
		p->tot_len = (uint16_t)left;
		left -= n;
		off = 0;
		if (tail != NULL) {
			tail->next = p;
		} else {
			head = p;
		}
		tail = p;
	} while (left > 0);
	pool->lock.unlock(pool->lock.ctx, tok);
	return head;
}

void pbuf_ref(struct pbuf *p)
{
	if (p != NULL) {
		struct pbuf_pool *pool = p->pool;
		uint32_t tok = pool->lock.lock(pool->lock.ctx);
		p->ref++;
		pool->lock.unlock(pool->lock.ctx, tok);
	}
}

unsigned pbuf_free(struct pbuf *p)
{
	unsigned n = 0;

	while (p != NULL) {
		struct pbuf_pool *pool = p->pool;
		struct pbuf *next = p->next;
		uint32_t tok = pool->lock.lock(pool->lock.ctx);
		uint16_t ref = --p->ref;

		if (ref == 0) {
			give_block(pool, p);
			n++;
		}
		pool->lock.unlock(pool->lock.ctx, tok);
		if (ref != 0) {
			break; /* the rest of the chain is still shared */
		}
		p = next;
	}
	return n;
}

unsigned pbuf_clen(const struct pbuf *p)
{
	unsigned n = 0;

	for (; p != NULL; p = p->next) {
		n++;
	}
	return n;
}

uint16_t pbuf_headroom(const struct pbuf *p)
{
	return (uint16_t)(p->payload - p->base);
}

int pbuf_push(struct pbuf *p, uint16_t n)
{
	if (pbuf_headroom(p) < n || (uint32_t)p->tot_len + n > 0xffffu) {
		return -EMSGSIZE;
	}
	p->payload -= n;
	p->len += n;
	p->tot_len += n;
	return 0;
}

int pbuf_pull(struct pbuf *p, uint16_t n)
{
	if (n > p->len) {
		return -EMSGSIZE;
	}
	p->payload += n;
	p->len -= n;
	p->tot_len -= n;
	return 0;
}

void pbuf_trim(struct pbuf *p, uint16_t new_len)
{
	uint16_t left = new_len;

	if (new_len >= p->tot_len) {
		return;
	}
	for (;;) {
		p->tot_len = left;
		if (left <= p->len) {
			p->len = left;
			break;
		}
		left -= p->len;
		p = p->next;
	}
	pbuf_free(p->next);
	p->next = NULL;
}

int pbuf_cat(struct pbuf *h, struct pbuf *t)
{
	struct pbuf *q;

	if ((uint32_t)h->tot_len + t->tot_len > 0xffffu) {
		return -EMSGSIZE;
	}
	for (q = h; q->next != NULL; q = q->next) {
		q->tot_len += t->tot_len;
	}
	q->tot_len += t->tot_len;
	q->next = t;
	return 0;
}

uint16_t pbuf_copy_out(const struct pbuf *p, uint16_t offset, void *dst, uint16_t len)
{
	uint8_t *d = (uint8_t *)dst;
	uint16_t done = 0;

	for (; p != NULL && done < len; p = p->next) {
		uint16_t n;
		if (offset >= p->len) {
			offset -= p->len;
			continue;
		}
		n = p->len - offset;
		if (n > len - done) {
			n = len - done;
		}
		memcpy(d + done, p->payload + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

int pbuf_copy_in(struct pbuf *p, uint16_t offset, const void *src, uint16_t len)
{
	const uint8_t *s = (const uint8_t *)src;

	if ((uint32_t)offset + len > p->tot_len) {
		return -EMSGSIZE;
	}
	for (; p != NULL && len > 0; p = p->next) {
		uint16_t n;
		if (offset >= p->len) {
			offset -= p->len;
			continue;
		}
		n = p->len - offset;
		if (n > len) {
			n = len;
		}
		memcpy(p->payload + offset, s, n);
		s += n;
		len -= n;
		offset = 0;
	}
	return 0;
}

struct pbuf *pbuf_from(struct pbuf_pool *pool, enum pbuf_layer layer, const void *src, uint16_t len)
{
	struct pbuf *p = pbuf_alloc(pool, layer, len);

	if (p != NULL) {
		(void)pbuf_copy_in(p, 0, src, len);
	}
	return p;
}

void *pbuf_contig(const struct pbuf *p, uint16_t len)
{
	return p->len >= len ? p->payload : NULL;
}

void pbuf_csum_add(struct inet_csum *c, const struct pbuf *p)
{
	uint16_t left = p->tot_len;

	for (; p != NULL && left > 0; p = p->next) {
		uint16_t n = p->len < left ? p->len : left;
		inet_csum_update(c, p->payload, n);
		left -= n;
	}
}
