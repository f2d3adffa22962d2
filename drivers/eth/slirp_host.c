/*
 * libslirp Ethernet driver (hosted). See kestrel/drivers/host/eth_slirp.h.
 *
 * One host thread owns the Slirp instance from slirp_new() to
 * slirp_cleanup(); no other thread ever calls into libslirp. Its loop:
 *
 *   1. feed every frame queued by output() to slirp_input();
 *   2. slirp_pollfds_fill() + our eventfd, timeout = nearest timer (<= 1 s);
 *   3. poll(); slirp_pollfds_poll();
 *   4. run expired timers (slirp's clock is CLOCK_MONOTONIC, in ms for
 *      timer_mod and ns for clock_get_ns).
 *
 * send_packet (slirp -> device) runs on that thread and only queues the
 * frame in the receive ring (eth_host_push), which raises the IRQ.
 *
 * init() (the network task, via netif_add) starts the thread and waits on a
 * host semaphore for slirp_new() and the host forwards, so a port already
 * in use is reported as netif_add()'s -EADDRINUSE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libslirp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/drivers/host/eth_slirp.h>
#include <kestrel/errno.h>

#define SLIRP_POLL_IDLE_MS 1000u /* longest sleep without a timer */
#define SLIRP_CFG_VERSION  3	 /* no v4 callbacks (timer_new_opaque) used */

static int64_t slirp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void slirp_wake(struct eth_slirp *s)
{
	uint64_t one = 1;

	if (write(s->wake_fd, &one, sizeof(one)) < 0) {
		/* counter saturated: the thread is awake anyway */
	}
}

/* ---- callbacks (slirp thread) ------------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct eth_slirp *s = opaque;

	(void)eth_host_push(&s->host, buf, len); /* full ring: counted, slirp's TCP retries */
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "slirp: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return slirp_now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct eth_slirp *s = opaque;

	for (unsigned i = 0; i < ETH_SLIRP_TIMERS; i++) {
		struct eth_slirp_timer *t = &s->timers[i];

		if (!t->used) {
			t->used = true;
			t->cb = cb;
			t->opaque = cb_opaque;
			t->expire_ms = -1;
			return t;
		}
	}
	fprintf(stderr, "slirp: out of timers (ETH_SLIRP_TIMERS %d)\n", ETH_SLIRP_TIMERS);
	return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct eth_slirp_timer *t = timer;

	(void)opaque;
	if (t != NULL) {
		t->used = false;
	}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct eth_slirp_timer *t = timer;

	(void)opaque;
	if (t != NULL) {
		t->expire_ms = expire_ms;
	}
}

static void cb_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	(void)opaque; /* called on our own thread: the loop polls again anyway */
}

static const SlirpCb slirp_cbs = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_poll_fd,
	.unregister_poll_fd = cb_poll_fd,
	.notify = cb_notify,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct eth_slirp *s = opaque;
	struct pollfd *pfd = s->pfd;
	short ev = 0;

	if (s->npfd >= CONFIG_ETH_SLIRP_POLL_MAX) {
		return -1; /* slirp skips sockets without an index */
	}
	ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
	ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
	ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
	pfd[s->npfd].fd = fd;
	pfd[s->npfd].events = ev;
	pfd[s->npfd].revents = 0;
	return (int)s->npfd++;
}

static int cb_get_revents(int idx, void *opaque)
{
	struct eth_slirp *s = opaque;
	struct pollfd *pfd = s->pfd;
	short re;
	int r = 0;

	if (idx < 0 || (unsigned)idx >= s->npfd) {
		return 0;
	}
	re = pfd[idx].revents;
	r |= (re & POLLIN) ? SLIRP_POLL_IN : 0;
	r |= (re & POLLOUT) ? SLIRP_POLL_OUT : 0;
	r |= (re & POLLPRI) ? SLIRP_POLL_PRI : 0;
	r |= (re & POLLERR) ? SLIRP_POLL_ERR : 0;
	r |= (re & POLLHUP) ? SLIRP_POLL_HUP : 0;
	return r;
}

