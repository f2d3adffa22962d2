/*
 * Login secrets and brute-force defence for the telnet server.
 *
 * Passwords are stored only as PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) with a
 * 16-byte salt and an iteration count kept with the hash, one 32-byte
 * block:
 *
 *   U1 = HMAC(P, S || INT(1)),  Uj = HMAC(P, Uj-1),  DK = U1 ^ ... ^ Uc
 *
 * The HMAC key schedule (the ipad/opad blocks of P) is computed once and
 * copied for every round, so a round costs two SHA-256 compressions. The
 * text form is "$pbkdf2-sha256$<c>$<salt hex>$<DK hex>". Verification
 * compares in constant time.
 *
 * Lockout: a small table of source addresses with their failures in the
 * current window (CONFIG_TELNETD_LOCKOUT_MS from the first failure). Each
 * failure returns a growing delay; CONFIG_TELNETD_LOCK_FAILS failures lock
 * the address out for CONFIG_TELNETD_LOCKOUT_MS, and
 * CONFIG_TELNETD_GLOBAL_FAILS failures from anywhere in a window lock out
 * everybody (a distributed guesser cannot spread over addresses). When the
 * table is full the entry with the oldest window is reused, preferring
 * ones not locked. Times are passed in, so tests use a virtual clock.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/fmt.h>

#include "telnetd_internal.h"

#define PW_PREFIX   "$pbkdf2-sha256$"
#define PW_ITER_MIN 1000u
#define PW_ITER_MAX 10000000u

void telnet_pbkdf2(const void *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
		   uint32_t iter, uint8_t out[SHA256_DIGEST_SIZE])
{
	static const uint8_t block1[4] = {0, 0, 0, 1};
	struct hmac_sha256_ctx key, c;
	uint8_t u[SHA256_DIGEST_SIZE];

	hmac_sha256_init(&key, pw, pw_len);
	c = key;
	hmac_sha256_update(&c, salt, salt_len);
	hmac_sha256_update(&c, block1, sizeof(block1));
	hmac_sha256_final(&c, u);
	memcpy(out, u, sizeof(u));
	for (uint32_t r = 1; r < iter; r++) {
		c = key;
		hmac_sha256_update(&c, u, sizeof(u));
		hmac_sha256_final(&c, u);
		for (size_t i = 0; i < sizeof(u); i++) {
			out[i] ^= u[i];
		}
	}
	memset(&key, 0, sizeof(key));
	memset(&c, 0, sizeof(c));
	memset(u, 0, sizeof(u));
}

void telnet_pw_make(struct telnet_pwhash *h, const char *pw, const uint8_t salt[TELNET_SALT_LEN],
		    uint32_t iter)
{
	h->iter = iter;
	memcpy(h->salt, salt, TELNET_SALT_LEN);
	telnet_pbkdf2(pw, strlen(pw), h->salt, TELNET_SALT_LEN, iter, h->hash);
}

bool telnet_pw_verify(const struct telnet_pwhash *h, const char *pw)
{
	uint8_t dk[SHA256_DIGEST_SIZE];
	uint8_t diff = 0;
	size_t len = 0;

	if (h->iter == 0) {
		return false;
	}
	while (len <= TELNETD_PW_MAX && pw[len] != '\0') {
		len++;
	}
	telnet_pbkdf2(pw, len, h->salt, TELNET_SALT_LEN, h->iter, dk);
	for (size_t i = 0; i < sizeof(dk); i++) {
		diff |= (uint8_t)(dk[i] ^ h->hash[i]);
	}
	memset(dk, 0, sizeof(dk));
	return diff == 0 && len <= TELNETD_PW_MAX;
}

static void hex_put(char *dst, const uint8_t *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = hex[src[i] >> 4];
		dst[2 * i + 1] = hex[src[i] & 15];
	}
}

int telnet_pw_format(const struct telnet_pwhash *h, char *buf, size_t cap)
{
	char salt[2 * TELNET_SALT_LEN + 1], dk[2 * SHA256_DIGEST_SIZE + 1];
	int n;

	hex_put(salt, h->salt, TELNET_SALT_LEN);
	salt[sizeof(salt) - 1] = '\0';
	hex_put(dk, h->hash, SHA256_DIGEST_SIZE);
	dk[sizeof(dk) - 1] = '\0';
	n = kfmt_snprintf(buf, cap, PW_PREFIX "%u$%s$%s", (unsigned)h->iter, salt, dk);
	return (n < 0 || (size_t)n >= cap) ? -EMSGSIZE : n;
}

static int hex_get(const char *s, uint8_t *dst, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v = (c >= '0' && c <= '9')	 ? c - '0'
			: (c >= 'a' && c <= 'f') ? c - 'a' + 10
						 : -1;
		if (v < 0) {
			return -EINVAL;
		}
		dst[i / 2] = (uint8_t)((i & 1) ? (dst[i / 2] << 4) | v : v);
	}
	return 0;
}

int telnet_pw_parse(const char *s, struct telnet_pwhash *h)
{
	struct telnet_pwhash t;
	size_t i = sizeof(PW_PREFIX) - 1;
	uint32_t iter = 0;
	unsigned digits = 0;

	if (strncmp(s, PW_PREFIX, i) != 0) {
		return -EINVAL;
	}
	while (s[i] >= '0' && s[i] <= '9' && digits < 9) {
		iter = iter * 10 + (uint32_t)(s[i++] - '0');
		digits++;
	}
	if (digits == 0 || iter < PW_ITER_MIN || iter > PW_ITER_MAX || s[i++] != '$') {
		return -EINVAL;
	}
	if (strlen(s + i) != 2 * TELNET_SALT_LEN + 1 + 2 * SHA256_DIGEST_SIZE ||
	    hex_get(s + i, t.salt, TELNET_SALT_LEN) < 0 || s[i + 2 * TELNET_SALT_LEN] != '$' ||
	    hex_get(s + i + 2 * TELNET_SALT_LEN + 1, t.hash, SHA256_DIGEST_SIZE) < 0) {
		return -EINVAL;
	}
	t.iter = iter;
	*h = t;
	return 0;
}

/* ---- lockout ---- */

