/*
 * MCTP over USB, DSP0283 1.0 §6: packet framing inside bulk transfers.
 *
 * Every MCTP packet inside a transfer carries a 4-byte header:
 *   OFFSET SIZE DESCRIPTION
 *   0      2    DMTF ID 0x1AB4, big-endian
 *   2      1    reserved, 0
 *   3      1    length of this header plus the MCTP packet (5..255)
 *   4      n    MCTP packet (transport header first), n = length - 4
 * A transfer (up to 512 bytes at high speed) may hold several packets back
 * to back. Nothing marks where a packet starts other than the previous
 * length, so the first malformed header ends parsing of the transfer.
 */
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/mctp/usb.h>

int mctp_usb_rx_xfer(struct mctp_usb_stats *st, const uint8_t *xfer, size_t len, mctp_usb_pkt_fn fn,
		     void *arg)
{
	struct rd_cursor c = rd_init(xfer, len);
	int n = 0;

	st->xfers++;
	if (len > MCTP_USB_XFER_SIZE) {
		st->oversize++;
		return -EMSGSIZE;
	}
	/* each iteration consumes >= 5 bytes, so at most 102 iterations */
	while (rd_left(&c) > 0) {
		uint16_t id;
		uint8_t rsvd, plen;
		const uint8_t *pkt;

		if (!rd_has(&c, MCTP_USB_HDR_SIZE)) {
			st->trunc++;
			return -EBADMSG;
		}
		id = rd_be16(&c);
		rsvd = rd_u8(&c);
		plen = rd_u8(&c);
		if (id != MCTP_USB_DMTF_ID || rsvd != 0) {
			st->bad_id++;
			return -EBADMSG;
		}
		if (plen < MCTP_USB_HDR_SIZE + MCTP_HDR_SIZE + 1) {
			st->bad_len++;
			return -EBADMSG;
		}
		pkt = rd_bytes(&c, plen - MCTP_USB_HDR_SIZE);
		if (pkt == NULL) {
			st->trunc++;
			return -EBADMSG;
		}
		st->pkts++;
		n++;
		fn(arg, pkt, (size_t)plen - MCTP_USB_HDR_SIZE);
	}
	return n;
}

int mctp_usb_tx_init(struct mctp_usb_tx *tx, uint16_t cap)
{
	if (cap == 0 || cap > MCTP_USB_XFER_SIZE) {
		return -EINVAL;
	}
	tx->cap = cap;
	tx->len = 0;
	return 0;
}

void mctp_usb_tx_reset(struct mctp_usb_tx *tx)
{
	tx->len = 0;
}

int mctp_usb_tx_add(struct mctp_usb_tx *tx, const uint8_t *pkt, size_t len)
{
	size_t need = len + MCTP_USB_HDR_SIZE;
	struct wr_cursor w;

	if (len <= MCTP_HDR_SIZE || len > MCTP_USB_MAX_PKT || need > tx->cap) {
		return -EMSGSIZE;
	}
	if (need > (size_t)(tx->cap - tx->len)) {
		return -EBUSY;
	}
	w = wr_init(tx->buf + tx->len, (size_t)(tx->cap - tx->len));
	wr_be16(&w, MCTP_USB_DMTF_ID);
	wr_u8(&w, 0);
	wr_u8(&w, (uint8_t)need);
	wr_bytes(&w, pkt, len);
	tx->len = (uint16_t)(tx->len + w.len);
	return 0;
}
