/*
 * Shared plumbing of the hosted MCTP link drivers: the reader thread's
 * synchronisation, its stop eventfd and the IRQ line whose handler tells
 * the MCTP task that data is pending. The handler runs on the simulated
 * CPU and only calls the notify hook (mctp_task_notify_isr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <kestrel/os/kernel.h>
#include <kestrel/posix.h>

#include "link_host_internal.h"

static void host_link_isr(void *arg)
{
	struct mctp_host_common *c = arg;

	if (c->notify != NULL) {
		c->notify();
	}
}

int mctp_host_common_init(struct mctp_host_common *c)
{
	c->running = false;
	c->irq = -1;
	c->notify = NULL;
	c->rx_stalls = 0;
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->wake_fd < 0) {
		return -errno;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->space, NULL);
	return 0;
}

int mctp_host_common_start(struct mctp_host_common *c, void (*notify)(void), void *(*fn)(void *),
			   void *arg)
{
	int irq = posix_irq_alloc();
	int rc;

	if (irq < 0) {
		return irq;
	}
	c->irq = irq;
	c->notify = notify;
	rc = os_irq_connect((unsigned)irq, host_link_isr, c);
	if (rc < 0) {
		return rc;
	}
	posix_irq_source_add();
	os_irq_enable((unsigned)irq);
	c->running = true;
	rc = pthread_create(&c->thread, NULL, fn, arg);
	if (rc != 0) {
		c->running = false;
		return -rc;
	}
	return 0;
}

void mctp_host_common_stop(struct mctp_host_common *c)
{
	uint64_t one = 1;

	if (c->running) {
		pthread_mutex_lock(&c->lock);
		c->running = false;
		pthread_cond_broadcast(&c->space);
		pthread_mutex_unlock(&c->lock);
		(void)write(c->wake_fd, &one, sizeof(one));
		pthread_join(c->thread, NULL);
	}
	if (c->irq >= 0) {
		os_irq_disable((unsigned)c->irq);
	}
	if (c->wake_fd >= 0) {
		close(c->wake_fd);
		c->wake_fd = -1;
	}
	pthread_cond_destroy(&c->space);
	pthread_mutex_destroy(&c->lock);
}

void mctp_host_common_raise(struct mctp_host_common *c)
{
	if (c->irq >= 0) {
		posix_irq_raise((unsigned)c->irq);
	}
}

int mctp_host_wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n;

	do {
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return -errno;
	}
	if (n > 0 && (p.revents & (POLLERR | POLLNVAL))) {
		return -EIO;
	}
	return n;
}
