/* Packet buffers: allocation, chaining, reference counts, header push/pull, copies, stats. */
#include <kestrel/errno.h>
#include <kestrel/net/pbuf.h>

#include "ktest.h"

KT_MAIN_STATE;

static struct pbuf_pool pool;

static void teardown(void)
{
	struct pbuf_stats s;

	pbuf_pool_stats(&pool, &s);
	if (s.used != 0) {
		KT_FAIL("leak: %u pbufs in use", s.used);
	}
	pbuf_pool_init(&pool);
}

static void test_alloc_layers(void)
{
	static const struct {
		const char *name;
		enum pbuf_layer layer;
		uint16_t len;
		uint16_t headroom, first_len;
		unsigned blocks;
	} rows[] = {
		{"raw frame", PBUF_RAW, 1514, 0, 1514, 1},
		{"link layer", PBUF_LINK, 100, 14, 100, 1},
		{"ip layer", PBUF_IP, 100, 34, 100, 1},
		{"transport layer", PBUF_TRANSPORT, 1460, 94, 1460, 1},
		{"zero length", PBUF_TRANSPORT, 0, 94, 0, 1},
		{"exactly one block", PBUF_RAW, PBUF_BLOCK_SIZE, 0, PBUF_BLOCK_SIZE, 1},
		{"spills into a second block", PBUF_IP, PBUF_BLOCK_SIZE, 34, PBUF_BLOCK_SIZE - 34,
		 2},
		{"large datagram chains", PBUF_RAW, 8000, 0, PBUF_BLOCK_SIZE, 6},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pbuf *p;
		KT_ROW(rows[i].name);
		p = pbuf_alloc(&pool, rows[i].layer, rows[i].len);
		KT_ASSERT(p != NULL);
		KT_EQ(pbuf_headroom(p), rows[i].headroom);
		KT_EQ(p->len, rows[i].first_len);
		KT_EQ(p->tot_len, rows[i].len);
		KT_EQ(pbuf_clen(p), rows[i].blocks);
		KT_EQ(p->ref, 1);
		KT_EQ(pbuf_free(p), rows[i].blocks);
	}
}

static void test_exhaustion_and_stats(void)
{
	struct pbuf *p[CONFIG_NET_PBUF_COUNT];
	struct pbuf_stats s;

	for (int i = 0; i < CONFIG_NET_PBUF_COUNT; i++) {
		p[i] = pbuf_alloc(&pool, PBUF_RAW, 10);
		KT_ASSERT(p[i] != NULL);
	}
	KT_ASSERT(pbuf_alloc(&pool, PBUF_RAW, 10) == NULL);
	pbuf_pool_stats(&pool, &s);
	KT_EQ(s.used, CONFIG_NET_PBUF_COUNT);
	KT_EQ(s.peak, CONFIG_NET_PBUF_COUNT);
	KT_EQ(s.fails, 1);
	for (int i = 0; i < CONFIG_NET_PBUF_COUNT; i++) {
		pbuf_free(p[i]);
	}
	pbuf_pool_stats(&pool, &s);
	KT_EQ(s.used, 0);
	KT_EQ(s.peak, CONFIG_NET_PBUF_COUNT);
}

static void test_partial_chain_failure_returns_blocks(void)
{
	struct pbuf *hold[CONFIG_NET_PBUF_COUNT - 2];
	struct pbuf_stats s;

	for (int i = 0; i < CONFIG_NET_PBUF_COUNT - 2; i++) {
		hold[i] = pbuf_alloc(&pool, PBUF_RAW, 1);
	}
	/* needs 3 blocks, 2 left: fails and gives both back */
	KT_ASSERT(pbuf_alloc(&pool, PBUF_RAW, 3 * PBUF_BLOCK_SIZE - 10) == NULL);
	pbuf_pool_stats(&pool, &s);
	KT_EQ(s.used, CONFIG_NET_PBUF_COUNT - 2);
	for (int i = 0; i < CONFIG_NET_PBUF_COUNT - 2; i++) {
		pbuf_free(hold[i]);
	}
}

static void test_refcount(void)
{
	struct pbuf *p = pbuf_alloc(&pool, PBUF_RAW, 100);
	struct pbuf_stats s;

	pbuf_ref(p);
	KT_EQ(p->ref, 2);
	KT_EQ(pbuf_free(p), 0);
	pbuf_pool_stats(&pool, &s);
	KT_EQ(s.used, 1);
	KT_EQ(pbuf_free(p), 1);
	KT_EQ(pbuf_free(NULL), 0);
}

static void test_shared_tail(void)
{
	struct pbuf *h = pbuf_alloc(&pool, PBUF_IP, 20);
	struct pbuf *t = pbuf_alloc(&pool, PBUF_RAW, 30);
	struct pbuf_stats s;

	pbuf_ref(t); /* we keep t, the chain gets the other reference */
	KT_EQ(pbuf_cat(h, t), 0);
	KT_EQ(h->tot_len, 50);
	KT_EQ(pbuf_free(h), 1); /* only the head goes */
	pbuf_pool_stats(&pool, &s);
	KT_EQ(s.used, 1);
	KT_EQ(t->ref, 1);
	KT_EQ(pbuf_free(t), 1);
}

