/*
 * Network interfaces: an Ethernet (or loopback) port with its IPv4
 * configuration, link state and counters, and the driver ops table a
 * board's Ethernet driver fills in.
 *
 * The netif storage belongs to the caller (usually the board glue) and is
 * registered with netif_add(); the stack never copies it.
 */
#ifndef KESTREL_NET_NETIF_H
#define KESTREL_NET_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/pbuf.h>

struct net_stack;
struct netif;
struct dhcp_client;

/* What an Ethernet driver provides. */
struct eth_driver_ops {
	/* Brings the hardware up; returns 0 or a negative errno. May be NULL. */
	int (*init)(struct netif *nif);
	/*
	 * Transmits one complete frame (p->payload is the Ethernet header,
	 * p->tot_len bytes, possibly chained). The caller keeps p: a driver
	 * that needs the data after returning takes pbuf_ref(p) and frees
	 * it when done. Returns 0 or a negative errno (-EBUSY ring full).
	 */
	int (*output)(struct netif *nif, struct pbuf *p);
	/* Current link state (NULL: always up). */
	bool (*link_up)(struct netif *nif);
	/*
	 * Polled receive (NAPI style; NULL: the driver posts each frame with
	 * net_task_input() from its ISR). Runs in the network task: receives
	 * up to budget frames, hands each to net_input(), returns how many.
	 * Its ISR masks the receive interrupt and calls net_task_poll(nif);
	 * poll re-enables the interrupt when it returns less than budget
	 * (drained). Returning budget means "more is waiting": the network
	 * task polls again after the work queued behind it.
	 */
	int (*poll)(struct netif *nif, int budget);
};

/* Per-interface counters (as `ip -s link` shows them). */
struct netif_counters {
	uint32_t rx_frames, rx_bytes, rx_drops, rx_errors;
	uint32_t tx_frames, tx_bytes, tx_drops, tx_errors;
};

#define NETIF_F_UP	  0x01u /* administratively up */
#define NETIF_F_LINK_UP	  0x02u /* carrier present */
#define NETIF_F_LOOPBACK  0x04u /* loopback: no link header, no ARP */
#define NETIF_F_DEFAULT	  0x08u /* default route goes through this interface */
#define NETIF_F_POLLING	  0x10u /* a poll request is queued or owed (network task use) */
#define NETIF_F_POLL_OWED 0x20u /* ... owed: it did not fit in the task's queue */

/*
 * Offloads a driver offers (netif.caps), in the spirit of Linux's
 * NETIF_F_HW_CSUM / NETIF_F_TSO and virtio-net's VIRTIO_NET_F_*:
 *   TX_CSUM  the driver completes TCP/UDP checksums of frames marked
 *            PBUF_F_CSUM_PARTIAL (the checksum field holds the folded
 *            pseudo-header sum, RFC 1071 arithmetic, not complemented);
 *   TSO      the driver cuts a TCP segment whose pbuf has gso_size set
 *            into gso_size-byte segments (up to netif.gso_max bytes of IP
 *            datagram), fixing sequence numbers, IP ids and checksums;
 *   RX_LRO   received TCP segments may be longer than the MTU (the link
 *            merged them); the stack must accept IP datagrams up to 64 KiB.
 * A received pbuf with PBUF_F_CSUM_OK carries a transport checksum the
 * link already verified (or data that never crossed a wire).
 */
#define NETIF_CAP_TX_CSUM 0x01u
#define NETIF_CAP_TSO	  0x02u
#define NETIF_CAP_RX_LRO  0x04u

struct netif {
	const struct eth_driver_ops *ops;
	void *drv;    /* driver private data */
	char name[8]; /* "eth0", "lo" */
	uint8_t hwaddr[6];
	uint16_t mtu;
	uint8_t flags;	       /* NETIF_F_* */
	uint8_t index;	       /* position in the stack, set by netif_add() */
	uint8_t caps;	       /* NETIF_CAP_* the driver set in its init op */
	uint16_t gso_max;      /* TSO: largest IP datagram the driver takes (bytes) */
	uint32_t ip, mask, gw; /* host byte order; ip 0 = unconfigured */
	struct netif_counters cnt;
	struct dhcp_client *dhcp; /* DHCP client running on this interface, or NULL */
	struct net_stack *st;
};

/*
 * Registers nif (caller-owned storage) with name, MAC and driver, calls the
 * driver's init, and leaves it administratively down without an address.
 * @retval -ENOSPC CONFIG_NET_NETIF_MAX interfaces registered already
 * @retval -EINVAL name too long
 * Other negative values come from ops->init.
 */
int netif_add(struct net_stack *st, struct netif *nif, const char *name, const uint8_t mac[6],
	      const struct eth_driver_ops *ops, void *drv);

/*
 * Sets address, mask and gateway (all 0 clears them). On a change to a
 * non-zero address of an interface that is up, announces it with a
 * gratuitous ARP.
 */
void netif_set_addr(struct netif *nif, uint32_t ip, uint32_t mask, uint32_t gw);

/* Administrative state. */
void netif_set_up(struct netif *nif, bool up);

/*
 * Link state from the driver (call from the glue on a PHY event). Going
 * down flushes the interface's ARP entries; going up re-announces the
 * address.
 */
void netif_set_link(struct netif *nif, bool up);

/* Makes nif the default route (NULL: no default route). */
void netif_set_default(struct net_stack *st, struct netif *nif);

/* Finds an interface by name, or NULL. */
struct netif *netif_find(struct net_stack *st, const char *name);

/* True if the interface is up with carrier. */
static inline bool netif_is_ready(const struct netif *nif)
{
	return (nif->flags & (NETIF_F_UP | NETIF_F_LINK_UP)) == (NETIF_F_UP | NETIF_F_LINK_UP);
}

#endif /* KESTREL_NET_NETIF_H */
