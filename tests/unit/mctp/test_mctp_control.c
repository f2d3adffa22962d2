/*
 * Control protocol responder (every command, error cases, datagrams,
 * physical addressing, Set EID response source) and requester codec;
 * USB binding; vendor echo and bench.
 */
#include <kestrel/errno.h>
#include <kestrel/mctp/control.h>
#include <kestrel/mctp/usb.h>
#include <kestrel/mctp/vendor.h>

#include "ktest.h"
#include "mctp_test_util.h"

KT_MAIN_STATE;

static struct mctp_endpoint ep;
static struct cap_link cap;
static struct mctp_vendor vendor;

static void setup(uint8_t eid, uint8_t static_eid, bool with_vendor)
{
	static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
					 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

	memset(&cap, 0, sizeof(cap));
	mctp_init(&ep, eid, static_eid);
	mctp_set_uuid(&ep, uuid);
	mctp_add_link(&ep, 64, cap_tx, &cap);
	mctp_ctrl_register(&ep);
	if (with_vendor) {
		mctp_vendor_register(&ep, &vendor);
	}
}

/* Sends request message `req` (hex, type byte first) from EID 8 to `dest`. */
static int request(uint8_t dest, const char *req, uint8_t tag_flags)
{
	uint8_t p[80];
	size_t n = hex(req, p + 4, sizeof(p) - 4);

	p[0] = 1;
	p[1] = dest;
	p[2] = 8;
	p[3] = (uint8_t)(0xC0 | tag_flags);
	cap.n = 0;
	return mctp_rx_packet(&ep, 0, p, n + 4, 0);
}

