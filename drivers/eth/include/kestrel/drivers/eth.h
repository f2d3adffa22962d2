/*
 * Definitions shared by Kestrel's Ethernet drivers (TAP, libslirp,
 * LAN9118) and the fault-injection layer: frame size limits and the
 * receive hook through which a driver hands a frame to the stack.
 *
 * Receive path of the drivers here:
 *
 *   hardware / host ring --ISR--> pbuf from net_rx_alloc()
 *        --> rx hook (optional, e.g. eth_fault_rx) --> net_task_input()
 *
 * or, for a polling driver (eth_driver_ops.poll, e.g. the TAP):
 *
 *   ISR --> net_task_poll() ... network task: poll op reads into pbufs
 *        --> rx hook (optional) --> net_input()
 *
 * The hook is called in ISR context (or in the network task, from a poll
 * op), takes ownership of the pbuf and calls `deliver` zero or more times
 * (drop, pass, duplicate, release a frame it held back).
 */
#ifndef KESTREL_DRIVERS_ETH_H
#define KESTREL_DRIVERS_ETH_H

#include <stdint.h>

#include <kestrel/net/netif.h>
#include <kestrel/net/pbuf.h>

#define ETH_ADDR_LEN  6
#define ETH_HLEN      14   /* destination, source, EtherType */
#define ETH_FCS_LEN   4	   /* frame check sequence (hardware MACs only) */
#define ETH_FRAME_MAX 1518 /* largest frame handled, without FCS (1500 + 14 + 802.1Q tag) */

/* Hands one frame to the stack; takes ownership of p (net_task_input, net_input). */
typedef int (*eth_deliver_fn)(struct netif *nif, struct pbuf *p);

/*
 * Receive filter: takes ownership of p and calls deliver() for every frame
 * the stack should see. Runs in ISR context or in a poll op. Returns 0 or the first
 * negative errno deliver() returned.
 */
typedef int (*eth_rx_filter_fn)(void *ctx, struct netif *nif, struct pbuf *p,
				eth_deliver_fn deliver);

struct eth_rx_hook {
	eth_rx_filter_fn fn; /* NULL: frames go straight to deliver */
	void *ctx;
};

/* Passes p through the hook (if any) to deliver; takes ownership of p. */
static inline int eth_rx_hand_off(const struct eth_rx_hook *h, struct netif *nif, struct pbuf *p,
				  eth_deliver_fn deliver)
{
	if (h != NULL && h->fn != NULL) {
		return h->fn(h->ctx, nif, p, deliver);
	}
	return deliver(nif, p);
}

#endif /* KESTREL_DRIVERS_ETH_H */
