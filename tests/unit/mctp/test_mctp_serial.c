/*
 * DSP0253 serial binding: reference frame vectors byte-exact (framer and
 * deframer), end-to-end control responses, and every deframer error kind.
 */
#include <kestrel/errno.h>
#include <kestrel/mctp/control.h>
#include <kestrel/mctp/serial.h>

#include "ktest.h"
#include "mctp_test_util.h"

KT_MAIN_STATE;

static const struct {
	const char *name;
	const char *frame;
	const char *pkt;
} vectors[] = {
	{"get eid 8->9", "7e 01 07 01 09 08 c8 00 81 02 17 6a 7e", "01 09 08 c8 00 81 02"},
	{"get eid phys", "7e 01 07 01 00 08 c8 00 80 02 2b c1 7e", "01 00 08 c8 00 80 02"},
	{"echo escapes", "7e 01 09 01 09 08 c8 7d 5e cc de f0 7d 5d 6a 55 7e",
	 "01 09 08 c8 7e cc de f0 7d"},
	{"get eid resp", "7e 01 0b 01 08 09 c0 00 01 02 00 09 01 00 8f 42 7e",
	 "01 08 09 c0 00 01 02 00 09 01 00"},
	{"get version resp",
	 "7e 01 19 01 08 09 d1 00 02 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00 cc 3b "
	 "7e",
	 "01 08 09 d1 00 02 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00"},
	{"msg types resp", "7e 01 0a 01 08 09 e2 00 03 05 00 01 00 8d 72 7e",
	 "01 08 09 e2 00 03 05 00 01 00"},
	{"uuid resp cc05", "7e 01 08 01 08 09 f3 00 04 03 05 29 84 7e", "01 08 09 f3 00 04 03 05"},
};
#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

static void test_framer_vectors(void)
{
	for (size_t i = 0; i < NVEC; i++) {
		uint8_t frame[64], pkt[64], out[128];
		size_t fl = hex(vectors[i].frame, frame, sizeof(frame));
		size_t pl = hex(vectors[i].pkt, pkt, sizeof(pkt));

		KT_ROW(vectors[i].name);
		KT_EQ(mctp_serial_frame(pkt, pl, out, sizeof(out)), (int)fl);
		KT_MEMEQ(out, frame, fl);
		/* one byte short of the exact size fails, never overruns */
		KT_EQ(mctp_serial_frame(pkt, pl, out, fl - 1), -EMSGSIZE);
	}
}

static void test_deframer_vectors(void)
{
	for (size_t i = 0; i < NVEC; i++) {
		struct mctp_serial_rx rx;
		uint8_t frame[64], pkt[64];
		size_t fl = hex(vectors[i].frame, frame, sizeof(frame));
		size_t pl = hex(vectors[i].pkt, pkt, sizeof(pkt));
		int got = 0;

		KT_ROW(vectors[i].name);
		KT_EQ(mctp_serial_rx_init(&rx, 64), 0);
		for (size_t j = 0; j < fl; j++) {
			int rc = mctp_serial_rx_byte(&rx, frame[j]);

			if (j + 1 < fl) {
				KT_EQ(rc, 0);
			} else {
				got = rc;
			}
		}
		KT_EQ(got, (int)pl);
		KT_MEMEQ(rx.buf, pkt, pl);
		KT_EQ(rx.stats.frames, 1);
	}
}

struct sink {
	int n;
	uint8_t last[256];
	size_t last_len;
};

static void sink_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	struct sink *s = (struct sink *)arg;

	s->n++;
	memcpy(s->last, pkt, len);
	s->last_len = len;
}