static void test_commands(void)
{
	static const struct {
		const char *name;
		uint8_t eid, static_eid;
		bool vendor;
		const char *req;
		const char *resp; /* NULL: no response */
	} rows[] = {
		{"get eid dynamic", 9, 0, false, "00 81 02", "00 01 02 00 09 00 00"},
		{"get eid static match", 9, 9, false, "00 81 02", "00 01 02 00 09 02 00"},
		{"get eid static mismatch", 12, 9, false, "00 81 02", "00 01 02 00 0c 03 00"},
		{"get eid unassigned", 0, 0, false, "00 81 02", "00 01 02 00 00 00 00"},
		{"get eid extra byte", 9, 0, false, "00 81 02 00", "00 01 02 03"},
		{"set eid", 0, 0, false, "00 85 01 00 0a", "00 05 01 00 00 0a 00"},
		{"set eid force", 9, 0, false, "00 85 01 01 0b", "00 05 01 00 00 0b 00"},
		{"set eid reserved eid", 9, 0, false, "00 85 01 00 05", "00 05 01 02"},
		{"set eid broadcast", 9, 0, false, "00 85 01 00 ff", "00 05 01 02"},
		{"set eid reset, no static", 9, 0, false, "00 85 01 02 00", "00 05 01 02"},
		{"set eid reset to static", 20, 9, false, "00 85 01 02 00", "00 05 01 00 00 09 00"},
		{"set eid discovered", 9, 0, false, "00 85 01 03 00", "00 05 01 00 00 09 00"},
		{"set eid short", 9, 0, false, "00 85 01 00", "00 05 01 03"},
		{"get uuid", 9, 0, false, "00 82 03",
		 "00 02 03 00 12 34 56 78 9a bc de f0 01 02 03 04 05 06 07 08"},
		{"get version base", 9, 0, false, "00 83 04 ff",
		 "00 03 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00"},
		{"get version control", 9, 0, false, "00 83 04 00",
		 "00 03 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00"},
		{"get version vendor", 9, 0, true, "00 83 04 7e", "00 03 04 00 01 f1 f0 ff 00"},
		{"get version unsupported", 9, 0, false, "00 83 04 01", "00 03 04 80"},
		{"get version no arg", 9, 0, false, "00 83 04", "00 03 04 03"},
		{"get msg types", 9, 0, true, "00 84 05", "00 04 05 00 02 00 7e"},
		{"get vdm 0", 9, 0, true, "00 86 06 00", "00 06 06 00 ff 00 cc de 00 00"},
		{"get vdm 1 (past end)", 9, 0, true, "00 86 06 01", "00 06 06 02"},
		{"get vdm none", 9, 0, false, "00 86 06 00", "00 06 06 02"},
		{"unsupported cmd", 9, 0, false, "00 87 07 09", "00 07 07 05"},
		{"resolve eid unsupported", 9, 0, false, "00 87 0a 00", "00 07 0a 05"},
		{"datagram get eid", 9, 0, false, "00 c1 02", NULL},
		{"response (rq=0) ignored", 9, 0, false, "00 01 02", NULL},
		{"ic set dropped", 9, 0, false, "80 81 02", NULL},
		{"too short", 9, 0, false, "00 81", NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t want[64];
		size_t wl;

		KT_ROW(rows[i].name);
		setup(rows[i].eid, rows[i].static_eid, rows[i].vendor);
		request(rows[i].eid, rows[i].req, 0x08 | 2);
		if (rows[i].resp == NULL) {
			KT_EQ(cap.n, 0);
			continue;
		}
		wl = hex(rows[i].resp, want, sizeof(want));
		KT_EQ(cap.n, 1);
		KT_EQ(cap.len[0], wl + 4);
		KT_EQ(cap.pkt[0][1], 8);
		KT_EQ(cap.pkt[0][3] & 0xCF, 0xC2); /* SOM EOM, TO clear, tag 2 */
		KT_MEMEQ(cap.pkt[0] + 4, want, wl);
	}
}

/* Physical addressing before assignment, then Set EID answered from the new EID. */
static void test_set_eid_flow(void)
{
	setup(0, 0, false);
	KT_EQ(request(0, "00 81 02", 0x08), 0);
	KT_EQ(cap.n, 1);
	KT_EQ(cap.pkt[0][2], 0); /* from the null EID */
	KT_EQ(request(0, "00 82 01 00 0d", 0x08 | 1), 0);
	KT_EQ(cap.n, 1);
	KT_EQ(ep.eid, 0x0d);
	KT_EQ(cap.pkt[0][2], 0x0d); /* response source is the new EID */
	KT_EQ(cap.pkt[0][1], 8);
	/* now addressed by EID; the old null address still answers */
	KT_EQ(request(0x0d, "00 83 02", 0x08), 0);
	KT_EQ(cap.pkt[0][8], 0x0d);
	KT_EQ(request(0x0e, "00 83 02", 0x08), -EADDRNOTAVAIL);
}

static void test_requester_codec(void)
{
	uint8_t buf[64], pkt[64];
	const uint8_t *body;
	size_t blen;
	struct mctp_ctrl_eid_info info;
	struct mctp_ctrl_set_eid_result se;
	struct mctp_ctrl_vdm_info vdm;
	uint32_t vers[8];
	uint8_t types[8], uuid[16];
	int n;

	n = mctp_ctrl_encode_req(buf, sizeof(buf), 1, MCTP_CTRL_GET_EID, NULL, 0);
	hex("00 81 02", pkt, sizeof(pkt));
	KT_EQ(n, 3);
	KT_MEMEQ(buf, pkt, 3);
	KT_EQ(mctp_ctrl_encode_req(buf, 3, 1, MCTP_CTRL_SET_EID, (const uint8_t *)"\0\x09", 2),
	      -EMSGSIZE);

	/* reference: Get EID resp 9->8, eid 9, type 01 */
	n = (int)hex("00 01 02 00 09 01 00", pkt, sizeof(pkt));
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 1, 2, &body, &blen), 0);
	KT_EQ(mctp_ctrl_parse_get_eid(body, blen, &info), 0);
	KT_EQ(info.eid, 9);
	KT_EQ(info.type, 1);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 2, 2, &body, &blen), -EPROTO); /* iid */
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 1, 3, &body, &blen), -EPROTO); /* cmd */
	KT_EQ(mctp_ctrl_decode_resp(pkt, 3, 1, 2, &body, &blen), -EBADMSG);
	KT_EQ(mctp_ctrl_parse_get_eid(body, 2, &info), -EBADMSG);

	/* reference: Get Version resp */
	n = (int)hex("00 02 04 00 04 f1 f0 ff 00 f1 f1 ff 00 f1 f2 ff 00 f1 f3 f3 00", pkt, 64);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 2, 4, &body, &blen), 0);
	KT_EQ(mctp_ctrl_parse_version(body, blen, vers, 8), 4);
	KT_EQ(vers[3], 0xF1F3F300u);
	KT_EQ(mctp_ctrl_parse_version(body, blen - 1, vers, 8), -EBADMSG);

	/* reference: Get Msg Types resp {00}; UUID resp cc 05 */
	n = (int)hex("00 03 05 00 01 00", pkt, 64);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 3, 5, &body, &blen), 0);
	KT_EQ(mctp_ctrl_parse_msg_types(body, blen, types, 8), 1);
	KT_EQ(types[0], 0);
	n = (int)hex("00 04 03 05", pkt, 64);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 4, 3, &body, &blen), 5);
	KT_EQ(mctp_ctrl_parse_uuid(body, blen, uuid), -EBADMSG);

	n = (int)hex("00 05 01 00 00 0a 00", pkt, 64);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 5, 1, &body, &blen), 0);
	KT_EQ(mctp_ctrl_parse_set_eid(body, blen, &se), 0);
	KT_EQ(se.eid, 10);
	n = (int)hex("00 06 06 00 ff 00 cc de 00 00", pkt, 64);
	KT_EQ(mctp_ctrl_decode_resp(pkt, (size_t)n, 6, 6, &body, &blen), 0);
	KT_EQ(mctp_ctrl_parse_vdm(body, blen, &vdm), 0);
	KT_EQ(vdm.next, 0xFF);
	KT_EQ(vdm.vendor_id, 0xCCDE);
	KT_EQ(mctp_ctrl_parse_vdm(body, blen - 1, &vdm), -EBADMSG);
}

