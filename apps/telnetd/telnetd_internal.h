/*
 * Private interfaces of the telnet server: the pure option-negotiation
 * state machine (telnet_opt.c) and the password hashing and lockout
 * bookkeeping (telnet_auth.c). Neither calls the kernel or the sockets,
 * so unit tests and the fuzzer drive them directly; times are passed in.
 */
#ifndef KESTREL_TELNETD_INTERNAL_H
#define KESTREL_TELNETD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/apps/telnetd.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/sha256.h>

/* ---- RFC 854 commands and the options we speak ---- */

#define TELNET_SE   240
#define TELNET_NOP  241
#define TELNET_DM   242
#define TELNET_BRK  243
#define TELNET_IP   244
#define TELNET_AO   245
#define TELNET_AYT  246
#define TELNET_EC   247
#define TELNET_EL   248
#define TELNET_GA   249
#define TELNET_SB   250
#define TELNET_WILL 251
#define TELNET_WONT 252
#define TELNET_DO   253
#define TELNET_DONT 254
#define TELNET_IAC  255

#define TELOPT_ECHO 1 /* RFC 857 */
#define TELOPT_SGA  3 /* RFC 858 */

/* Subnegotiation bytes skipped before the peer is deemed broken. */
#define TELNET_SB_MAX 256
/* Negotiation replies sent per session; beyond it requests are ignored. */
#define TELNET_MAX_REPLIES 64

/* RFC 1143 option states (we never change our mind, so no queue bit). */
enum telnet_q { TELNET_Q_NO = 0, TELNET_Q_YES, TELNET_Q_WANTNO, TELNET_Q_WANTYES };

struct telnet {
	uint8_t state;	  /* receive state */
	uint8_t cmd;	  /* WILL/WONT/DO/DONT awaiting its option byte */
	uint8_t us_echo;  /* enum telnet_q: we echo */
	uint8_t us_sga;	  /* we suppress go-ahead */
	uint8_t him_sga;  /* the peer suppresses go-ahead */
	uint16_t sb_len;  /* bytes of the current subnegotiation */
	uint16_t replies; /* negotiation replies sent */
	uint32_t ignored; /* requests left unanswered (over the reply budget) */
};

/*
 * Starts a session: writes the server's offers (IAC WILL ECHO, IAC WILL
 * SGA, IAC DO SGA, 9 bytes) to out.
 */
void telnet_init(struct telnet *t, struct wr_cursor *out);

/*
 * Feeds n received bytes. Data bytes, with IAC sequences removed, IAC IAC
 * turned into 0xFF, CR NUL into CR, and IP/EC/EL into Ctrl-C/DEL/Ctrl-U,
 * go to data (which must hold n bytes); negotiation replies go to reply
 * (replies that do not fit are dropped). Returns the number of data bytes.
 * @retval -EPROTO a subnegotiation ran past TELNET_SB_MAX bytes
 */
int telnet_input(struct telnet *t, const uint8_t *in, size_t n, uint8_t *data,
		 struct wr_cursor *reply);

/*
 * Escapes outgoing data: IAC becomes IAC IAC (RFC 854). Writes to out and
 * returns how many input bytes were consumed (stops when out is full).
 */
size_t telnet_escape(const uint8_t *in, size_t n, struct wr_cursor *out);

/* ---- passwords (PBKDF2-HMAC-SHA256, RFC 8018 §5.2) ---- */

#define TELNET_SALT_LEN 16

struct telnet_pwhash {
	uint32_t iter; /* 0: no password */
	uint8_t salt[TELNET_SALT_LEN];
	uint8_t hash[SHA256_DIGEST_SIZE];
};

/* The first 32-byte block of PBKDF2-HMAC-SHA256(pw, salt, iter). */
void telnet_pbkdf2(const void *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
		   uint32_t iter, uint8_t out[SHA256_DIGEST_SIZE]);

/* Fills h from a password, salt and count. */
void telnet_pw_make(struct telnet_pwhash *h, const char *pw, const uint8_t salt[TELNET_SALT_LEN],
		    uint32_t iter);

/* Constant-time check of a typed password (false when h holds none). */
bool telnet_pw_verify(const struct telnet_pwhash *h, const char *pw);

/*
 * Text form "$pbkdf2-sha256$<iter>$<32 hex salt>$<64 hex hash>".
 * format: returns the length. @retval -EMSGSIZE
 * parse:  @retval -EINVAL malformed, or iter outside 1000..10000000
 */
int telnet_pw_format(const struct telnet_pwhash *h, char *buf, size_t cap);
int telnet_pw_parse(const char *s, struct telnet_pwhash *h);

/* ---- failed-login delays and lockouts (times in ms, passed in) ---- */

struct telnet_lock_entry {
	uint32_t ip;	   /* 0: unused */
	uint16_t fails;	   /* failures in the current window */
	uint64_t first_ms; /* start of the window */
	uint64_t until_ms; /* locked out until (0: not locked) */
};

struct telnet_lockout {
	struct telnet_lock_entry e[CONFIG_TELNETD_LOCK_SLOTS];
	uint16_t global_fails;
	uint64_t global_first_ms;
	uint64_t global_until_ms;
};

void telnet_lock_init(struct telnet_lockout *l);

/* 0 if ip may try to log in now, else the ms left in its (or the global) lockout. */
uint64_t telnet_lock_check(struct telnet_lockout *l, uint32_t ip, uint64_t now_ms);

/*
 * Records a failed login from ip and returns how long to wait before the
 * next prompt: CONFIG_TELNETD_FAIL_DELAY_MS doubled per earlier failure in
 * the window (at most 16x). The CONFIG_TELNETD_LOCK_FAILS-th failure
 * within CONFIG_TELNETD_LOCKOUT_MS locks ip out for that long;
 * CONFIG_TELNETD_GLOBAL_FAILS failures from anywhere lock out everyone.
 */
uint32_t telnet_lock_fail(struct telnet_lockout *l, uint32_t ip, uint64_t now_ms);

/* A successful login clears ip's failures. */
void telnet_lock_success(struct telnet_lockout *l, uint32_t ip);

#endif /* KESTREL_TELNETD_INTERNAL_H */
