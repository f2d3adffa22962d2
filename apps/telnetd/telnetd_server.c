/*
 * The telnet server: a listener task that accepts connections and hands
 * each to one of CONFIG_TELNETD_MAX_SESSIONS session tasks, which
 * negotiate options (telnet_opt.c), ask for a login, and then run a
 * privileged struct shell whose output goes back over the connection.
 *
 * Session, step by step:
 *  1. send the option offers and a banner;
 *  2. no password provisioned: say so and close; source or global
 *     lockout: say for how long and close;
 *  3. "login: " (echoed) and "Password: " (not echoed), at most
 *     CONFIG_TELNETD_LOGIN_TRIES times within CONFIG_TELNETD_LOGIN_TIMEOUT_MS;
 *     the hash is computed even for a wrong user name so timing tells
 *     nothing; a failure sleeps the delay telnet_lock_fail() returns;
 *  4. the shell, until Ctrl-D on an empty line, the peer closes, or
 *     CONFIG_TELNETD_IDLE_TIMEOUT_MS pass without input.
 *
 * The lockout table and the password hash are shared by the session
 * tasks and the `passwd` command; telnetd_mtx guards both.
 */
#include <string.h>

#include <kestrel/apps/telnetd.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/net/socket.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include "telnetd_internal.h"

#define TD_RX	    128
#define TD_TX	    256
#define TD_NAME_MAX 32

#ifdef KESTREL_BOARD_NAME
#define KESTREL_BOARD_NAME_STR KESTREL_BOARD_NAME
#else
#define KESTREL_BOARD_NAME_STR "device"
#endif

_Static_assert(CONFIG_TELNETD_MAX_SESSIONS + 1 <= CONFIG_NET_SOCKETS,
	       "CONFIG_NET_SOCKETS too small for CONFIG_TELNETD_MAX_SESSIONS");

struct telnetd_session {
	struct os_task task;
	struct os_sem go;
	int fd;
	uint32_t peer_ip;
	bool busy;
	bool last_cr;  /* the previous line ended in CR (skip its LF) */
	uint16_t pend; /* unread bytes in data[] */
	uint16_t pend_off;
	struct telnet tn;
	struct shell sh;
	uint8_t rx[TD_RX];
	uint8_t data[TD_RX];
	uint8_t tx[TD_TX];
	char user[TD_NAME_MAX + 1];
	char pw[TELNETD_PW_MAX + 2];
};

static struct telnetd_session td_sessions[CONFIG_TELNETD_MAX_SESSIONS];
static uint64_t td_stacks[CONFIG_TELNETD_MAX_SESSIONS]
			 [OS_STACK_SIZEOF(CONFIG_TELNETD_STACK_SIZE) / sizeof(uint64_t)];
static struct os_task td_listener;
OS_STACK_DEFINE(td_listener_stack, 1024);
OS_MUTEX_DEFINE(telnetd_mtx);
static struct telnet_lockout td_lock;
static struct telnet_pwhash td_pw;
static struct telnetd_stats td_st;
static struct telnetd_config td_cfg;
static bool td_started;
static uint32_t (*td_rand)(void);
static uint32_t td_salt_count;

/* ---- provisioning ---- */

void telnetd_set_random(uint32_t (*rand32)(void))
{
	td_rand = rand32;
}

static void make_salt(uint8_t salt[TELNET_SALT_LEN])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	uint64_t t = os_time_ns();
	int64_t w = os_wallclock_ns();

	sha256_init(&c);
	sha256_update(&c, &t, sizeof(t));
	sha256_update(&c, &w, sizeof(w));
	td_salt_count++;
	sha256_update(&c, &td_salt_count, sizeof(td_salt_count));
	sha256_update(&c, &td_pw, sizeof(td_pw));
	for (int i = 0; td_rand != NULL && i < 8; i++) {
		uint32_t r = td_rand();
		sha256_update(&c, &r, sizeof(r));
	}
	sha256_final(&c, d);
	memcpy(salt, d, TELNET_SALT_LEN);
}

