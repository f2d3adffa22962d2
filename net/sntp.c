/*
 * SNTP client (RFC 4330; packet format RFC 5905 §7.3).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   LI(7..6) VN(5..3) Mode(2..0); requests send 0x23 (VN 4, client)
 *   1     1   stratum: 0 kiss-o'-death, 1..15 synchronised
 *   2     1   poll      3  1  precision
 *   4     4   root delay           8  4  root dispersion
 *  12     4   reference ID (kiss code "DENY", "RSTR", "RATE" when stratum 0)
 *  16     8   reference timestamp
 *  24     8   originate timestamp: must equal the request's transmit time
 *  32     8   receive timestamp (T2)
 *  40     8   transmit timestamp (T3)
 *
 * With T1 the request's transmit time and T4 the reply's arrival (RFC 4330
 * §5): offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2).
 * Differences of 64-bit NTP timestamps are taken modulo 2^64 and read as
 * signed, which is exact while the clocks are within 68 years.
 *
 * The client keeps a mapping from the stack's millisecond clock to Unix
 * time (base_ms) and corrects it by the offset of every good reply. A kiss
 * code of RATE doubles the poll interval; DENY and RSTR stop the client
 * (RFC 4330 §8). The interval never drops below 15 s.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/ntp.h>
#include <kestrel/wire/udp.h>

#include "net_internal.h"

#define POLL_MAX_MS 0x40000000u /* ~12 days */

static uint64_t rd_ts(struct rd_cursor *c)
{
	uint64_t hi = rd_be32(c);
	return (hi << 32) | rd_be32(c);
}

int sntp_parse(const void *buf, size_t len, struct sntp_pkt *out)
{
	struct rd_cursor c = rd_init(buf, len);
	uint8_t b0 = rd_u8(&c);

	memset(out, 0, sizeof(*out));
	out->li = b0 >> 6;
	out->vn = (b0 >> 3) & 7u;
	out->mode = b0 & 7u;
	out->stratum = rd_u8(&c);
	out->poll = (int8_t)rd_u8(&c);
	out->precision = (int8_t)rd_u8(&c);
	out->root_delay = rd_be32(&c);
	out->root_disp = rd_be32(&c);
	out->refid = rd_be32(&c);
	out->ref_ts = rd_ts(&c);
	out->orig_ts = rd_ts(&c);
	out->rx_ts = rd_ts(&c);
	out->tx_ts = rd_ts(&c);
	return rd_ok(&c) ? 0 : -EBADMSG;
}

