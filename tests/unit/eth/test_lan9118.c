/*
 * LAN9118 driver against a small register model of the chip (FIFOs in
 * memory, MAC CSRs and the PHY behind MAC_CSR_CMD/MII_ACC completing at
 * once, as in QEMU). Checks probe/reset/MAC, the init register writes, TX
 * command words and data, and RX parsing including malformed statuses.
 */
#include <kestrel/drivers/lan9118.h>
#include <kestrel/os/kernel.h>

#include "eth_test.h"

KT_MAIN_STATE;

/* ---- fake kernel IRQ calls ------------------------------------------------ */

static unsigned fk_irq = 999, fk_enabled = 999;
static void (*fk_handler)(void *);

int os_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg)
{
	(void)arg;
	fk_irq = irq;
	fk_handler = handler;
	return 0;
}

void os_irq_enable(unsigned irq)
{
	fk_enabled = irq;
}

/* ---- the register model --------------------------------------------------- */

#define FL_WORDS 1024

struct fake_lan {
	uint32_t byte_test, hw_cfg, pmt, int_sts, int_en, irq_cfg, fifo_int, rx_cfg, tx_cfg;
	bool srst_stuck;
	uint32_t mac_cmd, mac_data, mac[16], phy[32];
	uint32_t rx_sts[64];
	unsigned rx_sts_head, rx_sts_n;
	uint32_t rx_data[FL_WORDS];
	unsigned rx_head, rx_n;
	uint32_t tx[FL_WORDS];
	unsigned ntx;
	uint32_t tx_free, tx_sts[8];
	unsigned tx_sts_n, rx_dumps;
};

static struct fake_lan fl;

static void fl_reset(void)
{
	memset(&fl, 0, sizeof(fl));
	fl.byte_test = 0x87654321u;
	fl.pmt = 1;
	fl.mac[1] = 0x40000; /* MAC_CR reset value: PRMS */
	fl.mac[2] = 0x5634;  /* ADDRH: bytes 4, 5 */
	fl.mac[3] = 0x12005452u;
	fl.phy[1] = 0x7809 | 0x4; /* BMSR with link */
	fl.fifo_int = 0x48000000u;
	fl.tx_free = 4608;
}

static void fl_mac_access(uint32_t cmd)
{
	uint32_t reg = cmd & 0xF;

	fl.mac_cmd = cmd & ~(1u << 31);
	if (cmd & (1u << 30)) {
		fl.mac_data = fl.mac[reg];
		return;
	}
	fl.mac[reg] = fl.mac_data;
	if (reg == 6) { /* MII_ACC */
		uint32_t preg = (fl.mac_data >> 6) & 0x1F;

		if (fl.mac_data & 2) {
			fl.phy[preg] = fl.mac[7];
		} else {
			fl.mac[7] = fl.phy[preg];
		}
		fl.mac[6] &= ~1u;
	}
}

static uint32_t fl_rd(void *ctx, uint32_t off)
{
	(void)ctx;
	if (off < 0x20) {
		if (fl.rx_n == 0) {
			return 0xDEADDEADu;
		}
		fl.rx_n--;
		return fl.rx_data[fl.rx_head++ % FL_WORDS];
	}
	switch (off) {
	case 0x40:
		if (fl.rx_sts_n == 0) {
			return 0;
		}
		fl.rx_sts_n--;
		return fl.rx_sts[fl.rx_sts_head++ % 64];
	case 0x48:
		return fl.tx_sts_n > 0 ? fl.tx_sts[--fl.tx_sts_n] : 0;
	case 0x54:
		return fl.irq_cfg;
	case 0x58:
		return fl.int_sts;
	case 0x5C:
		return fl.int_en;
	case 0x64:
		return fl.byte_test;
	case 0x68:
		return fl.fifo_int;
	case 0x6C:
		return fl.rx_cfg;
	case 0x70:
		return fl.tx_cfg;
	case 0x74:
		return fl.hw_cfg;
	case 0x7C:
		return (fl.rx_sts_n << 16) | (fl.rx_n * 4u);
	case 0x80:
		return (fl.tx_sts_n << 16) | fl.tx_free;
	case 0x84:
		return fl.pmt;
	case 0xA4:
		return fl.mac_cmd;
	case 0xA8:
		return fl.mac_data;
	}
	return 0;
}

