/*
 * TAP Ethernet driver (hosted). See kestrel/drivers/host/eth_tap.h.
 *
 * Threads: the reader is a host thread that polls the TAP fd and an eventfd
 * (stop request), reads one frame per read() and queues it with
 * eth_host_push(), which raises the IRQ. It never calls kernel or stack
 * code. output() runs in the network task on the simulated CPU and writes
 * the frame with one non-blocking write(); a full kernel queue (EAGAIN) is
 * reported as -EBUSY and counted as a TX drop, as a full DMA ring would be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <kestrel/drivers/host/eth_tap.h>
#include <kestrel/errno.h>

#define TAP_READ_MAX 2048 /* > ETH_FRAME_MAX, so an oversize frame is seen as such */

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

static int tap_setup(struct eth_tap *t, int fd)
{
	int rc;

	t->fd = fd;
	t->running = false;
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->wake_fd < 0) {
		return tap_errno(errno);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	rc = eth_host_init(&t->host);
	if (rc < 0) {
		close(t->wake_fd);
		t->wake_fd = -1;
	}
	return rc;
}

int eth_tap_open_fd(struct eth_tap *t, int fd)
{
	int rc;

	memset(t->ifname, 0, sizeof(t->ifname));
	t->fd = -1;
	if (fd < 0) {
		return -EBADF;
	}
	rc = tap_setup(t, fd);
	if (rc < 0) {
		t->fd = -1;
	}
	return rc;
}

int eth_tap_open(struct eth_tap *t, const char *ifname)
{
	struct ifreq ifr;
	size_t n = strlen(ifname);
	int fd, rc;

	t->fd = -1;
	if (n == 0 || n >= ETH_TAP_IFNAME_MAX) {
		return -ENAMETOOLONG;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		return tap_errno(errno);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, n);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = tap_errno(errno);
		close(fd);
		return rc;
	}
	tap_link_host_up(ifname);
	rc = tap_setup(t, fd);
	if (rc < 0) {
		close(fd);
		t->fd = -1;
		return rc;
	}
	memset(t->ifname, 0, sizeof(t->ifname));
	memcpy(t->ifname, ifname, n);
	return 0;
}

/* Reads every frame that is ready; returns false when the fd is finished. */
static bool tap_drain(struct eth_tap *t, uint8_t *buf)
{
	for (;;) {
		ssize_t n = read(t->fd, buf, TAP_READ_MAX);

		if (n > 0) {
			(void)eth_host_push(&t->host, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			return true;
		}
		return false; /* EOF (socket peer closed) or a hard error */
	}
}

static void *tap_reader(void *arg)
{
	struct eth_tap *t = arg;
	uint8_t buf[TAP_READ_MAX];
	struct pollfd pfd[2];

	for (;;) {
		pfd[0].fd = t->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = t->wake_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			break;
		}
		if (pfd[1].revents != 0) {
			break;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!tap_drain(t, buf)) {
				break;
			}
		}
	}
	return NULL;
}

static int tap_init(struct netif *nif)
{
	struct eth_tap *t = nif->drv;

	if (t->fd < 0) {
		return -EBADF;
	}
	eth_host_attach(&t->host, nif);
	if (pthread_create(&t->reader, NULL, tap_reader, t) != 0) {
		return -EIO;
	}
	t->running = true;
	return 0;
}

static int tap_output(struct netif *nif, struct pbuf *p)
{
	struct eth_tap *t = nif->drv;
	uint16_t len = p->tot_len;
	ssize_t n;
	int rc = 0;

	if (len > ETH_FRAME_MAX || len < ETH_HLEN) {
		rc = -EMSGSIZE;
		goto out;
	}
	pbuf_copy_out(p, 0, t->txbuf, len);
	n = write(t->fd, t->txbuf, len);
	if (n < 0) {
		rc = (errno == EAGAIN || errno == ENOBUFS) ? -EBUSY : -EIO;
	} else if ((size_t)n != len) {
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
};

void eth_tap_set_rx_hook(struct eth_tap *t, const struct eth_rx_hook *hook)
{
	eth_host_set_hook(&t->host, hook);
}

void eth_tap_get_stats(struct eth_tap *t, struct eth_host_stats *out)
{
	eth_host_get_stats(&t->host, out);
}

void eth_tap_close(struct eth_tap *t)
{
	uint64_t one = 1;

	if (t->running) {
		(void)write(t->wake_fd, &one, sizeof(one));
		pthread_join(t->reader, NULL);
		t->running = false;
	}
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	if (t->wake_fd >= 0) {
		close(t->wake_fd);
		t->wake_fd = -1;
	}
	eth_host_destroy(&t->host);
}
