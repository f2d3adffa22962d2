/*
 * TAP Ethernet driver (hosted). See kestrel/drivers/host/eth_tap.h.
 *
 * Receive is polled, in the style of Linux NAPI:
 *
 *   reader thread            ISR (simulated CPU)      network task
 *   epoll_wait(fd ONESHOT,
 *              wake_fd)
 *   fd readable (and now
 *   disarmed): raise the
 *   IRQ  ------------------>  net_task_poll(nif) ---> tap_poll(budget):
 *   epoll_wait again                                    readv() each frame into a
 *                                                       pbuf chain, rx hook,
 *                                                       net_input();
 *                                                       EAGAIN: re-arm the fd
 *                                                       (EPOLL_CTL_MOD)
 *
 * So a frame is copied once (by the kernel, into pool blocks), and a burst
 * of frames costs one IRQ and one network-task message, not one per frame.
 * EPOLLONESHOT is the interrupt mask: the fd reports readiness once, and
 * only the poll op's re-arm (a syscall, no thread wake-up) enables it
 * again, so the reader wakes once per burst. The reader never touches
 * kernel or stack state; it shares only the epoll set with the poll op.
 *
 * Receive buffers: like a NIC's receive ring, the poll op keeps a list of
 * free pool blocks (rx_spare) big enough for the largest frame (1 block
 * plain, 43 with offloads), reads into them, detaches as many as the frame
 * filled and tops the list up before the next read; eth_tap_close() gives
 * them back. Frames that do not fit are seen as such because the read
 * continues into a spill buffer: oversize frames count as rx_errors,
 * frames that did not fit because the pool was short as rx_nomem_drops.
 *
 * A poll request is never lost: when the network task's queue is full,
 * net_task_poll() keeps it owed and the task serves it before it waits
 * again, so the fd cannot stay disarmed with frames waiting.
 *
 * output() runs in the network task and writes the chain with one
 * non-blocking writev() (no linearising copy); a full kernel queue
 * (EAGAIN) is reported as -EBUSY and counted as a TX drop, as a full DMA
 * ring would be.
 *
 * Offloads (ETH_TAP_F_OFFLOAD): a virtio-net header goes in front of every
 * frame, as the first iovec of the same readv()/writev(). On receive it
 * says whether the kernel vouches for the transport checksum (the pbuf
 * gets PBUF_F_CSUM_OK) and frames may be merged TCP segments of up to
 * 64 KiB; on transmit it is built from the pbuf's PBUF_F_CSUM_PARTIAL and
 * gso_size (eth_vnet_tx_hdr), and the kernel completes checksums and cuts
 * TSO segments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <kestrel/drivers/host/eth_tap.h>
#include <kestrel/errno.h>
#include <kestrel/net/nettask.h>
#include <kestrel/net/stack.h>
#include <kestrel/os/kernel.h>
#include <kestrel/posix.h>

#define TAP_EV_FD   0u /* epoll tags */
#define TAP_EV_WAKE 1u

static int tap_errno(int e)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return -EACCES;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return -ENODEV;
	default:
		return -EIO;
	}
}

/* Best effort: sets IFF_UP on the host side of the TAP. */
static void tap_link_host_up(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		return;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		(void)ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/* ---- reader thread ------------------------------------------------------- */

static void *tap_reader(void *arg)
{
	struct eth_tap *t = arg;
	struct epoll_event ev;

	for (;;) {
		int n = epoll_wait(t->ep_fd, &ev, 1, -1);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 || (n == 1 && ev.data.u32 == TAP_EV_WAKE)) {
			break;
		}
		if (n == 1) {
			/* readable, and disarmed by EPOLLONESHOT until the poll op re-arms */
			posix_irq_raise((unsigned)t->host.irq);
		}
	}
	return NULL;
}

/* Poll op side: the fd is drained; report it again when it is readable. */
static void tap_rearm(struct eth_tap *t)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u32 = TAP_EV_FD;
	(void)epoll_ctl(t->ep_fd, EPOLL_CTL_MOD, t->fd, &ev);
}

/* Poll op side: the fd is finished (EOF or error): the reader exits. */
static void tap_finish(struct eth_tap *t)
{
	uint64_t one = 1;

	t->stop = true;
	(void)write(t->wake_fd, &one, sizeof(one));
}

/* ---- open / close ---------------------------------------------------------- */

static void tap_isr(void *arg);
static int tap_deliver(struct netif *nif, struct pbuf *p);

