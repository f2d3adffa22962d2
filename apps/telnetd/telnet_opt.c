/*
 * Telnet receive path: the NVT byte stream (RFC 854) with option
 * negotiation (RFC 855) done the RFC 1143 "Q method" way.
 *
 * The server wants exactly three things: it WILL ECHO (RFC 857; the shell
 * echoes what is typed), it WILL SUPPRESS-GO-AHEAD and it asks the client
 * to DO SUPPRESS-GO-AHEAD (RFC 858; character-at-a-time without GA).
 * Every other option is refused: WILL x is answered DONT x and DO x WONT
 * x; WONT/DONT of something already off is ignored. Because an option's
 * state only changes on a request that differs from it, and a reply is
 * sent only for such a change or a refusal, two correct peers cannot loop
 * (RFC 1143 §6). Against a peer that floods requests, at most
 * TELNET_MAX_REPLIES replies are sent per session, after which requests
 * are ignored, so the reply traffic is bounded whatever arrives.
 *
 * Command sequences (RFC 854 "TELNET COMMAND STRUCTURE"):
 *
 *   IAC IAC                  data byte 255
 *   IAC WILL|WONT|DO|DONT o  negotiation of option o
 *   IAC SB o ... IAC SE      subnegotiation: skipped, at most TELNET_SB_MAX
 *                            bytes (IAC IAC inside counts as data)
 *   IAC IP / EC / EL         Ctrl-C / DEL / Ctrl-U for the line editor
 *   IAC AYT                  answered "\r\n[yes]\r\n"
 *   IAC NOP DM BRK AO GA SE  ignored
 *
 * Line ends: CR NUL means CR; CR LF is passed through (the shell counts it
 * as one Enter).
 */
#include <string.h>

#include <kestrel/errno.h>

#include "telnetd_internal.h"

enum { T_DATA = 0, T_CR, T_IAC, T_OPT, T_SB, T_SB_IAC };

static void put3(struct wr_cursor *out, uint8_t cmd, uint8_t opt)
{
	uint8_t b[3] = {TELNET_IAC, cmd, opt};

	/* all or nothing: a half-written command would corrupt the stream */
	if (out->left >= sizeof(b)) {
		wr_bytes(out, b, sizeof(b));
	}
}

void telnet_init(struct telnet *t, struct wr_cursor *out)
{
	memset(t, 0, sizeof(*t));
	t->us_echo = TELNET_Q_WANTYES;
	t->us_sga = TELNET_Q_WANTYES;
	t->him_sga = TELNET_Q_WANTYES;
	put3(out, TELNET_WILL, TELOPT_ECHO);
	put3(out, TELNET_WILL, TELOPT_SGA);
	put3(out, TELNET_DO, TELOPT_SGA);
}

/* Sends a reply unless the session's budget is spent. */
static void reply(struct telnet *t, struct wr_cursor *out, uint8_t cmd, uint8_t opt)
{
	if (t->replies >= TELNET_MAX_REPLIES) {
		t->ignored++;
		return;
	}
	t->replies++;
	put3(out, cmd, opt);
}

/*
 * A request about an option we want on (RFC 1143 §7, with "we agree" always
 * true). on: WILL/DO; yes_cmd/no_cmd: what we answer (DO/DONT or WILL/WONT).
 */
static void negotiate_wanted(struct telnet *t, struct wr_cursor *out, uint8_t *q, bool on,
			     uint8_t yes_cmd, uint8_t no_cmd, uint8_t opt)
{
	switch (*q) {
	case TELNET_Q_NO:
		if (on) {
			*q = TELNET_Q_YES;
			reply(t, out, yes_cmd, opt);
		}
		break;
	case TELNET_Q_YES:
		if (!on) {
			*q = TELNET_Q_NO;
			reply(t, out, no_cmd, opt);
		}
		break;
	case TELNET_Q_WANTNO:
	case TELNET_Q_WANTYES:
	default:
		/* the answer to our own request: settle without replying */
		*q = on ? (*q == TELNET_Q_WANTYES ? TELNET_Q_YES : TELNET_Q_NO) : TELNET_Q_NO;
		break;
	}
}

