/*
 * Fixed-block memory pools.
 *
 * Free blocks form a singly linked list threaded through the blocks
 * themselves, so a pool costs no memory beyond its blocks and this header.
 * A pool declared with OS_POOL_DEFINE builds its free list on first use.
 * Allocation never blocks: an empty pool returns -ENOMEM and counts the
 * failure, which `mem` shows. free() rejects pointers that are not the start
 * of one of the pool's blocks, and frees beyond the number allocated.
 */
#include "os_internal.h"

static struct os_pool *pool_list;

static void pool_setup(struct os_pool *p)
{
	p->free_list = NULL;
	for (unsigned i = p->count; i-- > 0;) {
		void **blk = (void **)(void *)(p->mem + (size_t)i * p->block_size);
		*blk = p->free_list;
		p->free_list = blk;
	}
	p->used = 0;
	p->peak = 0;
	p->fails = 0;
	p->ready = true;
	p->next = pool_list;
	pool_list = p;
}

void os_pool_init(struct os_pool *p, const char *name, void *mem, size_t block_size, size_t count)
{
	unsigned key = os_irq_lock();

	p->name = name;
	p->mem = mem;
	p->block_size = (uint32_t)OS_POOL_BLOCK(block_size);
	p->count = (uint16_t)count;
	if (!p->ready) {
		pool_setup(p);
	}
	os_irq_unlock(key);
}

int os_pool_alloc(struct os_pool *p, void **blk)
{
	unsigned key = os_irq_lock();
	void **b;

	if (!p->ready) {
		pool_setup(p);
	}
	b = p->free_list;
	if (b == NULL) {
		p->fails++;
		os_irq_unlock(key);
		*blk = NULL;
		return -ENOMEM;
	}
	p->free_list = *b;
	p->used++;
	if (p->used > p->peak) {
		p->peak = p->used;
	}
	os_irq_unlock(key);
	*blk = b;
	return 0;
}

int os_pool_free(struct os_pool *p, void *blk)
{
	uintptr_t off = (uintptr_t)blk - (uintptr_t)p->mem;
	unsigned key;

	if ((uintptr_t)blk < (uintptr_t)p->mem || off >= (uintptr_t)p->block_size * p->count ||
	    off % p->block_size != 0) {
		return -EINVAL;
	}
	key = os_irq_lock();
	if (!p->ready || p->used == 0) {
		os_irq_unlock(key);
		return -EINVAL;
	}
	*(void **)blk = p->free_list;
	p->free_list = blk;
	p->used--;
	os_irq_unlock(key);
	return 0;
}

int os_pool_list(struct os_pool_info *out, int max)
{
	unsigned key = os_irq_lock();
	int n = 0;

	for (struct os_pool *p = pool_list; p != NULL; p = p->next, n++) {
		if (n < max) {
			out[n].name = p->name;
			out[n].block_size = p->block_size;
			out[n].count = p->count;
			out[n].used = p->used;
			out[n].peak = p->peak;
			out[n].fails = p->fails;
		}
	}
	os_irq_unlock(key);
	return n;
}
