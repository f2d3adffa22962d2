/*
 * Unit tests of the MCTP device glue (mctp/task/mctp_glue.c) with fake
 * links: serial and USB requests answered on the link they came from,
 * route learning, bench streaming and its abandonment when the peer stops
 * draining, drop accounting for garbage, and add_link argument checks.
 */
#include <errno.h>
#include <string.h>

#include <kestrel/mctp/control.h>
#include <kestrel/mctp/task.h>

#include "ktest.h"

KT_MAIN_STATE;

struct fake {
	uint8_t in[8192];
	size_t in_len, in_off;
	bool usb;
	int tx_rc;
	size_t out_len;
	uint8_t out[65536];
	unsigned xfers;
};

static int fake_rx(void *ctx, uint8_t *buf, size_t cap)
{
	struct fake *f = ctx;
	size_t n = f->in_len - f->in_off;

	if (f->usb) {
		/* one transfer per call: the test queues exactly one */
		if (n == 0) {
			return 0;
		}
		n = n < cap ? n : cap;
		memcpy(buf, f->in + f->in_off, n);
		f->in_off = f->in_len;
		return (int)n;
	}
	n = n < 7 ? n : 7; /* odd chunks: the deframer must carry state */
	n = n < cap ? n : cap;
	memcpy(buf, f->in + f->in_off, n);
	f->in_off += n;
	return (int)n;
}

static int fake_tx(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->tx_rc < 0) {
		return f->tx_rc;
	}
	if (f->out_len + len <= sizeof(f->out)) {
		memcpy(f->out + f->out_len, buf, len);
		f->out_len += len;
	}
	f->xfers++;
	return 0;
}

static const struct mctp_link_ops fake_ops = {fake_rx, fake_tx};
static struct mctp_glue g;
static struct fake ser, usb;

static void feed(struct fake *f, const uint8_t *b, size_t n)
{
	memcpy(f->in + f->in_len, b, n);
	f->in_len += n;
}

static void setup_glue(void)
{
	struct mctp_glue_config cfg = {0};

	memset(&ser, 0, sizeof(ser));
	memset(&usb, 0, sizeof(usb));
	usb.usb = true;
	cfg.has_uuid = true;
	memset(cfg.uuid, 0xAB, sizeof(cfg.uuid));
	mctp_glue_init(&g, &cfg);
	mctp_glue_add_link(&g, MCTP_LINK_SERIAL, 64, &fake_ops, &ser, "ser");
	mctp_glue_add_link(&g, MCTP_LINK_USB, 247, &fake_ops, &usb, "usb");
}

/* Counts the serial frames in out and records the last packet. */
static int deframe(const struct fake *f, uint8_t *last, size_t *last_len)
{
	struct mctp_serial_rx rx;
	int frames = 0;

	mctp_serial_rx_init(&rx, 251);
	for (size_t i = 0; i < f->out_len; i++) {
		int n = mctp_serial_rx_byte(&rx, f->out[i]);

		if (n > 0) {
			frames++;
			memcpy(last, rx.buf, (size_t)n);
			*last_len = (size_t)n;
		}
	}
	return frames;
}

