/*
 * Hosted DSP0283 USB link over a Unix SOCK_SEQPACKET socket (see
 * kestrel/mctp/host/link.h). A bulk transfer is one socket message:
 * message boundaries are kept, so a host tool writes exactly what a USB
 * host controller would put in one OUT transfer (one or more
 * `1A B4 00 len` packets, at most 512 bytes) and reads IN transfers the
 * same way.
 *
 * Reader thread: poll(listener, client, stop eventfd). A new connection
 * replaces the current one (replugging). Each received message goes into a
 * slot of the transfer ring (up to 513 bytes are kept, so an oversize
 * transfer reaches the parser as such and is counted). A full ring stalls
 * the reader (the host sees the socket's send buffer fill: NAK).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "link_host_internal.h"

int mctp_usbsock_open(struct mctp_usbsock *u, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int rc;

	memset(u, 0, sizeof(*u));
	u->cfd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	strcpy(u->path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			return -EEXIST;
		}
		(void)unlink(path);
	}
	u->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (u->lfd < 0) {
		return -errno;
	}
	if (bind(u->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(u->lfd, 4) < 0) {
		rc = -errno;
		close(u->lfd);
		u->lfd = -1;
		return rc;
	}
	rc = mctp_host_common_init(&u->c);
	if (rc < 0) {
		close(u->lfd);
		u->lfd = -1;
		(void)unlink(path);
	}
	return rc;
}

static void usbsock_set_client(struct mctp_usbsock *u, int fd)
{
	int old;

	pthread_mutex_lock(&u->c.lock);
	old = u->cfd;
	u->cfd = fd;
	if (fd >= 0) {
		u->connects++;
	}
	pthread_mutex_unlock(&u->c.lock);
	if (old >= 0) {
		close(old);
	}
}

/* Receives one transfer into the ring; returns false to stop the thread. */
static bool usbsock_fill(struct mctp_usbsock *u, int fd)
{
	uint8_t *dst;
	ssize_t n;

	pthread_mutex_lock(&u->c.lock);
	while (u->count == MCTP_USBSOCK_SLOTS && u->c.running) {
		u->c.rx_stalls++;
		pthread_cond_wait(&u->c.space, &u->c.lock);
	}
	dst = u->slot[(u->head + u->count) % MCTP_USBSOCK_SLOTS];
	pthread_mutex_unlock(&u->c.lock);
	if (!u->c.running) {
		return false;
	}
	n = recv(fd, dst, MCTP_USB_XFER_SIZE + 1, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		usbsock_set_client(u, -1); /* unplugged */
		return true;
	}
	if (n < 0) {
		return true;
	}
	pthread_mutex_lock(&u->c.lock);
	u->len[(u->head + u->count) % MCTP_USBSOCK_SLOTS] = (uint16_t)n;
	u->count++;
	pthread_mutex_unlock(&u->c.lock);
	mctp_host_common_raise(&u->c);
	return true;
}

static void *usbsock_reader(void *arg)
{
	struct mctp_usbsock *u = arg;

	while (u->c.running) {
		int cfd = u->cfd; /* only this thread changes it */
		struct pollfd fds[3] = {{.fd = u->c.wake_fd, .events = POLLIN},
					{.fd = u->lfd, .events = POLLIN},
					{.fd = cfd, .events = POLLIN}};

		if (poll(fds, cfd >= 0 ? 3 : 2, -1) < 0 && errno != EINTR) {
			break;
		}
		if (fds[0].revents != 0) {
			break;
		}
		if (fds[1].revents & POLLIN) {
			int fd = accept4(u->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				usbsock_set_client(u, fd);
				continue;
			}
		}
		if (cfd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !usbsock_fill(u, cfd)) {
			break;
		}
	}
	return NULL;
}

int mctp_usbsock_start(struct mctp_usbsock *u, void (*notify)(void))
{
	return mctp_host_common_start(&u->c, notify, usbsock_reader, u);
}

static int usbsock_rx(void *ctx, uint8_t *buf, size_t cap)
{
	struct mctp_usbsock *u = ctx;
	size_t n = 0;

	pthread_mutex_lock(&u->c.lock);
	if (u->count > 0) {
		n = u->len[u->head] < cap ? u->len[u->head] : cap;
		memcpy(buf, u->slot[u->head], n);
		u->head = (u->head + 1) % MCTP_USBSOCK_SLOTS;
		u->count--;
		pthread_cond_signal(&u->c.space);
	}
	pthread_mutex_unlock(&u->c.lock);
	return (int)n;
}

static int usbsock_tx(void *ctx, const uint8_t *buf, size_t len)
{
	struct mctp_usbsock *u = ctx;
	int fd;

	pthread_mutex_lock(&u->c.lock);
	fd = u->cfd;
	pthread_mutex_unlock(&u->c.lock);
	if (fd < 0) {
		return -ENOTCONN;
	}
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n == (ssize_t)len) {
			return 0;
		}
		if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
			return -EIO;
		}
		if (mctp_host_wait_fd(fd, POLLOUT, MCTP_HOST_TX_MS) <= 0) {
			return -EAGAIN;
		}
	}
}

const struct mctp_link_ops mctp_usbsock_ops = {usbsock_rx, usbsock_tx};

void mctp_usbsock_close(struct mctp_usbsock *u)
{
	mctp_host_common_stop(&u->c);
	usbsock_set_client(u, -1);
	if (u->lfd >= 0) {
		close(u->lfd);
		(void)unlink(u->path);
	}
	u->lfd = -1;
}