int sntp_build_request(void *buf, size_t cap, uint64_t tx_ts)
{
	struct wr_cursor w = wr_init(buf, cap);

	wr_u8(&w, (NTP_VERSION << 3) | NTP_MODE_CLIENT);
	wr_zero(&w, NTP_OFF_TX - 1);
	wr_be32(&w, (uint32_t)(tx_ts >> 32));
	wr_be32(&w, (uint32_t)tx_ts);
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

int sntp_check_reply(const struct sntp_pkt *p, uint64_t tx_ts)
{
	if (p->mode != NTP_MODE_SERVER || p->vn < 1 || p->orig_ts != tx_ts) {
		return -EPROTO;
	}
	if (p->stratum == 0) {
		return -ECONNREFUSED;
	}
	if (p->li == NTP_LI_ALARM || p->stratum > 15 || p->tx_ts == 0) {
		return -EPROTO;
	}
	return 0;
}

static int64_t ntp_to_us(int64_t d)
{
	int64_t sec = d >> 32; /* arithmetic shift: floor */
	uint64_t frac = (uint64_t)d & 0xffffffffu;

	return sec * 1000000 + (int64_t)((frac * 1000000u) >> 32);
}

void sntp_offset_delay(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4, int64_t *offset_us,
		       int64_t *delay_us)
{
	int64_t a = (int64_t)(t2 - t1), b = (int64_t)(t3 - t4);

	*offset_us = ntp_to_us(a / 2 + b / 2);
	*delay_us = ntp_to_us((int64_t)((t4 - t1) - (t3 - t2)));
}

uint64_t sntp_from_unix_ms(uint64_t unix_ms)
{
	uint64_t sec = unix_ms / 1000u + SNTP_UNIX_OFFSET;
	uint64_t frac = (((unix_ms % 1000u) << 32) + 999u) / 1000u; /* round up: exact round trip */

	return (sec << 32) | frac;
}

uint64_t sntp_to_unix_ms(uint64_t ntp)
{
	uint64_t sec = (ntp >> 32) - SNTP_UNIX_OFFSET;

	return sec * 1000u + (((ntp & 0xffffffffu) * 1000u) >> 32);
}

static uint64_t local_ntp(const struct net_stack *st)
{
	return sntp_from_unix_ms((uint64_t)(st->sntp.base_ms + (int64_t)st->now_ms));
}

static void report(struct sntp_state *s, const struct sntp_result *r)
{
	if (s->cb != NULL) {
		s->cb(s->ctx, r);
	}
}

static void handle_reply(struct net_stack *st, const struct sntp_pkt *pk)
{
	struct sntp_state *s = &st->sntp;
	struct sntp_result r;
	int rc = sntp_check_reply(pk, s->sent_ts);

	if (rc == -EPROTO) {
		return; /* not ours or unusable: keep waiting */
	}
	memset(&r, 0, sizeof(r));
	s->waiting = false;
	s->next_ms = st->now_ms + s->poll_ms;
	if (rc == -ECONNREFUSED) {
		if (pk->refid == NTP_KISS_RATE) {
			s->poll_ms = s->poll_ms < POLL_MAX_MS / 2 ? s->poll_ms * 2 : POLL_MAX_MS;
			s->next_ms = st->now_ms + s->poll_ms;
			return;
		}
		s->running = false;
		r.status = -ECONNREFUSED;
		report(s, &r);
		return;
	}
	sntp_offset_delay(s->sent_ts, pk->rx_ts, pk->tx_ts, local_ntp(st), &r.offset_us,
			  &r.delay_us);
	s->base_ms += r.offset_us / 1000;
	s->synced = true;
	r.unix_ms = (uint64_t)(s->base_ms + (int64_t)st->now_ms);
	r.stratum = pk->stratum;
	report(s, &r);
}

static void sntp_recv(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		      uint16_t sport)
{
	struct net_stack *st = (struct net_stack *)ctx;
	uint8_t buf[NTP_LEN];
	struct sntp_pkt pk;

	(void)pcb;
	if (st->sntp.running && st->sntp.waiting && ip->src == st->sntp.server &&
	    sport == UDP_PORT_NTP &&
	    sntp_parse(buf, pbuf_copy_out(p, 0, buf, sizeof(buf)), &pk) == 0) {
		handle_reply(st, &pk);
	}
	pbuf_free(p);
}

int sntp_start(struct net_stack *st, uint32_t server, uint32_t poll_ms, sntp_cb cb, void *ctx)
{
	struct sntp_state *s = &st->sntp;

	if (s->pcb == NULL) {
		s->pcb = udp_new(st);
		if (s->pcb == NULL) {
			return -ENOMEM;
		}
		if (udp_bind(s->pcb, 0, 0) < 0) {
			udp_remove(s->pcb);
			s->pcb = NULL;
			return -ENOMEM;
		}
		udp_recv(s->pcb, sntp_recv, st);
	}
	s->server = server;
	s->poll_ms = poll_ms < CONFIG_NET_SNTP_MIN_POLL_MS ? CONFIG_NET_SNTP_MIN_POLL_MS : poll_ms;
	s->cb = cb;
	s->ctx = ctx;
	s->running = true;
	s->waiting = false;
	s->next_ms = st->now_ms;
	sntp_timer(st);
	return 0;
}

void sntp_stop(struct net_stack *st)
{
	st->sntp.running = false;
	if (st->sntp.pcb != NULL) {
		udp_remove(st->sntp.pcb);
		st->sntp.pcb = NULL;
	}
}

bool sntp_now(const struct net_stack *st, uint32_t now_ms, uint64_t *unix_ms)
{
	if (!st->sntp.synced) {
		return false;
	}
	*unix_ms = (uint64_t)(st->sntp.base_ms + (int64_t)now_ms);
	return true;
}

void sntp_timer(struct net_stack *st)
{
	struct sntp_state *s = &st->sntp;
	struct pbuf *p;

	if (!s->running || net_tdiff(st->now_ms, s->next_ms) < 0) {
		return;
	}
	if (s->waiting) {
		struct sntp_result r;
		memset(&r, 0, sizeof(r));
		r.status = -EAGAIN;
		s->waiting = false;
		s->next_ms = st->now_ms + s->poll_ms;
		report(s, &r);
		return;
	}
	p = pbuf_alloc(&st->pool, PBUF_TRANSPORT, NTP_LEN);
	if (p == NULL) {
		return;
	}
	/* random low fraction bits make the originate check harder to spoof */
	s->sent_ts = (local_ntp(st) & ~0xffffull) | (net_rand(st) & 0xffffu);
	(void)sntp_build_request(p->payload, NTP_LEN, s->sent_ts);
	s->waiting = true;
	s->next_ms = st->now_ms + CONFIG_NET_SNTP_TIMEOUT_MS;
	(void)udp_sendto(s->pcb, p, s->server, UDP_PORT_NTP);
}
