/* DHCP: codec negatives, full exchange against canned server packets, NAK, decline, T1/T2/expiry. */
#include <kestrel/wire/arp.h>
#include <kestrel/wire/dhcp.h>

#include "net_test.h"

KT_MAIN_STATE;

#define SRV	IP_ADDR(192, 168, 1, 1)
#define OFFERED IP_ADDR(192, 168, 1, 100)

static struct dhcp_client dc;
static int ev_bound, ev_renewed, ev_lost;

static void on_dhcp(void *ctx, struct netif *nif, enum dhcp_event ev)
{
	(void)ctx;
	(void)nif;
	ev_bound += ev == DHCP_EV_BOUND;
	ev_renewed += ev == DHCP_EV_RENEWED;
	ev_lost += ev == DHCP_EV_LOST;
}

/* A server reply; extra options appended before END. */
static size_t reply(uint8_t *b, uint8_t type, uint32_t xid, uint32_t yi, const uint8_t *extra,
		    size_t elen)
{
	struct wr_cursor w = wr_init(b, 600);

	wr_u8(&w, 2);
	wr_u8(&w, 1);
	wr_u8(&w, 6);
	wr_u8(&w, 0);
	wr_be32(&w, xid);
	wr_zero(&w, 8);
	wr_be32(&w, yi);
	wr_zero(&w, 8);
	wr_bytes(&w, TU_MAC, 6);
	wr_zero(&w, 10 + 192);
	wr_be32(&w, DHCP_MAGIC);
	wr_bytes(&w, (uint8_t[]){53, 1, type, 54, 4, 192, 168, 1, 1}, 9);
	wr_bytes(&w, (uint8_t[]){51, 4, 0, 0, 0x0e, 0x10}, 6); /* 3600 s */
	wr_bytes(&w, (uint8_t[]){1, 4, 255, 255, 255, 0, 3, 4, 192, 168, 1, 1}, 12);
	wr_bytes(&w, (uint8_t[]){6, 8, 8, 8, 8, 8, 1, 1, 1, 1}, 10);
	wr_bytes(&w, extra, elen);
	wr_u8(&w, 255);
	return w.len;
}

static void server_says(uint8_t type, uint32_t yi)
{
	uint8_t b[600];
	size_t n = reply(b, type, dc.xid, yi, NULL, 0);
	tu_rx_udp(SRV, IP_BROADCAST, 67, 68, b, n);
}

/* DHCP message type and payload of captured frame i (0 if not DHCP). */
static uint8_t sent_type(unsigned i, struct dhcp_msg *m)
{
	const uint8_t *u = tu_fl4(i);
	if (tu_fip(i)[9] != IP_PROTO_UDP || get_be16(u + 2) != 67) {
		return 0;
	}
	if (dhcp_parse(u + 8, get_be16(u + 4) - 8u, m) != 0) {
		return 0;
	}
	return m->type;
}

static void start(void)
{
	tu_setup();
	netif_set_addr(&eth0, 0, 0, 0);
	netif_set_default(&st, &eth0);
	ev_bound = ev_renewed = ev_lost = 0;
	KT_EQ(dhcp_start(&st, &eth0, &dc, on_dhcp, NULL), 0);
}

static void teardown(void)
{
	if (eth0.dhcp != NULL) {
		dhcp_stop(&st, eth0.dhcp);
	}
	tu_teardown();
}

static void test_parse_negative(void)
{
	static const struct {
		const char *name;
		size_t cut; /* bytes kept, 0 = all */
		size_t off; /* byte to change, 0 = none */
		uint8_t val;
		int want;
	} rows[] = {
		{"valid", 0, 0, 0, 0},
		{"shorter than fixed part", 239, 0, 0, -EBADMSG},
		{"bad magic cookie", 0, 236, 0x62, -EBADMSG},
		{"htype 6", 0, 1, 6, -EBADMSG},
		{"message type length 2", 0, 241, 2, -EBADMSG},
		{"option runs past the end", 250, 0, 0, -EBADMSG},
		{"server id length 3", 0, 244, 3, -EBADMSG},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[600];
		struct dhcp_msg m;
		size_t n = reply(b, DHCP_OFFER, 7, OFFERED, NULL, 0);
		KT_ROW(rows[i].name);
		if (rows[i].cut) {
			n = rows[i].cut;
		}
		if (rows[i].off) {
			b[rows[i].off] = rows[i].val;
		}
		KT_EQ(dhcp_parse(b, n, &m), rows[i].want);
	}
}

