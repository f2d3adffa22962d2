/*
 * Fault-injection layer: exact, seed-determined decisions in both
 * directions, ordering of reordered frames, TX never modifying the
 * caller's buffer, no pbuf leaks, and the option-string parser.
 */
#include <kestrel/drivers/eth_fault.h>

#include "eth_test.h"

KT_MAIN_STATE;

#define FT_FRAMES 1000

/* Inner driver: records what reaches the "wire". */
static uint8_t ft_tx[ET_MAX_FRAMES][128];
static uint16_t ft_tx_len[ET_MAX_FRAMES];
static unsigned ft_ntx, ft_tx_total, ft_init_calls;
static void *ft_seen_drv;
static int ft_inner_marker;

static int ft_output(struct netif *nif, struct pbuf *p)
{
	ft_seen_drv = nif->drv;
	if (ft_ntx < ET_MAX_FRAMES) {
		ft_tx_len[ft_ntx] = pbuf_copy_out(p, 0, ft_tx[ft_ntx], sizeof(ft_tx[0]));
		ft_ntx++;
	}
	ft_tx_total++;
	return 0;
}

static int ft_init(struct netif *nif)
{
	ft_seen_drv = nif->drv;
	ft_init_calls++;
	return 0;
}

static const struct eth_driver_ops ft_inner = {ft_init, ft_output, NULL, NULL};

static struct eth_fault fault;
static struct netif nif;

static void ft_setup(uint32_t seed)
{
	et_reset();
	ft_ntx = 0;
	ft_tx_total = 0;
	ft_init_calls = 0;
	ft_seen_drv = NULL;
	memset(&nif, 0, sizeof(nif));
	eth_fault_init(&fault, &ft_inner, &ft_inner_marker, seed);
	nif.ops = &eth_fault_ops;
	nif.drv = &fault;
}

/* A 64-byte frame whose first byte is its sequence number. */
static struct pbuf *ft_frame(uint8_t seq)
{
	uint8_t buf[64];
	struct pbuf *p;

	et_fill(buf, sizeof(buf), 0x40);
	buf[0] = seq;
	p = net_rx_alloc(sizeof(buf));
	if (p != NULL) {
		pbuf_copy_in(p, 0, buf, sizeof(buf));
	}
	return p;
}

static int ft_send(uint8_t seq)
{
	struct pbuf *p = ft_frame(seq);
	int rc = eth_fault_ops.output(&nif, p);

	pbuf_free(p);
	return rc;
}

static void test_passthrough(void)
{
	ft_setup(1);
	KT_EQ(eth_fault_ops.init(&nif), 0);
	KT_EQ(ft_init_calls, 1);
	KT_ASSERT(ft_seen_drv == &ft_inner_marker);
	KT_ASSERT(nif.drv == &fault);
	for (unsigned i = 0; i < 10; i++) {
		KT_EQ(ft_send((uint8_t)i), 0);
	}
	KT_EQ(ft_ntx, 10);
	for (unsigned i = 0; i < 10; i++) {
		KT_EQ(ft_tx[i][0], i);
		KT_EQ(ft_tx_len[i], 64);
	}
	KT_ASSERT(ft_seen_drv == &ft_inner_marker);
	KT_ASSERT(nif.drv == &fault);
	KT_EQ(eth_fault_ops.link_up(&nif), 1);
}

static void test_set_rejects_over_100(void)
{
	struct eth_fault_cfg bad = {101, 0, 0, 0};
	struct eth_fault_cfg ok = {100, 100, 100, 100};

	ft_setup(1);
	KT_EQ(eth_fault_set(&fault, ETH_FAULT_TX, &bad), -EINVAL);
	KT_EQ(eth_fault_set(&fault, ETH_FAULT_RX, &ok), 0);
	KT_EQ(eth_fault_set(&fault, (enum eth_fault_dir)7, &ok), -EINVAL);
}

static void test_tx_drop_all(void)
{
	struct eth_fault_cfg c = {100, 0, 0, 0};
	struct eth_fault_stats st;

	ft_setup(7);
	eth_fault_set(&fault, ETH_FAULT_TX, &c);
	for (unsigned i = 0; i < 20; i++) {
		KT_EQ(ft_send((uint8_t)i), 0);
	}
	eth_fault_get_stats(&fault, ETH_FAULT_TX, &st);
	KT_EQ(ft_ntx, 0);
	KT_EQ(st.frames, 20);
	KT_EQ(st.dropped, 20);
}