void telnet_lock_init(struct telnet_lockout *l)
{
	memset(l, 0, sizeof(*l));
}

static struct telnet_lock_entry *lock_find(struct telnet_lockout *l, uint32_t ip)
{
	for (size_t i = 0; i < CONFIG_TELNETD_LOCK_SLOTS; i++) {
		if (l->e[i].fails != 0 && l->e[i].ip == ip) {
			return &l->e[i];
		}
	}
	return NULL;
}

/* Forgets a window that has passed (and a lockout that has ended). */
static void lock_expire(struct telnet_lock_entry *e, uint64_t now_ms)
{
	if (e->fails != 0 && e->until_ms <= now_ms &&
	    now_ms - e->first_ms >= CONFIG_TELNETD_LOCKOUT_MS) {
		memset(e, 0, sizeof(*e));
	}
}

uint64_t telnet_lock_check(struct telnet_lockout *l, uint32_t ip, uint64_t now_ms)
{
	struct telnet_lock_entry *e = lock_find(l, ip);
	uint64_t left = 0;

	if (l->global_until_ms > now_ms) {
		left = l->global_until_ms - now_ms;
	}
	if (e != NULL) {
		lock_expire(e, now_ms);
		if (e->fails != 0 && e->until_ms > now_ms && e->until_ms - now_ms > left) {
			left = e->until_ms - now_ms;
		}
	}
	return left;
}

static struct telnet_lock_entry *lock_slot(struct telnet_lockout *l, uint32_t ip, uint64_t now_ms)
{
	struct telnet_lock_entry *e = lock_find(l, ip), *victim = &l->e[0];

	if (e != NULL) {
		return e;
	}
	for (size_t i = 0; i < CONFIG_TELNETD_LOCK_SLOTS; i++) {
		struct telnet_lock_entry *c = &l->e[i];
		lock_expire(c, now_ms);
		if (c->fails == 0) {
			victim = c;
			break;
		}
		/* prefer an unlocked entry, then the oldest window */
		if ((victim->until_ms > now_ms && c->until_ms <= now_ms) ||
		    ((victim->until_ms > now_ms) == (c->until_ms > now_ms) &&
		     c->first_ms < victim->first_ms)) {
			victim = c;
		}
	}
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	victim->first_ms = now_ms;
	return victim;
}

uint32_t telnet_lock_fail(struct telnet_lockout *l, uint32_t ip, uint64_t now_ms)
{
	struct telnet_lock_entry *e = lock_slot(l, ip, now_ms);
	unsigned shift;

	lock_expire(e, now_ms);
	if (e->fails == 0) {
		e->ip = ip;
		e->first_ms = now_ms;
	}
	if (e->fails < UINT16_MAX) {
		e->fails++;
	}
	if (e->fails >= CONFIG_TELNETD_LOCK_FAILS) {
		e->until_ms = now_ms + CONFIG_TELNETD_LOCKOUT_MS;
	}
	if (l->global_fails == 0 || now_ms - l->global_first_ms >= CONFIG_TELNETD_LOCKOUT_MS) {
		l->global_fails = 0;
		l->global_first_ms = now_ms;
	}
	if (++l->global_fails >= CONFIG_TELNETD_GLOBAL_FAILS) {
		l->global_until_ms = now_ms + CONFIG_TELNETD_LOCKOUT_MS;
		l->global_fails = 0;
	}
	shift = e->fails - 1u < 4u ? e->fails - 1u : 4u;
	return (uint32_t)CONFIG_TELNETD_FAIL_DELAY_MS << shift;
}

void telnet_lock_success(struct telnet_lockout *l, uint32_t ip)
{
	struct telnet_lock_entry *e = lock_find(l, ip);

	if (e != NULL) {
		memset(e, 0, sizeof(*e));
	}
}
