/*
 * Hosted MCTP link drivers (host code; see kestrel/mctp/task.h for the ops).
 *
 *   mctp_pty     DSP0253 serial link on a pseudo-terminal in raw mode. The
 *                device keeps the slave open itself, so a tool may open and
 *                close /dev/pts/N (or the symlink) any number of times.
 *   mctp_usbsock DSP0283 USB link: a listening Unix SOCK_SEQPACKET socket;
 *                each message is one bulk transfer of up to 512 bytes (OUT
 *                from the peer, IN from the device). The newest connection
 *                replaces an older one, like replugging the cable.
 *
 * A host thread per link reads into a ring and raises an IRQ line; the IRQ
 * handler calls `notify` (mctp_task_notify_isr). ops->rx runs in the MCTP
 * task and pops the ring; ops->tx writes with a 200 ms limit (-EAGAIN when
 * the peer does not drain, -ENOTCONN when nobody is attached).
 */
#ifndef KESTREL_MCTP_LINK_HOST_H
#define KESTREL_MCTP_LINK_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/task.h>

#define MCTP_PTY_RING	   65536
#define MCTP_USBSOCK_SLOTS 32
#define MCTP_HOST_PATH_MAX 108 /* sun_path */
#define MCTP_HOST_TX_MS	   200

struct mctp_host_common {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t space; /* ring has room again */
	int irq;
	int wake_fd; /* eventfd: stop request */
	bool running;
	void (*notify)(void);
	uint32_t rx_stalls; /* times the reader waited for ring space */
};

struct mctp_pty {
	struct mctp_host_common c;
	int master, slave;
	char path[64];			  /* /dev/pts/N */
	char symlink[MCTP_HOST_PATH_MAX]; /* "" or the --mctp-serial PATH */
	size_t head, count;
	uint8_t ring[MCTP_PTY_RING];
};

struct mctp_usbsock {
	struct mctp_host_common c;
	int lfd, cfd;
	char path[MCTP_HOST_PATH_MAX];
	uint32_t connects;
	unsigned head, count;
	uint16_t len[MCTP_USBSOCK_SLOTS];
	uint8_t slot[MCTP_USBSOCK_SLOTS][MCTP_USB_XFER_SIZE + 1];
};

extern const struct mctp_link_ops mctp_pty_ops;
extern const struct mctp_link_ops mctp_usbsock_ops;

/*
 * Creates the pty (raw mode) and, if symlink is not NULL, a symlink to the
 * slave at that path (an existing symlink is replaced).
 * @retval 0 @retval -errno from the host (e.g. -EEXIST: path is not a symlink).
 */
int mctp_pty_open(struct mctp_pty *p, const char *symlink);
/* Connects the IRQ and starts the reader thread. */
int mctp_pty_start(struct mctp_pty *p, void (*notify)(void));
void mctp_pty_close(struct mctp_pty *p);

/* Binds and listens at path (a stale socket file is replaced). */
int mctp_usbsock_open(struct mctp_usbsock *u, const char *path);
int mctp_usbsock_start(struct mctp_usbsock *u, void (*notify)(void));
void mctp_usbsock_close(struct mctp_usbsock *u);

#endif /* KESTREL_MCTP_LINK_HOST_H */
