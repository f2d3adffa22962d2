/*
 * DSP0236 core: header codec, fragmentation, reassembly (every drop
 * reason), dispatch, routing, tags and request/response matching.
 */
#include <kestrel/errno.h>
#include <kestrel/mctp/core.h>

#include "ktest.h"
#include "mctp_test_util.h"

KT_MAIN_STATE;

static struct mctp_endpoint ep;
static struct cap_link cap;
static struct {
	int n;
	struct mctp_msg last;
	uint8_t data[CONFIG_MCTP_MAX_MSG];
} got;

static void on_msg(struct mctp_endpoint *e, const struct mctp_msg *m, void *arg)
{
	(void)e;
	(void)arg;
	got.n++;
	got.last = *m;
	memcpy(got.data, m->data, m->len);
}

static void setup(void)
{
	memset(&got, 0, sizeof(got));
	memset(&cap, 0, sizeof(cap));
	mctp_init(&ep, 9, 0);
	mctp_add_link(&ep, 64, cap_tx, &cap);
	mctp_add_route(&ep, 8, 8, 0);
	mctp_register_handler(&ep, 0x7E, 0xF1F0FF00, on_msg, NULL);
}

/* Builds a packet 01 dest src flags payload... */
static size_t mkpkt(uint8_t *p, uint8_t dest, uint8_t src, uint8_t flags, uint8_t first,
		    size_t paylen)
{
	p[0] = 1;
	p[1] = dest;
	p[2] = src;
	p[3] = flags;
	for (size_t i = 0; i < paylen; i++) {
		p[4 + i] = (uint8_t)(first + i);
	}
	return 4 + paylen;
}

#define SOM    0x80
#define EOM    0x40
#define TO     0x08
#define SEQ(n) ((uint8_t)((n) << 4))

static void test_hdr_codec(void)
{
	struct mctp_hdr h = {9, 8, 0xc8}, d;
	uint8_t b[4];

	mctp_hdr_encode(b, &h);
	KT_EQ(b[0], 1);
	KT_EQ(mctp_hdr_decode(b, 4, &d), 0);
	KT_EQ(d.dest, 9);
	KT_EQ(d.src, 8);
	KT_EQ(d.flags, 0xc8);
	KT_EQ(mctp_hdr_decode(b, 3, &d), -EBADMSG);
	b[0] = 2;
	KT_EQ(mctp_hdr_decode(b, 4, &d), -EBADMSG);
}

static void test_single_packet_and_addressing(void)
{
	static const struct {
		const char *name;
		uint8_t dest, src;
		int rc;
		int delivered;
	} rows[] = {
		{"to our eid", 9, 8, 0, 1},
		{"physical (null dest)", 0, 8, 0, 1},
		{"broadcast dest", 0xFF, 8, 0, 1},
		{"other eid", 10, 8, -EADDRNOTAVAIL, 0},
		{"broadcast source", 9, 0xFF, -EPROTO, 0},
		{"null source accepted", 9, 0, 0, 1},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t p[16];
		size_t n;

		KT_ROW(rows[i].name);
		setup();
		n = mkpkt(p, rows[i].dest, rows[i].src, SOM | EOM | TO | 3, 0x7E, 4);
		KT_EQ(mctp_rx_packet(&ep, 0, p, n, 0), rows[i].rc);
		KT_EQ(got.n, rows[i].delivered);
		KT_EQ(ep.stats.drop_bcast_src, rows[i].src == 0xFF);
		if (rows[i].delivered) {
			KT_EQ(got.last.tag, 3);
			KT_EQ(got.last.to, 1);
			KT_EQ(got.last.len, 4);
			KT_EQ(got.last.src, rows[i].src);
		}
	}
}