struct usb_sink {
	int n;
	size_t len[8];
	uint8_t pkt[8][256];
};

static void usb_pkt(void *arg, const uint8_t *p, size_t len)
{
	struct usb_sink *s = (struct usb_sink *)arg;

	if (s->n < 8) {
		memcpy(s->pkt[s->n], p, len);
		s->len[s->n] = len;
	}
	s->n++;
}

static void test_usb_rx(void)
{
	static const struct {
		const char *name;
		const char *xfer;
		int rc, pkts;
		size_t off;
	} rows[] = {
		{"reference echo", "1a b4 00 0d 01 09 08 c8 7e cc de f0 00", 1, 1, 0},
		{"two packets", "1a b4 00 09 01 09 08 c8 7e 1a b4 00 0a 01 09 08 c8 7e cc", 2, 2,
		 0},
		{"bad dmtf id", "1a b5 00 09 01 09 08 c8 7e", -EBADMSG, 0,
		 offsetof(struct mctp_usb_stats, bad_id)},
		{"reserved set", "1a b4 01 09 01 09 08 c8 7e", -EBADMSG, 0,
		 offsetof(struct mctp_usb_stats, bad_id)},
		{"len < 5", "1a b4 00 04 01 09 08 c8", -EBADMSG, 0,
		 offsetof(struct mctp_usb_stats, bad_len)},
		{"len header only+1", "1a b4 00 08 01 09 08 c8", -EBADMSG, 0,
		 offsetof(struct mctp_usb_stats, bad_len)},
		{"len past end", "1a b4 00 0e 01 09 08 c8 7e cc de f0 00", -EBADMSG, 0,
		 offsetof(struct mctp_usb_stats, trunc)},
		{"good then garbage", "1a b4 00 09 01 09 08 c8 7e 00 00", -EBADMSG, 1,
		 offsetof(struct mctp_usb_stats, trunc)},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mctp_usb_stats st = {0};
		struct usb_sink s = {0};
		uint8_t x[64];
		size_t n = hex(rows[i].xfer, x, sizeof(x));

		KT_ROW(rows[i].name);
		KT_EQ(mctp_usb_rx_xfer(&st, x, n, usb_pkt, &s), rows[i].rc);
		KT_EQ(s.n, rows[i].pkts);
		if (rows[i].rc < 0) {
			KT_EQ(*(const uint32_t *)((const uint8_t *)&st + rows[i].off), 1);
		}
	}
	struct mctp_usb_stats st = {0};
	struct usb_sink s = {0};
	static uint8_t big[513];
	KT_EQ(mctp_usb_rx_xfer(&st, big, sizeof(big), usb_pkt, &s), -EMSGSIZE);
	KT_EQ(st.oversize, 1);
}

