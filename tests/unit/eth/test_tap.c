/*
 * TAP driver's host path without root: the driver adopts one end of a
 * SOCK_SEQPACKET socketpair with eth_tap_open_fd(), so frames take the
 * real route (reader thread -> posix IRQ -> ISR -> net_task_poll -> poll
 * op reading into pool blocks -> receive hook -> deliver). Runs on the
 * kernel's virtual clock. The test task plays the network task: the fake
 * net_task_poll() below gives a semaphore from the ISR, and tt_poll()
 * takes it and runs the poll op as net_task.c does. Delivered frames are
 * recorded by eth_test.h's net_task_input(), installed as the driver's
 * deliver callback in place of net_input().
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <kestrel/lib/inet_csum.h>

#include <kestrel/drivers/eth_fault.h>
#include <kestrel/drivers/host/eth_tap.h>
#include <kestrel/net/stack.h>

#include "eth_test.h"
#include "kernel_test.h"

static struct eth_tap tap, otap; /* plain, and with offloads (virtio-net headers) */
static struct netif nif, onif;
static struct net_stack tt_stack; /* only its pool is used: the driver's receive blocks */
static int peer = -1;		  /* the "kernel" end of the socketpair */
static struct os_sem poll_req;
static unsigned tt_polls; /* requests the fake received */

/* The network task's side of a poll request (see net/task/net_task.c). */
void net_task_poll(struct netif *n)
{
	tt_polls++;
	if (!(n->flags & NETIF_F_POLLING)) {
		n->flags |= NETIF_F_POLLING;
		os_sem_give_isr(&poll_req);
	}
}

/* Waits for a poll request and runs poll turns of n until one returns < budget. */
static int tt_poll_nif(struct netif *n, int budget)
{
	int got, total = 0;
	unsigned key;

	if (os_sem_take(&poll_req, OS_WAIT_FOREVER) != 0) {
		return -1;
	}
	do {
		key = os_irq_lock();
		n->flags &= (uint8_t)~NETIF_F_POLLING;
		os_irq_unlock(key);
		got = n->ops->poll(n, budget);
		total += got;
	} while (got == budget);
	return total;
}

static int tt_poll(int budget)
{
	return tt_poll_nif(&nif, budget);
}

static unsigned tt_stack_used(void)
{
	struct pbuf_stats s;

	pbuf_pool_stats(&tt_stack.pool, &s);
	return s.used;
}

/* Blocks in use beyond the drivers' receive rings (which stay until close). */
static unsigned tt_leaked(void)
{
	return tt_stack_used() - tap.rx_nspare - otap.rx_nspare;
}

/* One TAP for the whole suite: IRQ lines are never freed. */
static int tt_open(void)
{
	int sv[2];

	et_reset();
	nif.ops = &eth_tap_ops;
	nif.drv = &tap;
	if (peer >= 0) {
		while (os_sem_take(&poll_req, OS_NO_WAIT) == 0) {
		}
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
		return -EIO;
	}
	os_sem_init(&poll_req, 0, 1000);
	pbuf_pool_init(&tt_stack.pool);
	peer = sv[1];
	memset(&nif, 0, sizeof(nif));
	nif.ops = &eth_tap_ops;
	nif.drv = &tap;
	nif.st = &tt_stack;
	if (eth_tap_open_fd(&tap, sv[0]) < 0) {
		return -EIO;
	}
	tap.host.deliver = net_task_input; /* record instead of net_input() */
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
	struct eth_host_stats before, after;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	for (int i = 0; i < 3; i++) {
		et_fill(f[i], sizeof(f[i]), (uint8_t)(i * 50));
		KT_EQ(write(peer, f[i], 60 + 20 * i), 60 + 20 * i);
	}
	while (et_nframes < 3) {
		KT_ASSERT(tt_poll(CONFIG_NET_TASK_POLL_BUDGET) >= 0);
	}
	KT_EQ(et_nframes, 3);
	for (int i = 0; i < 3; i++) {
		KT_EQ(et_len[i], 60 + 20 * i);
		KT_MEMEQ(et_frames[i], f[i], et_len[i]);
	}
	eth_tap_get_stats(&tap, &after);
	KT_EQ(after.rx_frames - before.rx_frames, 3);
	KT_EQ(after.rx_bytes - before.rx_bytes, 60 + 80 + 100);
	KT_EQ(tt_leaked(), 0); /* drained: the spare blocks went back */
}