static void test_bad_packets(void)
{
	uint8_t p[16];

	setup();
	mkpkt(p, 9, 8, SOM | EOM | TO, 0x7E, 1);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 4, 0), -EBADMSG);
	KT_EQ(ep.stats.drop_short, 1);
	p[0] = 0x02;
	KT_EQ(mctp_rx_packet(&ep, 0, p, 5, 0), -EBADMSG);
	KT_EQ(ep.stats.drop_version, 1);
	mkpkt(p, 9, 8, SOM | EOM | TO, 0x05, 1); /* type 5: no handler */
	KT_EQ(mctp_rx_packet(&ep, 0, p, 5, 0), -ENOENT);
	KT_EQ(ep.stats.drop_no_handler, 1);
	mkpkt(p, 9, 8, SOM | EOM, 0x7E, 1); /* response with no request */
	KT_EQ(mctp_rx_packet(&ep, 0, p, 5, 0), -ENOENT);
	KT_EQ(ep.stats.drop_unmatched, 1);
}

/* Feeds a 3-packet message 7E 7F ... of 64+64+10 bytes starting at seq s. */
static int feed3(uint8_t src, uint8_t tag, uint8_t s, uint32_t now)
{
	uint8_t p[80];
	int rc;

	mkpkt(p, 9, src, SOM | TO | SEQ(s & 3) | tag, 0x7E, 64);
	rc = mctp_rx_packet(&ep, 0, p, 68, now);
	if (rc) {
		return rc;
	}
	mkpkt(p, 9, src, TO | SEQ((s + 1) & 3) | tag, 0x7E + 64, 64);
	rc = mctp_rx_packet(&ep, 0, p, 68, now);
	if (rc) {
		return rc;
	}
	mkpkt(p, 9, src, EOM | TO | SEQ((s + 2) & 3) | tag, (uint8_t)(0x7E + 128), 10);
	return mctp_rx_packet(&ep, 0, p, 14, now);
}

static void test_reassembly_ok(void)
{
	for (uint8_t s = 0; s < 4; s++) {
		setup();
		KT_EQ(feed3(8, 1, s, 0), 0);
		KT_EQ(got.n, 1);
		KT_EQ(got.last.len, 138);
		for (size_t i = 0; i < 138; i++) {
			KT_EQ(got.data[i], (uint8_t)(0x7E + i));
		}
	}
}

static void test_reassembly_errors(void)
{
	uint8_t p[80];

	/* missing SOM */
	setup();
	mkpkt(p, 9, 8, TO | SEQ(1), 0, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), -EPROTO);
	KT_EQ(ep.stats.drop_no_som, 1);

	/* sequence gap: 0 then 2 */
	setup();
	mkpkt(p, 9, 8, SOM | TO | SEQ(0), 0x7E, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	mkpkt(p, 9, 8, EOM | TO | SEQ(2), 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 0), -EPROTO);
	KT_EQ(ep.stats.drop_seq, 1);
	KT_EQ(got.n, 0);
	/* context was discarded: the retry of EOM has no SOM */
	mkpkt(p, 9, 8, EOM | TO | SEQ(1), 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 0), -EPROTO);
	KT_EQ(ep.stats.drop_no_som, 1);

	/* wrong tag: continuation with another tag has no context */
	setup();
	mkpkt(p, 9, 8, SOM | TO | SEQ(0) | 1, 0x7E, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	mkpkt(p, 9, 8, EOM | TO | SEQ(1) | 2, 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 0), -EPROTO);
	KT_EQ(ep.stats.drop_no_som, 1);
	/* wrong TO is another key too */
	mkpkt(p, 9, 8, EOM | SEQ(1) | 1, 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 0), -EPROTO);
	KT_EQ(ep.stats.drop_no_som, 2);

	/* middle fragment shorter than the first */
	setup();
	mkpkt(p, 9, 8, SOM | TO, 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0);
	mkpkt(p, 9, 8, TO | SEQ(1), 0, 32);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 36, 0), -EPROTO);
	KT_EQ(ep.stats.drop_frag_len, 1);
}

