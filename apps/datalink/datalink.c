/*
 * The datalink client task: connect to the configured server, exchange
 * records through the pure session (dl_session.c), sample periodically,
 * and reconnect with exponential back-off (1 s .. 30 s, jitter) whenever
 * the connection fails. The session (queue, sequence numbers, what was
 * delivered) lives across reconnects and stop/start; a mutex guards it
 * because `datalink send` queues from the shell task.
 */
#include <kestrel/apps/datalink.h>
#include <kestrel/apps/wget.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include <string.h>

static struct os_task dl_task;
OS_STACK_DEFINE(dl_stack, CONFIG_DATALINK_STACK);
static OS_MUTEX_DEFINE(dl_mutex); /* guards dl_sess and dl_st */
static struct dl_session dl_sess;
static struct datalink_status dl_st;
static struct dl_framer dl_fr;
static uint8_t dl_txbuf[DL_REC_MAX], dl_rxbuf[256];
static volatile bool dl_run, dl_task_live, dl_ready;
static uint32_t dl_rand = 0x9e3779b9u;

static uint32_t now_ms(void)
{
	return (uint32_t)(os_time_ns() / 1000000u);
}

static uint32_t dl_rnd(void)
{
	dl_rand ^= (uint32_t)os_time_ns();
	dl_rand = dl_rand * 1664525u + 1013904223u;
	return dl_rand >> 4;
}

static void dl_on_data(void *ctx, uint32_t seq, const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)seq;
	(void)data;
	dl_sess.cnt.rx_bytes += (uint32_t)len; /* payload bytes delivered */
}

static void dl_set_state(uint8_t s)
{
	dl_st.state = s;
}

/* Sends everything the session has due. Caller holds dl_mutex. */
static int dl_flush(int fd)
{
	int n, rc;

	while ((n = dl_session_next(&dl_sess, dl_txbuf, sizeof(dl_txbuf))) > 0) {
		rc = net_send(fd, dl_txbuf, (size_t)n, 0);
		if (rc != n) {
			return rc < 0 ? rc : -EIO;
		}
	}
	return n;
}

/* Feeds received bytes to the framer and session. Caller holds dl_mutex. */
static int dl_input(const uint8_t *p, size_t len)
{
	struct dl_record r;
	size_t used;
	int rc;

	while (len > 0) {
		rc = dl_framer_feed(&dl_fr, p, len, &used, &r);
		p += used;
		len -= used;
		if (rc < 0) {
			dl_sess.cnt.errors++;
			return rc;
		}
		if (rc == 1 && (rc = dl_session_input(&dl_sess, &r)) < 0) {
			return rc;
		}
	}
	return 0;
}

static void dl_sample(uint32_t *next)
{
	char text[48];
	int n;

	if (CONFIG_DATALINK_SAMPLE_MS == 0 || (int32_t)(now_ms() - *next) < 0) {
		return;
	}
	*next += CONFIG_DATALINK_SAMPLE_MS;
	n = kfmt_snprintf(text, sizeof(text), "sample t=%u", (unsigned)now_ms());
	if (dl_session_queue(&dl_sess, text, (size_t)n) < 0) {
		dl_sess.cnt.overruns++;
	}
}

/* One connection, until it fails or the client is stopped. */
static int dl_connection(int fd)
{
	uint32_t next_sample = now_ms();
	struct net_pollfd pf;
	int rc = 0, n;

	(void)os_mutex_lock(&dl_mutex, OS_WAIT_FOREVER);
	dl_framer_init(&dl_fr);
	dl_session_connected(&dl_sess);
	dl_set_state(DL_UP);
	(void)os_mutex_unlock(&dl_mutex);
	while (dl_run && rc == 0) {
		pf.fd = fd;
		pf.events = NET_POLLIN;
		(void)net_socket_poll(&pf, 1, 100);
		n = (pf.revents & (NET_POLLIN | NET_POLLHUP | NET_POLLERR))
			    ? net_recv(fd, dl_rxbuf, sizeof(dl_rxbuf), NET_MSG_DONTWAIT)
			    : -EAGAIN;
		(void)os_mutex_lock(&dl_mutex, OS_WAIT_FOREVER);
		if (n == 0) {
			rc = -ECONNRESET;
		} else if (n > 0) {
			rc = dl_input(dl_rxbuf, (size_t)n);
		} else if (n != -EAGAIN) {
			rc = n;
		}
		dl_sample(&next_sample);
		if (rc == 0) {
			rc = dl_flush(fd);
		}
		(void)os_mutex_unlock(&dl_mutex);
	}
	return rc;
}