int telnetd_set_password(const char *pw)
{
	struct telnet_pwhash h;
	uint8_t salt[TELNET_SALT_LEN];
	size_t len = pw ? strlen(pw) : 0;

	memset(&h, 0, sizeof(h));
	if (len > TELNETD_PW_MAX || (len > 0 && len < 4)) {
		return -EINVAL;
	}
	if (len > 0) {
		make_salt(salt);
		telnet_pw_make(&h, pw, salt, CONFIG_TELNETD_PBKDF2_ITER);
	}
	os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
	td_pw = h;
	os_mutex_unlock(&telnetd_mtx);
	return 0;
}

int telnetd_set_password_hash(const char *hash)
{
	struct telnet_pwhash h;

	memset(&h, 0, sizeof(h));
	if (hash != NULL && hash[0] != '\0' && telnet_pw_parse(hash, &h) < 0) {
		return -EINVAL;
	}
	os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
	td_pw = h;
	os_mutex_unlock(&telnetd_mtx);
	return 0;
}

int telnetd_get_password_hash(char *buf, size_t cap)
{
	struct telnet_pwhash h;

	os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
	h = td_pw;
	os_mutex_unlock(&telnetd_mtx);
	if (h.iter == 0) {
		if (cap == 0) {
			return -EMSGSIZE;
		}
		buf[0] = '\0';
		return 0;
	}
	return telnet_pw_format(&h, buf, cap);
}

bool telnetd_password_set(void)
{
	return td_pw.iter != 0;
}

void telnetd_get_stats(struct telnetd_stats *st)
{
	*st = td_st;
}

/* ---- session I/O ---- */

static void td_send(struct telnetd_session *s, const void *p, size_t n)
{
	if (s->fd >= 0 && n > 0 && net_send(s->fd, p, n, 0) < 0) {
		net_shutdown(s->fd, NET_SHUT_RDWR);
	}
}

/* Shell and prompt output: IAC doubled. */
static void td_write(void *ctx, const char *str, size_t n)
{
	struct telnetd_session *s = ctx;
	const uint8_t *p = (const uint8_t *)str;

	while (n > 0) {
		struct wr_cursor out = wr_init(s->tx, sizeof(s->tx));
		size_t used = telnet_escape(p, n, &out);
		td_send(s, s->tx, out.len);
		p += used;
		n -= used;
	}
}

static void td_puts(struct telnetd_session *s, const char *str)
{
	td_write(s, str, strlen(str));
}

/*
 * Receives and decodes more input into data[]. Returns the data bytes
 * (maybe 0 after pure negotiation), -EAGAIN when timeout_ms passed, or
 * another negative code when the connection ended.
 */