/* ---- the slirp thread ------------------------------------------------------ */

static struct in_addr slirp_in(uint32_t host_order)
{
	struct in_addr a;

	a.s_addr = htonl(host_order);
	return a;
}

static int slirp_create(struct eth_slirp *s)
{
	SlirpConfig cfg;
	Slirp *sl;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = SLIRP_CFG_VERSION;
	cfg.restricted = s->restricted;
	cfg.in_enabled = true;
	cfg.vnetwork = slirp_in(ETH_SLIRP_NET);
	cfg.vnetmask = slirp_in(ETH_SLIRP_MASK);
	cfg.vhost = slirp_in(ETH_SLIRP_HOST);
	cfg.vdhcp_start = slirp_in(ETH_SLIRP_GUEST);
	cfg.vnameserver = slirp_in(ETH_SLIRP_DNS);
	cfg.vhostname = "kestrel";
	sl = slirp_new(&cfg, &slirp_cbs, s);
	if (sl == NULL) {
		return -EIO;
	}
	s->slirp = sl;
	for (unsigned i = 0; i < s->nfwd; i++) {
		const struct eth_slirp_fwd *f = &s->fwd[i];
		uint32_t guest = f->guest_addr != 0 ? f->guest_addr : ETH_SLIRP_GUEST;

		if (slirp_add_hostfwd(sl, f->udp, slirp_in(f->host_addr), f->host_port,
				      slirp_in(guest), f->guest_port) < 0) {
			fprintf(stderr, "slirp: cannot forward %s host port %u\n",
				f->udp ? "udp" : "tcp", f->host_port);
			slirp_cleanup(sl);
			s->slirp = NULL;
			return -EADDRINUSE;
		}
	}
	return 0;
}

/* Feeds every frame queued by output() to slirp. */
static void slirp_feed(struct eth_slirp *s)
{
	uint8_t frame[ETH_FRAME_MAX];
	uint16_t len;

	for (;;) {
		pthread_mutex_lock(&s->txq_lock);
		if (s->txq_count == 0) {
			pthread_mutex_unlock(&s->txq_lock);
			return;
		}
		len = s->txq_len[s->txq_head];
		memcpy(frame, s->txq[s->txq_head], len);
		s->txq_head = (s->txq_head + 1) % CONFIG_ETH_SLIRP_TXQ;
		s->txq_count--;
		pthread_mutex_unlock(&s->txq_lock);
		slirp_input(s->slirp, frame, len);
	}
}

/* Runs expired timers; returns ms until the next one (capped). */
static uint32_t slirp_timers(struct eth_slirp *s)
{
	int64_t now = slirp_now_ns() / 1000000;
	uint32_t wait = SLIRP_POLL_IDLE_MS;

	for (unsigned i = 0; i < ETH_SLIRP_TIMERS; i++) {
		struct eth_slirp_timer *t = &s->timers[i];

		if (!t->used || t->expire_ms < 0) {
			continue;
		}
		if (t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->opaque);
		} else if (t->expire_ms - now < (int64_t)wait) {
			wait = (uint32_t)(t->expire_ms - now);
		}
	}
	return wait;
}

static void slirp_loop(struct eth_slirp *s)
{
	struct pollfd *pfd = s->pfd;
	uint64_t junk;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		uint32_t timeout;
		int n;

		slirp_feed(s);
		timeout = slirp_timers(s);
		pfd[0].fd = s->wake_fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		s->npfd = 1;
		slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);
		n = poll(pfd, s->npfd, (int)timeout);
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			if (read(s->wake_fd, &junk, sizeof(junk)) < 0) {
				/* EAGAIN: raced with another reader of the counter */
			}
		}
		slirp_pollfds_poll(s->slirp, n < 0, cb_get_revents, s);
	}
}