static void test_tx_reorder_swaps_pairs(void)
{
	struct eth_fault_cfg c = {0, 0, 100, 0};
	static const uint8_t want[] = {1, 0, 3, 2, 5, 4};

	ft_setup(3);
	eth_fault_set(&fault, ETH_FAULT_TX, &c);
	for (unsigned i = 0; i < 7; i++) {
		ft_send((uint8_t)i);
	}
	KT_EQ(ft_ntx, 6); /* frame 6 is held back */
	for (unsigned i = 0; i < 6; i++) {
		KT_ROW(i == 0 ? "first pair" : "later frames");
		KT_EQ(ft_tx[i][0], want[i]);
	}
	KT_EQ(et_pool_used(), 1); /* the held copy */
	eth_fault_flush(&fault, &nif, NULL);
	KT_EQ(ft_ntx, 7);
	KT_EQ(ft_tx[6][0], 6);
	KT_EQ(et_pool_used(), 0);
}

static void test_tx_corrupt_copies(void)
{
	struct eth_fault_cfg c = {0, 0, 0, 100};
	uint8_t orig[64];
	struct pbuf *p;
	unsigned diff = 0;

	ft_setup(11);
	eth_fault_set(&fault, ETH_FAULT_TX, &c);
	p = ft_frame(9);
	pbuf_copy_out(p, 0, orig, sizeof(orig));
	KT_EQ(eth_fault_ops.output(&nif, p), 0);
	KT_EQ(ft_ntx, 1);
	/* the caller's buffer is untouched, the wire copy differs in one byte by 0xFF */
	KT_MEMEQ(p->payload, orig, sizeof(orig));
	for (unsigned i = 0; i < sizeof(orig); i++) {
		if (ft_tx[0][i] != orig[i]) {
			KT_EQ(ft_tx[0][i] ^ orig[i], 0xFF);
			diff++;
		}
	}
	KT_EQ(diff, 1);
	pbuf_free(p);
}

static void test_tx_dup(void)
{
	struct eth_fault_cfg c = {0, 100, 0, 0};
	struct eth_fault_stats st;

	ft_setup(5);
	eth_fault_set(&fault, ETH_FAULT_TX, &c);
	ft_send(1);
	ft_send(2);
	eth_fault_get_stats(&fault, ETH_FAULT_TX, &st);
	KT_EQ(ft_ntx, 4);
	KT_EQ(ft_tx[0][0], 1);
	KT_EQ(ft_tx[1][0], 1);
	KT_EQ(ft_tx[2][0], 2);
	KT_EQ(st.duplicated, 2);
}

/* Runs FT_FRAMES frames through one direction with every fault at 10 %. */
static void ft_run_mixed(enum eth_fault_dir dir, uint32_t seed, struct eth_fault_stats *st)
{
	struct eth_fault_cfg c = {10, 10, 10, 10};

	ft_setup(seed);
	eth_fault_set(&fault, dir, &c);
	for (unsigned i = 0; i < FT_FRAMES; i++) {
		if (dir == ETH_FAULT_TX) {
			ft_send((uint8_t)i);
		} else {
			eth_fault_rx(&fault, &nif, ft_frame((uint8_t)i), net_task_input);
		}
	}
	eth_fault_flush(&fault, &nif, net_task_input);
	eth_fault_get_stats(&fault, dir, st);
}

static void test_mixed_counts_are_seeded(void)
{
	struct eth_fault_stats a, b, c;

	ft_run_mixed(ETH_FAULT_TX, 42, &a);
	KT_EQ(et_pool_used(), 0);
	/* exact counts for seed 42 (golden: any change to the PRNG shows here) */
	KT_EQ(a.frames, FT_FRAMES);
	KT_EQ(a.dropped, 111);
	KT_EQ(a.corrupted, 88);
	KT_EQ(a.duplicated, 79);
	KT_EQ(a.reordered, 79);
	KT_EQ(a.nomem, 0);
	/* what reached the wire: survivors plus duplicates */
	KT_EQ(ft_tx_total, a.frames - a.dropped + a.duplicated);

	ft_run_mixed(ETH_FAULT_TX, 42, &b);
	KT_MEMEQ(&a, &b, sizeof(a));
	ft_run_mixed(ETH_FAULT_TX, 43, &c);
	KT_ASSERT(memcmp(&a, &c, sizeof(a)) != 0);
}