static int td_fill(struct telnetd_session *s, uint32_t timeout_ms)
{
	uint8_t reply[TD_RX + 16];
	struct wr_cursor out = wr_init(reply, sizeof(reply));
	int n;

	net_setsockopt(s->fd, NET_SOL_SOCKET, NET_SO_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
	n = net_recv(s->fd, s->rx, sizeof(s->rx), 0);
	if (n <= 0) {
		return n == 0 ? -ECONNRESET : n;
	}
	n = telnet_input(&s->tn, s->rx, (size_t)n, s->data, &out);
	td_send(s, reply, out.len);
	if (n < 0) {
		return n;
	}
	s->pend = (uint16_t)n;
	s->pend_off = 0;
	return n;
}

/* Reads one line (CR, LF or CR LF) into buf; echo for the user name only. */
static int td_read_line(struct telnetd_session *s, char *buf, size_t cap, bool echo,
			os_tick_t deadline)
{
	size_t len = 0;

	for (;;) {
		while (s->pend_off < s->pend) {
			uint8_t c = s->data[s->pend_off++];
			bool was_cr = s->last_cr;
			s->last_cr = c == '\r';
			if (c == '\n' && was_cr) {
				continue;
			}
			if (c == '\r' || c == '\n') {
				buf[len] = '\0';
				td_puts(s, "\r\n");
				return (int)len;
			}
			if (c == 0x03 || (c == 0x04 && len == 0)) {
				return -ECONNRESET; /* Ctrl-C / Ctrl-D: give up */
			}
			if ((c == 0x7f || c == 0x08) && len > 0) {
				len--;
				if (echo) {
					td_puts(s, "\b \b");
				}
			} else if (c >= 0x20 && c < 0x7f && len + 1 < cap) {
				buf[len++] = (char)c;
				if (echo) {
					td_write(s, (const char *)&c, 1);
				}
			}
		}
		if (!os_tick_after(deadline, os_ticks())) {
			return -EAGAIN;
		}
		int rc = td_fill(s, (deadline - os_ticks()) * 1000u / OS_TICK_HZ + 1);
		if (rc < 0) {
			return rc;
		}
	}
}

static uint64_t now_ms(void)
{
	return os_time_ns() / 1000000u;
}

/* Tells a locked-out peer how long it waits; true if it is locked out. */
static bool td_locked(struct telnetd_session *s)
{
	uint64_t left;
	char msg[80];

	os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
	left = telnet_lock_check(&td_lock, s->peer_ip, now_ms());
	os_mutex_unlock(&telnetd_mtx);
	if (left == 0) {
		return false;
	}
	td_st.lockouts++;
	kfmt_snprintf(msg, sizeof(msg), "too many failed logins; try again in %u s\r\n",
		      (unsigned)((left + 999) / 1000));
	td_puts(s, msg);
	return true;
}

static bool td_check(struct telnetd_session *s)
{
	struct telnet_pwhash h;
	bool ok;

	os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
	h = td_pw;
	os_mutex_unlock(&telnetd_mtx);
	/* hash whatever the user name, so a wrong one takes as long */
	ok = telnet_pw_verify(&h, s->pw);
	ok = strcmp(s->user, CONFIG_TELNETD_USER) == 0 && ok;
	memset(s->pw, 0, sizeof(s->pw));
	return ok;
}

/* Returns 0 once logged in. */
static int td_login(struct telnetd_session *s)
{
	os_tick_t deadline = os_ticks() + OS_MS(CONFIG_TELNETD_LOGIN_TIMEOUT_MS);

	if (!telnetd_password_set()) {
		td_puts(s, "login disabled: no password set (use 'passwd' on the console)\r\n");
		return -EACCES;
	}
	for (int tries = 0; tries < CONFIG_TELNETD_LOGIN_TRIES; tries++) {
		uint32_t delay;
		int rc;

		if (td_locked(s)) {
			return -EACCES;
		}
		td_puts(s, "login: ");
		rc = td_read_line(s, s->user, sizeof(s->user), true, deadline);
		if (rc >= 0) {
			td_puts(s, "Password: ");
			rc = td_read_line(s, s->pw, sizeof(s->pw), false, deadline);
		}
		if (rc < 0) {
			if (rc == -EAGAIN) {
				td_puts(s, "\r\nlogin timed out\r\n");
			}
			return rc;
		}
		if (td_check(s)) {
			os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
			telnet_lock_success(&td_lock, s->peer_ip);
			os_mutex_unlock(&telnetd_mtx);
			return 0;
		}
		td_st.failures++;
		os_mutex_lock(&telnetd_mtx, OS_WAIT_FOREVER);
		delay = telnet_lock_fail(&td_lock, s->peer_ip, now_ms());
		os_mutex_unlock(&telnetd_mtx);
		os_sleep_ms(delay);
		td_puts(s, "Login incorrect\r\n");
	}
	return -EACCES;
}

static void td_shell(struct telnetd_session *s)
{
	shell_init(&s->sh, td_write, s);
	shell_set_crlf(&s->sh, true);
	shell_set_privileged(&s->sh, true);
	shell_start(&s->sh);
	for (;;) {
		int rc;
		if (s->pend_off < s->pend) {
			/* The password line ended in CR; its LF (or the NUL of CR NUL,
			 * RFC 854) is not an empty command line for the shell. */
			if (s->last_cr &&
			    (s->data[s->pend_off] == '\n' || s->data[s->pend_off] == '\0')) {
				s->pend_off++;
			}
			s->last_cr = false;
			/* what followed the password, then each received chunk */
			shell_input(&s->sh, s->data + s->pend_off, s->pend - s->pend_off);
			s->pend_off = s->pend;
		}
		if (shell_eof(&s->sh)) {
			td_puts(s, "\r\nbye\r\n");
			return;
		}
		rc = td_fill(s, CONFIG_TELNETD_IDLE_TIMEOUT_MS);
		if (rc == -EAGAIN && CONFIG_TELNETD_IDLE_TIMEOUT_MS != 0) {
			td_puts(s, "\r\nidle timeout\r\n");
			return;
		}
		if (rc < 0 && rc != -EAGAIN) {
			return;
		}
	}
}

static void td_session(struct telnetd_session *s)
{
	uint8_t offers[16];
	struct wr_cursor out = wr_init(offers, sizeof(offers));

	s->pend = s->pend_off = 0;
	s->last_cr = false;
	telnet_init(&s->tn, &out);
	td_send(s, offers, out.len);
	td_puts(s, "\r\nKestrel " KESTREL_BOARD_NAME_STR " telnet\r\n");
	if (td_login(s) == 0) {
		td_st.logins++;
		td_puts(s, "Welcome.\r\n");
		td_shell(s);
	}
}

static void td_session_main(void *arg)
{
	struct telnetd_session *s = arg;

	for (;;) {
		os_sem_take(&s->go, OS_WAIT_FOREVER);
		td_session(s);
		net_close(s->fd);
		s->fd = -1;
		s->busy = false;
	}
}

/* ---- listener ---- */

static int td_listen(void)
{
	static const int one = 1;
	struct net_sockaddr_in a = net_sockaddr(td_cfg.listen_ip, td_cfg.port);
	int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
	int rc;

	if (fd < 0) {
		return fd;
	}
	net_setsockopt(fd, NET_SOL_SOCKET, NET_SO_REUSEADDR, &one, sizeof(one));
	rc = net_bind(fd, &a);
	if (rc == 0) {
		rc = net_listen(fd, 2);
	}
	if (rc < 0) {
		net_close(fd);
		return rc;
	}
	return fd;
}

static void td_accept(int lfd)
{
	static const char busy[] = "\r\ntoo many telnet sessions; try later\r\n";
	struct net_sockaddr_in peer;
	int fd = net_accept(lfd, &peer);

	if (fd < 0) {
		os_sleep_ms(fd == -EBADF ? 1000 : 10);
		return;
	}
	td_st.accepted++;
	for (unsigned i = 0; i < CONFIG_TELNETD_MAX_SESSIONS; i++) {
		struct telnetd_session *s = &td_sessions[i];
		if (!s->busy) {
			s->busy = true;
			s->fd = fd;
			s->peer_ip = peer.addr;
			os_sem_give(&s->go);
			return;
		}
	}
	td_st.rejected++;
	net_send(fd, busy, sizeof(busy) - 1, NET_MSG_DONTWAIT);
	net_close(fd);
}

static void td_listener_main(void *arg)
{
	(void)arg;
	for (;;) {
		int lfd = td_listen();
		if (lfd < 0) {
			os_sleep_ms(1000); /* no network yet: try again */
			continue;
		}
		for (;;) {
			td_accept(lfd);
		}
	}
}

int telnetd_start(const struct telnetd_config *cfg)
{
	int rc;

	if (td_started) {
		return -EALREADY;
	}
	memset(&td_cfg, 0, sizeof(td_cfg));
	if (cfg != NULL) {
		td_cfg = *cfg;
	}
	if (td_cfg.port == 0) {
		td_cfg.port = CONFIG_TELNETD_PORT;
	}
	if (td_cfg.prio == 0) {
		td_cfg.prio = 18;
	}
	if (td_cfg.prio >= OS_PRIO_IDLE) {
		return -EINVAL;
	}
#ifdef CONFIG_TELNETD_PASSWORD
	if (!telnetd_password_set()) {
		telnetd_set_password(CONFIG_TELNETD_PASSWORD);
	}
#endif
	telnet_lock_init(&td_lock);
	for (unsigned i = 0; i < CONFIG_TELNETD_MAX_SESSIONS; i++) {
		struct telnetd_session *s = &td_sessions[i];
		s->fd = -1;
		s->busy = false;
		os_sem_init(&s->go, 0, 1);
		rc = os_task_create(&s->task, "telnet", td_session_main, s, td_cfg.prio,
				    td_stacks[i], sizeof(td_stacks[i]));
		if (rc < 0) {
			return rc;
		}
	}
	rc = os_task_create(&td_listener, "telnetd", td_listener_main, NULL, td_cfg.prio,
			    td_listener_stack, sizeof(td_listener_stack));
	if (rc == 0) {
		td_started = true;
	}
	return rc;
}
