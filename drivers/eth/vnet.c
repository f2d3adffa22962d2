/*
 * virtio-net header build/check for the TAP driver's offloads (see
 * kestrel/drivers/eth_vnet.h for the layout).
 *
 * Design. The stack marks what it wants from the link on the pbuf
 * (PBUF_F_CSUM_PARTIAL, gso_size) and never spells out offsets; the
 * offsets the kernel needs come from the frame's own headers, read here
 * through a bounded cursor: Ethernet II with EtherType IPv4, the IPv4 IHL
 * and protocol, the TCP data offset. Anything else marked is a stack bug
 * and refused (-EINVAL) rather than handed to the kernel with made-up
 * offsets.
 *
 * On receive the kernel is trusted for what it says about checksums (the
 * data never crossed a wire), but the offsets it gives are still checked
 * against the frame before anyone writes through them. NEEDS_CSUM on IPv4
 * TCP/UDP at the standard offsets means the transport checksum field holds
 * only the pseudo-header sum: the stack gets PBUF_F_CSUM_OK and never
 * looks at it. Any other NEEDS_CSUM is completed here in software, as a
 * NIC would, so the stack sees a correct checksum.
 */
#include <kestrel/drivers/eth_vnet.h>
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>

#define VNET_ETH_HLEN	  14
#define VNET_ETHERTYPE_IP 0x0800u
#define VNET_IP_MF_OFF	  0x3FFFu /* more-fragments flag and fragment offset */
#define VNET_PROTO_TCP	  6
#define VNET_PROTO_UDP	  17
#define VNET_TCP_CSUM_OFF 16
#define VNET_UDP_CSUM_OFF 6
#define VNET_UDP_HLEN	  8

void eth_vnet_hdr_encode(const struct eth_vnet_hdr *h, uint8_t out[ETH_VNET_HDR_LEN])
{
	struct wr_cursor w = wr_init(out, ETH_VNET_HDR_LEN);

	wr_u8(&w, h->flags);
	wr_u8(&w, h->gso_type);
	wr_le16(&w, h->hdr_len);
	wr_le16(&w, h->gso_size);
	wr_le16(&w, h->csum_start);
	wr_le16(&w, h->csum_offset);
}

void eth_vnet_hdr_decode(const uint8_t in[ETH_VNET_HDR_LEN], struct eth_vnet_hdr *h)
{
	struct rd_cursor c = rd_init(in, ETH_VNET_HDR_LEN);

	h->flags = rd_u8(&c);
	h->gso_type = rd_u8(&c);
	h->hdr_len = rd_le16(&c);
	h->gso_size = rd_le16(&c);
	h->csum_start = rd_le16(&c);
	h->csum_offset = rd_le16(&c);
}

/* What the frame's headers say (l4 = 0: not an unfragmented IPv4 datagram). */
struct vnet_l3 {
	uint8_t proto;
	uint16_t l4;	 /* offset of the L4 header */
	uint16_t l4_end; /* offset after the TCP/UDP header, 0 if cut short */
};

static void vnet_parse(const uint8_t *head, size_t head_len, size_t frame_len, struct vnet_l3 *o)
{
	struct rd_cursor c = rd_init(head, head_len < frame_len ? head_len : frame_len);
	uint8_t vihl;
	uint16_t frag;
	size_t ihl, l4hlen;

	o->proto = 0;
	o->l4 = 0;
	o->l4_end = 0;
	rd_skip(&c, 12);
	if (rd_be16(&c) != VNET_ETHERTYPE_IP) {
		return;
	}
	vihl = rd_u8(&c);
	ihl = (size_t)(vihl & 0x0Fu) * 4u;
	rd_skip(&c, 5); /* TOS, total length, identification */
	frag = rd_be16(&c);
	rd_skip(&c, 1); /* TTL */
	o->proto = rd_u8(&c);
	if (!rd_ok(&c) || (vihl >> 4) != 4 || ihl < 20 || (frag & VNET_IP_MF_OFF) != 0 ||
	    !rd_skip(&c, ihl - 10)) {
		o->proto = 0;
		return;
	}
	o->l4 = (uint16_t)(VNET_ETH_HLEN + ihl);
	if (o->proto == VNET_PROTO_TCP) {
		rd_skip(&c, 12);
		l4hlen = (size_t)(rd_u8(&c) >> 4) * 4u;
		if (!rd_ok(&c) || l4hlen < 20 || !rd_has(&c, l4hlen - 13)) {
			return;
		}
	} else if (o->proto == VNET_PROTO_UDP) {
		l4hlen = VNET_UDP_HLEN;
		if (!rd_has(&c, l4hlen)) {
			return;
		}
	} else {
		return;
	}
	o->l4_end = (uint16_t)(o->l4 + l4hlen);
}