static void fl_wr(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	if (off >= 0x20 && off < 0x40) {
		if (fl.ntx < FL_WORDS) {
			fl.tx[fl.ntx++] = v;
		}
		return;
	}
	switch (off) {
	case 0x54:
		fl.irq_cfg = v;
		break;
	case 0x58:
		fl.int_sts &= ~v;
		break;
	case 0x5C:
		fl.int_en = v;
		break;
	case 0x68:
		fl.fifo_int = v;
		break;
	case 0x6C:
		if (v & 0x8000) {
			fl.rx_n = 0;
			fl.rx_sts_n = 0;
			fl.rx_dumps++;
		}
		fl.rx_cfg = v & ~0x8000u;
		break;
	case 0x70:
		fl.tx_cfg = v;
		break;
	case 0x74:
		fl.hw_cfg = (v & 1) && fl.srst_stuck ? 1 : 0;
		break;
	case 0xA4:
		fl_mac_access(v);
		break;
	case 0xA8:
		fl.mac_data = v;
		break;
	}
}

static const struct lan9118_bus fl_bus = {fl_rd, fl_wr, NULL};

/* Queues a received frame: status, then data + 4 FCS bytes, padded to words. */
static void fl_rx_frame(const uint8_t *f, uint32_t len, uint32_t flags)
{
	uint32_t total = len + 4, words = (total + 3) / 4;

	fl.rx_sts[(fl.rx_sts_head + fl.rx_sts_n++) % 64] = (total << 16) | flags;
	for (uint32_t w = 0; w < words; w++) {
		uint32_t v = 0;

		for (uint32_t b = 0; b < 4; b++) {
			uint32_t i = w * 4 + b;
			uint8_t byte = i < len ? f[i] : (i < total ? 0xFC : 0);

			v |= (uint32_t)byte << (8 * b);
		}
		fl.rx_data[(fl.rx_head + fl.rx_n++) % FL_WORDS] = v;
	}
	fl.int_sts |= 1u << 3;
}

/* Queues a raw status with `words` filler data words. */
static void fl_rx_raw(uint32_t status, uint32_t words)
{
	fl.rx_sts[(fl.rx_sts_head + fl.rx_sts_n++) % 64] = status;
	for (uint32_t w = 0; w < words; w++) {
		fl.rx_data[(fl.rx_head + fl.rx_n++) % FL_WORDS] = 0x11111111u;
	}
	fl.int_sts |= 1u << 3;
}

static struct lan9118 lan;
static struct netif nif;
static const uint8_t QEMU_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void lt_up(void)
{
	et_reset();
	fl_reset();
	memset(&nif, 0, sizeof(nif));
	KT_EQ(lan9118_probe(&lan, 0x40200000u, 13, &fl_bus), 0);
	nif.drv = &lan;
	memcpy(nif.hwaddr, QEMU_MAC, 6);
	KT_EQ(lan9118_ops.init(&nif), 0);
}

/* ---- cases ----------------------------------------------------------------- */

static void test_probe_reads_mac(void)
{
	uint8_t mac[6];

	fl_reset();
	KT_EQ(lan9118_probe(&lan, 0x40200000u, 13, &fl_bus), 0);
	lan9118_get_mac(&lan, mac);
	KT_MEMEQ(mac, QEMU_MAC, 6);
}

static void test_probe_errors(void)
{
	fl_reset();
	fl.byte_test = 0xFFFFFFFFu;
	KT_ROW("no chip");
	KT_EQ(lan9118_probe(&lan, 0x40200000u, 13, &fl_bus), -ENODEV);
	fl_reset();
	fl.srst_stuck = true;
	KT_ROW("reset never completes");
	KT_EQ(lan9118_probe(&lan, 0x40200000u, 13, &fl_bus), -EIO);
	fl_reset();
	fl.pmt = 0;
	KT_ROW("never ready");
	KT_EQ(lan9118_probe(&lan, 0x40200000u, 13, &fl_bus), -EIO);
}