/* Back-to-back frames, shared and doubled flags, chunked feeding. */
static void test_stream_resync(void)
{
	struct mctp_serial_rx rx;
	struct sink s = {0};
	uint8_t buf[256];
	size_t n = 0;

	n += hex("00 ff 7e 7e 7e", buf + n, sizeof(buf) - n);		 /* noise, idle flags */
	n += hex("7e 01 07 01 09 08 c8 00 81 02 17 6a 7e", buf + n, 64); /* frame 1 */
	n += hex("7e 01 07 01 00 08 c8 00 80 02 2b c1 7e", buf + n, 64); /* 7E 7E */
	n += hex("01 07 01 00 08 c8 00 80 02 2b c1 7e", buf + n, 64);	 /* shared flag */
	mctp_serial_rx_init(&rx, 64);
	KT_EQ(mctp_serial_rx_feed(&rx, buf, n, sink_pkt, &s), 3);
	KT_EQ(s.n, 3);
	KT_EQ(rx.stats.frames, 3);
	KT_EQ(rx.stats.noise, 2);
	KT_EQ(rx.stats.bad_fcs + rx.stats.bad_rev + rx.stats.count_short, 0);
}

static void test_deframer_errors(void)
{
	static const struct {
		const char *name;
		const char *bytes;
		int last_rc; /* result of the last byte */
		size_t off;  /* offsetof counter in stats */
	} rows[] = {
		{"bad fcs", "7e 01 07 01 09 08 c8 00 81 02 17 6b 7e", -EBADMSG,
		 offsetof(struct mctp_serial_stats, bad_fcs)},
		{"bad revision", "7e 02", -EBADMSG, offsetof(struct mctp_serial_stats, bad_rev)},
		{"bad escape", "7e 01 07 01 09 7d 41", -EBADMSG,
		 offsetof(struct mctp_serial_stats, bad_escape)},
		{"escape at end of frame", "7e 01 07 01 09 08 7d 7e", -EBADMSG,
		 offsetof(struct mctp_serial_stats, esc_at_end)},
		{"overlong byte_count", "7e 01 45", -EMSGSIZE,
		 offsetof(struct mctp_serial_stats, overlong)},
		{"zero byte_count", "7e 01 00", -EBADMSG,
		 offsetof(struct mctp_serial_stats, count_short)},
		{"count > data (early flag)", "7e 01 0a 01 09 08 c8 00 81 02 17 6a 7e", -EBADMSG,
		 offsetof(struct mctp_serial_stats, count_short)},
		{"count < data (no flag after fcs)", "7e 01 06 01 09 08 c8 00 81 02 17 6a",
		 -EBADMSG, offsetof(struct mctp_serial_stats, count_long)},
		{"7e inside fcs is data", "7e 01 07 01 09 08 c8 00 81 02 17 7e 7e", -EBADMSG,
		 offsetof(struct mctp_serial_stats, bad_fcs)},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mctp_serial_rx rx;
		uint8_t b[64];
		size_t n = hex(rows[i].bytes, b, sizeof(b));
		int rc = 0;

		KT_ROW(rows[i].name);
		mctp_serial_rx_init(&rx, 64);
		for (size_t j = 0; j < n; j++) {
			rc = mctp_serial_rx_byte(&rx, b[j]);
			if (j + 1 < n) {
				KT_ASSERT(rc <= 0);
			}
		}
		KT_EQ(rc, rows[i].last_rc);
		KT_EQ(*(const uint32_t *)((const uint8_t *)&rx.stats + rows[i].off), 1);
		KT_EQ(rx.stats.frames, 0);
		/* the deframer recovers: a good frame right after is accepted */
		n = hex("7e 01 07 01 09 08 c8 00 81 02 17 6a 7e", b, sizeof(b));
		rc = 0;
		for (size_t j = 0; j < n; j++) {
			rc = mctp_serial_rx_byte(&rx, b[j]);
		}
		KT_EQ(rc, 7);
	}
}

