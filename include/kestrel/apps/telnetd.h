/*
 * The device's telnet server (RFC 854/855, ECHO RFC 857, SUPPRESS-GO-AHEAD
 * RFC 858): a login, then the same shell as the console.
 *
 * There is no default password. Until one is provisioned, with
 * telnetd_set_password() (the privileged `passwd` shell command calls it)
 * or with a stored hash from telnetd_set_password_hash(), every login is
 * refused with "login disabled: no password set (use 'passwd' on the
 * console)". Passwords are kept only as a salted, iterated hash
 * (PBKDF2-HMAC-SHA256, RFC 8018 §5.2). Failed logins are delayed, and a
 * source address (and the whole server) is locked out for a while after
 * repeated failures; see docs/telnetd.md.
 *
 * Board start-up:
 *
 *	telnetd_set_password_hash(stored_hash);     (or a build-time password)
 *	static const struct telnetd_config cfg = {.port = 23, .prio = 18};
 *	telnetd_start(&cfg);
 */
#ifndef KESTREL_APPS_TELNETD_H
#define KESTREL_APPS_TELNETD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* ---- configuration (defaults; a board overrides them in kestrel_config.h) ---- */

#ifndef CONFIG_TELNETD_PORT
#define CONFIG_TELNETD_PORT 23
#endif
/* Concurrent sessions (each is a task with its own shell). */
#ifndef CONFIG_TELNETD_MAX_SESSIONS
#define CONFIG_TELNETD_MAX_SESSIONS 2
#endif
/* The one user name accepted. */
#ifndef CONFIG_TELNETD_USER
#define CONFIG_TELNETD_USER "admin"
#endif
/* PBKDF2 iterations for new passwords (stored hashes carry their own count). */
#ifndef CONFIG_TELNETD_PBKDF2_ITER
#define CONFIG_TELNETD_PBKDF2_ITER 10000
#endif
/* Attempts per connection before it is closed. */
#ifndef CONFIG_TELNETD_LOGIN_TRIES
#define CONFIG_TELNETD_LOGIN_TRIES 3
#endif
/* Delay after the first failure (ms); doubles per further failure, up to 16x. */
#ifndef CONFIG_TELNETD_FAIL_DELAY_MS
#define CONFIG_TELNETD_FAIL_DELAY_MS 1000
#endif
/* Failures from one address within the lockout period that lock it out. */
#ifndef CONFIG_TELNETD_LOCK_FAILS
#define CONFIG_TELNETD_LOCK_FAILS 5
#endif
/* Failures from all addresses within the lockout period that lock everyone out. */
#ifndef CONFIG_TELNETD_GLOBAL_FAILS
#define CONFIG_TELNETD_GLOBAL_FAILS 20
#endif
/* How long a lockout lasts, and the window failures are counted in (ms). */
#ifndef CONFIG_TELNETD_LOCKOUT_MS
#define CONFIG_TELNETD_LOCKOUT_MS 300000
#endif
/* Source addresses tracked for lockout (the oldest entry is reused). */
#ifndef CONFIG_TELNETD_LOCK_SLOTS
#define CONFIG_TELNETD_LOCK_SLOTS 8
#endif
/* Time allowed to complete a login (ms). */
#ifndef CONFIG_TELNETD_LOGIN_TIMEOUT_MS
#define CONFIG_TELNETD_LOGIN_TIMEOUT_MS 60000
#endif
/* An idle logged-in session is closed after this long (ms; 0 = never). */
#ifndef CONFIG_TELNETD_IDLE_TIMEOUT_MS
#define CONFIG_TELNETD_IDLE_TIMEOUT_MS 600000
#endif
/* Stack of each session task (bytes, before the port's headroom). */
#ifndef CONFIG_TELNETD_STACK_SIZE
#define CONFIG_TELNETD_STACK_SIZE 4096
#endif
/* A password set at build time (e.g. -DCONFIG_TELNETD_PASSWORD=\"...\"); none by default. */

_Static_assert(CONFIG_TELNETD_MAX_SESSIONS >= 1 && CONFIG_TELNETD_MAX_SESSIONS <= 8,
	       "1..8 sessions");
_Static_assert(CONFIG_TELNETD_PBKDF2_ITER >= 1000, "at least 1000 PBKDF2 iterations");
_Static_assert(CONFIG_TELNETD_LOCK_FAILS >= 1 && CONFIG_TELNETD_LOCK_SLOTS >= 1, "lockout");

/* ---- provisioning ---- */

/* Longest password accepted, and the text form of a stored hash. */
#define TELNETD_PW_MAX	 64
#define TELNETD_HASH_MAX 128

/*
 * Sets the login password: stores a fresh random-salted PBKDF2 hash
 * (CONFIG_TELNETD_PBKDF2_ITER rounds; this takes a moment on a board).
 * NULL or "" removes the password, which disables logins.
 * @retval -EINVAL longer than TELNETD_PW_MAX, or shorter than 4 characters
 */
int telnetd_set_password(const char *pw);

/*
 * Installs a stored hash, "$pbkdf2-sha256$<iter>$<salt hex>$<hash hex>"
 * as telnetd_get_password_hash() wrote it (e.g. from the board's config
 * storage). NULL or "" disables logins.
 * @retval -EINVAL not a hash of that form
 */
int telnetd_set_password_hash(const char *hash);

/* Copies the current hash text (empty when none) into buf. @retval -EMSGSIZE */
int telnetd_get_password_hash(char *buf, size_t cap);

/* True once a password is provisioned. */
bool telnetd_password_set(void);

/*
 * Optional entropy for salts (a TRNG); without it salts mix the clock, a
 * counter and the previous hash, which keeps them unique if not secret.
 */
void telnetd_set_random(uint32_t (*rand32)(void));

/* ---- server ---- */

struct telnetd_config {
	uint16_t port;	    /* 0: CONFIG_TELNETD_PORT */
	uint8_t prio;	    /* session and listener task priority (0: 18) */
	uint32_t listen_ip; /* host byte order; 0 = any */
};

/*
 * Starts the listener task; sessions get their own tasks. cfg may be
 * NULL; it is copied.
 * @retval -EALREADY already started   @retval -EINVAL bad priority
 */
int telnetd_start(const struct telnetd_config *cfg);

struct telnetd_stats {
	uint32_t accepted;
	uint32_t rejected; /* no free session */
	uint32_t logins;
	uint32_t failures;
	uint32_t lockouts; /* connections refused while locked out */
};
void telnetd_get_stats(struct telnetd_stats *st);

#endif /* KESTREL_APPS_TELNETD_H */