static void test_init_registers(void)
{
	lt_up();
	KT_EQ(fl.mac[1], (1u << 2) | (1u << 3) | (1u << 20)); /* RXEN TXEN FDPX, PRMS off */
	KT_EQ(fl.irq_cfg, 0x111u);
	KT_EQ(fl.int_en & (1u << 3), 1u << 3);
	KT_EQ(fl.tx_cfg & 2u, 2u);
	KT_EQ(fl.fifo_int & 0xFFu, 0);
	KT_EQ(fl.phy[0] & 0x1200u, 0x1200u); /* autoneg restarted */
	KT_EQ(fk_irq, 13);
	KT_EQ(fk_enabled, 13);
	KT_ASSERT(fk_handler == lan9118_isr);
	KT_EQ(fl.mac[2], 0x5634u);
	KT_EQ(fl.mac[3], 0x12005452u);
	KT_EQ(lan9118_ops.link_up(&nif), 1);
	fl.phy[1] &= ~4u;
	KT_EQ(lan9118_ops.link_up(&nif), 0);
}

static void test_tx_command_words(void)
{
	uint8_t frame[61];
	struct pbuf *p, *tail;

	lt_up();
	et_fill(frame, sizeof(frame), 1);
	/* a two-block chain split at an odd offset: 23 + 38 bytes */
	p = pbuf_from(&et_pool, PBUF_RAW, frame, 23);
	tail = pbuf_from(&et_pool, PBUF_RAW, frame + 23, 38);
	KT_ASSERT(p != NULL && tail != NULL);
	KT_EQ(pbuf_cat(p, tail), 0);
	KT_EQ(lan9118_ops.output(&nif, p), 0);
	KT_EQ(fl.ntx, 2 + 16);
	KT_EQ(fl.tx[0], (1u << 13) | (1u << 12) | 61u);
	KT_EQ(fl.tx[1], (1u << 16) | 61u); /* tag 1 */
	for (unsigned w = 0; w < 16; w++) {
		uint32_t want = 0;

		for (unsigned b = 0; b < 4; b++) {
			unsigned i = w * 4 + b;

			want |= (uint32_t)(i < 61 ? frame[i] : 0) << (8 * b);
		}
		KT_EQ(fl.tx[2 + w], want);
	}
	KT_EQ(lan9118_ops.output(&nif, p), 0);
	KT_EQ(fl.tx[19], (2u << 16) | 61u); /* tag 2 */
	pbuf_free(p);
}

static void test_tx_full_and_oversize(void)
{
	uint8_t frame[1600];
	struct pbuf *p;
	struct lan9118_stats st;

	lt_up();
	memset(frame, 0x5A, sizeof(frame));
	p = pbuf_from(&et_pool, PBUF_RAW, frame, 100);
	fl.tx_free = 100; /* needs 100 + 8 */
	KT_EQ(lan9118_ops.output(&nif, p), -EBUSY);
	KT_EQ(fl.ntx, 0);
	fl.tx_free = 4608;
	fl.tx_sts[0] = (7u << 16) | (1u << 15); /* a reaped error status */
	fl.tx_sts_n = 1;
	KT_EQ(lan9118_ops.output(&nif, p), 0);
	pbuf_free(p);
	p = pbuf_from(&et_pool, PBUF_RAW, frame, 1519);
	KT_ASSERT(p != NULL);
	KT_EQ(lan9118_ops.output(&nif, p), -EMSGSIZE);
	pbuf_free(p);
	lan9118_get_stats(&lan, &st);
	KT_EQ(st.tx_busy, 1);
	KT_EQ(st.tx_frames, 1);
	KT_EQ(st.tx_errors, 2);
	KT_EQ(fl.tx_sts_n, 0);
}

static void test_rx_good_frames(void)
{
	uint8_t a[64], b[1514];
	struct lan9118_stats st;

	lt_up();
	et_fill(a, sizeof(a), 3);
	memset(a, 0xFF, 6);
	et_fill(b, sizeof(b), 9);
	fl_rx_frame(a, sizeof(a), 0x2000);
	fl_rx_frame(b, sizeof(b), 0);
	lan9118_isr(&lan);
	KT_EQ(et_nframes, 2);
	KT_EQ(et_len[0], 64); /* FCS stripped */
	KT_MEMEQ(et_frames[0], a, 64);
	KT_EQ(et_flags[0], PBUF_F_BCAST);
	KT_EQ(et_len[1], 1514);
	KT_MEMEQ(et_frames[1], b, 1514);
	KT_EQ(fl.rx_n, 0);
	KT_EQ(fl.int_sts & (1u << 3), 0); /* RSFL acknowledged */
	lan9118_get_stats(&lan, &st);
	KT_EQ(st.rx_frames, 2);
	KT_EQ(st.rx_bytes, 64 + 1514);
}

