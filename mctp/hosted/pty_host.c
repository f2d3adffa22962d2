/*
 * Hosted DSP0253 serial link on a pseudo-terminal (see kestrel/mctp/host/link.h).
 *
 * The master side is the device's "UART". The slave is put in raw mode
 * (cfmakeraw: no echo, no CR/LF mapping, 8 bits, no flow control) because
 * the tty layer would otherwise rewrite frame bytes, and the device keeps
 * the slave open so the master never reports a hangup when a tool closes
 * it. A tool opening the slave later should flush its input (stale frames
 * from before it attached are harmless anyway: the deframer resynchronises
 * on 0x7E).
 *
 * Reader thread: poll(master, stop eventfd) -> read into the byte ring ->
 * raise the IRQ. When the ring is full it waits on `space` (the consumer
 * signals after popping), which stalls the pty like a UART with RTS
 * deasserted, so no byte is ever dropped on the host side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "link_host_internal.h"

static int pty_make_link(struct mctp_pty *p, const char *path)
{
	struct stat st;

	if (strlen(path) >= sizeof(p->symlink)) {
		return -ENAMETOOLONG;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			return -EEXIST;
		}
		(void)unlink(path);
	}
	if (symlink(p->path, path) < 0) {
		return -errno;
	}
	strcpy(p->symlink, path);
	return 0;
}

int mctp_pty_open(struct mctp_pty *p, const char *symlink_path)
{
	struct termios t;
	int rc;

	memset(p, 0, sizeof(*p));
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0) {
		return -errno;
	}
	if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, p->path, sizeof(p->path)) != 0) {
		rc = -errno;
		goto fail;
	}
	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || tcgetattr(p->slave, &t) < 0) {
		rc = -errno;
		goto fail;
	}
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(p->slave, TCSANOW, &t) < 0) {
		rc = -errno;
		goto fail;
	}
	(void)fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	rc = mctp_host_common_init(&p->c);
	if (rc == 0 && symlink_path != NULL) {
		rc = pty_make_link(p, symlink_path);
	}
	if (rc == 0) {
		return 0;
	}
fail:
	if (p->slave >= 0) {
		close(p->slave);
	}
	close(p->master);
	p->master = p->slave = -1;
	return rc;
}

/* Reads what the master has into the ring; returns false to stop. */
static bool pty_fill(struct mctp_pty *p)
{
	uint8_t tmp[4096];
	size_t room, n;
	ssize_t got;

	pthread_mutex_lock(&p->c.lock);
	while (p->count == sizeof(p->ring) && p->c.running) {
		p->c.rx_stalls++;
		pthread_cond_wait(&p->c.space, &p->c.lock);
	}
	room = sizeof(p->ring) - p->count;
	pthread_mutex_unlock(&p->c.lock);
	if (!p->c.running) {
		return false;
	}
	got = read(p->master, tmp, room < sizeof(tmp) ? room : sizeof(tmp));
	if (got <= 0) {
		return got == 0 || errno == EAGAIN || errno == EINTR || errno == EIO;
	}
	pthread_mutex_lock(&p->c.lock);
	for (n = 0; n < (size_t)got; n++) {
		p->ring[(p->head + p->count + n) % sizeof(p->ring)] = tmp[n];
	}
	p->count += (size_t)got;
	pthread_mutex_unlock(&p->c.lock);
	mctp_host_common_raise(&p->c);
	return true;
}

static void *pty_reader(void *arg)
{
	struct mctp_pty *p = arg;

	while (p->c.running) {
		struct pollfd fds[2] = {{.fd = p->master, .events = POLLIN},
					{.fd = p->c.wake_fd, .events = POLLIN}};

		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			break;
		}
		if (fds[1].revents != 0) {
			break;
		}
		if (fds[0].revents & POLLHUP) {
			usleep(10000); /* cannot happen while we hold the slave; be gentle anyway */
		}
		if ((fds[0].revents & POLLIN) && !pty_fill(p)) {
			break;
		}
	}
	return NULL;
}

int mctp_pty_start(struct mctp_pty *p, void (*notify)(void))
{
	return mctp_host_common_start(&p->c, notify, pty_reader, p);
}

static int pty_rx(void *ctx, uint8_t *buf, size_t cap)
{
	struct mctp_pty *p = ctx;
	size_t n, first;

	pthread_mutex_lock(&p->c.lock);
	n = p->count < cap ? p->count : cap;
	first = sizeof(p->ring) - p->head;
	if (first > n) {
		first = n;
	}
	memcpy(buf, p->ring + p->head, first);
	memcpy(buf + first, p->ring, n - first);
	p->head = (p->head + n) % sizeof(p->ring);
	p->count -= n;
	if (n > 0) {
		pthread_cond_signal(&p->c.space);
	}
	pthread_mutex_unlock(&p->c.lock);
	return (int)n;
}

static int pty_tx(void *ctx, const uint8_t *buf, size_t len)
{
	struct mctp_pty *p = ctx;
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(p->master, buf + off, len - off);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -EIO;
		}
		if (mctp_host_wait_fd(p->master, POLLOUT, MCTP_HOST_TX_MS) <= 0) {
			return -EAGAIN;
		}
	}
	return 0;
}

const struct mctp_link_ops mctp_pty_ops = {pty_rx, pty_tx};

void mctp_pty_close(struct mctp_pty *p)
{
	mctp_host_common_stop(&p->c);
	if (p->symlink[0] != '\0') {
		(void)unlink(p->symlink);
	}
	if (p->slave >= 0) {
		close(p->slave);
	}
	if (p->master >= 0) {
		close(p->master);
	}
	p->master = p->slave = -1;
}
