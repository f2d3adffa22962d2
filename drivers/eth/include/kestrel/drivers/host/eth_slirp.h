/*
 * libslirp Ethernet driver for the hosted device (host code only): user-mode
 * NAT like QEMU's `-nic user`, no root needed.
 *
 *   guest network 10.0.2.0/24, host/gateway 10.0.2.2, DNS 10.0.2.3,
 *   DHCP pool from 10.0.2.15 (the device normally gets .15).
 *
 * Host ports are forwarded to the device with QEMU's hostfwd syntax
 * ("tcp:127.0.0.1:8080-:80"). libslirp is not thread-safe, so every
 * slirp_* call happens on the driver's own host thread, which also polls
 * slirp's sockets and runs its timers on the real (monotonic) clock.
 * Frames from the device reach that thread through a small locked queue
 * and an eventfd; frames from slirp go into the receive ring -> IRQ ->
 * net_task_input() (kestrel/drivers/host/eth_host.h).
 *
 * Board glue:
 *
 *   static struct eth_slirp sl;
 *   eth_slirp_init(&sl);                           // simulated CPU
 *   eth_slirp_add_hostfwd(&sl, "tcp:127.0.0.1:8080-:80");
 *   netif_add(st, &eth0, "eth0", mac, &eth_slirp_ops, &sl);   // starts it
 *
 * Without libslirp at build time the library is built from a stub whose
 * functions return -ENOTSUP (the hostfwd parser still works).
 */
#ifndef KESTREL_DRIVERS_ETH_SLIRP_H
#define KESTREL_DRIVERS_ETH_SLIRP_H

#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include <kestrel/drivers/host/eth_host.h>

/* Host port forwards one instance holds. */
#ifndef CONFIG_ETH_SLIRP_FWD_MAX
#define CONFIG_ETH_SLIRP_FWD_MAX 8
#endif
/* Frames queued from the device to the slirp thread. */
#ifndef CONFIG_ETH_SLIRP_TXQ
#define CONFIG_ETH_SLIRP_TXQ 16
#endif
/* Sockets slirp may poll at once (one per connection, plus listeners). */
#ifndef CONFIG_ETH_SLIRP_POLL_MAX
#define CONFIG_ETH_SLIRP_POLL_MAX 256
#endif
/* Timers slirp may create (it uses one, for IPv6 router advertisements). */
#define ETH_SLIRP_TIMERS 4

#define ETH_SLIRP_NET	0x0A000200u /* 10.0.2.0 (host byte order) */
#define ETH_SLIRP_MASK	0xFFFFFF00u
#define ETH_SLIRP_HOST	0x0A000202u /* 10.0.2.2 */
#define ETH_SLIRP_DNS	0x0A000203u /* 10.0.2.3 */
#define ETH_SLIRP_GUEST 0x0A00020Fu /* 10.0.2.15: first DHCP address */

/* One parsed hostfwd rule; addresses in host byte order. */
struct eth_slirp_fwd {
	bool udp;
	uint32_t host_addr;  /* 0 = any host address */
	uint16_t host_port;  /* 1..65535 */
	uint32_t guest_addr; /* 0 = ETH_SLIRP_GUEST */
	uint16_t guest_port; /* 1..65535 */
};

struct eth_slirp_timer {
	void (*cb)(void *opaque);
	void *opaque;
	int64_t expire_ms; /* -1 = not armed */
	bool used;
};

struct eth_slirp {
	struct eth_host host;
	void *slirp; /* Slirp *, touched only by the slirp thread */
	pthread_t th;
	sem_t ready;
	int start_rc;
	bool running;
	bool stop;
	bool restricted; /* no connections from the device to the outside */
	int wake_fd;	 /* eventfd: TX queued or stop */
	struct eth_slirp_fwd fwd[CONFIG_ETH_SLIRP_FWD_MAX];
	unsigned nfwd;
	pthread_mutex_t txq_lock; /* guards txq_head, txq_count, txq_len, txq */
	unsigned txq_head, txq_count;
	uint16_t txq_len[CONFIG_ETH_SLIRP_TXQ];
	uint8_t txq[CONFIG_ETH_SLIRP_TXQ][ETH_FRAME_MAX];
	struct eth_slirp_timer timers[ETH_SLIRP_TIMERS];
	struct pollfd pfd[CONFIG_ETH_SLIRP_POLL_MAX]; /* slirp thread only */
	unsigned npfd;
};

extern const struct eth_driver_ops eth_slirp_ops;

/*
 * Parses "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" (QEMU
 * hostfwd syntax; an empty protocol means tcp, addresses are dotted IPv4).
 * Makes no host calls (fuzzed and unit-tested on its own).
 * @retval -EINVAL malformed (protocol, address, port 0 or > 65535, junk)
 */
int eth_slirp_fwd_parse(const char *s, struct eth_slirp_fwd *out);

/*
 * Prepares s with the default network (not restricted) and allocates an
 * IRQ line. The slirp thread starts in netif_add() (eth_slirp_ops.init).
 * @retval -ENOSPC no free IRQ line
 * @retval -ENOTSUP built without libslirp
 */
int eth_slirp_init(struct eth_slirp *s);

/*
 * Adds a host port forward (call before netif_add).
 * @retval -EINVAL malformed spec (see eth_slirp_fwd_parse)
 * @retval -ENOSPC CONFIG_ETH_SLIRP_FWD_MAX forwards already
 * @retval -EBUSY the slirp thread is running already
 */
int eth_slirp_add_hostfwd(struct eth_slirp *s, const char *spec);

/* restrict=on: the device may reach only 10.0.2.2/.3 (call before netif_add). */
void eth_slirp_set_restricted(struct eth_slirp *s, bool on);

/* Installs a receive hook (e.g. eth_fault_rx); call before netif_add(). */
void eth_slirp_set_rx_hook(struct eth_slirp *s, const struct eth_rx_hook *hook);

/* Copies the driver's counters. */
void eth_slirp_get_stats(struct eth_slirp *s, struct eth_host_stats *out);

/* Stops the slirp thread (closing every forwarded socket) and the IRQ. */
void eth_slirp_close(struct eth_slirp *s);

#endif /* KESTREL_DRIVERS_ETH_SLIRP_H */
