/*
 * MCTP serial binding, DSP0253 1.0 §7 (frame format) and §7.3 (escaping).
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      1    framing flag 0x7E
 *   1      1    serial protocol revision 0x01
 *   2      1    byte_count: MCTP packet length before escaping
 *   3      n'   MCTP packet; 7E sent as 7D 5E, 7D sent as 7D 5D
 *   3+n'   2    FCS: CRC-16/MCRF4XX (init 0xFFFF) over revision, byte_count and
 *               the unescaped packet, most significant byte first, not escaped
 *   5+n'   1    framing flag 0x7E
 *
 * The deframer is a byte-at-a-time state machine that stores the unescaped
 * packet and computes the FCS once the frame is complete (one tight loop
 * over the buffer is cheaper than a table step per byte interleaved with
 * the state machine). Its rules:
 *  - a 7E anywhere inside a frame aborts it (counted) and starts a new one;
 *  - the closing flag also counts as the opening flag of the next frame,
 *    and repeated flags between frames are idle fill;
 *  - the frame length comes from byte_count: after byte_count packet bytes
 *    come two FCS bytes and then the flag must follow, else the frame is
 *    discarded as a byte_count mismatch;
 *  - the two FCS bytes are taken raw (DSP0253 does not escape them), so a
 *    7E inside the FCS is data, not a flag;
 *  - byte_count beyond MTU + 4 is rejected at once (no buffering of junk).
 */
#include <stdbool.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/crc.h>
#include <kestrel/mctp/serial.h>

enum {
	SER_IDLE,  /* waiting for a flag */
	SER_REV,   /* after a flag: revision (or more flags) */
	SER_COUNT, /* byte_count */
	SER_BODY,  /* packet bytes */
	SER_ESC,   /* after 7D inside the packet */
	SER_FCS1,
	SER_FCS2,
	SER_END, /* closing flag */
};

int mctp_serial_rx_init(struct mctp_serial_rx *rx, unsigned mtu)
{
	if (mtu < MCTP_BTU || mtu > MCTP_SERIAL_MAX_PKT - MCTP_HDR_SIZE) {
		return -EINVAL;
	}
	memset(rx, 0, sizeof(*rx));
	rx->state = SER_IDLE;
	rx->max_pkt = (uint8_t)(mtu + MCTP_HDR_SIZE);
	return 0;
}

/* The FCS of a frame: CRC-16/MCRF4XX over [revision, byte_count, packet]. */
static uint16_t serial_fcs(uint8_t count, const uint8_t *pkt, size_t len)
{
	uint16_t c = crc16_mcrf4xx_byte(CRC16_MCRF4XX_INIT, MCTP_SERIAL_REVISION);

	return crc16_mcrf4xx(crc16_mcrf4xx_byte(c, count), pkt, len);
}

/* Frame complete: check the FCS over [rev, count, packet]. */
static int rx_finish(struct mctp_serial_rx *rx)
{
	uint16_t fcs = serial_fcs(rx->count, rx->buf, rx->len);
	if (fcs != rx->fcs_rx) {
		rx->stats.bad_fcs++;
		return -EBADMSG;
	}
	rx->stats.frames++;
	return rx->len;
}

/* A flag arrived: abort whatever frame was open and expect a revision next. */
static int rx_flag(struct mctp_serial_rx *rx)
{
	int rc = 0;

	switch (rx->state) {
	case SER_COUNT:
	case SER_BODY:
		rx->stats.count_short++;
		rc = -EBADMSG;
		break;
	case SER_ESC:
		rx->stats.esc_at_end++;
		rc = -EBADMSG;
		break;
	case SER_END:
		rc = rx_finish(rx);
		break;
	default:
		break;
	}
	rx->state = SER_REV;
	return rc;
}

static int rx_store(struct mctp_serial_rx *rx, uint8_t b)
{
	rx->buf[rx->len++] = b;
	rx->state = rx->len == rx->count ? SER_FCS1 : SER_BODY;
	return 0;
}