static void test_usb_tx(void)
{
	struct mctp_usb_tx tx;
	struct mctp_usb_stats st = {0};
	struct usb_sink s = {0};
	uint8_t pkt[251], want[16];
	size_t wl = hex("1a b4 00 0d 01 09 08 c8 7e cc de f0 00", want, sizeof(want));

	KT_EQ(mctp_usb_tx_init(&tx, 0), -EINVAL);
	KT_EQ(mctp_usb_tx_init(&tx, 513), -EINVAL);
	KT_EQ(mctp_usb_tx_init(&tx, 512), 0);
	KT_EQ(mctp_usb_tx_add(&tx, want + 4, 9), 0);
	KT_EQ(tx.len, wl);
	KT_MEMEQ(tx.buf, want, wl);
	memset(pkt, 0x55, sizeof(pkt));
	pkt[0] = 1;
	KT_EQ(mctp_usb_tx_add(&tx, pkt, 251), 0);
	KT_EQ(mctp_usb_tx_add(&tx, pkt, 251), -EBUSY); /* 13 + 255 + 255 > 512 */
	KT_EQ(mctp_usb_tx_add(&tx, pkt, 200), 0);
	KT_EQ(mctp_usb_rx_xfer(&st, tx.buf, tx.len, usb_pkt, &s), 3);
	KT_EQ(s.len[1], 251);
	KT_EQ(mctp_usb_tx_add(&tx, pkt, 252), -EMSGSIZE);
	KT_EQ(mctp_usb_tx_add(&tx, pkt, 4), -EMSGSIZE);
	mctp_usb_tx_reset(&tx);
	KT_EQ(tx.len, 0);
}