/* A frame longer than one pool block arrives as a chain of blocks. */
static void test_rx_chain_layout(void)
{
	/* frames up to ETH_FRAME_MAX; with the default 1560-byte blocks this is one block */
	uint8_t f[ETH_FRAME_MAX];

	KT_EQ(tt_open(), 0);
	et_fill(f, sizeof(f), 5);
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(tt_poll(CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(et_nframes, 1);
	KT_EQ(et_len[0], sizeof(f));
	KT_MEMEQ(et_frames[0], f, sizeof(f));
	KT_EQ(tt_leaked(), 0);
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
	while (et_nframes < 1) {
		KT_ASSERT(tt_poll(CONFIG_NET_TASK_POLL_BUDGET) >= 0);
	}
	eth_tap_get_stats(&tap, &after);
	KT_EQ(et_nframes, 1);
	KT_MEMEQ(et_frames[0], ok, sizeof(ok));
	KT_EQ(after.rx_errors - before.rx_errors, 2);
	KT_EQ(after.rx_frames - before.rx_frames, 1);
	KT_EQ(tt_leaked(), 0);
}

/*
 * A poll turn reads at most budget frames and says "more" by returning
 * budget; the reader stays disarmed (no new request) until a turn drains
 * the fd, and is armed again afterwards.
 */
static void test_rx_budget_and_rearm(void)
{
	uint8_t f[64];
	unsigned polls;

	KT_EQ(tt_open(), 0);
	for (int i = 0; i < 5; i++) {
		et_fill(f, sizeof(f), 1);
		f[0] = (uint8_t)i;
		KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	}
	KT_EQ(os_sem_take(&poll_req, OS_WAIT_FOREVER), 0);
	nif.flags &= (uint8_t)~NETIF_F_POLLING;
	KT_EQ(eth_tap_ops.poll(&nif, 2), 2);
	KT_EQ(et_nframes, 2);
	KT_EQ(eth_tap_ops.poll(&nif, 2), 2);
	KT_EQ(eth_tap_ops.poll(&nif, 2), 1); /* drained: re-armed */
	KT_EQ(et_nframes, 5);
	for (unsigned i = 0; i < 5; i++) {
		KT_EQ(et_frames[i][0], i);
	}
	KT_EQ(tt_leaked(), 0);
	/* the re-armed reader reports the next frame with a new request */
	polls = tt_polls;
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(tt_poll(CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_ASSERT(tt_polls > polls);
	KT_EQ(et_nframes, 6);
}

/* Receive hook that keeps the frames (as a stack holding buffers would). */
static struct pbuf *held[8];
static unsigned nheld;
static int tt_hold(void *ctx, struct netif *n, struct pbuf *p, eth_deliver_fn deliver)
{
	(void)ctx;
	(void)n;
	(void)deliver;
	if (nheld < 8) {
		held[nheld++] = p;
	} else {
		pbuf_free(p);
	}
	return 0;
}

/*
 * The pool runs dry: the frame that finds the ring filled is received, the
 * next one finds no buffer and is dropped (counted) without stalling the
 * fd; with blocks back, frames flow again.
 */
static void test_rx_pool_empty(void)
{
	struct eth_rx_hook h = {tt_hold, NULL};
	uint8_t f[64];
	static struct pbuf *hog[CONFIG_NET_PBUF_COUNT];
	struct eth_host_stats before, after;
	unsigned n = 0;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	nheld = 0;
	eth_tap_set_rx_hook(&tap, &h);
	while (n < CONFIG_NET_PBUF_COUNT &&
	       (hog[n] = pbuf_alloc(&tt_stack.pool, PBUF_RAW, 1)) != NULL) {
		n++;
	}
	et_fill(f, sizeof(f), 3);
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(tt_poll(CONFIG_NET_TASK_POLL_BUDGET), 2);
	eth_tap_get_stats(&tap, &after);
	eth_tap_set_rx_hook(&tap, NULL);
	KT_EQ(nheld, 1); /* one block held the largest plain frame */
	KT_EQ(after.rx_nomem_drops - before.rx_nomem_drops, 1);
	KT_EQ(tap.rx_nspare, 0);
	pbuf_free(held[0]);
	while (n > 0) {
		pbuf_free(hog[--n]);
	}
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(tt_poll(CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(et_nframes, 1);
	KT_EQ(tap.rx_nspare, 1);
	KT_EQ(tt_leaked(), 0);
}

/*
 * The network task's queue is full when the ISR asks for a poll: counted,
 * and the reader asks again until a request gets through.
 */
/* Receive hook: drops frames whose first byte is odd. */
static unsigned hook_calls;
static int tt_hook(void *ctx, struct netif *n, struct pbuf *p, eth_deliver_fn deliver)
{
	uint8_t b;

	(void)ctx;
	hook_calls++;
	pbuf_copy_out(p, 0, &b, 1);
	if (b & 1u) {
		pbuf_free(p);
		return 0;
	}
	return deliver(n, p);
}

static void test_rx_hook_in_poll(void)
{
	struct eth_rx_hook h = {tt_hook, NULL};
	uint8_t f[64];

	KT_EQ(tt_open(), 0);
	hook_calls = 0;
	eth_tap_set_rx_hook(&tap, &h);
	for (int i = 0; i < 4; i++) {
		et_fill(f, sizeof(f), 0);
		f[0] = (uint8_t)i;
		KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	}
	while (hook_calls < 4) {
		KT_ASSERT(tt_poll(CONFIG_NET_TASK_POLL_BUDGET) >= 0);
	}
	eth_tap_set_rx_hook(&tap, NULL);
	KT_EQ(et_nframes, 2);
	KT_EQ(et_frames[0][0], 0);
	KT_EQ(et_frames[1][0], 2);
	KT_EQ(tt_leaked(), 0);
}

/*
 * Behind the fault wrapper (as `kestrel --fault` runs it): the wrapper's
 * poll op reaches the TAP's, and while a frame is delivered nif->drv is
 * the wrapper's again (the stack may transmit through eth_fault_ops).
 */
static struct eth_fault tt_fault;
static unsigned tt_wrapped_ok;
static int tt_deliver_wrapped(struct netif *n, struct pbuf *p)
{
	if (n->drv == &tt_fault) {
		tt_wrapped_ok++;
	}
	return net_task_input(n, p);
}

static void test_rx_behind_fault_wrapper(void)
{
	struct eth_rx_hook h = {eth_fault_rx, &tt_fault};
	struct eth_fault_cfg none = {0, 0, 0, 0};
	uint8_t f[64];

	KT_EQ(tt_open(), 0);
	eth_fault_init(&tt_fault, &eth_tap_ops, &tap, 1);
	eth_fault_set(&tt_fault, ETH_FAULT_RX, &none);
	eth_tap_set_rx_hook(&tap, &h);
	tap.host.deliver = tt_deliver_wrapped;
	nif.ops = &eth_fault_ops;
	nif.drv = &tt_fault;
	tt_wrapped_ok = 0;
	et_fill(f, sizeof(f), 8);
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	KT_EQ(write(peer, f, sizeof(f)), (ssize_t)sizeof(f));
	while (et_nframes < 2) {
		KT_ASSERT(tt_poll(CONFIG_NET_TASK_POLL_BUDGET) >= 0);
	}
	KT_EQ(tt_wrapped_ok, 2);
	KT_ASSERT(nif.drv == &tt_fault);
	eth_tap_set_rx_hook(&tap, NULL);
	tap.host.deliver = net_task_input;
	KT_EQ(tt_leaked(), 0);
}

static void test_tx_writes_chain_as_one_frame(void)
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
	KT_EQ(et_pool_used(), 0);
}

/* A full host queue is -EBUSY and a counted drop, never a block. */
static void test_tx_busy(void)
{
	uint8_t frame[1000], sink[2048];
	struct eth_host_stats before, after;
	struct pbuf *p;
	int rc = 0, sent = 0;

	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&tap, &before);
	et_fill(frame, sizeof(frame), 1);
	p = pbuf_from(&et_pool, PBUF_RAW, frame, sizeof(frame));
	KT_ASSERT(p != NULL);
	for (int i = 0; i < 100000 && rc == 0; i++) {
		rc = eth_tap_ops.output(&nif, p);
		sent += rc == 0;
	}
	pbuf_free(p);
	KT_EQ(rc, -EBUSY);
	eth_tap_get_stats(&tap, &after);
	KT_EQ(after.tx_drops - before.tx_drops, 1);
	KT_EQ(after.tx_frames - before.tx_frames, sent);
	for (int i = 0; i < sent; i++) {
		KT_EQ(read(peer, sink, sizeof(sink)), (ssize_t)sizeof(frame));
	}
}

/* The peer goes away: the poll op sees EOF and stops the reader. */
static void test_rx_eof_stops_reader(void)
{
	static struct eth_tap t2;
	static struct netif n2;
	int sv[2];

	KT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memset(&n2, 0, sizeof(n2));
	n2.ops = &eth_tap_ops;
	n2.drv = &t2;
	n2.st = &tt_stack;
	KT_EQ(eth_tap_open_fd(&t2, sv[0]), 0);
	t2.host.deliver = net_task_input;
	KT_EQ(eth_tap_ops.init(&n2), 0);
	close(sv[1]);
	KT_EQ(os_sem_take(&poll_req, OS_WAIT_FOREVER), 0);
	n2.flags &= (uint8_t)~NETIF_F_POLLING;
	KT_EQ(eth_tap_ops.poll(&n2, CONFIG_NET_TASK_POLL_BUDGET), 0);
	KT_EQ(t2.stop, 1);
	eth_tap_close(&t2); /* joins the reader, which has stopped */
	KT_EQ(t2.running, 0);
	KT_EQ(t2.fd, -1);
	KT_EQ(tt_leaked(), 0);
}

/* ---- offloads (virtio-net header) ---------------------------------------- */

#define TT_BIG 60000 /* a merged TCP segment, 39 pool blocks */

static int opeer = -1;
static uint8_t big_frame[ETH_TAP_GSO_FRAME_MAX + 1 + ETH_VNET_HDR_LEN];
static uint8_t big_got[ETH_TAP_GSO_FRAME_MAX];
static uint16_t big_len, big_flags;
static unsigned big_blocks, big_n;

/* deliver of the offload TAP: records frames of any size. */
static int tt_deliver_big(struct netif *n, struct pbuf *p)
{
	(void)n;
	big_len = pbuf_copy_out(p, 0, big_got, p->tot_len);
	big_flags = p->flags;
	big_blocks = pbuf_clen(p);
	big_n++;
	pbuf_free(p);
	return 0;
}

static int tt_open_offload(void)
{
	int sv[2];

	big_n = 0;
	while (os_sem_take(&poll_req, OS_NO_WAIT) == 0) {
	}
	if (opeer >= 0) {
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
		return -EIO;
	}
	opeer = sv[1];
	memset(&onif, 0, sizeof(onif));
	onif.ops = &eth_tap_ops;
	onif.drv = &otap;
	onif.st = &tt_stack;
	if (eth_tap_open_fd_flags(&otap, sv[0], ETH_TAP_F_OFFLOAD) < 0) {
		return -EIO;
	}
	otap.host.deliver = tt_deliver_big;
	return eth_tap_ops.init(&onif);
}

/* Ethernet + IPv4 + TCP (20-byte headers) frame of len bytes into f. */
static void tt_tcp_frame(uint8_t *f, size_t len)
{
	et_fill(f, len, 0x11);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[20] = 0x40; /* DF */
	f[21] = 0;
	f[23] = 6;
	f[46] = 0x50;
}

/* Sends [virtio-net header h][frame f, len bytes] as one record. */
static ssize_t tt_send_vnet(const struct eth_vnet_hdr *h, const uint8_t *f, size_t len)
{
	uint8_t vh[ETH_VNET_HDR_LEN];
	struct iovec iov[2] = {{vh, sizeof(vh)}, {(void *)f, len}};

	eth_vnet_hdr_encode(h, vh);
	return writev(opeer, iov, 2);
}

static void test_offload_caps(void)
{
	KT_EQ(tt_open_offload(), 0);
	KT_EQ(eth_tap_offload(&otap), 1);
	KT_EQ(eth_tap_offload(&tap), 0);
	KT_EQ(onif.caps, NETIF_CAP_TX_CSUM | NETIF_CAP_TSO | NETIF_CAP_RX_LRO);
	KT_EQ(onif.gso_max, 65535 - 14);
	KT_EQ(nif.caps, 0);
}

/* NEEDS_CSUM from the kernel: the stack is told to trust the checksum. */
static void test_offload_rx_csum_ok(void)
{
	struct eth_vnet_hdr csum = {ETH_VNET_F_NEEDS_CSUM, 0, 54, 0, 34, 16};
	struct eth_vnet_hdr none = {0, 0, 0, 0, 0, 0};

	KT_EQ(tt_open_offload(), 0);
	tt_tcp_frame(big_frame, 200);
	KT_EQ(tt_send_vnet(&csum, big_frame, 200), 210);
	KT_EQ(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(big_n, 1);
	KT_EQ(big_len, 200);
	KT_MEMEQ(big_got, big_frame, 200); /* the header is gone, the frame intact */
	KT_EQ(big_flags & PBUF_F_CSUM_OK, PBUF_F_CSUM_OK);
	KT_EQ(tt_send_vnet(&none, big_frame, 200), 210);
	KT_EQ(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(big_n, 2);
	KT_EQ(big_flags & PBUF_F_CSUM_OK, 0);
	KT_EQ(tt_leaked(), 0);
}

/* A GSO frame of 60000 bytes arrives whole, as one chain of pool blocks. */
static void test_offload_rx_lro(void)
{
	struct eth_vnet_hdr gso = {ETH_VNET_F_NEEDS_CSUM, ETH_VNET_GSO_TCPV4, 54, 1448, 34, 16};

	KT_EQ(tt_open_offload(), 0);
	tt_tcp_frame(big_frame, TT_BIG);
	KT_EQ(tt_send_vnet(&gso, big_frame, TT_BIG), TT_BIG + 10);
	KT_EQ(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(big_n, 1);
	KT_EQ(big_len, TT_BIG);
	KT_EQ(big_blocks, (TT_BIG + PBUF_BLOCK_SIZE - 1) / PBUF_BLOCK_SIZE);
	KT_MEMEQ(big_got, big_frame, TT_BIG);
	KT_EQ(big_flags & PBUF_F_CSUM_OK, PBUF_F_CSUM_OK);
	KT_EQ(tt_leaked(), 0);
}

/* The largest frame a pbuf holds passes; one byte more is an error. */
static void test_offload_rx_limits(void)
{
	struct eth_vnet_hdr none = {0, 0, 0, 0, 0, 0};
	struct eth_host_stats before, after;

	KT_EQ(tt_open_offload(), 0);
	eth_tap_get_stats(&otap, &before);
	tt_tcp_frame(big_frame, sizeof(big_frame));
	KT_EQ(tt_send_vnet(&none, big_frame, ETH_TAP_GSO_FRAME_MAX + 1),
	      ETH_TAP_GSO_FRAME_MAX + 11);
	KT_EQ(tt_send_vnet(&none, big_frame, ETH_TAP_GSO_FRAME_MAX), ETH_TAP_GSO_FRAME_MAX + 10);
	KT_EQ(write(opeer, big_frame, 4), 4); /* shorter than the header */
	do {
		KT_ASSERT(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET) >= 0);
		eth_tap_get_stats(&otap, &after);
	} while (after.rx_errors - before.rx_errors < 2);
	KT_EQ(after.rx_errors - before.rx_errors, 2);
	KT_EQ(big_n, 1);
	KT_EQ(big_len, ETH_TAP_GSO_FRAME_MAX);
	KT_EQ(tt_leaked(), 0);
}

/* Headers the device cannot use are dropped and counted. */
static void test_offload_rx_bad_header(void)
{
	struct eth_vnet_hdr udp_gso = {ETH_VNET_F_NEEDS_CSUM, ETH_VNET_GSO_UDP, 42, 1400, 34, 6};
	struct eth_vnet_hdr beyond = {ETH_VNET_F_NEEDS_CSUM, 0, 0, 0, 190, 16};
	struct eth_vnet_hdr none = {0, 0, 0, 0, 0, 0};
	struct eth_host_stats before, after;

	KT_EQ(tt_open_offload(), 0);
	eth_tap_get_stats(&otap, &before);
	tt_tcp_frame(big_frame, 200);
	KT_EQ(tt_send_vnet(&udp_gso, big_frame, 200), 210);
	KT_EQ(tt_send_vnet(&beyond, big_frame, 200), 210);
	KT_EQ(tt_send_vnet(&none, big_frame, 200), 210);
	while (big_n < 1) {
		KT_ASSERT(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET) >= 0);
	}
	eth_tap_get_stats(&otap, &after);
	KT_EQ(after.rx_errors - before.rx_errors, 2);
	KT_EQ(after.rx_frames - before.rx_frames, 1);
	KT_EQ(tt_leaked(), 0);
}

/* NEEDS_CSUM on something other than TCP/UDP is completed in software. */
static void test_offload_rx_fill(void)
{
	struct eth_vnet_hdr icmp = {ETH_VNET_F_NEEDS_CSUM, 0, 0, 0, 34, 2};

	KT_EQ(tt_open_offload(), 0);
	tt_tcp_frame(big_frame, 98);
	big_frame[23] = 1; /* ICMP */
	big_frame[36] = 0; /* checksum field: partial sum 0 */
	big_frame[37] = 0;
	KT_EQ(tt_send_vnet(&icmp, big_frame, 98), 108);
	KT_EQ(tt_poll_nif(&onif, CONFIG_NET_TASK_POLL_BUDGET), 1);
	KT_EQ(big_n, 1);
	KT_EQ(inet_csum(big_got + 34, 98 - 34), 0); /* verifies now */
	KT_EQ(big_flags & PBUF_F_CSUM_OK, 0);
}

/* TX: the header follows the pbuf's marks; TSO frames may exceed ETH_FRAME_MAX. */
static void test_offload_tx(void)
{
	static uint8_t got_buf[4096];
	struct eth_vnet_hdr h;
	struct eth_host_stats before, after;
	struct pbuf *p;

	KT_EQ(tt_open_offload(), 0);
	eth_tap_get_stats(&otap, &before);
	tt_tcp_frame(big_frame, 3000);
	p = pbuf_from(&tt_stack.pool, PBUF_RAW, big_frame, 3000);
	KT_ASSERT(p != NULL);
	p->flags |= PBUF_F_CSUM_PARTIAL;
	p->gso_size = 1448;
	KT_EQ(eth_tap_ops.output(&onif, p), 0);
	KT_EQ(read(opeer, got_buf, sizeof(got_buf)), 3010);
	eth_vnet_hdr_decode(got_buf, &h);
	KT_EQ(h.flags, ETH_VNET_F_NEEDS_CSUM);
	KT_EQ(h.gso_type, ETH_VNET_GSO_TCPV4);
	KT_EQ(h.gso_size, 1448);
	KT_EQ(h.hdr_len, 54);
	KT_EQ(h.csum_start, 34);
	KT_EQ(h.csum_offset, 16);
	KT_MEMEQ(got_buf + 10, big_frame, 3000);
	/* checksum only */
	p->gso_size = 0;
	pbuf_trim(p, 1000);
	KT_EQ(eth_tap_ops.output(&onif, p), 0);
	KT_EQ(read(opeer, got_buf, sizeof(got_buf)), 1010);
	eth_vnet_hdr_decode(got_buf, &h);
	KT_EQ(h.flags, ETH_VNET_F_NEEDS_CSUM);
	KT_EQ(h.gso_type, ETH_VNET_GSO_NONE);
	/* unmarked: an all-zero header */
	p->flags = 0;
	KT_EQ(eth_tap_ops.output(&onif, p), 0);
	KT_EQ(read(opeer, got_buf, sizeof(got_buf)), 1010);
	KT_MEMEQ(got_buf, (const uint8_t[10]){0}, 10);
	pbuf_free(p);
	eth_tap_get_stats(&otap, &after);
	KT_EQ(after.tx_frames - before.tx_frames, 3);
	KT_EQ(after.tx_bytes - before.tx_bytes, 3000 + 1000 + 1000);
	KT_EQ(tt_leaked(), 0);
}

static void test_offload_tx_refused(void)
{
	struct eth_host_stats before, after;
	struct pbuf *p;

	KT_EQ(tt_open_offload(), 0);
	KT_EQ(tt_open(), 0);
	eth_tap_get_stats(&otap, &before);
	tt_tcp_frame(big_frame, 3000);
	p = pbuf_from(&tt_stack.pool, PBUF_RAW, big_frame, 3000);
	KT_ASSERT(p != NULL);
	/* longer than a frame without TSO */
	p->flags |= PBUF_F_CSUM_PARTIAL;
	KT_EQ(eth_tap_ops.output(&onif, p), -EMSGSIZE);
	/* TSO of UDP was never offered */
	big_frame[23] = 17;
	KT_EQ(pbuf_copy_in(p, 23, &big_frame[23], 1), 0);
	p->gso_size = 1400;
	KT_EQ(eth_tap_ops.output(&onif, p), -EINVAL);
	/* a TAP without offloads refuses marked frames */
	pbuf_trim(p, 1000);
	p->gso_size = 0;
	KT_EQ(eth_tap_ops.output(&nif, p), -EINVAL);
	pbuf_free(p);
	eth_tap_get_stats(&otap, &after);
	KT_EQ(after.tx_errors - before.tx_errors, 2);
	KT_EQ(after.tx_frames - before.tx_frames, 0);
	KT_EQ(tt_leaked(), 0);
}

static void test_close_stops_reader(void)
{
	KT_EQ(tt_open(), 0);
	eth_tap_close(&otap);
	close(opeer);
	eth_tap_close(&tap);
	KT_EQ(tap.fd, -1);
	KT_EQ(tap.running, 0);
	KT_EQ(tt_stack_used(), 0); /* the receive rings went back too */
	close(peer);
}

static const struct kt_case cases[] = {
	KT_CASE(test_open_fd_rejects_bad_fd),
	KT_CASE(test_rx_frames_reach_stack),
	KT_CASE(test_rx_chain_layout),
	KT_CASE(test_rx_bad_sizes_counted),
	KT_CASE(test_rx_budget_and_rearm),
	KT_CASE(test_rx_pool_empty),
	KT_CASE(test_rx_hook_in_poll),
	KT_CASE(test_rx_behind_fault_wrapper),
	KT_CASE(test_tx_writes_chain_as_one_frame),
	KT_CASE(test_tx_busy),
	KT_CASE(test_rx_eof_stops_reader),
	KT_CASE(test_offload_caps),
	KT_CASE(test_offload_rx_csum_ok),
	KT_CASE(test_offload_rx_lro),
	KT_CASE(test_offload_rx_limits),
	KT_CASE(test_offload_rx_bad_header),
	KT_CASE(test_offload_rx_fill),
	KT_CASE(test_offload_tx),
	KT_CASE(test_offload_tx_refused),
	KT_CASE(test_close_stops_reader),
};

KERNEL_TEST_MAIN("eth_tap", cases)