static void *slirp_thread(void *arg)
{
	struct eth_slirp *s = arg;

	s->start_rc = slirp_create(s);
	sem_post(&s->ready);
	if (s->start_rc < 0) {
		return NULL;
	}
	slirp_loop(s);
	slirp_cleanup(s->slirp);
	s->slirp = NULL;
	return NULL;
}

/* ---- driver ops (simulated CPU) ------------------------------------------ */

int eth_slirp_init(struct eth_slirp *s)
{
	memset(s, 0, sizeof(*s));
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wake_fd < 0) {
		return -EIO;
	}
	pthread_mutex_init(&s->txq_lock, NULL);
	sem_init(&s->ready, 0, 0);
	return eth_host_init(&s->host);
}

int eth_slirp_add_hostfwd(struct eth_slirp *s, const char *spec)
{
	struct eth_slirp_fwd f;
	int rc = eth_slirp_fwd_parse(spec, &f);

	if (rc < 0) {
		return rc;
	}
	if (s->running) {
		return -EBUSY;
	}
	if (s->nfwd >= CONFIG_ETH_SLIRP_FWD_MAX) {
		return -ENOSPC;
	}
	s->fwd[s->nfwd++] = f;
	return 0;
}

void eth_slirp_set_restricted(struct eth_slirp *s, bool on)
{
	s->restricted = on;
}

static int slirp_init_op(struct netif *nif)
{
	struct eth_slirp *s = nif->drv;

	if (s->running) {
		return -EBUSY;
	}
	eth_host_attach(&s->host, nif);
	s->stop = false;
	if (pthread_create(&s->th, NULL, slirp_thread, s) != 0) {
		return -EIO;
	}
	/* host wait: the slirp thread never calls the kernel, so this ends */
	while (sem_wait(&s->ready) < 0 && errno == EINTR) {
	}
	if (s->start_rc < 0) {
		pthread_join(s->th, NULL);
		return s->start_rc;
	}
	s->running = true;
	return 0;
}

static int slirp_output(struct netif *nif, struct pbuf *p)
{
	struct eth_slirp *s = nif->drv;
	uint16_t len = p->tot_len;
	unsigned slot;
	int rc = 0;

	if (len > ETH_FRAME_MAX || len < ETH_HLEN) {
		rc = -EMSGSIZE;
		goto out;
	}
	pthread_mutex_lock(&s->txq_lock);
	if (s->txq_count == CONFIG_ETH_SLIRP_TXQ) {
		rc = -EBUSY;
	} else {
		slot = (s->txq_head + s->txq_count) % CONFIG_ETH_SLIRP_TXQ;
		pbuf_copy_out(p, 0, s->txq[slot], len);
		s->txq_len[slot] = len;
		s->txq_count++;
	}
	pthread_mutex_unlock(&s->txq_lock);
	if (rc == 0) {
		slirp_wake(s);
	}
out:
	eth_host_count_tx(&s->host, len, rc);
	return rc;
}

const struct eth_driver_ops eth_slirp_ops = {
	.init = slirp_init_op,
	.output = slirp_output,
	.link_up = NULL,
};

void eth_slirp_set_rx_hook(struct eth_slirp *s, const struct eth_rx_hook *hook)
{
	eth_host_set_hook(&s->host, hook);
}

void eth_slirp_get_stats(struct eth_slirp *s, struct eth_host_stats *out)
{
	eth_host_get_stats(&s->host, out);
}

void eth_slirp_close(struct eth_slirp *s)
{
	if (s->running) {
		__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
		slirp_wake(s);
		pthread_join(s->th, NULL);
		s->running = false;
	}
	if (s->wake_fd >= 0) {
		close(s->wake_fd);
		s->wake_fd = -1;
	}
	sem_destroy(&s->ready);
	pthread_mutex_destroy(&s->txq_lock);
	eth_host_destroy(&s->host);
}