/* MTU 64..251; a 251-byte payload (byte_count 255) round-trips at MTU 251. */
static void test_mtu_limits(void)
{
	struct mctp_serial_rx rx;
	uint8_t pkt[255], frame[MCTP_SERIAL_FRAME_MAX(255)];
	int fl, rc = 0;

	KT_EQ(mctp_serial_rx_init(&rx, 63), -EINVAL);
	KT_EQ(mctp_serial_rx_init(&rx, 252), -EINVAL);
	KT_EQ(mctp_serial_rx_init(&rx, 251), 0);
	for (size_t i = 0; i < sizeof(pkt); i++) {
		pkt[i] = (uint8_t)(0x7c + (i % 3)); /* 7C 7D 7E: many escapes */
	}
	fl = mctp_serial_frame(pkt, sizeof(pkt), frame, sizeof(frame));
	KT_ASSERT(fl > 255);
	for (int j = 0; j < fl; j++) {
		rc = mctp_serial_rx_byte(&rx, frame[j]);
	}
	KT_EQ(rc, 255);
	KT_MEMEQ(rx.buf, pkt, 255);
	KT_EQ(mctp_serial_frame(pkt, 0, frame, sizeof(frame)), -EMSGSIZE);
	KT_EQ(mctp_serial_frame(pkt, 256, frame, sizeof(frame)), -EMSGSIZE);
	/* at MTU 64, byte_count 69 is overlong */
	mctp_serial_rx_init(&rx, 64);
	mctp_serial_rx_byte(&rx, 0x7e);
	mctp_serial_rx_byte(&rx, 0x01);
	KT_EQ(mctp_serial_rx_byte(&rx, 69), -EMSGSIZE);
}

/* Serial link glue for the end-to-end test: frame every packet sent. */
struct ser_out {
	uint8_t buf[1024];
	size_t len;
};

static int ser_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct ser_out *o = (struct ser_out *)ctx;
	int n = mctp_serial_frame(pkt, len, o->buf + o->len, sizeof(o->buf) - o->len);

	if (n < 0) {
		return n;
	}
	o->len += (size_t)n;
	return 0;
}

struct e2e {
	struct mctp_endpoint *ep;
	int link;
};

static void e2e_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	struct e2e *e = (struct e2e *)arg;

	mctp_rx_packet(e->ep, (uint8_t)e->link, pkt, len, 0);
}

/*
 * Requests as a bus owner (EID 8) sends them, tags 0..3 in order; the
 * responder's per-link sequence then matches the reference frames.
 */
static void test_end_to_end_control(void)
{
	static struct mctp_endpoint ep;
	static struct ser_out out;
	struct mctp_serial_rx rx;
	struct e2e e = {&ep, 0};
	static const struct {
		const char *name;
		const char *req_pkt;
		const char *resp_frame;
	} rows[] = {
		{"get eid", "01 09 08 c8 00 81 02", NULL},
		{"get version", "01 09 08 c9 00 82 04 ff",
		 "7e 01 19 01 08 09 d1 00 02 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00 cc "
		 "3b 7e"},
		{"get msg types", "01 09 08 ca 00 83 05",
		 "7e 01 0a 01 08 09 e2 00 03 05 00 01 00 8d 72 7e"},
		{"get uuid (none)", "01 09 08 cb 00 84 03",
		 "7e 01 08 01 08 09 f3 00 04 03 05 29 84 7e"},
	};

	mctp_init(&ep, 9, 0);
	e.link = mctp_add_link(&ep, 64, ser_tx, &out);
	KT_EQ(e.link, 0);
	KT_EQ(mctp_ctrl_register(&ep), 0);
	mctp_serial_rx_init(&rx, 64);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t pkt[64], frame[160], want[160];
		size_t pl = hex(rows[i].req_pkt, pkt, sizeof(pkt));
		int fl = mctp_serial_frame(pkt, pl, frame, sizeof(frame));

		KT_ROW(rows[i].name);
		out.len = 0;
		KT_EQ(mctp_serial_rx_feed(&rx, frame, (size_t)fl, e2e_pkt, &e), 1);
		if (rows[i].resp_frame == NULL) {
			/* dynamic EID: type 00 where the reference (static-capable) has 01 */
			size_t wl = hex("7e 01 0b 01 08 09 c0 00 01 02 00 09 00 00", want, 160);
			KT_ASSERT(out.len == wl + 3);
			KT_MEMEQ(out.buf, want, wl);
			continue;
		}
		size_t wl = hex(rows[i].resp_frame, want, sizeof(want));
		KT_EQ(out.len, wl);
		KT_MEMEQ(out.buf, want, wl);
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_framer_vectors), KT_CASE(test_deframer_vectors),
	KT_CASE(test_stream_resync),  KT_CASE(test_deframer_errors),
	KT_CASE(test_mtu_limits),     KT_CASE(test_end_to_end_control),
};

int main(void)
{
	return KT_RUN("mctp_serial", cases, NULL);
}
