/* ARP: replies, learning, queueing while resolving, retries, aging, gratuitous ARP, probes. */
#include <kestrel/wire/arp.h>

#include "net_test.h"

KT_MAIN_STATE;

static size_t arp_frame(uint8_t *b, uint16_t op, const uint8_t *sha, uint32_t spa,
			const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = b + ETH_HLEN;

	tu_eth(b, op == ARP_OP_REQUEST ? TU_BCAST_MAC : TU_MAC, sha, ETH_TYPE_ARP);
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put_be32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	put_be32(a + 24, tpa);
	return ETH_HLEN + ARP_LEN;
}

static const uint8_t zero_mac[6];

static void test_request_for_us_is_answered_and_learned(void)
{
	uint8_t f[64], want[64];
	struct arp_info row[4];

	tu_setup();
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac, TU_IP));
	KT_EQ(tu_nframes, 1);
	arp_frame(want, ARP_OP_REPLY, TU_MAC, TU_IP, TU_PEER_MAC, TU_PEER);
	memcpy(want, TU_PEER_MAC, 6); /* unicast back to the asker */
	memcpy(want + 6, TU_MAC, 6);
	KT_EQ(tu_frame_len[0], ETH_HLEN + ARP_LEN);
	KT_MEMEQ(tu_frames[0], want, ETH_HLEN + ARP_LEN);
	KT_EQ(arp_table(&st, row, 4), 1);
	KT_EQ(row[0].ip, TU_PEER);
	KT_MEMEQ(row[0].mac, TU_PEER_MAC, 6);
	KT_EQ(row[0].state, ARP_STABLE);
}

static void test_request_for_other_is_ignored(void)
{
	uint8_t f[64];
	struct arp_info row[4];

	tu_setup();
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac,
				     IP_ADDR(192, 168, 1, 99)));
	KT_EQ(tu_nframes, 0);
	KT_EQ(arp_table(&st, row, 4), 0);
}

static void test_malformed_packets_dropped(void)
{
	static const struct {
		const char *name;
		size_t off;
		uint8_t val;
		int cut;
	} rows[] = {
		{"truncated to 27 bytes", 0, 0, 1},
		{"hardware type 6", ETH_HLEN + 1, 6, 0},
		{"protocol type 0x86dd", ETH_HLEN + 2, 0x86, 0},
		{"hardware length 8", ETH_HLEN + 4, 8, 0},
		{"protocol length 16", ETH_HLEN + 5, 16, 0},
		{"opcode 3", ETH_HLEN + 7, 3, 0},
		{"multicast sender MAC", ETH_HLEN + 8, 0x01, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t f[64];
		size_t n;
		KT_ROW(rows[i].name);
		tu_setup();
		n = arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac, TU_IP);
		if (rows[i].cut) {
			n--;
		} else {
			f[rows[i].off] = rows[i].val;
		}
		tu_rx(f, (uint16_t)n);
		KT_EQ(tu_nframes, 0);
		tu_teardown();
	}
}

static struct pbuf *udp_payload(const char *s)
{
	return pbuf_from(&st.pool, PBUF_TRANSPORT, s, (uint16_t)strlen(s));
}

static void test_queue_while_resolving_then_flush(void)
{
	struct udp_pcb *u;
	uint8_t want[64], f[64];
	struct net_stats ns;

	tu_setup();
	u = udp_new(&st);
	KT_EQ(udp_bind(u, 0, 5000), 0);
	KT_EQ(udp_sendto(u, udp_payload("one"), TU_PEER, 7), 0);
	KT_EQ(tu_nframes, 1); /* the ARP request */
	arp_frame(want, ARP_OP_REQUEST, TU_MAC, TU_IP, zero_mac, TU_PEER);
	KT_MEMEQ(tu_frames[0], want, ETH_HLEN + ARP_LEN);
	KT_EQ(udp_sendto(u, udp_payload("two"), TU_PEER, 7), 0);
	KT_EQ(udp_sendto(u, udp_payload("three"), TU_PEER, 7), 0);
	KT_EQ(udp_sendto(u, udp_payload("four"), TU_PEER, 7), 0); /* pushes "one" out */
	KT_EQ(tu_nframes, 1);
	net_get_stats(&st, &ns);
	KT_EQ(ns.arp_drop, 1);
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REPLY, TU_PEER_MAC, TU_PEER, TU_MAC, TU_IP));
	KT_EQ(tu_nframes, 4);
	KT_MEMEQ(tu_frames[1], TU_PEER_MAC, 6);
	KT_MEMEQ(tu_fl4(1) + 8, "two", 3);
	KT_MEMEQ(tu_fl4(2) + 8, "three", 5);
	KT_MEMEQ(tu_fl4(3) + 8, "four", 4);
	udp_remove(u);
}