static void test_push_pull(void)
{
	struct pbuf *p = pbuf_alloc(&pool, PBUF_IP, 8);
	uint8_t *orig = p->payload;

	KT_EQ(pbuf_push(p, 20), 0);
	KT_ASSERT(p->payload == orig - 20);
	KT_EQ(p->len, 28);
	KT_EQ(p->tot_len, 28);
	KT_EQ(pbuf_push(p, 14), 0);
	KT_EQ(pbuf_headroom(p), 0);
	KT_EQ(pbuf_push(p, 1), -EMSGSIZE);
	KT_EQ(p->len, 42);
	KT_EQ(pbuf_pull(p, 34), 0);
	KT_ASSERT(p->payload == orig);
	KT_EQ(pbuf_pull(p, 9), -EMSGSIZE);
	KT_EQ(p->len, 8);
	pbuf_free(p);
}

static void test_copy_in_out_across_blocks(void)
{
	static uint8_t src[4000], dst[4000];
	struct pbuf *p = pbuf_alloc(&pool, PBUF_TRANSPORT, sizeof(src));

	for (size_t i = 0; i < sizeof(src); i++) {
		src[i] = (uint8_t)(i * 7u);
	}
	KT_EQ(pbuf_copy_in(p, 0, src, sizeof(src)), 0);
	KT_EQ(pbuf_copy_out(p, 0, dst, sizeof(dst)), sizeof(dst));
	KT_MEMEQ(dst, src, sizeof(src));
	KT_EQ(pbuf_copy_out(p, 1500, dst, 100), 100);
	KT_MEMEQ(dst, src + 1500, 100);
	KT_EQ(pbuf_copy_out(p, 3990, dst, 100), 10);
	KT_EQ(pbuf_copy_in(p, 3990, src, 11), -EMSGSIZE);
	KT_ASSERT(pbuf_contig(p, 10) != NULL);
	KT_ASSERT(pbuf_contig(p, 2000) == NULL);
	pbuf_free(p);
}

static void test_trim(void)
{
	static const struct {
		const char *name;
		uint16_t len, to;
		unsigned blocks_after;
	} rows[] = {
		{"trim inside one block", 100, 60, 1},
		{"trim beyond length is a no-op", 100, 200, 1},
		{"trim frees later blocks", 3000, 100, 1},
		{"trim to block boundary", 2 * PBUF_BLOCK_SIZE + 5, PBUF_BLOCK_SIZE, 1},
		{"trim keeps two blocks", 3 * PBUF_BLOCK_SIZE, PBUF_BLOCK_SIZE + 1, 2},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pbuf *p;
		struct pbuf_stats s;
		KT_ROW(rows[i].name);
		p = pbuf_alloc(&pool, PBUF_RAW, rows[i].len);
		pbuf_trim(p, rows[i].to);
		KT_EQ(p->tot_len, rows[i].to < rows[i].len ? rows[i].to : rows[i].len);
		KT_EQ(pbuf_clen(p), rows[i].blocks_after);
		pbuf_pool_stats(&pool, &s);
		KT_EQ(s.used, rows[i].blocks_after);
		pbuf_free(p);
	}
}

static unsigned locks, unlocks;

static uint32_t count_lock(void *ctx)
{
	(void)ctx;
	locks++;
	return 0xabcd;
}

static void count_unlock(void *ctx, uint32_t tok)
{
	(void)ctx;
	if (tok == 0xabcd) {
		unlocks++;
	}
}

static void test_lock_hooks_bracket_alloc_and_free(void)
{
	const struct pbuf_lock_ops ops = {count_lock, count_unlock, NULL};
	struct pbuf *p;

	locks = unlocks = 0;
	pbuf_pool_set_lock(&pool, &ops);
	p = pbuf_alloc(&pool, PBUF_RAW, 10);
	pbuf_free(p);
	KT_EQ(locks, 2);
	KT_EQ(unlocks, 2);
	pbuf_pool_set_lock(&pool, NULL);
}

static const struct kt_case cases[] = {
	KT_CASE(test_alloc_layers),
	KT_CASE(test_exhaustion_and_stats),
	KT_CASE(test_partial_chain_failure_returns_blocks),
	KT_CASE(test_refcount),
	KT_CASE(test_shared_tail),
	KT_CASE(test_push_pull),
	KT_CASE(test_copy_in_out_across_blocks),
	KT_CASE(test_trim),
	KT_CASE(test_lock_hooks_bracket_alloc_and_free),
};

int main(void)
{
	pbuf_pool_init(&pool);
	return KT_RUN("pbuf", cases, teardown);
}