/* The epoll set of the reader: the TAP (one-shot) and the stop eventfd. */
static int tap_epoll(struct eth_tap *t)
{
	struct epoll_event ev;

	t->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep_fd < 0) {
		return tap_errno(errno);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u32 = TAP_EV_FD;
	if (epoll_ctl(t->ep_fd, EPOLL_CTL_ADD, t->fd, &ev) < 0) {
		return tap_errno(errno);
	}
	ev.events = EPOLLIN;
	ev.data.u32 = TAP_EV_WAKE;
	if (epoll_ctl(t->ep_fd, EPOLL_CTL_ADD, t->wake_fd, &ev) < 0) {
		return tap_errno(errno);
	}
	return 0;
}

static void tap_close_fds(struct eth_tap *t)
{
	if (t->ep_fd >= 0) {
		close(t->ep_fd);
		t->ep_fd = -1;
	}
	if (t->wake_fd >= 0) {
		close(t->wake_fd);
		t->wake_fd = -1;
	}
}

static int tap_setup(struct eth_tap *t, int fd, bool offload)
{
	int rc;

	t->fd = fd;
	t->offload = offload;
	t->rx_cap = offload ? ETH_TAP_GSO_FRAME_MAX : ETH_FRAME_MAX;
	t->running = false;
	t->stop = false;
	t->rx_spare = NULL;
	t->rx_nspare = 0;
	t->ep_fd = -1;
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->wake_fd < 0) {
		return tap_errno(errno);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	rc = tap_epoll(t);
	if (rc == 0) {
		rc = eth_host_init(&t->host);
	}
	if (rc == 0) {
		/* polled receive: our own ISR, frames go straight to net_input() */
		t->host.deliver = tap_deliver;
		rc = os_irq_connect((unsigned)t->host.irq, tap_isr, t);
	}
	if (rc < 0) {
		tap_close_fds(t);
	}
	return rc;
}

int eth_tap_open_fd_flags(struct eth_tap *t, int fd, unsigned flags)
{
	int rc;

	memset(t->ifname, 0, sizeof(t->ifname));
	t->fd = -1;
	t->wake_fd = -1;
	t->ep_fd = -1;
	if (fd < 0) {
		return -EBADF;
	}
	rc = tap_setup(t, fd, (flags & ETH_TAP_F_OFFLOAD) != 0);
	if (rc < 0) {
		t->fd = -1;
	}
	return rc;
}

int eth_tap_open_fd(struct eth_tap *t, int fd)
{
	return eth_tap_open_fd_flags(t, fd, 0);
}

/*
 * virtio-net headers of ETH_VNET_HDR_LEN bytes, little-endian, and the
 * kernel may hand us (and take from us) partial checksums and TSO4
 * segments. Returns false if the kernel refuses the offloads (headers
 * off again then).
 */
static bool tap_offload_on(int fd)
{
	int sz = ETH_VNET_HDR_LEN, le = 1;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0) {
		return false;
	}
	(void)ioctl(fd, TUNSETVNETLE, &le); /* the native order of LE hosts already */
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) < 0) {
		return false;
	}
	return true;
}

/* Opens /dev/net/tun and attaches it to TAP ifname (n characters). */
static int tap_attach(const char *ifname, size_t n, bool vnet, int *out)
{
	struct ifreq ifr;
	int fd, rc;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		return tap_errno(errno);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, ifname, n);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = tap_errno(errno);
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

int eth_tap_open_flags(struct eth_tap *t, const char *ifname, unsigned flags)
{
	size_t n = strlen(ifname);
	bool offload = (flags & ETH_TAP_F_OFFLOAD) != 0;
	int fd, rc;

	t->fd = -1;
	t->wake_fd = -1;
	t->ep_fd = -1;
	if (n == 0 || n >= ETH_TAP_IFNAME_MAX) {
		return -ENAMETOOLONG;
	}
	rc = tap_attach(ifname, n, offload, &fd);
	if (rc == 0 && offload && !tap_offload_on(fd)) {
		/* the kernel refuses: plain frames after all (IFF_VNET_HDR sticks to the fd) */
		close(fd);
		offload = false;
		rc = tap_attach(ifname, n, false, &fd);
	}
	if (rc < 0) {
		return rc;
	}
	tap_link_host_up(ifname);
	rc = tap_setup(t, fd, offload);
	if (rc < 0) {
		close(fd);
		t->fd = -1;
		return rc;
	}
	memset(t->ifname, 0, sizeof(t->ifname));
	memcpy(t->ifname, ifname, n);
	return 0;
}

int eth_tap_open(struct eth_tap *t, const char *ifname)
{
	return eth_tap_open_flags(t, ifname, 0);
}

bool eth_tap_offload(const struct eth_tap *t)
{
	return t->offload;
}