static void test_usb_descriptors(void)
{
	struct mctp_usb_dev_config cfg = {
		.vid = 0xCCDE,
		.pid = 0x0000,
		.bcd_device = 0x0100,
		.manufacturer = "Kestrel",
		.product = "MCTP NVMe",
		.cdc_acm = true,
		.high_speed = true,
		.uuid = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67},
	};
	struct mctp_usb_desc d;
	uint8_t out[256];
	int n;

	KT_EQ(mctp_usb_desc_build(&d, &cfg), 0);
	KT_EQ(d.config_len, 98);
	n = mctp_usb_get_descriptor(&d, 0x0100, out, sizeof(out));
	KT_EQ(n, 18);
	KT_EQ(out[4], 0xEF);
	KT_EQ(out[8], 0xDE);
	KT_EQ(out[9], 0xCC);
	n = mctp_usb_get_descriptor(&d, 0x0200, out, 9); /* host reads the first 9 first */
	KT_EQ(n, 9);
	KT_EQ(out[2] | (out[3] << 8), 98);
	KT_EQ(out[4], 3);
	n = mctp_usb_get_descriptor(&d, 0x0200, out, sizeof(out));
	/* MCTP interface and its 512-byte bulk endpoints */
	KT_EQ(out[9 + 5], 0x14);
	KT_EQ(out[9 + 6], 0x00);
	KT_EQ(out[9 + 7], 0x01);
	KT_EQ(out[18 + 2], 0x01);
	KT_EQ(out[18 + 4] | (out[18 + 5] << 8), 512);
	KT_EQ(out[25 + 2], 0x81);
	/* walk the set: lengths chain exactly to the total */
	int off = 0;
	while (off < n) {
		KT_ASSERT(out[off] >= 2);
		off += out[off];
	}
	KT_EQ(off, 98);
	n = mctp_usb_get_descriptor(&d, 0x0303, out, sizeof(out));
	KT_EQ(n, 2 + 24);
	static const char serial[] = "deadbeef0123";
	for (int i = 0; i < 12; i++) {
		KT_EQ(out[2 + 2 * i], serial[i]);
		KT_EQ(out[3 + 2 * i], 0);
	}
	KT_EQ(mctp_usb_get_descriptor(&d, 0x0306, out, sizeof(out)), -ENOENT);
	KT_EQ(mctp_usb_get_descriptor(&d, 0x0600, out, sizeof(out)), -ENOENT);
	cfg.cdc_acm = false;
	KT_EQ(mctp_usb_desc_build(&d, &cfg), 0);
	KT_EQ(d.config_len, 32);
	cfg.product = NULL;
	KT_EQ(mctp_usb_desc_build(&d, &cfg), -EINVAL);
}

static void test_vendor_echo(void)
{
	uint8_t want[16];
	size_t wl = hex("7e cc de f0 00", want, sizeof(want));

	setup(9, 0, true);
	KT_EQ(request(9, "7e cc de f0 00", 0x08 | 4), 0);
	KT_EQ(cap.n, 1);
	KT_EQ(cap.pkt[0][3] & 0x0F, 4); /* same tag, TO clear */
	KT_EQ(cap.len[0], 4 + wl);
	KT_MEMEQ(cap.pkt[0] + 4, want, wl);
	KT_EQ(request(9, "7e cc df f0 00", 0x08), 0); /* other vendor */
	KT_EQ(cap.n, 0);
	KT_EQ(vendor.unknown, 1);
	KT_EQ(request(9, "7e cc de f7", 0x08), 0); /* unknown sub-type */
	KT_EQ(vendor.unknown, 2);
}

static void test_bench_data(void)
{
	struct mctp_bench_rx rx;
	uint8_t m[128];
	uint32_t kbps;

	KT_EQ(mctp_bench_data_build(m, sizeof(m), 0xFFFFFFFA, 8), -EINVAL);
	KT_EQ(mctp_bench_data_build(m, 10, 0xFFFFFFFA, 100), -EMSGSIZE);
	KT_EQ(mctp_bench_data_build(m, sizeof(m), 0xFFFFFFFA, 12), 13);
	uint8_t want[16];
	size_t wl = hex("7e cc de f1 ca be fa ff ff ff 09 0a 0b", want, sizeof(want));
	KT_MEMEQ(m, want, wl);

	mctp_bench_rx_init(&rx, 0);
	uint32_t seqs[] = {0xFFFFFFFA, 0xFFFFFFFB, 0xFFFFFFFE, 0xFFFFFFFF, 0, 3, 1};
	int rcs[] = {0, 0, 2, 0, 0, 2, 0};
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		int n = mctp_bench_data_build(m, sizeof(m), seqs[i], 100);
		KT_EQ(mctp_bench_rx_msg(&rx, m, (size_t)n, 100), rcs[i]);
	}
	KT_EQ(rx.drops, 4);
	KT_EQ(rx.reordered, 1);
	KT_EQ(rx.msgs, 7);
	m[50] ^= 1;
	KT_EQ(mctp_bench_rx_msg(&rx, m, 101, 100), -EBADMSG);
	KT_EQ(mctp_bench_rx_msg(&rx, m, 7, 100), -EBADMSG);
	KT_EQ(rx.bad_data, 2);
	KT_EQ(mctp_bench_rx_report(&rx, 2099, &kbps), 0);
	KT_EQ(mctp_bench_rx_report(&rx, 2100, &kbps), 1);
	KT_EQ(kbps, 700 * 1000 / 1024 / 2000);
}