static int dl_connect_once(void)
{
	struct net_sockaddr_in sa;
	uint32_t addr, tmo = 5000;
	int fd, rc;

	dl_set_state(DL_RESOLVING);
	rc = wget_resolve(dl_st.host, &addr, 5000);
	if (rc < 0) {
		return rc;
	}
	dl_set_state(DL_CONNECTING);
	fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	if (fd < 0) {
		return fd;
	}
	(void)net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_SNDTIMEO, &tmo, sizeof(tmo));
	sa = net_sockaddr(addr, dl_st.port);
	rc = net_connect(fd, &sa);
	if (rc == 0) {
		dl_st.backoff_ms = 0;
		rc = dl_connection(fd);
	}
	(void)net_close(fd);
	return rc;
}

static void dl_main(void *arg)
{
	uint32_t base = 0, wait;

	(void)arg;
	while (dl_run) {
		(void)dl_connect_once();
		if (!dl_run) {
			break;
		}
		dl_sess.cnt.reconnects++;
		wait = dl_backoff_next(base, dl_rnd(), &base);
		dl_st.backoff_ms = wait;
		dl_set_state(DL_BACKOFF);
		for (uint32_t t = 0; t < wait && dl_run; t += 100) {
			os_sleep_ms(100);
		}
	}
	dl_set_state(DL_STOPPED);
	dl_task_live = false;
}

int datalink_start(const char *host, uint16_t port)
{
	size_t n = host ? strlen(host) : 0;

	if (n == 0 || n >= sizeof(dl_st.host)) {
		return -EINVAL;
	}
	(void)datalink_stop();
	if (!dl_ready) {
		dl_session_init(&dl_sess, dl_rnd() ^ (uint32_t)os_wallclock_ns(), "kestrel",
				dl_on_data, NULL);
		dl_ready = true;
	}
	memcpy(dl_st.host, host, n + 1);
	dl_st.port = port ? port : DATALINK_DEFAULT_PORT;
	dl_run = true;
	dl_task_live = true;
	return os_task_create(&dl_task, "datalink", dl_main, NULL, CONFIG_DATALINK_PRIO, dl_stack,
			      sizeof(dl_stack));
}

int datalink_stop(void)
{
	dl_run = false;
	for (int i = 0; i < 40 && dl_task_live; i++) {
		os_sleep_ms(50);
	}
	return dl_task_live ? -EBUSY : 0;
}

int datalink_send(const void *data, size_t len)
{
	int rc;

	if (!dl_ready) {
		return -ENOTCONN;
	}
	(void)os_mutex_lock(&dl_mutex, OS_WAIT_FOREVER);
	rc = dl_session_queue(&dl_sess, data, len);
	(void)os_mutex_unlock(&dl_mutex);
	return rc;
}

void datalink_get_status(struct datalink_status *st)
{
	(void)os_mutex_lock(&dl_mutex, OS_WAIT_FOREVER);
	*st = dl_st;
	st->queued = dl_sess.count;
	st->next_seq = dl_sess.next_seq;
	st->peer_acked = dl_sess.peer_acked;
	st->delivered = dl_sess.delivered;
	st->cnt = dl_sess.cnt;
	(void)os_mutex_unlock(&dl_mutex);
}