static void test_retries_then_give_up(void)
{
	struct udp_pcb *u;
	struct arp_info row[2];

	tu_setup();
	u = udp_new(&st);
	udp_sendto(u, udp_payload("x"), TU_PEER, 7);
	KT_EQ(tu_nframes, 1);
	tu_time(1999);
	KT_EQ(tu_nframes, 1);
	tu_time(2000);
	KT_EQ(tu_nframes, 2);
	KT_EQ(tu_frames[1][ETH_HLEN + 7], ARP_OP_REQUEST);
	tu_time(3000);
	KT_EQ(tu_nframes, 3);
	KT_EQ(arp_table(&st, row, 2), 1);
	KT_EQ(row[0].queued, 1);
	tu_time(4000); /* three requests unanswered: entry and queue dropped */
	KT_EQ(tu_nframes, 3);
	KT_EQ(arp_table(&st, row, 2), 0);
	udp_remove(u);
}

static void test_aging(void)
{
	uint8_t f[64];
	struct arp_info row[2];

	tu_setup();
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac, TU_IP));
	tu_time(1000 + CONFIG_NET_ARP_MAX_AGE_MS - 1);
	KT_EQ(arp_table(&st, row, 2), 1);
	KT_EQ(row[0].age_ms, CONFIG_NET_ARP_MAX_AGE_MS - 1);
	tu_time(1000 + CONFIG_NET_ARP_MAX_AGE_MS);
	KT_EQ(arp_table(&st, row, 2), 0);
}

static void test_reply_refreshes_only_known_entries(void)
{
	uint8_t f[64];
	struct arp_info row[2];

	tu_setup();
	/* unsolicited reply to us from an unknown host: RFC 826 learns (target is us) */
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REPLY, TU_PEER_MAC, TU_PEER, TU_MAC, TU_IP));
	KT_EQ(arp_table(&st, row, 2), 1);
	/* a reply aimed at somebody else does not create an entry */
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REPLY, TU_PEER_MAC, IP_ADDR(192, 168, 1, 30), TU_MAC,
				     IP_ADDR(192, 168, 1, 31)));
	KT_EQ(arp_table(&st, row, 2), 1);
}

static void test_gratuitous_on_address_change(void)
{
	uint8_t want[64];

	tu_setup();
	netif_set_addr(&eth0, IP_ADDR(192, 168, 1, 11), TU_MASK, TU_GW);
	KT_EQ(tu_nframes, 1);
	arp_frame(want, ARP_OP_REQUEST, TU_MAC, IP_ADDR(192, 168, 1, 11), zero_mac,
		  IP_ADDR(192, 168, 1, 11));
	KT_MEMEQ(tu_frames[0], want, ETH_HLEN + ARP_LEN);
	netif_set_addr(&eth0, IP_ADDR(192, 168, 1, 11), TU_MASK, TU_GW);
	KT_EQ(tu_nframes, 1); /* unchanged: silent */
}

static void test_probe_conflict(void)
{
	static const struct {
		const char *name;
		uint16_t op;
		uint32_t spa, tpa;
		bool conflict;
	} rows[] = {
		{"owner answers", ARP_OP_REPLY, IP_ADDR(192, 168, 1, 50), 0, true},
		{"another prober", ARP_OP_REQUEST, 0, IP_ADDR(192, 168, 1, 50), true},
		{"unrelated traffic", ARP_OP_REQUEST, TU_PEER, IP_ADDR(192, 168, 1, 51), false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t f[64], want[64];
		KT_ROW(rows[i].name);
		tu_setup();
		KT_EQ(arp_probe(&st, &eth0, IP_ADDR(192, 168, 1, 50)), 0);
		arp_frame(want, ARP_OP_REQUEST, TU_MAC, 0, zero_mac, IP_ADDR(192, 168, 1, 50));
		KT_MEMEQ(tu_frames[0], want, ETH_HLEN + ARP_LEN);
		tu_rx(f, (uint16_t)arp_frame(f, rows[i].op, TU_PEER_MAC, rows[i].spa, zero_mac,
					     rows[i].tpa));
		KT_EQ(arp_probe_conflict(&st), rows[i].conflict);
		arp_probe_stop(&st);
		tu_teardown();
	}
}

static void test_link_down_flushes(void)
{
	uint8_t f[64];
	struct arp_info row[2];

	tu_setup();
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac, TU_IP));
	netif_set_link(&eth0, false);
	KT_EQ(arp_table(&st, row, 2), 0);
	tu_rx(f, (uint16_t)arp_frame(f, ARP_OP_REQUEST, TU_PEER_MAC, TU_PEER, zero_mac, TU_IP));
	KT_EQ(tu_nframes, 1); /* the reply could not go out */
	KT_EQ(eth0.cnt.tx_drops, 1);
}

static const struct kt_case cases[] = {
	KT_CASE(test_request_for_us_is_answered_and_learned),
	KT_CASE(test_request_for_other_is_ignored),
	KT_CASE(test_malformed_packets_dropped),
	KT_CASE(test_queue_while_resolving_then_flush),
	KT_CASE(test_retries_then_give_up),
	KT_CASE(test_aging),
	KT_CASE(test_reply_refreshes_only_known_entries),
	KT_CASE(test_gratuitous_on_address_change),
	KT_CASE(test_probe_conflict),
	KT_CASE(test_link_down_flushes),
};

int main(void)
{
	return KT_RUN("arp", cases, tu_teardown);
}
