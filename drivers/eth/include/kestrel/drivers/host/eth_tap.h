/*
 * TAP Ethernet driver for the hosted device (host code only): the device's
 * netif is one end of a Linux TAP interface, the kernel the other.
 *
 * Needs /dev/net/tun and CAP_NET_ADMIN (root) to create the interface, or
 * an interface created beforehand for this user (`ip tuntap add dev tap0
 * mode tap user $USER`). Frames are raw Ethernet (IFF_TAP | IFF_NO_PI),
 * without FCS.
 *
 * Board glue:
 *
 *   static struct eth_tap tap;
 *   static struct netif eth0;
 *   rc = eth_tap_open(&tap, "tap0");            // on the simulated CPU
 *   rc = netif_add(st, &eth0, "eth0", mac, &eth_tap_ops, &tap);
 *
 * netif_add() calls eth_tap_ops.init, which starts the reader thread and
 * enables the IRQ. Received frames go through net_rx_alloc() and
 * net_task_input() (see kestrel/drivers/host/eth_host.h).
 */
#ifndef KESTREL_DRIVERS_ETH_TAP_H
#define KESTREL_DRIVERS_ETH_TAP_H

#include <pthread.h>
#include <stdbool.h>

#include <kestrel/drivers/host/eth_host.h>

#define ETH_TAP_IFNAME_MAX 16 /* IFNAMSIZ, including the NUL */

struct eth_tap {
	struct eth_host host;
	int fd;	     /* the TAP (or, for tests, any datagram/seqpacket fd) */
	int wake_fd; /* eventfd that stops the reader thread */
	pthread_t reader;
	bool running;
	char ifname[ETH_TAP_IFNAME_MAX];
	uint8_t txbuf[ETH_FRAME_MAX]; /* output() linearises chains here */
};

extern const struct eth_driver_ops eth_tap_ops;

/*
 * Opens (creating if needed) TAP interface ifname and brings it up on the
 * host side (best effort). Does not start receiving: netif_add() does.
 * @retval -ENAMETOOLONG ifname is empty or longer than 15 characters
 * @retval -EACCES no permission (needs CAP_NET_ADMIN or a TAP owned by us)
 * @retval -ENODEV /dev/net/tun missing
 * @retval -ENOSPC no free IRQ line
 * @retval -EIO other host error
 */
int eth_tap_open(struct eth_tap *t, const char *ifname);

/*
 * Same, adopting fd instead of opening a TAP (fd must deliver one frame per
 * read and take one per write: a TAP, or a SOCK_SEQPACKET/SOCK_DGRAM
 * socket; tests use a socketpair). The driver owns fd from now on.
 * @retval -EBADF fd < 0
 * @retval -ENOSPC no free IRQ line
 */
int eth_tap_open_fd(struct eth_tap *t, int fd);

/* Installs a receive hook (e.g. eth_fault_rx); call before netif_add(). */
void eth_tap_set_rx_hook(struct eth_tap *t, const struct eth_rx_hook *hook);

/* Copies the driver's counters. */
void eth_tap_get_stats(struct eth_tap *t, struct eth_host_stats *out);

/* Stops the reader thread, disables the IRQ and closes the fd. */
void eth_tap_close(struct eth_tap *t);

#endif /* KESTREL_DRIVERS_ETH_TAP_H */