static void test_parse_fields(void)
{
	uint8_t b[600];
	struct dhcp_msg m;
	const uint8_t extra[] = {0, 0, 99, 2, 1, 2, 58, 4, 0, 0, 0, 100, 59, 4, 0, 0, 0, 200};
	size_t n = reply(b, DHCP_ACK, 0xabcdef01u, OFFERED, extra, sizeof(extra));

	KT_EQ(dhcp_parse(b, n, &m), 0);
	KT_EQ(m.op, 2);
	KT_EQ(m.type, DHCP_ACK);
	KT_EQ(m.xid, 0xabcdef01u);
	KT_EQ(m.yiaddr, OFFERED);
	KT_EQ(m.server_id, SRV);
	KT_EQ(m.lease_s, 3600);
	KT_EQ(m.t1_s, 100);
	KT_EQ(m.t2_s, 200);
	KT_EQ(m.mask, 0xffffff00u);
	KT_EQ(m.router, SRV);
	KT_EQ(m.ndns, 2);
	KT_EQ(m.dns[0], IP_ADDR(8, 8, 8, 8));
	KT_EQ(m.dns[1], IP_ADDR(1, 1, 1, 1));
}

/* Option 42 (RFC 2132 §8.3): a list of NTP servers; the first one is kept. */
static void test_parse_ntp_option(void)
{
	static const struct {
		const char *name;
		uint8_t extra[12];
		size_t elen;
		int want;
		uint32_t ntp;
	} rows[] = {
		{"absent", {0}, 0, 0, 0},
		{"one server", {42, 4, 10, 77, 0, 1}, 6, 0, IP_ADDR(10, 77, 0, 1)},
		{"two servers: first kept",
		 {42, 8, 10, 0, 0, 7, 10, 0, 0, 8},
		 10,
		 0,
		 IP_ADDR(10, 0, 0, 7)},
		{"length 3", {42, 3, 10, 77, 0}, 5, -EBADMSG, 0},
		{"length 6", {42, 6, 10, 77, 0, 1, 2, 3}, 8, -EBADMSG, 0},
		{"length 0", {42, 0}, 2, -EBADMSG, 0},
		{"runs past the end", {42, 8, 10, 77, 0, 1}, 6, -EBADMSG, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[600];
		struct dhcp_msg m;
		size_t n = reply(b, DHCP_ACK, 7, OFFERED, rows[i].extra, rows[i].elen);

		KT_ROW(rows[i].name);
		KT_EQ(dhcp_parse(b, n, &m), rows[i].want);
		if (rows[i].want == 0) {
			KT_EQ(m.ntp, rows[i].ntp);
			KT_EQ(!!(m.have & DHCP_HAVE_NTP), rows[i].ntp != 0);
		}
	}
}

/* The client asks for option 42 and keeps the lease's NTP server. */
static void test_lease_ntp_server(void)
{
	static const uint8_t ntp_opt[] = {42, 4, 192, 168, 1, 123};
	struct dhcp_msg m;
	uint8_t b[600];
	const uint8_t *u;
	size_t n;
	bool asked = false;

	start();
	KT_EQ(sent_type(0, &m), DHCP_DISCOVER);
	u = tu_fl4(0) + 8 + DHCP_OFF_OPTIONS;
	for (size_t i = 0; i + 1 < get_be16(tu_fl4(0) + 4) - 8u - DHCP_OFF_OPTIONS; i++) {
		if (u[i] == DHCP_OPT_PARAMS) {
			for (size_t j = 0; j < u[i + 1]; j++) {
				asked |= u[i + 2 + j] == DHCP_OPT_NTP;
			}
			break;
		}
	}
	KT_ASSERT(asked);
	server_says(DHCP_OFFER, OFFERED);
	n = reply(b, DHCP_ACK, dc.xid, OFFERED, ntp_opt, sizeof(ntp_opt));
	tu_rx_udp(SRV, IP_BROADCAST, 67, 68, b, n);
	tu_time(2000);
	KT_EQ(dc.state, DHCP_BOUND);
	KT_EQ(dc.ntp, IP_ADDR(192, 168, 1, 123));
	/* a renewal without the option forgets it */
	arp_add_static(&st, &eth0, SRV, TU_PEER_MAC);
	tu_time(2000 + 1800u * 1000u);
	KT_EQ(dc.state, DHCP_RENEWING);
	server_says(DHCP_ACK, OFFERED);
	KT_EQ(dc.state, DHCP_BOUND);
	KT_EQ(dc.ntp, 0);
}

static void test_full_exchange_and_timers(void)
{
	struct dhcp_msg m;
	uint32_t t0;

	start();
	KT_EQ(tu_nframes, 1);
	KT_EQ(sent_type(0, &m), DHCP_DISCOVER);
	KT_MEMEQ(tu_frames[0], TU_BCAST_MAC, 6);
	KT_EQ(get_be32(tu_fip(0) + 12), 0);
	KT_EQ(get_be32(tu_fip(0) + 16), IP_BROADCAST);
	KT_EQ(m.xid, dc.xid);
	KT_MEMEQ(m.chaddr, TU_MAC, 6);
	server_says(DHCP_OFFER, OFFERED);
	KT_EQ(tu_nframes, 2);
	KT_EQ(sent_type(1, &m), DHCP_REQUEST);
	KT_EQ(m.req_ip, OFFERED);
	KT_EQ(m.server_id, SRV);
	server_says(DHCP_ACK, OFFERED);
	KT_EQ(dc.state, DHCP_CHECKING);
	KT_EQ(tu_nframes, 3); /* ARP probe */
	KT_EQ(get_be16(tu_frames[2] + 12), ETH_TYPE_ARP);
	KT_EQ(get_be32(tu_frames[2] + ETH_HLEN + ARP_OFF_SPA), 0);
	KT_EQ(get_be32(tu_frames[2] + ETH_HLEN + ARP_OFF_TPA), OFFERED);
	tu_time(2000);
	KT_EQ(dc.state, DHCP_BOUND);
	KT_EQ(ev_bound, 1);
	KT_EQ(eth0.ip, OFFERED);
	KT_EQ(eth0.mask, 0xffffff00u);
	KT_EQ(eth0.gw, SRV);
	KT_EQ(st.dns.server[0], IP_ADDR(8, 8, 8, 8));
	t0 = 2000;
	arp_add_static(&st, &eth0, SRV, TU_PEER_MAC);
	tu_nframes = 0;
	tu_time(t0 + 1800u * 1000u - 1);
	KT_EQ(dc.state, DHCP_BOUND);
	tu_time(t0 + 1800u * 1000u); /* T1 = lease / 2 */
	KT_EQ(dc.state, DHCP_RENEWING);
	KT_EQ(sent_type(0, &m), DHCP_REQUEST);
	KT_EQ(m.ciaddr, OFFERED);
	KT_EQ(m.req_ip, 0);
	KT_EQ(get_be32(tu_fip(0) + 16), SRV); /* unicast */
	tu_time(t0 + 3150u * 1000u);	      /* T2 = 7/8 lease */
	KT_EQ(dc.state, DHCP_REBINDING);
	KT_EQ(get_be32(tu_fip(tu_nframes - 1) + 16), IP_BROADCAST);
	for (uint32_t t = t0 + 3150u * 1000u; t < t0 + 3600u * 1000u; t += 1000) {
		tu_time(t);
	}
	KT_EQ(eth0.ip, OFFERED);
	tu_time(t0 + 3600u * 1000u);
	KT_EQ(ev_lost, 1);
	KT_EQ(eth0.ip, 0);
}

static void test_renew_ack_extends_lease(void)
{
	start();
	server_says(DHCP_OFFER, OFFERED);
	server_says(DHCP_ACK, OFFERED);
	tu_time(2000);
	arp_add_static(&st, &eth0, SRV, TU_PEER_MAC);
	tu_time(2000 + 1800u * 1000u);
	KT_EQ(dc.state, DHCP_RENEWING);
	server_says(DHCP_ACK, OFFERED);
	KT_EQ(dc.state, DHCP_BOUND);
	KT_EQ(ev_renewed, 1);
	KT_EQ(dc.next_ms, 2000 + 1800u * 1000u + 1800u * 1000u);
}

static void test_nak_restarts(void)
{
	struct dhcp_msg m;

	start();
	server_says(DHCP_OFFER, OFFERED);
	server_says(DHCP_NAK, 0);
	KT_EQ(dc.state, DHCP_INIT);
	tu_time(1000);
	KT_EQ(dc.state, DHCP_SELECTING);
	KT_EQ(sent_type(tu_nframes - 1, &m), DHCP_DISCOVER);
}

static void test_wrong_xid_ignored(void)
{
	uint8_t b[600];
	size_t n;

	start();
	n = reply(b, DHCP_OFFER, dc.xid + 1, OFFERED, NULL, 0);
	tu_rx_udp(SRV, IP_BROADCAST, 67, 68, b, n);
	KT_EQ(dc.state, DHCP_SELECTING);
	KT_EQ(tu_nframes, 1);
}

static void test_decline_on_conflict(void)
{
	uint8_t f[64];
	struct dhcp_msg m;
	uint8_t *a = f + ETH_HLEN;

	start();
	server_says(DHCP_OFFER, OFFERED);
	server_says(DHCP_ACK, OFFERED);
	/* somebody answers for the offered address */
	tu_eth(f, TU_MAC, TU_PEER_MAC, ETH_TYPE_ARP);
	memcpy(a, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	memcpy(a + 8, TU_PEER_MAC, 6);
	put_be32(a + 14, OFFERED);
	memcpy(a + 18, TU_MAC, 6);
	put_be32(a + 24, 0);
	tu_rx(f, ETH_HLEN + ARP_LEN);
	tu_time(2000);
	KT_EQ(sent_type(tu_nframes - 1, &m), DHCP_DECLINE);
	KT_EQ(m.req_ip, OFFERED);
	KT_EQ(dc.state, DHCP_INIT);
	KT_EQ(eth0.ip, 0);
	tu_time(11999);
	KT_EQ(dc.state, DHCP_INIT); /* waits 10 s */
	tu_time(12000);
	KT_EQ(dc.state, DHCP_SELECTING);
}

static void test_retransmit_backoff(void)
{
	static const uint32_t lo[] = {3000, 7000, 15000, 31000, 63000, 63000};
	uint32_t now = 1000;

	start();
	for (unsigned i = 0; i < 6; i++) {
		uint32_t wait = dc.next_ms - now;
		KT_ROW("backoff step");
		KT_ASSERT(wait >= lo[i] && wait <= lo[i] + 2000);
		now = dc.next_ms;
		tu_time(now);
		KT_EQ(tu_nframes, i + 2);
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_parse_negative),
	KT_CASE(test_parse_fields),
	KT_CASE(test_parse_ntp_option),
	KT_CASE(test_lease_ntp_server),
	KT_CASE(test_full_exchange_and_timers),
	KT_CASE(test_renew_ack_extends_lease),
	KT_CASE(test_nak_restarts),
	KT_CASE(test_wrong_xid_ignored),
	KT_CASE(test_decline_on_conflict),
	KT_CASE(test_retransmit_backoff),
};

int main(void)
{
	return KT_RUN("dhcp", cases, teardown);
}