struct rx_bad_row {
	const char *name;
	uint32_t status;
	uint32_t words;
	int len_err, err, resets;
};

static const struct rx_bad_row rx_bad_rows[] = {
	{"length 0", 0u << 16, 0, 1, 0, 0},
	{"length 4 (FCS only)", 4u << 16, 1, 1, 0, 0},
	{"length 13", 13u << 16, 4, 1, 0, 0},
	{"length 17: 13 bytes + FCS", 17u << 16, 5, 1, 0, 0},
	{"length 2049", 2049u << 16, 513, 1, 0, 0},
	{"length 0x3FFF beyond FIFO", 0x3FFFu << 16, 8, 0, 0, 1},
	{"length 1000, FIFO holds 24 words", 1000u << 16, 8, 0, 0, 1},
	{"error summary", (68u << 16) | (1u << 15), 17, 0, 1, 0},
};

static void test_rx_bad_status(void)
{
	uint8_t good[60];

	et_fill(good, sizeof(good), 0x21);
	for (size_t i = 0; i < sizeof(rx_bad_rows) / sizeof(rx_bad_rows[0]); i++) {
		const struct rx_bad_row *r = &rx_bad_rows[i];
		struct lan9118_stats st;

		KT_ROW(r->name);
		lt_up();
		fl_rx_raw(r->status, r->words);
		fl_rx_frame(good, sizeof(good), 0);
		lan9118_isr(&lan);
		lan9118_get_stats(&lan, &st);
		KT_EQ(st.rx_len_errors, r->len_err);
		KT_EQ(st.rx_errors, r->err);
		KT_EQ(st.rx_fifo_resets, r->resets);
		KT_EQ(fl.rx_dumps, r->resets);
		if (r->resets == 0) {
			/* the FIFOs stayed in step: the next frame is intact */
			KT_EQ(et_nframes, 1);
			KT_EQ(et_len[0], 60);
			KT_MEMEQ(et_frames[0], good, 60);
		} else {
			KT_EQ(et_nframes, 0);
		}
		KT_EQ(fl.rx_n, 0);
		KT_EQ(et_pool_used(), 0);
	}
}

static void test_rx_min_and_max_length(void)
{
	uint8_t f[2044];

	lt_up();
	et_fill(f, sizeof(f), 7);
	fl_rx_frame(f, 14, 0);	 /* status length 18: header only */
	fl_rx_frame(f, 2044, 0); /* status length 2048: accepted, chained pbuf */
	lan9118_isr(&lan);
	KT_EQ(et_nframes, 2);
	KT_EQ(et_len[0], 14);
	KT_EQ(et_len[1], 2044);
	KT_MEMEQ(et_frames[1], f, 2044);
}

static void test_rx_no_buffer_and_queue_full(void)
{
	uint8_t f[80];
	struct lan9118_stats st;

	lt_up();
	et_fill(f, sizeof(f), 2);
	fl_rx_frame(f, sizeof(f), 0);
	fl_rx_frame(f, sizeof(f), 0);
	et_alloc_fail = 1;
	lan9118_isr(&lan);
	et_alloc_fail = 0;
	et_input_rc = -ENOMEM;
	fl_rx_frame(f, sizeof(f), 0);
	lan9118_isr(&lan);
	lan9118_get_stats(&lan, &st);
	KT_EQ(st.rx_nomem, 2);
	KT_EQ(st.rx_queue_drops, 1);
	KT_EQ(fl.rx_n, 0);
	KT_EQ(et_pool_used(), 0);
}

static void teardown(void)
{
	if (et_pool_used() != 0) {
		KT_FAIL("pbuf leak: %u blocks still allocated", et_pool_used());
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_probe_reads_mac),
	KT_CASE(test_probe_errors),
	KT_CASE(test_init_registers),
	KT_CASE(test_tx_command_words),
	KT_CASE(test_tx_full_and_oversize),
	KT_CASE(test_rx_good_frames),
	KT_CASE(test_rx_bad_status),
	KT_CASE(test_rx_min_and_max_length),
	KT_CASE(test_rx_no_buffer_and_queue_full),
};

int main(void)
{
	return KT_RUN("eth_lan9118", cases, teardown);
}