int eth_vnet_tx_hdr(const uint8_t *head, size_t head_len, size_t frame_len, uint16_t pbuf_flags,
		    uint16_t gso_size, struct eth_vnet_hdr *h)
{
	struct vnet_l3 l3;

	*h = (struct eth_vnet_hdr){0};
	if (!(pbuf_flags & PBUF_F_CSUM_PARTIAL)) {
		return gso_size != 0 ? -EINVAL : 0;
	}
	vnet_parse(head, head_len, frame_len, &l3);
	if (l3.l4_end == 0) {
		return -EINVAL;
	}
	if (l3.proto == VNET_PROTO_UDP && gso_size != 0) {
		return -EINVAL; /* UDP segmentation was not negotiated */
	}
	h->flags = ETH_VNET_F_NEEDS_CSUM;
	h->csum_start = l3.l4;
	h->csum_offset = l3.proto == VNET_PROTO_TCP ? VNET_TCP_CSUM_OFF : VNET_UDP_CSUM_OFF;
	h->hdr_len = l3.l4_end;
	if (gso_size != 0) {
		h->gso_type = ETH_VNET_GSO_TCPV4;
		h->gso_size = gso_size;
	}
	return 0;
}

int eth_vnet_rx_check(const struct eth_vnet_hdr *h, const uint8_t *head, size_t head_len,
		      size_t frame_len)
{
	struct vnet_l3 l3 = {0, 0, 0};
	uint8_t gso = h->gso_type & (uint8_t)~ETH_VNET_GSO_ECN;
	bool std = false;

	if (gso != ETH_VNET_GSO_NONE || (h->flags & ETH_VNET_F_NEEDS_CSUM)) {
		vnet_parse(head, head_len, frame_len, &l3);
	}
	if (gso != ETH_VNET_GSO_NONE &&
	    (gso != ETH_VNET_GSO_TCPV4 || l3.l4_end == 0 || l3.proto != VNET_PROTO_TCP)) {
		return -EBADMSG;
	}
	if (h->flags & ETH_VNET_F_NEEDS_CSUM) {
		if ((size_t)h->csum_start + h->csum_offset + 2u > frame_len) {
			return -EBADMSG;
		}
		std = l3.l4_end != 0 && h->csum_start == l3.l4 &&
		      h->csum_offset ==
			      (l3.proto == VNET_PROTO_TCP ? VNET_TCP_CSUM_OFF : VNET_UDP_CSUM_OFF);
		return std ? ETH_VNET_RX_CSUM_OK : ETH_VNET_RX_CSUM_FILL;
	}
	return (h->flags & ETH_VNET_F_DATA_VALID) ? ETH_VNET_RX_CSUM_OK : ETH_VNET_RX_PLAIN;
}

int eth_vnet_csum_fill(struct pbuf *p, uint16_t csum_start, uint16_t csum_offset)
{
	struct inet_csum c;
	uint32_t field = (uint32_t)csum_start + csum_offset;
	uint16_t skip = csum_start, left = p->tot_len;
	uint8_t be[2];

	if (field + 2u > p->tot_len) {
		return -EBADMSG;
	}
	inet_csum_init(&c);
	for (const struct pbuf *q = p; q != NULL && left > 0; q = q->next) {
		uint16_t n = q->len < left ? q->len : left;

		left = (uint16_t)(left - n);
		if (skip >= n) {
			skip = (uint16_t)(skip - n);
			continue;
		}
		inet_csum_update(&c, q->payload + skip, (size_t)(n - skip));
		skip = 0;
	}
	put_be16(be, inet_csum_final(&c));
	return pbuf_copy_in(p, (uint16_t)field, be, 2);
}