static void test_reassembly_oversize(void)
{
	uint8_t p[80];
	size_t total = 0;
	int rc = 0;
	uint8_t s = 0;

	setup();
	mkpkt(p, 9, 8, SOM | TO, 0x7E, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	total = 64;
	while (total + 64 <= CONFIG_MCTP_MAX_MSG) {
		s = (uint8_t)((s + 1) & 3);
		mkpkt(p, 9, 8, TO | SEQ(s), 0, 64);
		KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
		total += 64;
	}
	s = (uint8_t)((s + 1) & 3);
	mkpkt(p, 9, 8, TO | SEQ(s), 0, 64);
	rc = mctp_rx_packet(&ep, 0, p, 68, 0);
	KT_EQ(rc, -EMSGSIZE);
	KT_EQ(ep.stats.drop_oversize, 1);
	KT_EQ(got.n, 0);
}

static void test_reassembly_timeout(void)
{
	uint8_t p[80];

	/* expired by mctp_poll */
	setup();
	mkpkt(p, 9, 8, SOM | TO, 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 1000);
	mctp_poll(&ep, 1000 + CONFIG_MCTP_REASM_TIMEOUT_MS - 1);
	KT_EQ(ep.stats.drop_timeout, 0);
	mctp_poll(&ep, 1000 + CONFIG_MCTP_REASM_TIMEOUT_MS);
	KT_EQ(ep.stats.drop_timeout, 1);
	mkpkt(p, 9, 8, EOM | TO | SEQ(1), 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 1000 + CONFIG_MCTP_REASM_TIMEOUT_MS), -EPROTO);

	/* late continuation without a poll in between */
	setup();
	mkpkt(p, 9, 8, SOM | TO, 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0xFFFFFF00u); /* across the 32-bit wrap */
	mkpkt(p, 9, 8, EOM | TO | SEQ(1), 0, 8);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 12, 0xFFFFFF00u + CONFIG_MCTP_REASM_TIMEOUT_MS), -EAGAIN);
	KT_EQ(ep.stats.drop_timeout, 1);
	KT_EQ(got.n, 0);
}

static void test_interleaved_sources(void)
{
	uint8_t p[80];

	setup();
	mkpkt(p, 9, 8, SOM | TO | SEQ(0) | 1, 0x7E, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	mkpkt(p, 9, 20, SOM | TO | SEQ(2) | 1, 0x7E, 64); /* same tag, other source */
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	mkpkt(p, 9, 8, EOM | TO | SEQ(1) | 1, 0xA0, 3);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 7, 0), 0);
	KT_EQ(got.n, 1);
	KT_EQ(got.last.src, 8);
	KT_EQ(got.last.len, 67);
	KT_EQ(got.data[64], 0xA0);
	mkpkt(p, 9, 20, EOM | TO | SEQ(3) | 1, 0xB0, 5);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 9, 0), 0);
	KT_EQ(got.n, 2);
	KT_EQ(got.last.src, 20);
	KT_EQ(got.last.len, 69);
	KT_EQ(got.data[64], 0xB0);

	/* a third concurrent source finds no free context (2 configured) */
	mkpkt(p, 9, 8, SOM | TO, 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0);
	mkpkt(p, 9, 20, SOM | TO, 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0);
	mkpkt(p, 9, 30, SOM | TO, 0x7E, 64);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), CONFIG_MCTP_REASM_CONTEXTS == 2 ? -ENOMEM : 0);
}

static void test_duplicate_som_restarts(void)
{
	uint8_t p[80];

	setup();
	mkpkt(p, 9, 8, SOM | TO | SEQ(0), 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0);
	mkpkt(p, 9, 8, SOM | TO | SEQ(3), 0x7E, 64); /* restart */
	KT_EQ(mctp_rx_packet(&ep, 0, p, 68, 0), 0);
	KT_EQ(ep.stats.drop_restart, 1);
	mkpkt(p, 9, 8, EOM | TO | SEQ(0), 0xC0, 2);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 6, 0), 0);
	KT_EQ(got.n, 1);
	KT_EQ(got.last.len, 66);
	/* single-packet SOM+EOM also replaces an open context */
	mkpkt(p, 9, 8, SOM | TO | SEQ(0), 0x7E, 64);
	mctp_rx_packet(&ep, 0, p, 68, 0);
	mkpkt(p, 9, 8, SOM | EOM | TO | SEQ(0), 0x7E, 3);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 7, 0), 0);
	KT_EQ(ep.stats.drop_restart, 2);
	KT_EQ(got.n, 2);
}

