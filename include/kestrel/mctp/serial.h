/*
 * MCTP serial binding (DSP0253 1.0): incremental deframer and framer.
 *
 * The deframer is fed received bytes one at a time (or in chunks) and
 * yields whole MCTP packets (transport header first). It resynchronises
 * on every 0x7E flag; "7E 7E" is end-of-frame followed by start-of-frame.
 * Every discarded frame is counted by reason.
 *
 *   struct mctp_serial_rx rx;
 *   mctp_serial_rx_init(&rx, 64);
 *   for each byte b:
 *     int n = mctp_serial_rx_byte(&rx, b);
 *     if (n > 0) mctp_rx_packet(ep, link, rx.buf, n, now_ms);
 */
#ifndef KESTREL_MCTP_SERIAL_H
#define KESTREL_MCTP_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#include <kestrel/wire/mctp.h>

struct mctp_serial_stats {
	uint32_t frames;      /* good frames delivered */
	uint32_t bad_rev;     /* revision byte != 0x01 */
	uint32_t bad_fcs;     /* FCS mismatch */
	uint32_t bad_escape;  /* 7D followed by other than 5E/5D */
	uint32_t esc_at_end;  /* 7D followed by the 7E flag */
	uint32_t overlong;    /* byte_count beyond the MTU */
	uint32_t count_short; /* flag before byte_count packet bytes + FCS arrived */
	uint32_t count_long;  /* no closing flag right after the FCS */
	uint32_t noise;	      /* bytes outside a frame (not counting flags) */
};

struct mctp_serial_rx {
	uint8_t state;
	uint8_t count;	 /* byte_count from the header */
	uint8_t len;	 /* unescaped packet bytes stored */
	uint8_t max_pkt; /* MTU + 4 */
	uint16_t fcs_rx;
	struct mctp_serial_stats stats;
	uint8_t buf[MCTP_SERIAL_MAX_PKT];
};

/* Largest frame the framer writes for a packet of n bytes. */
#define MCTP_SERIAL_FRAME_MAX(n) (2 * (n) + MCTP_SERIAL_OVERHEAD)

/*
 * Resets the deframer; mtu = largest packet payload accepted, 64..251
 * (byte_count = mtu + 4 <= 255). @retval -EINVAL mtu out of range.
 */
int mctp_serial_rx_init(struct mctp_serial_rx *rx, unsigned mtu);

/*
 * Feeds one byte. @retval n > 0 a packet of n bytes is in rx->buf (valid
 * until the next call) @retval 0 need more bytes @retval -EBADMSG frame
 * discarded (bad FCS, escape, revision, byte_count mismatch)
 * @retval -EMSGSIZE frame discarded: byte_count beyond the MTU.
 */
int mctp_serial_rx_byte(struct mctp_serial_rx *rx, uint8_t b);

/* Callback for mctp_serial_rx_feed(): one packet, valid during the call. */
typedef void (*mctp_serial_pkt_fn)(void *arg, const uint8_t *pkt, size_t len);

/* Feeds a chunk; calls `fn` for every packet completed. Returns packets delivered. */
int mctp_serial_rx_feed(struct mctp_serial_rx *rx, const uint8_t *data, size_t len,
			mctp_serial_pkt_fn fn, void *arg);

/*
 * Frames one MCTP packet (1..255 bytes) into `out`.
 * @retval frame length @retval -EMSGSIZE packet empty/too long or out too small.
 */
int mctp_serial_frame(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

#endif /* KESTREL_MCTP_SERIAL_H */