static inline int rx_step(struct mctp_serial_rx *rx, uint8_t b)
{
	/* the FCS is sent unescaped: take it raw, even if it looks like a flag */
	if (rx->state == SER_FCS1) {
		rx->fcs_rx = (uint16_t)(b << 8);
		rx->state = SER_FCS2;
		return 0;
	}
	if (rx->state == SER_FCS2) {
		rx->fcs_rx |= b;
		rx->state = SER_END;
		return 0;
	}
	if (b == MCTP_SERIAL_FLAG) {
		return rx_flag(rx);
	}
	switch (rx->state) {
	case SER_BODY:
		if (b == MCTP_SERIAL_ESC) {
			rx->state = SER_ESC;
			return 0;
		}
		return rx_store(rx, b);
	case SER_ESC:
		if (b != (MCTP_SERIAL_FLAG ^ MCTP_SERIAL_ESC_XOR) &&
		    b != (MCTP_SERIAL_ESC ^ MCTP_SERIAL_ESC_XOR)) {
			rx->stats.bad_escape++;
			rx->state = SER_IDLE;
			return -EBADMSG;
		}
		return rx_store(rx, b ^ MCTP_SERIAL_ESC_XOR);
	case SER_REV:
		if (b != MCTP_SERIAL_REVISION) {
			rx->stats.bad_rev++;
			rx->state = SER_IDLE;
			return -EBADMSG;
		}
		rx->state = SER_COUNT;
		return 0;
	case SER_COUNT:
		if (b > rx->max_pkt || b == 0) {
			rx->stats.overlong += b != 0;
			rx->stats.count_short += b == 0;
			rx->state = SER_IDLE;
			return b ? -EMSGSIZE : -EBADMSG;
		}
		rx->count = b;
		rx->len = 0;
		rx->state = SER_BODY;
		return 0;
	case SER_END:
		rx->stats.count_long++;
		rx->state = SER_IDLE;
		return -EBADMSG;
	default:
		rx->stats.noise++;
		return 0;
	}
}

int mctp_serial_rx_byte(struct mctp_serial_rx *rx, uint8_t b)
{
	return rx_step(rx, b);
}

/*
 * True if any byte of the word is 7C..7F: XOR with 7C maps exactly those
 * to 0..3, and "has a byte below 4" is the classic has-zero-byte test with
 * 4 instead of 1. 7C and 7F are false positives; the bytewise loop sorts
 * them out.
 */
static inline bool word_maybe_special(uint32_t w)
{
	uint32_t x = w ^ 0x7C7C7C7Cu;

	return ((x - 0x04040404u) & ~x & 0x80808080u) != 0;
}

/*
 * Copies a run of plain packet bytes; returns how many input bytes it
 * consumed. Four bytes at a time while none of them is 7E or 7D (the
 * word test below).
 */
static size_t rx_body_run(struct mctp_serial_rx *rx, const uint8_t *p, const uint8_t *end)
{
	const uint8_t *start = p;
	uint8_t *dst = rx->buf + rx->len;
	uint8_t *stop = rx->buf + rx->count;

	if ((size_t)(end - p) > (size_t)(stop - dst)) {
		end = p + (stop - dst);
	}
	while (end - p >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		if (word_maybe_special(w)) {
			break;
		}
		memcpy(dst, &w, 4);
		dst += 4;
		p += 4;
	}
	while (p < end && *p != MCTP_SERIAL_FLAG && *p != MCTP_SERIAL_ESC) {
		*dst++ = *p++;
	}
	rx->len = (uint8_t)(dst - rx->buf);
	if (dst == stop) {
		rx->state = SER_FCS1;
	}
	return (size_t)(p - start);
}

int mctp_serial_rx_feed(struct mctp_serial_rx *rx, const uint8_t *data, size_t len,
			mctp_serial_pkt_fn fn, void *arg)
{
	const uint8_t *end = data + len;
	int n = 0;

	while (data < end) {
		int rc;

		/* fast path: a run of plain packet bytes */
		if (rx->state == SER_BODY) {
			size_t k = rx_body_run(rx, data, end);

			data += k;
			if (k != 0) {
				continue;
			}
		}
		rc = rx_step(rx, *data++);
		if (rc > 0) {
			fn(arg, rx->buf, (size_t)rc);
			n++;
		}
	}
	return n;
}

int mctp_serial_frame(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	uint16_t fcs;
	size_t o = 0;

	if (len == 0 || len > MCTP_SERIAL_MAX_PKT || cap < len + MCTP_SERIAL_OVERHEAD) {
		return -EMSGSIZE;
	}
	fcs = serial_fcs((uint8_t)len, pkt, len);
	out[o++] = MCTP_SERIAL_FLAG;
	out[o++] = MCTP_SERIAL_REVISION;
	out[o++] = (uint8_t)len;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = pkt[i];

		if (o + 2 + 3 > cap) {
			return -EMSGSIZE;
		}
		if (b == MCTP_SERIAL_FLAG || b == MCTP_SERIAL_ESC) {
			out[o++] = MCTP_SERIAL_ESC;
			b ^= MCTP_SERIAL_ESC_XOR;
		}
		out[o++] = b;
	}
	if (o + 3 > cap) {
		return -EMSGSIZE;
	}
	out[o++] = (uint8_t)(fcs >> 8);
	out[o++] = (uint8_t)fcs;
	out[o++] = MCTP_SERIAL_FLAG;
	return (int)o;
}