static void test_rx_mixed_no_leak(void)
{
	struct eth_fault_stats st;

	ft_run_mixed(ETH_FAULT_RX, 42, &st);
	KT_EQ(st.frames, FT_FRAMES);
	KT_EQ(et_pool_used(), 0);
	/* et_frames keeps the first ET_MAX_FRAMES; count every delivery instead */
	KT_ASSERT(st.dropped > 50 && st.dropped < 150);
	KT_ASSERT(st.duplicated > 50 && st.duplicated < 150);
}

static unsigned ft_rx_count;
static void ft_count(void)
{
	ft_rx_count++;
}

static void test_rx_delivery_count(void)
{
	struct eth_fault_stats st;

	ft_rx_count = 0;
	et_reset();
	et_on_input = ft_count;
	{
		struct eth_fault_cfg c = {10, 10, 10, 10};

		memset(&nif, 0, sizeof(nif));
		eth_fault_init(&fault, &ft_inner, &ft_inner_marker, 42);
		nif.drv = &fault;
		eth_fault_set(&fault, ETH_FAULT_RX, &c);
	}
	for (unsigned i = 0; i < FT_FRAMES; i++) {
		eth_fault_rx(&fault, &nif, ft_frame((uint8_t)i), net_task_input);
	}
	eth_fault_flush(&fault, &nif, net_task_input);
	eth_fault_get_stats(&fault, ETH_FAULT_RX, &st);
	KT_EQ(ft_rx_count, st.frames - st.dropped + st.duplicated);
	KT_EQ(et_pool_used(), 0);
}

static void test_rx_dup_without_buffers(void)
{
	struct eth_fault_cfg c = {0, 100, 0, 0};
	struct eth_fault_stats st;
	struct pbuf *p;

	ft_setup(9);
	eth_fault_set(&fault, ETH_FAULT_RX, &c);
	p = ft_frame(1);
	et_alloc_fail = 1;
	KT_EQ(eth_fault_rx(&fault, &nif, p, net_task_input), 0);
	et_alloc_fail = 0;
	eth_fault_get_stats(&fault, ETH_FAULT_RX, &st);
	KT_EQ(et_nframes, 1);
	KT_EQ(st.nomem, 1);
	KT_EQ(st.duplicated, 0);
	KT_EQ(et_pool_used(), 0);
}

static void test_rx_reorder_and_flush_free(void)
{
	struct eth_fault_cfg c = {0, 0, 100, 0};

	ft_setup(2);
	eth_fault_set(&fault, ETH_FAULT_RX, &c);
	eth_fault_rx(&fault, &nif, ft_frame(0), net_task_input);
	eth_fault_rx(&fault, &nif, ft_frame(1), net_task_input);
	eth_fault_rx(&fault, &nif, ft_frame(2), net_task_input);
	KT_EQ(et_nframes, 2);
	KT_EQ(et_frames[0][0], 1);
	KT_EQ(et_frames[1][0], 0);
	KT_EQ(et_pool_used(), 1);
	eth_fault_flush(&fault, &nif, NULL); /* frees the held frame */
	KT_EQ(et_nframes, 2);
	KT_EQ(et_pool_used(), 0);
}

/*
 * A polling inner driver (like the TAP): eth_fault_ops.poll forwards to it
 * with the inner driver's data in nif->drv; the frames it hands to the
 * hook are delivered with the wrapper's data back in place, so a reply
 * the stack sends from deliver() goes through the wrapper's output.
 */
static void *ft_poll_drv, *ft_deliver_drv;
static struct eth_rx_hook ft_hook;

static int ft_deliver_and_reply(struct netif *n, struct pbuf *p)
{
	ft_deliver_drv = n->drv;
	(void)n->ops->output(n, p); /* the stack answering from net_input() */
	return net_task_input(n, p);
}

static int ft_poll(struct netif *n, int budget)
{
	ft_poll_drv = n->drv;
	for (int i = 0; i < budget; i++) {
		eth_rx_hand_off(&ft_hook, n, ft_frame((uint8_t)i), ft_deliver_and_reply);
	}
	return budget;
}

static const struct eth_driver_ops ft_polled = {ft_init, ft_output, NULL, ft_poll};