static void test_fragmentation(void)
{
	static const struct {
		const char *name;
		uint16_t mtu;
		size_t len;
		int pkts;
	} rows[] = {
		{"1 byte", 64, 1, 1},
		{"exactly mtu", 64, 64, 1},
		{"mtu + 1", 64, 65, 2},
		{"4 KiB at 64", 64, 4096, 64},
		{"4 KiB at 247", 247, 4096, 17},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		static uint8_t msg[4096];
		struct mctp_endpoint rx_ep;

		KT_ROW(rows[i].name);
		memset(&got, 0, sizeof(got));
		memset(&cap, 0, sizeof(cap));
		mctp_init(&ep, 9, 0);
		KT_EQ(mctp_add_link(&ep, rows[i].mtu, cap_tx, &cap), 0);
		KT_EQ(mctp_add_route(&ep, 8, 8, 0), 0);
		for (size_t j = 0; j < rows[i].len; j++) {
			msg[j] = (uint8_t)(j * 3);
		}
		msg[0] = 0x7E;
		KT_EQ(mctp_send(&ep, 8, TO | 5, msg, rows[i].len), 0);
		KT_EQ(cap.n, rows[i].pkts);
		/* the packets reassemble into the same message at the peer */
		mctp_init(&rx_ep, 8, 0);
		mctp_register_handler(&rx_ep, 0x7E, 0, on_msg, NULL);
		for (int k = 0; k < cap.n; k++) {
			KT_EQ(cap.pkt[k][2], 9);
			KT_EQ(cap.pkt[k][3] & 0x0F, TO | 5);
			KT_EQ((cap.pkt[k][3] >> 4) & 3, k & 3);
			KT_EQ(mctp_rx_packet(&rx_ep, 0, cap.pkt[k], cap.len[k], 0), 0);
		}
		KT_EQ(got.n, 1);
		KT_EQ(got.last.len, rows[i].len);
		KT_MEMEQ(got.data, msg, rows[i].len);
	}
}

static void test_send_errors(void)
{
	uint8_t m[2] = {0x7E, 0};

	setup();
	KT_EQ(mctp_send(&ep, 50, 0, m, 2), -EHOSTUNREACH);
	KT_EQ(ep.stats.tx_no_route, 1);
	KT_EQ(mctp_send(&ep, 8, 0, m, 0), -EMSGSIZE);
	KT_EQ(mctp_send(&ep, 8, 0, m, CONFIG_MCTP_MAX_MSG + 1), -EMSGSIZE);
	cap.fail = -EIO;
	KT_EQ(mctp_send(&ep, 8, 0, m, 2), -EIO);
	KT_EQ(ep.stats.tx_errors, 1);
	KT_EQ(mctp_add_link(&ep, 63, cap_tx, &cap), -EINVAL);
	KT_EQ(mctp_add_link(&ep, 252, cap_tx, &cap), -EINVAL);
	KT_EQ(mctp_add_link(&ep, 64, NULL, &cap), -EINVAL);
	KT_EQ(mctp_add_link(&ep, 64, cap_tx, &cap), 1);
	KT_EQ(mctp_add_link(&ep, 64, cap_tx, &cap), -ENOMEM);
	KT_EQ(mctp_add_route(&ep, 20, 10, 0), -EINVAL);
	KT_EQ(mctp_add_route(&ep, 10, 20, 7), -EINVAL);
	KT_EQ(mctp_route_lookup(&ep, 8), 0);
	KT_EQ(mctp_add_route(&ep, 10, 20, 1), 0);
	KT_EQ(mctp_route_lookup(&ep, 15), 1);
	KT_EQ(mctp_route_lookup(&ep, 21), -EHOSTUNREACH);
	KT_EQ(mctp_register_handler(&ep, 0xFE, 0, on_msg, NULL), -EEXIST); /* IC ignored */
}