static int tap_init(struct netif *nif)
{
	struct eth_tap *t = nif->drv;

	if (t->fd < 0) {
		return -EBADF;
	}
	if (t->offload) {
		nif->caps |= NETIF_CAP_TX_CSUM | NETIF_CAP_TSO | NETIF_CAP_RX_LRO;
		nif->gso_max = (uint16_t)(ETH_TAP_GSO_FRAME_MAX - ETH_HLEN);
	}
	eth_host_attach(&t->host, nif);
	if (pthread_create(&t->reader, NULL, tap_reader, t) != 0) {
		return -EIO;
	}
	(void)pthread_setname_np(t->reader, "tap-rx"); /* for top -H, perf */
	t->running = true;
	return 0;
}

void eth_tap_close(struct eth_tap *t)
{
	uint64_t one = 1;

	if (t->running) {
		(void)write(t->wake_fd, &one, sizeof(one));
		pthread_join(t->reader, NULL);
		t->running = false;
	}
	pbuf_free(t->rx_spare);
	t->rx_spare = NULL;
	t->rx_nspare = 0;
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	if (t->wake_fd >= 0) {
		eth_host_destroy(&t->host);
	}
	tap_close_fds(t);
}

/* ---- receive (network task) ------------------------------------------------- */

static void tap_isr(void *arg)
{
	struct eth_tap *t = arg;
	struct netif *nif = t->host.nif;

	if (nif == NULL) {
		return;
	}
	net_task_poll(nif);
}

/* The poll op already runs in the network task: straight into the stack. */
static int tap_deliver(struct netif *nif, struct pbuf *p)
{
	net_input(nif->st, nif, p);
	return 0;
}

/* Tops the spare list up to what a frame of cap bytes needs; returns its bytes. */
static size_t tap_rx_refill(struct eth_tap *t, struct pbuf_pool *pool, size_t cap)
{
	unsigned need = (unsigned)((cap + PBUF_BLOCK_SIZE - 1) / PBUF_BLOCK_SIZE);
	size_t room;

	while (t->rx_nspare < need) {
		struct pbuf *b = pbuf_alloc(pool, PBUF_RAW, PBUF_BLOCK_SIZE);

		if (b == NULL) {
			break;
		}
		b->next = t->rx_spare;
		t->rx_spare = b;
		t->rx_nspare++;
	}
	room = (size_t)t->rx_nspare * PBUF_BLOCK_SIZE;
	return room < cap ? room : cap;
}

/* iovecs over room bytes of spare blocks, then the spill buffer; returns the count. */
static int tap_rx_iov(struct eth_tap *t, int n, size_t room)
{
	for (struct pbuf *b = t->rx_spare; b != NULL && room > 0; b = b->next) {
		size_t k = room < PBUF_BLOCK_SIZE ? room : PBUF_BLOCK_SIZE;

		t->rx_iov[n].iov_base = b->base;
		t->rx_iov[n].iov_len = k;
		room -= k;
		n++;
	}
	t->rx_iov[n].iov_base = t->rx_spill;
	t->rx_iov[n].iov_len = sizeof(t->rx_spill);
	return n + 1;
}

/* Detaches the spare blocks holding the first len bytes as one packet. */
static struct pbuf *tap_rx_take(struct eth_tap *t, size_t len)
{
	struct pbuf *head = t->rx_spare, *b = head;
	size_t left = len;

	for (;;) {
		uint16_t k = (uint16_t)(left < PBUF_BLOCK_SIZE ? left : PBUF_BLOCK_SIZE);

		b->payload = b->base;
		b->len = k;
		b->tot_len = (uint16_t)left;
		t->rx_nspare--;
		left -= k;
		if (left == 0) {
			break;
		}
		b = b->next;
	}
	t->rx_spare = b->next;
	b->next = NULL;
	return head;
}

/*
 * Offloads: what the frame's virtio-net header says about its checksum.
 * Returns false if the header is malformed (the frame is dropped).
 */
static bool tap_rx_vnet(struct eth_tap *t, struct pbuf *p)
{
	struct eth_vnet_hdr h;
	int rc;

	eth_vnet_hdr_decode(t->rx_vhdr, &h);
	rc = eth_vnet_rx_check(&h, p->payload, p->len, p->tot_len);
	if (rc == ETH_VNET_RX_CSUM_OK) {
		p->flags |= PBUF_F_CSUM_OK;
	} else if (rc == ETH_VNET_RX_CSUM_FILL) {
		rc = eth_vnet_csum_fill(p, h.csum_start, h.csum_offset);
	}
	return rc >= 0;
}

/*
 * Reads one frame. Returns 1 if one was consumed (delivered or dropped),
 * 0 if none is waiting, -EIO if the fd is finished (EOF or a hard error).
 */