static void test_bench_command(void)
{
	static const struct {
		const char *name;
		uint8_t command;
		uint16_t size;
		int status;
	} rows[] = {
		{"ok", 1, 100, 0},
		{"payload below 9", 1, 8, 3},
		{"unknown command", 7, 100, 2},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mctp_bench_cmd c = {rows[i].command, 0x11223344, 0, rows[i].size, 3}, p;
		uint8_t m[64], p_req[80];
		int n = mctp_bench_cmd_build(m, sizeof(m), &c);

		KT_ROW(rows[i].name);
		KT_EQ(n, 26);
		KT_EQ(mctp_bench_cmd_parse(m, (size_t)n, &p), rows[i].status);
		KT_EQ(p.iid, 0x11223344);
		/* over the endpoint: response then (when ok) the data stream */
		setup(9, 0, true);
		memcpy(p_req + 4, m, (size_t)n);
		p_req[0] = 1;
		p_req[1] = 9;
		p_req[2] = 8;
		p_req[3] = 0xC8;
		cap.n = 0;
		KT_EQ(mctp_rx_packet(&ep, 0, p_req, (size_t)n + 4, 0), 0);
		KT_EQ(cap.n, 1);
		uint8_t want[20];
		char hx[64];
		snprintf(hx, sizeof(hx), "7e cc de f1 dd 22 01 00 44 33 22 11 %02x 00 00",
			 rows[i].status);
		size_t wl = hex(hx, want, sizeof(want));
		KT_EQ(cap.len[0], 4 + wl);
		KT_MEMEQ(cap.pkt[0] + 4, want, wl);
		KT_EQ(vendor.tx.active, rows[i].status == 0);
		if (rows[i].status == 0) {
			uint8_t scratch[256];
			mctp_add_route(&ep, 8, 8, 0);
			cap.n = 0;
			KT_EQ(mctp_bench_tx_step(&vendor.tx, &ep, scratch, sizeof(scratch), 2), 2);
			KT_EQ(mctp_bench_tx_step(&vendor.tx, &ep, scratch, sizeof(scratch), 2), 1);
			KT_EQ(mctp_bench_tx_step(&vendor.tx, &ep, scratch, sizeof(scratch), 2), 0);
			KT_EQ(cap.n, 6); /* 101 bytes at MTU 64: two packets each */
			KT_EQ(cap.pkt[0][3] & 0x08, 0x08);
			KT_EQ(cap.pkt[4][10], 0xFC); /* third message seq 0xFFFFFFFC */
			KT_EQ(vendor.tx.active, 0);
		}
	}
	uint8_t bad[8] = {0x7e, 0xcc, 0xde, 0xf1, 0xdd, 0x22, 0x02, 0x01};
	struct mctp_bench_cmd p;
	KT_EQ(mctp_bench_cmd_parse(bad, sizeof(bad), &p), -EBADMSG); /* version 2 */
	bad[6] = 1;
	KT_EQ(mctp_bench_cmd_parse(bad, sizeof(bad), &p), -EBADMSG); /* truncated iid */
}

static const struct kt_case cases[] = {
	KT_CASE(test_commands),	   KT_CASE(test_set_eid_flow), KT_CASE(test_requester_codec),
	KT_CASE(test_usb_rx),	   KT_CASE(test_usb_tx),       KT_CASE(test_usb_descriptors),
	KT_CASE(test_vendor_echo), KT_CASE(test_bench_data),   KT_CASE(test_bench_command),
};

int main(void)
{
	return KT_RUN("mctp_control", cases, NULL);
}
