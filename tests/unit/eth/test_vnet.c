/*
 * virtio-net header helpers of the TAP offloads (kestrel/drivers/eth_vnet.h):
 * wire encoding, TX headers built from frames the stack marked (TCP/UDP
 * checksum offsets, TSO header length, refusals), RX header checks
 * (trusted checksums, software completion, malformed offsets, GSO types)
 * and checksum completion across a pbuf chain.
 */
#include <kestrel/drivers/eth_vnet.h>
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>

#include "ktest.h"

KT_MAIN_STATE;

static struct pbuf_pool pool;

/* Frame shapes the tables use. */
enum shape {
	TCP,	   /* Ethernet + IPv4 (IHL 5) + TCP (data offset 5) + 100 bytes */
	TCP_OPTS,  /* IPv4 IHL 6 + TCP data offset 8 */
	UDP,	   /* IPv4 + UDP + 100 bytes */
	ICMP,	   /* IPv4 + ICMP echo */
	ARP,	   /* EtherType 0x0806 */
	VLAN,	   /* 802.1Q tag in front of IPv4 TCP */
	FRAG,	   /* IPv4 TCP with more-fragments set */
	IPV6_VER,  /* version nibble 6 */
	IHL4,	   /* IHL below 5 */
	TCP_DOFF4, /* TCP data offset below 5 */
};

/* Builds a frame of the given shape into f; returns its length. */
static size_t build(enum shape s, uint8_t *f, size_t cap)
{
	size_t ihl = s == TCP_OPTS ? 24 : 20, l4 = 14 + ihl, data, len;
	uint8_t proto = s == UDP ? 17 : s == ICMP ? 1 : 6;

	memset(f, 0, cap);
	memset(f, 0x02, 12);
	put_be16(f + 12, s == ARP ? 0x0806 : 0x0800);
	f[14] = (uint8_t)(0x40 | (ihl / 4));
	f[23] = proto;
	put_be32(f + 26, 0x0a4d0002); /* 10.77.0.2 -> 10.77.0.1 */
	put_be32(f + 30, 0x0a4d0001);
	if (proto == 6) {
		size_t doff = s == TCP_OPTS ? 32 : 20;

		f[l4 + 12] = (uint8_t)((doff / 4) << 4);
		data = l4 + doff;
		len = data + 100;
	} else if (proto == 17) {
		put_be16(f + l4 + 4, 108);
		data = l4 + 8;
		len = data + 100;
	} else {
		f[l4] = 8; /* echo request */
		data = l4 + 8;
		len = data + 56;
	}
	for (size_t i = data; i < len; i++) {
		f[i] = (uint8_t)(i * 7);
	}
	put_be16(f + 16, (uint16_t)(len - 14));
	switch (s) {
	case VLAN:
		put_be16(f + 12, 0x8100);
		break;
	case FRAG:
		put_be16(f + 20, 0x2000);
		break;
	case IPV6_VER:
		f[14] = 0x65;
		break;
	case IHL4:
		f[14] = 0x44;
		break;
	case TCP_DOFF4:
		f[l4 + 12] = 0x40;
		break;
	default:
		break;
	}
	return len;
}

static void test_encode_decode(void)
{
	static const uint8_t wire[ETH_VNET_HDR_LEN] = {0x01, 0x01, 54, 0, 0xb4, 0x05, 34, 0, 16, 0};
	struct eth_vnet_hdr h = {ETH_VNET_F_NEEDS_CSUM, ETH_VNET_GSO_TCPV4, 54, 1460, 34, 16};
	struct eth_vnet_hdr d;
	uint8_t out[ETH_VNET_HDR_LEN];

	eth_vnet_hdr_encode(&h, out);
	KT_MEMEQ(out, wire, sizeof(wire)); /* little-endian 16-bit fields */
	eth_vnet_hdr_decode(wire, &d);
	KT_EQ(d.flags, 1);
	KT_EQ(d.gso_type, 1);
	KT_EQ(d.hdr_len, 54);
	KT_EQ(d.gso_size, 1460);
	KT_EQ(d.csum_start, 34);
	KT_EQ(d.csum_offset, 16);
}

struct tx_row {
	const char *name;
	enum shape shape;
	uint16_t flags, gso_size;
	size_t head_len; /* 0: ETH_VNET_PEEK */
	int rc;
	struct eth_vnet_hdr want;
};