static struct {
	int n, status;
	uint8_t tag;
	size_t len;
} resp;

static void on_resp(struct mctp_endpoint *e, const struct mctp_msg *m, int status, void *arg)
{
	(void)e;
	(void)arg;
	resp.n++;
	resp.status = status;
	resp.len = m ? m->len : 0;
	resp.tag = m ? m->tag : 0xFF;
}

static void test_request_matching(void)
{
	uint8_t req[3] = {0x7E, 1, 2}, p[16];
	int tag;

	setup();
	memset(&resp, 0, sizeof(resp));
	tag = mctp_request(&ep, 8, req, 3, 100, 250, on_resp, NULL);
	KT_ASSERT(tag >= 0 && tag < 8);
	KT_EQ(cap.n, 1);
	KT_EQ(cap.pkt[0][3], SOM | EOM | TO | tag);
	/* a response from the wrong peer or with the wrong tag does not match */
	mkpkt(p, 9, 10, SOM | EOM | (uint8_t)tag, 0x7E, 2);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 6, 110), -ENOENT);
	mkpkt(p, 9, 8, SOM | EOM | (uint8_t)((tag + 1) & 7), 0x7E, 2);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 6, 110), -ENOENT);
	KT_EQ(ep.stats.drop_unmatched, 2);
	mkpkt(p, 9, 8, SOM | EOM | (uint8_t)tag, 0x7E, 2);
	KT_EQ(mctp_rx_packet(&ep, 0, p, 6, 120), 0);
	KT_EQ(resp.n, 1);
	KT_EQ(resp.status, 0);
	KT_EQ(resp.tag, tag);
	/* the tag is free again: a duplicate response is unmatched */
	KT_EQ(mctp_rx_packet(&ep, 0, p, 6, 120), -ENOENT);

	/* timeout */
	tag = mctp_request(&ep, 8, req, 3, 1000, 250, on_resp, NULL);
	mctp_poll(&ep, 1249);
	KT_EQ(resp.n, 1);
	mctp_poll(&ep, 1250);
	KT_EQ(resp.n, 2);
	KT_EQ(resp.status, -EAGAIN);
	KT_EQ(ep.stats.req_timeouts, 1);
}

static void test_tag_exhaustion(void)
{
	int tags[8];

	setup();
	/* CONFIG_MCTP_MAX_REQS slots (default 4) */
	for (int i = 0; i < CONFIG_MCTP_MAX_REQS; i++) {
		tags[i] = mctp_tag_alloc(&ep, 8, 0, 0, NULL, NULL);
		KT_ASSERT(tags[i] >= 0);
		for (int j = 0; j < i; j++) {
			KT_ASSERT(tags[j] != tags[i]);
		}
	}
	KT_EQ(mctp_tag_alloc(&ep, 8, 0, 0, NULL, NULL), -ENOMEM);
	mctp_tag_release(&ep, 8, (uint8_t)tags[0]);
	KT_ASSERT(mctp_tag_alloc(&ep, 8, 0, 0, NULL, NULL) >= 0);
}

static const struct kt_case cases[] = {
	KT_CASE(test_hdr_codec),
	KT_CASE(test_single_packet_and_addressing),
	KT_CASE(test_bad_packets),
	KT_CASE(test_reassembly_ok),
	KT_CASE(test_reassembly_errors),
	KT_CASE(test_reassembly_oversize),
	KT_CASE(test_reassembly_timeout),
	KT_CASE(test_interleaved_sources),
	KT_CASE(test_duplicate_som_restarts),
	KT_CASE(test_fragmentation),
	KT_CASE(test_send_errors),
	KT_CASE(test_request_matching),
	KT_CASE(test_tag_exhaustion),
};

int main(void)
{
	return KT_RUN("mctp_core", cases, NULL);
}