static void test_serial_get_eid(void)
{
	static const uint8_t req[] = {0x7e, 0x01, 0x07, 0x01, 0x00, 0x08, 0xc8,
				      0x00, 0x80, 0x02, 0x2b, 0xc1, 0x7e};
	/* unassigned, dynamic: eid 0, type 0x00 */
	static const uint8_t want[] = {0x01, 0x08, 0x00, 0xc0, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
	uint8_t pkt[256];
	size_t len = 0;

	setup_glue();
	feed(&ser, req, sizeof(req));
	while (mctp_glue_service(&g, 100)) {
	}
	KT_EQ(deframe(&ser, pkt, &len), 1);
	KT_EQ(len, sizeof(want) + 1);
	KT_MEMEQ(pkt, want, sizeof(want));
	KT_EQ(usb.out_len, 0);
	KT_EQ(mctp_route_lookup(&g.ep, 8), 0);
	KT_EQ(mctp_glue_drops(&g), 0);
}

static void test_usb_set_eid_then_echo(void)
{
	/* Set EID 9 to EID 0, then an echo to 9, in one transfer of two packets */
	static const uint8_t xfer[] = {0x1a, 0xb4, 0x00, 0x0d, 0x01, 0x00, 0x08, 0xc8, 0x00,
				       0x81, 0x01, 0x00, 0x09, 0x1a, 0xb4, 0x00, 0x0d, 0x01,
				       0x09, 0x08, 0xc9, 0x7e, 0xcc, 0xde, 0xf0, 0x55};
	static const uint8_t set_resp[] = {0x1a, 0xb4, 0x00, 0x0f, 0x01, 0x08, 0x09, 0xc0,
					   0x00, 0x01, 0x01, 0x00, 0x00, 0x09, 0x00};

	setup_glue();
	feed(&usb, xfer, sizeof(xfer));
	mctp_glue_service(&g, 5);
	KT_EQ(g.ep.eid, 9);
	/* both responses packed into one IN transfer, Set EID answered from EID 9 */
	KT_EQ(usb.xfers, 1);
	KT_MEMEQ(usb.out, set_resp, sizeof(set_resp));
	KT_EQ(usb.out_len, sizeof(set_resp) + 13);
	KT_EQ(usb.out[sizeof(set_resp) + 3], 0x0d);
	KT_EQ(usb.out[sizeof(set_resp) + 12], 0x55);
	KT_EQ(g.vendor.echoes, 1);
	KT_EQ(ser.out_len, 0);
	KT_EQ(mctp_route_lookup(&g.ep, 8), 1);
}

static void bench_request(struct fake *f, uint16_t size, uint64_t count)
{
	struct mctp_bench_cmd cmd = {.command = MCTP_BENCH_CMD_REQUEST,
				     .iid = 7,
				     .payload_size = size,
				     .message_count = count};
	uint8_t msg[64], pkt[80], frame[200];
	int n = mctp_bench_cmd_build(msg, sizeof(msg), &cmd);

	pkt[0] = 1;
	pkt[1] = 0;
	pkt[2] = 8;
	pkt[3] = 0xc8;
	memcpy(pkt + 4, msg, (size_t)n);
	n = mctp_serial_frame(pkt, (size_t)n + 4, frame, sizeof(frame));
	feed(f, frame, (size_t)n);
}

static void test_bench_stream(void)
{
	uint8_t pkt[256];
	size_t len = 0;
	int passes = 0;

	setup_glue();
	bench_request(&ser, 100, 20);
	while (mctp_glue_service(&g, 10) && passes < 100) {
		passes++;
	}
	KT_ASSERT(!g.vendor.tx.active);
	KT_EQ(g.vendor.tx.sent, 20);
	/* response + 20 messages of 101 bytes = 2 packets each */
	KT_EQ(deframe(&ser, pkt, &len), 1 + 40);
	KT_ASSERT(passes >= 20 / CONFIG_MCTP_GLUE_BENCH_BUDGET);
}

static void test_bench_abandoned(void)
{
	int passes = 0;

	setup_glue();
	bench_request(&ser, 100, 1000000);
	mctp_glue_service(&g, 10);
	KT_ASSERT(g.vendor.tx.active);
	ser.tx_rc = -EAGAIN; /* nobody drains the pty any more */
	while (mctp_glue_service(&g, 10) && passes < 100) {
		passes++;
	}
	KT_ASSERT(!g.vendor.tx.active);
	KT_EQ(g.bench_aborted, 1);
	KT_EQ(passes, CONFIG_MCTP_GLUE_BENCH_FAILS); /* seen one pass after the flush */
	KT_ASSERT(g.links[0].tx_drops >= CONFIG_MCTP_GLUE_BENCH_FAILS);
}

static void test_garbage_counted(void)
{
	static const uint8_t junk[] = {0x7e, 0x01, 0x07, 0x01, 0x00, 0x08, 0xc8, 0x00,
				       0x80, 0x02, 0x2b, 0xc2, 0x7e, 0x11, 0x22, 0x7e,
				       0x02, 0x01, 0x7e, 0x01, 0xff, 0x7e};
	static const uint8_t bad_usb[] = {0x1a, 0xb5, 0x00, 0x0d, 0x01, 0x09};
	static const uint8_t req[] = {0x7e, 0x01, 0x07, 0x01, 0x00, 0x08, 0xc8,
				      0x00, 0x80, 0x02, 0x2b, 0xc1, 0x7e};
	uint8_t pkt[256];
	size_t len = 0;

	setup_glue();
	feed(&ser, junk, sizeof(junk));
	feed(&ser, req, sizeof(req));
	feed(&usb, bad_usb, sizeof(bad_usb));
	while (mctp_glue_service(&g, 1)) {
	}
	KT_EQ(g.links[0].srx.stats.bad_fcs, 1);
	KT_EQ(g.links[1].ustats.bad_id, 1);
	KT_ASSERT(mctp_glue_drops(&g) >= 3);
	KT_EQ(deframe(&ser, pkt, &len), 1); /* still answered */
}

static void test_add_link_args(void)
{
	struct mctp_glue_config cfg = {0};
	struct fake f;

	mctp_glue_init(&g, &cfg);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_SERIAL, 63, &fake_ops, &f, "x"), -EINVAL);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_USB, 248, &fake_ops, &f, "x"), -EINVAL);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_SERIAL, 64, NULL, &f, "x"), -EINVAL);
	KT_EQ(mctp_glue_add_link(&g, (enum mctp_link_kind)7, 64, &fake_ops, &f, "x"), -EINVAL);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_SERIAL, 251, &fake_ops, &f, "x"), 0);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_USB, 247, &fake_ops, &f, "x"), 1);
	KT_EQ(mctp_glue_add_link(&g, MCTP_LINK_USB, 64, &fake_ops, &f, "x"), -ENOMEM);
}

static const struct kt_case cases[] = {
	KT_CASE(test_serial_get_eid),  KT_CASE(test_usb_set_eid_then_echo),
	KT_CASE(test_bench_stream),    KT_CASE(test_bench_abandoned),
	KT_CASE(test_garbage_counted), KT_CASE(test_add_link_args),
};

int main(void)
{
	return KT_RUN("mctp_glue", cases, NULL);
}
