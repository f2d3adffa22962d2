/*
 * libafmctp's link to the device: DSP0253 frames on a pty, or DSP0283
 * transfers as SOCK_SEQPACKET messages. Uses the pure Kestrel framers and
 * deframers. Called with the library lock held, so no locking here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/mctp/core.h>

#include "afmctp_link.h"

uint32_t afm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static int open_usb(struct afm_link *l, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	l->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		return -errno;
	}
	if (connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(l->fd);
		return rc;
	}
	l->usb = true;
	return 0;
}

int afm_link_open(struct afm_link *l, const char *serial, const char *usb)
{
	struct termios t;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	(void)mctp_serial_rx_init(&l->srx, CONFIG_MCTP_MAX_MTU);
	(void)mctp_usb_tx_init(&l->utx, MCTP_USB_XFER_SIZE);
	if (serial == NULL) {
		return usb != NULL ? open_usb(l, usb) : -ENOENT;
	}
	l->fd = open(serial, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (l->fd < 0) {
		return -errno;
	}
	if (tcgetattr(l->fd, &t) == 0) {
		cfmakeraw(&t);
		(void)tcsetattr(l->fd, TCSANOW, &t);
		(void)tcflush(l->fd, TCIFLUSH);
	}
	return 0;
}

int afm_link_wait(struct afm_link *l, int ms)
{
	struct pollfd p = {.fd = l->fd, .events = POLLIN};
	int n = poll(&p, 1, ms);

	if (n < 0) {
		return errno == EINTR ? 0 : -errno;
	}
	if (n > 0 && !(p.revents & POLLIN)) {
		return -ECONNRESET;
	}
	return n;
}

void afm_link_rx(struct afm_link *l, void (*fn)(void *arg, const uint8_t *pkt, size_t len),
		 void *arg)
{
	ssize_t n = l->usb ? recv(l->fd, l->rxbuf, sizeof(l->rxbuf), MSG_DONTWAIT)
			   : read(l->fd, l->rxbuf, sizeof(l->rxbuf));

	if (n <= 0) {
		return;
	}
	if (l->usb) {
		(void)mctp_usb_rx_xfer(&l->ust, l->rxbuf, (size_t)n, fn, arg);
	} else {
		(void)mctp_serial_rx_feed(&l->srx, l->rxbuf, (size_t)n, fn, arg);
	}
}

int afm_link_flush(struct afm_link *l)
{
	const uint8_t *buf = l->usb ? l->utx.buf : l->txbuf;
	size_t len = l->usb ? l->utx.len : l->txlen, off = 0;

	while (off < len) {
		ssize_t n = l->usb ? send(l->fd, buf, len, MSG_NOSIGNAL)
				   : write(l->fd, buf + off, len - off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			l->txlen = 0;
			mctp_usb_tx_reset(&l->utx);
			return -errno;
		}
		off += l->usb ? len : (size_t)n;
	}
	l->txlen = 0;
	mctp_usb_tx_reset(&l->utx);
	return 0;
}

int afm_link_tx(struct afm_link *l, const uint8_t *pkt, size_t len)
{
	int rc;

	if (l->usb) {
		rc = mctp_usb_tx_add(&l->utx, pkt, len);
		if (rc == -EBUSY) {
			rc = afm_link_flush(l);
			if (rc == 0) {
				rc = mctp_usb_tx_add(&l->utx, pkt, len);
			}
		}
		return rc;
	}
	if (l->txlen + MCTP_SERIAL_FRAME_MAX(len) > sizeof(l->txbuf) &&
	    (rc = afm_link_flush(l)) < 0) {
		return rc;
	}
	rc = mctp_serial_frame(pkt, len, l->txbuf + l->txlen, sizeof(l->txbuf) - l->txlen);
	if (rc < 0) {
		return rc;
	}
	l->txlen += (size_t)rc;
	return 0;
}
