/*
 * TAP driver's host path without root: the reader thread is fed through a
 * SOCK_SEQPACKET socketpair adopted with eth_tap_open_fd(), so frames take
 * the real route (host thread -> ring -> posix IRQ -> handler on the
 * simulated CPU -> net_rx_alloc -> net_task_input). Runs on the kernel's
 * virtual clock; the test task blocks on a semaphore the fake
 * net_task_input gives from the ISR.
 */
#include <sys/socket.h>
#include <unistd.h>

#include <kestrel/drivers/host/eth_tap.h>

#include "eth_test.h"
#include "kernel_test.h"

static struct eth_tap tap;
static struct netif nif;
static int peer = -1; /* the "kernel" end of the socketpair */
static struct os_sem got;

static void tt_input_signal(void)
{
	os_sem_give_isr(&got);
}

/* One TAP for the whole suite: IRQ lines are never freed. */
static int tt_open(void)
{
	int sv[2];

	if (peer >= 0) {
		et_reset();
		et_on_input = tt_input_signal;
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
		return -EIO;
	}
	et_reset();
	et_on_input = tt_input_signal;
	os_sem_init(&got, 0, 1000);
	peer = sv[1];
	memset(&nif, 0, sizeof(nif));
	nif.drv = &tap;
	if (eth_tap_open_fd(&tap, sv[0]) < 0) {
		return -EIO;
	}
	return eth_tap_ops.init(&nif);
}

static void test_open_fd_rejects_bad_fd(void)
{
	struct eth_tap t2;

	KT_EQ(eth_tap_open_fd(&t2, -1), -EBADF);
	KT_EQ(eth_tap_open(&t2, ""), -ENAMETOOLONG);
	KT_EQ(eth_tap_open(&t2, "a-name-far-too-long"), -ENAMETOOLONG);
}

static void test_rx_frames_reach_stack(void)
{
	uint8_t f[3][100];

	KT_EQ(tt_open(), 0);
	for (int i = 0; i < 3; i++) {
		et_fill(f[i], sizeof(f[i]), (uint8_t)(i * 50));
		KT_EQ(write(peer, f[i], 60 + 20 * i), 60 + 20 * i);
	}
	for (int i = 0; i < 3; i++) {
		KT_EQ(os_sem_take(&got, OS_WAIT_FOREVER), 0);
	}
	KT_EQ(et_nframes, 3);
	for (int i = 0; i < 3; i++) {
		KT_EQ(et_len[i], 60 + 20 * i);
		KT_MEMEQ(et_frames[i], f[i], et_len[i]);
	}
	KT_EQ(et_pool_used(), 0);
}

static void test_rx_bad_sizes_counted(void)
{
	uint8_t big[1600], ok[64];
	struct eth_host_stats before, after;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	memset(big, 1, sizeof(big));
	et_fill(ok, sizeof(ok), 9);
	KT_EQ(write(peer, big, 10), 10);     /* runt */
	KT_EQ(write(peer, big, 1519), 1519); /* one byte over ETH_FRAME_MAX */
	KT_EQ(write(peer, ok, sizeof(ok)), (ssize_t)sizeof(ok));
	KT_EQ(os_sem_take(&got, OS_WAIT_FOREVER), 0);
	eth_tap_get_stats(&tap, &after);
	KT_EQ(et_nframes, 1);
	KT_MEMEQ(et_frames[0], ok, sizeof(ok));
	KT_EQ(after.rx_errors - before.rx_errors, 2);
	KT_EQ(after.rx_frames - before.rx_frames, 1);
}

static void test_ring_full_and_pool_empty(void)
{
	uint8_t f[64];
	struct eth_host_stats before, after;
	unsigned key;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	et_fill(f, sizeof(f), 3);
	/* with the IRQ masked nothing drains: two frames too many are dropped */
	os_irq_disable((unsigned)tap.host.irq);
	for (int i = 0; i < CONFIG_ETH_HOST_RING + 2; i++) {
		f[0] = (uint8_t)i;
		KT_EQ(eth_host_push(&tap.host, f, sizeof(f)),
		      i < CONFIG_ETH_HOST_RING ? 0 : -ENOSPC);
	}
	/* then every queued frame finds the pool empty: popped and counted */
	et_alloc_fail = 1;
	key = os_irq_lock();
	os_irq_enable((unsigned)tap.host.irq);
	os_irq_unlock(key);
	et_alloc_fail = 0;
	eth_tap_get_stats(&tap, &after);
	KT_EQ(after.rx_ring_drops - before.rx_ring_drops, 2);
	KT_EQ(after.rx_nomem_drops - before.rx_nomem_drops, CONFIG_ETH_HOST_RING);
	KT_EQ(et_nframes, 0);
	KT_EQ(et_pool_used(), 0);
	while (os_sem_take(&got, OS_NO_WAIT) == 0) {
	}
}

static void test_rx_queue_full_counted(void)
{
	uint8_t f[64];
	struct eth_host_stats before, after;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	et_fill(f, sizeof(f), 3);
	et_input_rc = -ENOMEM;
	KT_EQ(eth_host_push(&tap.host, f, sizeof(f)), 0);
	os_sleep(OS_MS(1)); /* any kernel call is a safe point for the IRQ */
	eth_tap_get_stats(&tap, &after);
	KT_EQ(after.rx_queue_drops - before.rx_queue_drops, 1);
	KT_EQ(et_pool_used(), 0);
}

static void test_tx_linearises_chain(void)
{
	uint8_t frame[300], got_buf[2048];
	struct pbuf *p, *t;
	struct eth_host_stats st;
	ssize_t n;

	KT_EQ(tt_open(), 0);
	et_fill(frame, sizeof(frame), 77);
	p = pbuf_from(&et_pool, PBUF_RAW, frame, 100);
	t = pbuf_from(&et_pool, PBUF_RAW, frame + 100, 200);
	KT_ASSERT(p != NULL && t != NULL);
	KT_EQ(pbuf_cat(p, t), 0);
	KT_EQ(eth_tap_ops.output(&nif, p), 0);
	pbuf_free(p);
	n = read(peer, got_buf, sizeof(got_buf));
	KT_EQ(n, 300);
	KT_MEMEQ(got_buf, frame, 300);
	p = pbuf_alloc(&et_pool, PBUF_RAW, 1519);
	KT_ASSERT(p != NULL);
	KT_EQ(eth_tap_ops.output(&nif, p), -EMSGSIZE);
	pbuf_free(p);
	eth_tap_get_stats(&tap, &st);
	KT_ASSERT(st.tx_frames >= 1);
	KT_ASSERT(st.tx_errors >= 1);
}

static void test_close_stops_reader(void)
{
	KT_EQ(tt_open(), 0);
	eth_tap_close(&tap);
	KT_EQ(tap.fd, -1);
	KT_EQ(tap.running, 0);
	close(peer);
}

static const struct kt_case cases[] = {
	KT_CASE(test_open_fd_rejects_bad_fd), KT_CASE(test_rx_frames_reach_stack),
	KT_CASE(test_rx_bad_sizes_counted),   KT_CASE(test_ring_full_and_pool_empty),
	KT_CASE(test_rx_queue_full_counted),  KT_CASE(test_tx_linearises_chain),
	KT_CASE(test_close_stops_reader),
};

KERNEL_TEST_MAIN("eth_tap", cases)
