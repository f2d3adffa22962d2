/*
 * timesync, the pure parts: the schedule, the server list, replies.
 *
 * Schedule
 * --------
 * Time is the uptime in ms (64-bit: never wraps). next_ms is when the
 * next attempt is due; it starts at boot ("sync once the network is up").
 * Due is not enough: the service also needs a server (configured or from
 * DHCP) and a route to it, and while either is missing it looks again every
 * CONFIG_TIMESYNC_POLL_MS (IDLE, WAIT_NET) without touching next_ms, so the
 * attempt runs as soon as both exist. A success schedules the next attempt
 * a period later; a failure retries after retry_ms, which starts at
 * CONFIG_TIMESYNC_RETRY_MS and doubles per failure up to the period
 * (5, 10, 20, ... 2560, 3600, 3600 s with the defaults). No jitter: one
 * device does not synchronise a crowd (docs/time.md).
 *
 * Replies
 * -------
 * The 48-byte codec, the originate check and the offset/delay arithmetic
 * (RFC 4330 §5) are net/sntp.c's; on top of them a reply with a clearly
 * negative round trip (clocks cannot make that) is refused like a forged one.
 */
#include <string.h>

#include <kestrel/apps/timesync.h>
#include <kestrel/net/sntp.h>

/*
 * How far below zero a round trip may come out before the reply counts as
 * forged: the request's timestamp carries 16 random low bits (~15 us), and
 * servers round theirs.
 */
#define TSYNC_DELAY_SLACK_US 1000

void tsync_sched_init(struct tsync_sched *s, uint32_t period_ms, uint32_t retry_min_ms,
		      uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	s->period_ms = period_ms;
	s->retry_min_ms = retry_min_ms < period_ms ? retry_min_ms : period_ms;
	s->retry_ms = s->retry_min_ms;
	s->next_ms = now_ms;
	s->state = TSYNC_IDLE;
}

enum tsync_action tsync_sched_poll(struct tsync_sched *s, uint64_t now_ms, bool have_server,
				   bool net_up, uint32_t *wait_ms)
{
	if (!have_server) {
		s->state = TSYNC_IDLE;
		*wait_ms = CONFIG_TIMESYNC_POLL_MS;
		return TSYNC_ACT_WAIT;
	}
	if (s->state == TSYNC_IDLE) {
		s->next_ms = now_ms; /* a server appeared: use it at once */
	}
	if (now_ms < s->next_ms) {
		uint64_t left = s->next_ms - now_ms;

		*wait_ms = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
		return TSYNC_ACT_WAIT;
	}
	if (!net_up) {
		s->state = TSYNC_WAIT_NET;
		*wait_ms = CONFIG_TIMESYNC_POLL_MS;
		return TSYNC_ACT_WAIT;
	}
	*wait_ms = 0;
	return TSYNC_ACT_SYNC;
}

void tsync_sched_done(struct tsync_sched *s, uint64_t now_ms, bool ok)
{
	if (ok) {
		s->state = TSYNC_SYNCED;
		s->next_ms = now_ms + s->period_ms;
		s->retry_ms = s->retry_min_ms;
		s->syncs++;
		return;
	}
	s->state = TSYNC_BACKOFF;
	s->next_ms = now_ms + s->retry_ms;
	s->retry_ms = s->retry_ms <= s->period_ms / 2u ? s->retry_ms * 2u : s->period_ms;
	s->failures++;
}

void tsync_sched_kick(struct tsync_sched *s, uint64_t now_ms)
{
	s->next_ms = now_ms;
}

const char *tsync_state_name(uint8_t state)
{
	static const char *const names[] = {"idle", "waiting for the network", "synced", "retrying",
					    "stopped"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

int tsync_parse_servers(const char *list, char names[][CONFIG_TIMESYNC_NAME_MAX], int max)
{
	int n = 0;
	size_t i = 0;

	if (list == NULL) {
		return -EINVAL;
	}
	/* every pass consumes at least one character, so this ends */
	while (list[i] != '\0') {
		size_t len = 0;

		while (list[i] == ' ' || list[i] == '\t') {
			i++;
		}
		while (name_char(list[i + len])) {
			len++;
		}
		if (len == 0) {
			return -EINVAL; /* empty name, or a character no host name has */
		}
		if (n == max || len >= CONFIG_TIMESYNC_NAME_MAX) {
			return -EMSGSIZE;
		}
		memcpy(names[n], list + i, len);
		names[n][len] = '\0';
		n++;
		i += len;
		while (list[i] == ' ' || list[i] == '\t') {
			i++;
		}
		if (list[i] == ',') {
			i++;
			if (list[i] == '\0') {
				return -EINVAL; /* trailing comma: an empty name */
			}
		} else if (list[i] != '\0' && !name_char(list[i])) {
			return -EINVAL;
		}
	}
	return n > 0 ? n : -EINVAL;
}

uint64_t tsync_ntp_from_ns(int64_t unix_ns)
{
	uint64_t ns = unix_ns > 0 ? (uint64_t)unix_ns : 0;
	uint64_t sec = ns / 1000000000u + SNTP_UNIX_OFFSET;
	uint64_t frac = ((ns % 1000000000u) << 32) / 1000000000u; /* < 2^62 before the divide */

	return (sec << 32) | frac;
}

int tsync_eval_reply(const void *buf, size_t len, uint64_t t1, uint64_t t4, struct tsync_reply *r)
{
	struct sntp_pkt p;
	int rc;

	if (sntp_parse(buf, len, &p) < 0) {
		return -EPROTO;
	}
	rc = sntp_check_reply(&p, t1);
	if (rc < 0) {
		return rc;
	}
	sntp_offset_delay(t1, p.rx_ts, p.tx_ts, t4, &r->offset_us, &r->delay_us);
	if (r->delay_us < -TSYNC_DELAY_SLACK_US) {
		return -EPROTO;
	}
	if (r->delay_us < 0) {
		r->delay_us = 0; /* within the slack: timestamp granularity */
	}
	r->stratum = p.stratum;
	return 0;
}