static int tap_rx_one(struct eth_tap *t, struct netif *nif)
{
	size_t vh = t->offload ? ETH_VNET_HDR_LEN : 0;
	size_t room = tap_rx_refill(t, &nif->st->pool, t->rx_cap);
	int niov = 0;
	ssize_t n;
	size_t len;
	struct pbuf *p;

	if (vh != 0) {
		t->rx_iov[0].iov_base = t->rx_vhdr;
		t->rx_iov[0].iov_len = vh;
		niov = 1;
	}
	niov = tap_rx_iov(t, niov, room);
	n = readv(t->fd, t->rx_iov, niov);
	if (n < 0) {
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -EIO;
	}
	if (n == 0) {
		return -EIO; /* socket peer closed (a TAP never reads 0) */
	}
	len = (size_t)n - ((size_t)n < vh ? (size_t)n : vh);
	if (len > room) {
		if (room < t->rx_cap && len <= t->rx_cap) {
			t->host.st.rx_nomem_drops++;
		} else {
			t->host.st.rx_errors++;
		}
		return 1;
	}
	if ((size_t)n < vh || len < ETH_HLEN) {
		t->host.st.rx_errors++;
		return 1;
	}
	p = tap_rx_take(t, len);
	if (vh != 0 && !tap_rx_vnet(t, p)) {
		t->host.st.rx_errors++;
		pbuf_free(p);
		return 1;
	}
	t->host.st.rx_frames++;
	t->host.st.rx_bytes += (uint32_t)len;
	(void)eth_rx_hand_off(&t->host.hook, nif, p, t->host.deliver);
	return 1;
}

static int tap_poll(struct netif *nif, int budget)
{
	struct eth_tap *t = nif->drv;
	int n = 0;

	while (n < budget) {
		int rc = tap_rx_one(t, nif);

		if (rc == 0) {
			tap_rearm(t); /* drained: the reader reports the next frame */
			break;
		}
		if (rc < 0) {
			tap_finish(t);
			break;
		}
		n++;
	}
	return n;
}

/* ---- transmit (network task) ------------------------------------------------ */

/* Offloads: the virtio-net header for p into tx_vhdr. */
static int tap_tx_vnet(struct eth_tap *t, const struct pbuf *p)
{
	struct eth_vnet_hdr h;
	uint8_t head[ETH_VNET_PEEK];
	uint16_t k = 0;
	int rc;

	if (p->flags & PBUF_F_CSUM_PARTIAL) {
		k = pbuf_copy_out(p, 0, head, sizeof(head));
	}
	rc = eth_vnet_tx_hdr(head, k, p->tot_len, p->flags, p->gso_size, &h);
	eth_vnet_hdr_encode(&h, t->tx_vhdr);
	return rc;
}

/* Largest frame output() takes: TSO segments may be longer than the MTU. */
static size_t tap_tx_max(const struct eth_tap *t, const struct pbuf *p)
{
	return t->offload && p->gso_size != 0 ? ETH_TAP_GSO_FRAME_MAX : ETH_FRAME_MAX;
}

static int tap_output(struct netif *nif, struct pbuf *p)
{
	struct eth_tap *t = nif->drv;
	uint16_t len = p->tot_len, left = len;
	int niov = 0, rc = 0;
	ssize_t n;

	if (len > tap_tx_max(t, p) || len < ETH_HLEN) {
		rc = -EMSGSIZE;
		goto out;
	}
	if (t->offload) {
		rc = tap_tx_vnet(t, p);
		t->tx_iov[0].iov_base = t->tx_vhdr;
		t->tx_iov[0].iov_len = ETH_VNET_HDR_LEN;
		niov = 1;
	} else if ((p->flags & PBUF_F_CSUM_PARTIAL) || p->gso_size != 0) {
		rc = -EINVAL; /* offloads the netif never offered */
	}
	if (rc < 0) {
		goto out;
	}
	for (const struct pbuf *q = p; q != NULL && left > 0; q = q->next) {
		uint16_t k = q->len < left ? q->len : left;

		if (niov == ETH_TAP_IOV_MAX) {
			rc = -EMSGSIZE;
			goto out;
		}
		t->tx_iov[niov].iov_base = q->payload;
		t->tx_iov[niov].iov_len = k;
		niov++;
		left -= k;
	}
	n = writev(t->fd, t->tx_iov, niov);
	if (n < 0) {
		rc = (errno == EAGAIN || errno == ENOBUFS) ? -EBUSY : -EIO;
	} else if ((size_t)n != len + (t->offload ? ETH_VNET_HDR_LEN : 0u)) {
		rc = -EIO;
	}
out:
	eth_host_count_tx(&t->host, len, rc);
	return rc;
}

const struct eth_driver_ops eth_tap_ops = {
	.init = tap_init,
	.output = tap_output,
	.link_up = NULL,
	.poll = tap_poll,
};

void eth_tap_set_rx_hook(struct eth_tap *t, const struct eth_rx_hook *hook)
{
	eth_host_set_hook(&t->host, hook);
}

void eth_tap_get_stats(struct eth_tap *t, struct eth_host_stats *out)
{
	eth_host_get_stats(&t->host, out);
}