static void negotiate(struct telnet *t, struct wr_cursor *out, uint8_t cmd, uint8_t opt)
{
	bool on = cmd == TELNET_WILL || cmd == TELNET_DO;

	if (cmd == TELNET_WILL || cmd == TELNET_WONT) {
		/* about the peer's side */
		if (opt == TELOPT_SGA) {
			negotiate_wanted(t, out, &t->him_sga, on, TELNET_DO, TELNET_DONT, opt);
		} else if (on) {
			reply(t, out, TELNET_DONT, opt);
		}
		return;
	}
	/* DO / DONT: about our side */
	if (opt == TELOPT_ECHO) {
		negotiate_wanted(t, out, &t->us_echo, on, TELNET_WILL, TELNET_WONT, opt);
	} else if (opt == TELOPT_SGA) {
		negotiate_wanted(t, out, &t->us_sga, on, TELNET_WILL, TELNET_WONT, opt);
	} else if (on) {
		reply(t, out, TELNET_WONT, opt);
	}
}

/* The byte after IAC. Returns a data byte to emit, or -1. */
static int iac_command(struct telnet *t, struct wr_cursor *out, uint8_t c)
{
	static const uint8_t ayt[] = "\r\n[yes]\r\n";

	t->state = T_DATA;
	switch (c) {
	case TELNET_IAC:
		return TELNET_IAC;
	case TELNET_WILL:
	case TELNET_WONT:
	case TELNET_DO:
	case TELNET_DONT:
		t->cmd = c;
		t->state = T_OPT;
		return -1;
	case TELNET_SB:
		t->sb_len = 0;
		t->state = T_SB;
		return -1;
	case TELNET_IP:
		return 0x03;
	case TELNET_EC:
		return 0x7f;
	case TELNET_EL:
		return 0x15;
	case TELNET_AYT:
		if (t->replies < TELNET_MAX_REPLIES && out->left >= sizeof(ayt) - 1) {
			t->replies++;
			wr_bytes(out, ayt, sizeof(ayt) - 1);
		} else {
			t->ignored++;
		}
		return -1;
	default:
		return -1; /* NOP, DM, BRK, AO, GA, SE, unassigned */
	}
}

/* One byte in data or CR state. Returns a data byte to emit, or -1. */
static int data_byte(struct telnet *t, uint8_t c)
{
	bool after_cr = t->state == T_CR;

	t->state = T_DATA;
	if (c == TELNET_IAC) {
		t->state = T_IAC;
		return -1;
	}
	if (after_cr && c == 0) {
		return -1; /* CR NUL is a bare CR */
	}
	if (c == '\r') {
		t->state = T_CR;
	}
	return c;
}

int telnet_input(struct telnet *t, const uint8_t *in, size_t n, uint8_t *data,
		 struct wr_cursor *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		int d = -1;

		switch (t->state) {
		case T_DATA:
		case T_CR:
			d = data_byte(t, c);
			break;
		case T_IAC:
			d = iac_command(t, out, c);
			break;
		case T_OPT:
			negotiate(t, out, t->cmd, c);
			t->state = T_DATA;
			break;
		case T_SB:
			if (c == TELNET_IAC) {
				t->state = T_SB_IAC;
			} else if (++t->sb_len > TELNET_SB_MAX) {
				return -EPROTO;
			}
			break;
		case T_SB_IAC:
		default:
			if (c == TELNET_SE) {
				t->state = T_DATA;
			} else if (c == TELNET_IAC) {
				t->state = T_SB; /* IAC IAC: a 255 inside the subnegotiation */
				if (++t->sb_len > TELNET_SB_MAX) {
					return -EPROTO;
				}
			} else {
				d = iac_command(t, out, c); /* unterminated SB: take the command */
			}
			break;
		}
		if (d >= 0) {
			data[o++] = (uint8_t)d;
		}
	}
	return (int)o;
}

size_t telnet_escape(const uint8_t *in, size_t n, struct wr_cursor *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t need = in[i] == TELNET_IAC ? 2 : 1;
		if (out->err || out->left < need) {
			break;
		}
		if (need == 2) {
			wr_u8(out, TELNET_IAC);
		}
		wr_u8(out, in[i]);
	}
	return i;
}