static void test_poll_forwarded(void)
{
	ft_setup(3);
	eth_fault_init(&fault, &ft_polled, &ft_inner_marker, 3);
	ft_hook.fn = eth_fault_rx;
	ft_hook.ctx = &fault;
	KT_EQ(eth_fault_ops.poll(&nif, 3), 3);
	KT_ASSERT(ft_poll_drv == &ft_inner_marker);
	KT_ASSERT(ft_deliver_drv == &fault);
	KT_ASSERT(ft_seen_drv == &ft_inner_marker); /* the reply reached the inner output */
	KT_ASSERT(nif.drv == &fault);
	KT_EQ(ft_ntx, 3);
	KT_EQ(et_nframes, 3);
	KT_EQ(et_pool_used(), 0);
	/* an inner driver without a poll op: nothing to do */
	eth_fault_init(&fault, &ft_inner, &ft_inner_marker, 3);
	KT_EQ(eth_fault_ops.poll(&nif, 3), 0);
}

struct parse_row {
	const char *name, *in;
	int rc;
	struct eth_fault_cfg tx, rx;
	uint32_t seed;
};

static const struct parse_row parse_rows[] = {
	{"empty", "", 0, {0, 0, 0, 0}, {0, 0, 0, 0}, 0},
	{"both", "drop=5,dup=1,reorder=2,corrupt=3,seed=42", 0, {5, 1, 2, 3}, {5, 1, 2, 3}, 42},
	{"per direction", "tx-drop=10,rx-corrupt=100", 0, {10, 0, 0, 0}, {0, 0, 0, 100}, 0},
	{"hex seed", "seed=0xDEADbeef", 0, {0, 0, 0, 0}, {0, 0, 0, 0}, 0xDEADBEEFu},
	{"max seed", "seed=4294967295", 0, {0, 0, 0, 0}, {0, 0, 0, 0}, 0xFFFFFFFFu},
	{"seed too big", "seed=4294967296", -EINVAL, {0}, {0}, 0},
	{"pct 101", "drop=101", -EINVAL, {0}, {0}, 0},
	{"unknown key", "lose=5", -EINVAL, {0}, {0}, 0},
	{"bad prefix", "xx-drop=5", -EINVAL, {0}, {0}, 0},
	{"no value", "drop=", -EINVAL, {0}, {0}, 0},
	{"no equals", "drop", -EINVAL, {0}, {0}, 0},
	{"empty item", "drop=1,,dup=2", -EINVAL, {0}, {0}, 0},
	{"trailing comma", "drop=1,", -EINVAL, {0}, {0}, 0},
	{"junk in number", "drop=1x", -EINVAL, {0}, {0}, 0},
	{"negative", "drop=-1", -EINVAL, {0}, {0}, 0},
	{"long key", "aaaaaaaaaaaaaaaaaaaaaaaaa=1", -EINVAL, {0}, {0}, 0},
	{"bare 0x", "seed=0x", -EINVAL, {0}, {0}, 0},
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		struct eth_fault_spec sp;

		KT_ROW(r->name);
		memset(&sp, 0xA5, sizeof(sp));
		KT_EQ(eth_fault_parse(r->in, &sp), r->rc);
		if (r->rc < 0) {
			KT_EQ(sp.seed, 0xA5A5A5A5u); /* untouched on error */
			continue;
		}
		KT_MEMEQ(&sp.tx, &r->tx, sizeof(r->tx));
		KT_MEMEQ(&sp.rx, &r->rx, sizeof(r->rx));
		KT_EQ(sp.seed, r->seed);
	}
}

static void teardown(void)
{
	if (et_pool_used() != 0) {
		KT_FAIL("pbuf leak: %u blocks still allocated", et_pool_used());
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_passthrough),
	KT_CASE(test_set_rejects_over_100),
	KT_CASE(test_tx_drop_all),
	KT_CASE(test_tx_reorder_swaps_pairs),
	KT_CASE(test_tx_corrupt_copies),
	KT_CASE(test_tx_dup),
	KT_CASE(test_mixed_counts_are_seeded),
	KT_CASE(test_rx_mixed_no_leak),
	KT_CASE(test_rx_delivery_count),
	KT_CASE(test_rx_dup_without_buffers),
	KT_CASE(test_rx_reorder_and_flush_free),
	KT_CASE(test_poll_forwarded),
	KT_CASE(test_parse),
};

int main(void)
{
	return KT_RUN("eth_fault", cases, teardown);
}
