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
 * enables the IRQ. Receive is polled (eth_driver_ops.poll): the reader
 * thread only waits for the fd to become readable and raises the IRQ; the
 * ISR asks the network task to poll (net_task_poll), and the poll op reads
 * the frames straight into pbufs from the stack's pool and hands them,
 * through the receive hook, to net_input(). The fd is not watched again
 * until the poll op has drained it. The driver keeps enough pool blocks
 * for one largest frame as its receive ring (1 block, 43 with offloads)
 * until eth_tap_close().
 *
 * Offloads (eth_tap_open_flags(..., ETH_TAP_F_OFFLOAD)): the TAP is opened
 * with IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4), the way
 * QEMU's tap backend serves virtio-net. Every frame then carries a
 * virtio-net header (kestrel/drivers/eth_vnet.h) and the netif offers
 * NETIF_CAP_TX_CSUM | NETIF_CAP_TSO | NETIF_CAP_RX_LRO: the kernel takes
 * TCP segments of up to 64 KiB with partial checksums and cuts them
 * itself, and hands the device merged TCP segments of up to 64 KiB whose
 * checksums it vouches for (PBUF_F_CSUM_OK). Never combine offloads with
 * the fault layer: the kernel would checksum a corrupted frame as good.
 */
#ifndef KESTREL_DRIVERS_ETH_TAP_H
#define KESTREL_DRIVERS_ETH_TAP_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/uio.h>

#include <kestrel/drivers/eth_vnet.h>
#include <kestrel/drivers/host/eth_host.h>

#define ETH_TAP_IFNAME_MAX 16 /* IFNAMSIZ, including the NUL */

/* Flags of eth_tap_open_flags() / eth_tap_open_fd_flags(). */
#define ETH_TAP_F_OFFLOAD 0x01u /* virtio-net header: checksum offload, TSO, merged RX */

/* Largest frame received or sent with offloads (a pbuf holds at most 65535 bytes). */
#define ETH_TAP_GSO_FRAME_MAX 65535u

/* iovecs to read or write the longest chain (header + every pool block + spill). */
#define ETH_TAP_IOV_MAX (CONFIG_NET_PBUF_COUNT + 2)
/* Bytes past the receive buffer that catch (and so reveal) an oversize frame. */
#define ETH_TAP_RX_SPILL 2048

struct eth_tap {
	struct eth_host host; /* IRQ line, receive hook, counters (its ring is unused) */
	int fd;		      /* the TAP (or, for tests, any datagram/seqpacket fd) */
	int wake_fd;	      /* eventfd that stops the reader thread */
	pthread_t reader;
	bool running;
	char ifname[ETH_TAP_IFNAME_MAX];
	bool offload;	 /* frames carry a virtio-net header; caps offered */
	uint32_t rx_cap; /* largest frame accepted (ETH_FRAME_MAX or ETH_TAP_GSO_FRAME_MAX) */
	/*
	 * Reader hand-off: the reader waits in epoll_wait() on ep_fd, where
	 * the fd is registered EPOLLONESHOT (the "interrupt mask") next to
	 * wake_fd; the poll op re-arms it when it has drained the fd.
	 */
	int ep_fd;
	bool stop; /* the poll op saw EOF or an error: the reader has been told to exit */
	/* Network task only (poll and output ops). */
	struct pbuf *rx_spare; /* receive ring: free pool blocks, linked by next */
	unsigned rx_nspare;
	uint8_t rx_vhdr[ETH_VNET_HDR_LEN];
	uint8_t tx_vhdr[ETH_VNET_HDR_LEN];
	uint8_t rx_spill[ETH_TAP_RX_SPILL];
	struct iovec rx_iov[ETH_TAP_IOV_MAX];
	struct iovec tx_iov[ETH_TAP_IOV_MAX];
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
 * eth_tap_open() with flags: ETH_TAP_F_OFFLOAD turns the offloads on (see
 * above). Same errors; a kernel that refuses TUNSETOFFLOAD leaves the
 * TAP without offloads (eth_tap_offload() says which).
 */
int eth_tap_open_flags(struct eth_tap *t, const char *ifname, unsigned flags);

/*
 * Same, adopting fd instead of opening a TAP (fd must deliver one frame per
 * read and take one per write: a TAP, or a SOCK_SEQPACKET/SOCK_DGRAM
 * socket; tests use a socketpair). The driver owns fd from now on.
 * @retval -EBADF fd < 0
 * @retval -ENOSPC no free IRQ line
 */
int eth_tap_open_fd(struct eth_tap *t, int fd);

/*
 * eth_tap_open_fd() with flags: with ETH_TAP_F_OFFLOAD every frame read
 * from and written to fd starts with a virtio-net header (a TAP the caller
 * set up with IFF_VNET_HDR, TUNSETVNETHDRSZ 10 and TUNSETOFFLOAD, or a
 * test's socketpair).
 */
int eth_tap_open_fd_flags(struct eth_tap *t, int fd, unsigned flags);

/* True if the TAP runs with offloads (virtio-net headers). */
bool eth_tap_offload(const struct eth_tap *t);

/*
 * Installs a receive hook (e.g. eth_fault_rx); call before netif_add().
 * The hook runs in the network task (inside the poll op), its deliver
 * callback calls net_input() directly.
 */
void eth_tap_set_rx_hook(struct eth_tap *t, const struct eth_rx_hook *hook);

/* Copies the driver's counters. */
void eth_tap_get_stats(struct eth_tap *t, struct eth_host_stats *out);

/*
 * Stops the reader thread, disables the IRQ, returns the receive buffers
 * it holds to the pool and closes the fd. Call when the network task no
 * longer polls the interface (or from it).
 */
void eth_tap_close(struct eth_tap *t);

#endif /* KESTREL_DRIVERS_ETH_TAP_H */