static const struct tx_row tx_rows[] = {
	{"unmarked", TCP, 0, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
	{"unmarked ARP", ARP, 0, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
	{"TCP checksum", TCP, PBUF_F_CSUM_PARTIAL, 0, 0, 0, {1, 0, 54, 0, 34, 16}},
	{"TCP options, IP options", TCP_OPTS, PBUF_F_CSUM_PARTIAL, 0, 0, 0, {1, 0, 70, 0, 38, 16}},
	{"UDP checksum", UDP, PBUF_F_CSUM_PARTIAL, 0, 0, 0, {1, 0, 42, 0, 34, 6}},
	{"TCP TSO", TCP, PBUF_F_CSUM_PARTIAL, 1460, 0, 0, {1, 1, 54, 1460, 34, 16}},
	{"TSO, options", TCP_OPTS, PBUF_F_CSUM_PARTIAL, 1448, 0, 0, {1, 1, 70, 1448, 38, 16}},
	{"TSO without checksum offload", TCP, 0, 1460, 0, -EINVAL, {0}},
	{"UDP with gso_size", UDP, PBUF_F_CSUM_PARTIAL, 1460, 0, -EINVAL, {0}},
	{"ICMP marked", ICMP, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"ARP marked", ARP, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"802.1Q tagged", VLAN, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"IP fragment", FRAG, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"IP version 6", IPV6_VER, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"IHL 4", IHL4, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"TCP data offset 4", TCP_DOFF4, PBUF_F_CSUM_PARTIAL, 0, 0, -EINVAL, {0}},
	{"TCP header cut short", TCP, PBUF_F_CSUM_PARTIAL, 0, 45, -EINVAL, {0}},
	{"IP header cut short", TCP, PBUF_F_CSUM_PARTIAL, 0, 30, -EINVAL, {0}},
	{"TCP options cut short", TCP_OPTS, PBUF_F_CSUM_PARTIAL, 0, 60, -EINVAL, {0}},
};

static void test_tx_hdr(void)
{
	uint8_t f[256];

	for (size_t i = 0; i < sizeof(tx_rows) / sizeof(tx_rows[0]); i++) {
		const struct tx_row *r = &tx_rows[i];
		size_t len = build(r->shape, f, sizeof(f));
		size_t head = r->head_len != 0 ? r->head_len : ETH_VNET_PEEK;
		struct eth_vnet_hdr h;

		KT_ROW(r->name);
		KT_EQ(eth_vnet_tx_hdr(f, head, len, r->flags, r->gso_size, &h), r->rc);
		if (r->rc == 0) {
			KT_EQ(h.flags, r->want.flags);
			KT_EQ(h.gso_type, r->want.gso_type);
			KT_EQ(h.hdr_len, r->want.hdr_len);
			KT_EQ(h.gso_size, r->want.gso_size);
			KT_EQ(h.csum_start, r->want.csum_start);
			KT_EQ(h.csum_offset, r->want.csum_offset);
		}
	}
}

struct rx_row {
	const char *name;
	enum shape shape;
	struct eth_vnet_hdr h;
	int rc;
};

static const struct rx_row rx_rows[] = {
	{"no flags", TCP, {0, 0, 0, 0, 0, 0}, ETH_VNET_RX_PLAIN},
	{"data valid", TCP, {ETH_VNET_F_DATA_VALID, 0, 0, 0, 0, 0}, ETH_VNET_RX_CSUM_OK},
	{"data valid, ICMP", ICMP, {ETH_VNET_F_DATA_VALID, 0, 0, 0, 0, 0}, ETH_VNET_RX_CSUM_OK},
	{"needs csum TCP", TCP, {1, 0, 54, 0, 34, 16}, ETH_VNET_RX_CSUM_OK},
	{"needs csum TCP, options", TCP_OPTS, {1, 0, 0, 0, 38, 16}, ETH_VNET_RX_CSUM_OK},
	{"needs csum UDP", UDP, {1, 0, 42, 0, 34, 6}, ETH_VNET_RX_CSUM_OK},
	{"needs csum TCP, odd offset", TCP, {1, 0, 0, 0, 34, 6}, ETH_VNET_RX_CSUM_FILL},
	{"needs csum TCP, odd start", TCP, {1, 0, 0, 0, 30, 16}, ETH_VNET_RX_CSUM_FILL},
	{"needs csum ICMP", ICMP, {1, 0, 0, 0, 34, 2}, ETH_VNET_RX_CSUM_FILL},
	{"needs csum fragment", FRAG, {1, 0, 0, 0, 34, 16}, ETH_VNET_RX_CSUM_FILL},
	{"field beyond frame", TCP, {1, 0, 0, 0, 152, 1}, -EBADMSG},
	{"field ends at frame end", TCP, {1, 0, 0, 0, 152, 0}, ETH_VNET_RX_CSUM_FILL},
	{"offsets overflow 16 bits", TCP, {1, 0, 0, 0, 0xffff, 0xffff}, -EBADMSG},
	{"GSO TCPv4", TCP, {1, ETH_VNET_GSO_TCPV4, 54, 1448, 34, 16}, ETH_VNET_RX_CSUM_OK},
	{"GSO TCPv4 + ECN", TCP, {1, 0x81, 54, 1448, 34, 16}, ETH_VNET_RX_CSUM_OK},
	{"GSO TCPv4, no csum flag",
	 TCP,
	 {0, ETH_VNET_GSO_TCPV4, 54, 1448, 0, 0},
	 ETH_VNET_RX_PLAIN},
	{"GSO UDP", UDP, {1, ETH_VNET_GSO_UDP, 42, 1400, 34, 6}, -EBADMSG},
	{"GSO TCPv6", TCP, {1, ETH_VNET_GSO_TCPV6, 54, 1448, 34, 16}, -EBADMSG},
	{"GSO type 7", TCP, {1, 7, 54, 1448, 34, 16}, -EBADMSG},
	{"GSO TCPv4 on UDP", UDP, {1, ETH_VNET_GSO_TCPV4, 42, 1400, 34, 6}, -EBADMSG},
	{"GSO TCPv4 on ARP", ARP, {0, ETH_VNET_GSO_TCPV4, 0, 1400, 0, 0}, -EBADMSG},
};

static void test_rx_check(void)
{
	uint8_t f[256];

	for (size_t i = 0; i < sizeof(rx_rows) / sizeof(rx_rows[0]); i++) {
		const struct rx_row *r = &rx_rows[i];
		size_t len = build(r->shape, f, sizeof(f));

		KT_ROW(r->name);
		KT_EQ(eth_vnet_rx_check(&r->h, f, len, len), r->rc);
	}
}

/* Ones' complement checksum of a TCP/UDP segment with its pseudo-header. */
static uint16_t l4_csum(const uint8_t *f, size_t len, uint8_t proto)
{
	struct inet_csum c;

	inet_csum_init(&c);
	inet_csum_pseudo(&c, get_be32(f + 26), get_be32(f + 30), proto, (uint16_t)(len - 34));
	inet_csum_update(&c, f + 34, len - 34);
	return inet_csum_final(&c);
}

/* The frame as a chain of two pbufs cut at `cut` (odd on purpose). */
static struct pbuf *chain(const uint8_t *f, size_t len, size_t cut)
{
	struct pbuf *p = pbuf_from(&pool, PBUF_RAW, f, (uint16_t)cut);
	struct pbuf *t = pbuf_from(&pool, PBUF_RAW, f + cut, (uint16_t)(len - cut));

	if (p == NULL || t == NULL || pbuf_cat(p, t) != 0) {
		pbuf_free(p);
		pbuf_free(t);
		return NULL;
	}
	return p;
}

/*
 * A NIC completing a partial checksum: the field holds the pseudo-header
 * sum (what the Linux kernel sends with NEEDS_CSUM); after the fill the
 * segment verifies.
 */
static void test_csum_fill(void)
{
	static const size_t cuts[] = {35, 41, 50, 77};
	uint8_t f[256], back[256];
	size_t len = build(UDP, f, sizeof(f));

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct inet_csum c;
		struct pbuf *p;

		put_be16(f + 40, 0);
		inet_csum_init(&c);
		inet_csum_pseudo(&c, get_be32(f + 26), get_be32(f + 30), 17, (uint16_t)(len - 34));
		put_be16(f + 40, (uint16_t)~inet_csum_final(&c)); /* partial: not complemented */
		p = chain(f, len, cuts[i]);
		KT_ASSERT(p != NULL);
		KT_EQ(eth_vnet_csum_fill(p, 34, 6), 0);
		KT_EQ(pbuf_copy_out(p, 0, back, (uint16_t)len), len);
		pbuf_free(p);
		KT_EQ(l4_csum(back, len, 17), 0);
		KT_MEMEQ(back, f, 40); /* nothing else touched */
		KT_MEMEQ(back + 42, f + 42, len - 42);
	}
}

static void test_csum_fill_bounds(void)
{
	uint8_t f[256];
	size_t len = build(TCP, f, sizeof(f));
	struct pbuf *p = chain(f, len, 60);

	KT_ASSERT(p != NULL);
	KT_EQ(eth_vnet_csum_fill(p, (uint16_t)(len - 1), 0), -EBADMSG);
	KT_EQ(eth_vnet_csum_fill(p, 34, (uint16_t)(len - 35)), -EBADMSG);
	KT_EQ(eth_vnet_csum_fill(p, 0xffff, 0xffff), -EBADMSG);
	KT_EQ(eth_vnet_csum_fill(p, (uint16_t)(len - 2), 0), 0); /* last two bytes */
	pbuf_free(p);
}

static void teardown(void)
{
	struct pbuf_stats s;

	pbuf_pool_stats(&pool, &s);
	if (s.used != 0) {
		KT_FAIL("pbuf leak: %u blocks still allocated", s.used);
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_encode_decode), KT_CASE(test_tx_hdr),	     KT_CASE(test_rx_check),
	KT_CASE(test_csum_fill),     KT_CASE(test_csum_fill_bounds),
};

int main(void)
{
	pbuf_pool_init(&pool);
	return KT_RUN("eth_vnet", cases, teardown);
}
