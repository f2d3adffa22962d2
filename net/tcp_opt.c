/*
 * TCP header and option parsing and writing, and the segment checksum.
 *
 * Header (RFC 9293 §3.1):
 *
 * OFFSET  SIZE  DESCRIPTION
 *      0     2  source port
 *      2     2  destination port
 *      4     4  sequence number
 *      8     4  acknowledgment number
 *     12     1  data offset << 4 (header length in 32-bit words, >= 5)
 *     13     1  flags (CWR ECE URG ACK PSH RST SYN FIN)
 *     14     2  window
 *     16     2  checksum (RFC 9293 §3.1: pseudo-header src, dst, 0, 6, TCP length)
 *     18     2  urgent pointer
 *     20   0-40 options
 *
 * Options (RFC 9293 §3.2, RFC 7323 §2.2/§3.2): kind 0 ends the list, kind 1
 * is one byte of padding; every other kind has a length byte that counts
 * the kind and length bytes. A length below 2, a length that runs past the
 * option space, or a wrong length for MSS (4), window scale (3), SACK
 * permitted (2) or timestamps (10) makes the whole segment malformed
 * (RFC 9293 §3.1 asks hosts to survive illegal lengths; we drop the
 * segment rather than guess). Unknown kinds with a sane length are skipped.
 * Every read goes through a bounded cursor.
 */
#include "tcp_internal.h"

#include <kestrel/lib/inet_csum.h>

static int tcp_opt_one(struct rd_cursor *c, uint8_t kind, struct tcp_opts *o)
{
	uint8_t olen;
	struct rd_cursor v;

	if (!rd_has(c, 1)) {
		return -EBADMSG; /* kind without a length byte */
	}
	olen = rd_u8(c);
	if (olen < 2) {
		return -EBADMSG;
	}
	v = rd_sub(c, (size_t)olen - 2u);
	if (!rd_ok(&v)) {
		return -EBADMSG; /* runs past the option space */
	}
	switch (kind) {
	case TCP_OPT_MSS:
		if (olen != TCP_OPTLEN_MSS) {
			return -EBADMSG;
		}
		o->mss = rd_be16(&v);
		o->present |= TCP_O_MSS;
		break;
	case TCP_OPT_WS:
		if (olen != TCP_OPTLEN_WS) {
			return -EBADMSG;
		}
		o->wscale = rd_u8(&v);
		if (o->wscale > TCP_MAX_WSCALE) {
			o->wscale = TCP_MAX_WSCALE; /* RFC 7323 §2.3 */
		}
		o->present |= TCP_O_WS;
		break;
	case TCP_OPT_SACK_OK:
		if (olen != TCP_OPTLEN_SACK_OK) {
			return -EBADMSG;
		}
		o->present |= TCP_O_SACK;
		break;
	case TCP_OPT_TS:
		if (olen != TCP_OPTLEN_TS) {
			return -EBADMSG;
		}
		o->tsval = rd_be32(&v);
		o->tsecr = rd_be32(&v);
		o->present |= TCP_O_TS;
		break;
	default:
		break; /* unknown: skipped by length */
	}
	return 0;
}

/*
 * Parses len bytes of options into o (zeroed first).
 * @retval 0 parsed
 * @retval -EBADMSG malformed (o holds what came before the fault)
 */
int tcp_opt_parse(const uint8_t *p, size_t len, struct tcp_opts *o)
{
	struct rd_cursor c = rd_init(p, len);
	int err;

	memset(o, 0, sizeof(*o));
	if (len > TCP_OPT_MAX_LEN) {
		return -EBADMSG;
	}
	/* Each pass consumes >= 1 byte, so at most 40 passes. */
	while (rd_left(&c) > 0) {
		uint8_t kind = rd_u8(&c);

		if (kind == TCP_OPT_EOL) {
			break;
		}
		if (kind == TCP_OPT_NOP) {
			continue;
		}
		err = tcp_opt_one(&c, kind, o);
		if (err < 0) {
			return err;
		}
	}
	return 0;
}

/*
 * Parses a segment's header and options; seg->data/len describe the payload.
 * Addresses are left for the caller.
 * @retval -EBADMSG too short, bad data offset or malformed options
 */
int tcp_hdr_parse(const uint8_t *p, size_t len, struct tcp_seg *seg)
{
	struct rd_cursor c = rd_init(p, len);
	size_t hlen;
	uint8_t doff;

	seg->sport = rd_be16(&c);
	seg->dport = rd_be16(&c);
	seg->seq = rd_be32(&c);
	seg->ack = rd_be32(&c);
	doff = rd_u8(&c);
	seg->flags = rd_u8(&c);
	seg->wnd = rd_be16(&c);
	(void)rd_be16(&c); /* checksum, verified by the caller */
	(void)rd_be16(&c); /* urgent pointer: urgent data is delivered inline */
	if (!rd_ok(&c)) {
		return -EBADMSG;
	}
	hlen = (size_t)(doff >> 4) * 4u;
	if (hlen < TCP_HDR_LEN || hlen > len) {
		return -EBADMSG;
	}
	if (tcp_opt_parse(p + TCP_HDR_LEN, hlen - TCP_HDR_LEN, &seg->opt) < 0) {
		return -EBADMSG;
	}
	seg->data = p + hlen;
	seg->len = len - hlen;
	return 0;
}

/* Ones' complement sum over the pseudo-header and segment (RFC 9293 §3.1). */
uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	struct inet_csum c;

	inet_csum_init(&c);
	inet_csum_pseudo(&c, src, dst, IP_PROTO_TCP, (uint16_t)len);
	inet_csum_update(&c, seg, len);
	return inet_csum_final(&c);
}

#if CONFIG_TCP_OFFLOAD
/*
 * The checksum field of a segment whose checksum the link completes
 * (NETIF_CAP_TX_CSUM): the pseudo-header sum, folded and not complemented,
 * so that summing the segment over it yields the real checksum.
 */
uint16_t tcp_checksum_partial(uint32_t src, uint32_t dst, size_t len)
{
	struct inet_csum c;

	inet_csum_init(&c);
	inet_csum_pseudo(&c, src, dst, IP_PROTO_TCP, (uint16_t)len);
	return (uint16_t)~inet_csum_final(&c);
}
#endif

/*
 * Writes the options in o (MSS, window scale, timestamps) padded with NOPs
 * to 32-bit words. Returns the bytes written, 0 if cap is too small.
 */
size_t tcp_opt_write(uint8_t *p, size_t cap, const struct tcp_opts *o)
{
	struct wr_cursor c = wr_init(p, cap);

	if (o->present & TCP_O_MSS) {
		wr_u8(&c, TCP_OPT_MSS);
		wr_u8(&c, TCP_OPTLEN_MSS);
		wr_be16(&c, o->mss);
	}
	if (o->present & TCP_O_WS) {
		wr_u8(&c, TCP_OPT_NOP);
		wr_u8(&c, TCP_OPT_WS);
		wr_u8(&c, TCP_OPTLEN_WS);
		wr_u8(&c, o->wscale);
	}
	if (o->present & TCP_O_TS) {
		wr_u8(&c, TCP_OPT_NOP);
		wr_u8(&c, TCP_OPT_NOP);
		wr_u8(&c, TCP_OPT_TS);
		wr_u8(&c, TCP_OPTLEN_TS);
		wr_be32(&c, o->tsval);
		wr_be32(&c, o->tsecr);
	}
	return wr_ok(&c) ? c.len : 0;
}
