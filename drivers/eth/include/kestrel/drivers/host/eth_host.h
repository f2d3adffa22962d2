/*
 * IRQ line, receive hook and counters of the hosted Ethernet drivers, and
 * the receive ring libslirp uses. Host code only (arch/posix,
 * boards/hosted, *_host.c, tests). The TAP driver receives by polling
 * (kestrel/drivers/host/eth_tap.h) and uses everything here but the ring.
 *
 * A host thread (the driver's reader) copies each frame into a bounded
 * ring and raises the driver's IRQ line; the IRQ handler, on the simulated
 * CPU, moves every queued frame into a pbuf from net_rx_alloc() and hands
 * it through the optional receive hook to net_task_input(). The ring lock
 * is the only host lock: it guards the ring indexes, slots and the
 * host-side counters between the reader thread and the handler, and is
 * never held across a kernel or stack call.
 */
#ifndef KESTREL_DRIVERS_ETH_HOST_H
#define KESTREL_DRIVERS_ETH_HOST_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/drivers/eth.h>
#include <kestrel_config.h>

/* Frames the host-side receive ring holds (each ETH_FRAME_MAX bytes). */
#ifndef CONFIG_ETH_HOST_RING
#define CONFIG_ETH_HOST_RING 32
#endif

/* Counters of a hosted driver (eth_tap_get_stats, eth_slirp_get_stats). */
struct eth_host_stats {
	uint32_t rx_frames; /* handed to the stack */
	uint32_t rx_bytes;
	uint32_t rx_ring_drops;	 /* host ring full: the stack is not keeping up */
	uint32_t rx_nomem_drops; /* net_rx_alloc() found the pool empty */
	uint32_t rx_queue_drops; /* net_task_input() found the task queue full */
	uint32_t rx_errors;	 /* frames shorter than ETH_HLEN or longer than ETH_FRAME_MAX */
	uint32_t tx_frames;
	uint32_t tx_bytes;
	uint32_t tx_drops;  /* host side busy (-EBUSY returned) */
	uint32_t tx_errors; /* oversize frame or host I/O error */
};

struct eth_host {
	pthread_mutex_t lock; /* guards head, count, len, frame, rx_ring_drops, rx_errors */
	unsigned head, count;
	int irq; /* posix IRQ line, or negative before eth_host_init */
	struct netif *nif;
	struct eth_rx_hook hook;
	eth_deliver_fn deliver; /* net_task_input (ring); the TAP's poll op: net_input */
	struct eth_host_stats st;
	uint16_t len[CONFIG_ETH_HOST_RING];
	uint8_t frame[CONFIG_ETH_HOST_RING][ETH_FRAME_MAX];
};

/*
 * Initialises the ring and allocates and connects an IRQ line (left
 * disabled). Call on the simulated CPU (board set-up or a task).
 * @retval -ENOSPC no free IRQ line
 */
int eth_host_init(struct eth_host *h);

/*
 * Binds the ring to nif and enables its IRQ; frames raised from now on
 * reach the stack. Called from the driver's init op.
 */
void eth_host_attach(struct eth_host *h, struct netif *nif);

/* Sets the receive hook (NULL clears it); call before eth_host_attach. */
void eth_host_set_hook(struct eth_host *h, const struct eth_rx_hook *hook);

/*
 * Host thread: queues a copy of frame (caller keeps it) and raises the IRQ.
 * @retval -ENOSPC ring full (counted in rx_ring_drops)
 * @retval -EMSGSIZE len < ETH_HLEN or > ETH_FRAME_MAX (counted in rx_errors)
 */
int eth_host_push(struct eth_host *h, const void *frame, size_t len);

/* The IRQ handler (arg = the struct eth_host); exposed for tests. */
void eth_host_isr(void *arg);

/* Copies the counters (consistent with respect to the reader thread). */
void eth_host_get_stats(struct eth_host *h, struct eth_host_stats *out);

/* Counts one transmitted frame or a TX failure (rc < 0: -EBUSY is a drop). */
void eth_host_count_tx(struct eth_host *h, size_t len, int rc);

/* Releases the lock (after the driver's threads are stopped). */
void eth_host_destroy(struct eth_host *h);

#endif /* KESTREL_DRIVERS_ETH_HOST_H */
