/*
 * SNTP client (RFC 4330, packet per RFC 5905 §7.3): a 48-byte codec, clock
 * offset and round-trip delay, kiss-o'-death handling, and a client that
 * polls one server no more often than every 15 s.
 *
 * Timestamps are NTP 64-bit fixed point: seconds since 1900 in the high 32
 * bits, fraction in the low 32.
 */
#ifndef KESTREL_NET_SNTP_H
#define KESTREL_NET_SNTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_stack;
struct udp_pcb;

#define SNTP_UNIX_OFFSET 2208988800u /* seconds from 1900 to 1970 */

struct sntp_pkt {
	uint8_t li, vn, mode, stratum;
	int8_t poll, precision;
	uint32_t root_delay, root_disp, refid;
	uint64_t ref_ts, orig_ts, rx_ts, tx_ts;
};

/* @retval -EBADMSG shorter than 48 bytes */
int sntp_parse(const void *buf, size_t len, struct sntp_pkt *out);

/* Builds a client request (0x23: VN 4, mode 3) with transmit time tx_ts; returns 48. */
int sntp_build_request(void *buf, size_t cap, uint64_t tx_ts);

/*
 * Checks a reply to the request sent with tx_ts.
 * @retval -EPROTO not a server reply, originate mismatch, zero transmit time,
 *         or the server is unsynchronised (LI 3)
 * @retval -ECONNREFUSED kiss-o'-death (stratum 0); refid holds the code
 */
int sntp_check_reply(const struct sntp_pkt *p, uint64_t tx_ts);

/*
 * Offset and delay (RFC 4330 §5) in microseconds from the four timestamps:
 * t1 request sent, t2 request received, t3 reply sent, t4 reply received.
 */
void sntp_offset_delay(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4, int64_t *offset_us,
		       int64_t *delay_us);

uint64_t sntp_from_unix_ms(uint64_t unix_ms);
uint64_t sntp_to_unix_ms(uint64_t ntp);

/* Result callback: status 0 with the Unix time (ms) at now_ms, or an error. */
struct sntp_result {
	int status; /* 0, -EAGAIN no reply, -ECONNREFUSED server said DENY/RSTR */
	uint64_t unix_ms;
	int64_t offset_us, delay_us;
	uint8_t stratum;
};

typedef void (*sntp_cb)(void *ctx, const struct sntp_result *r);

struct sntp_state {
	bool running, waiting;
	uint32_t server;
	uint32_t poll_ms; /* current interval (doubles on RATE) */
	uint32_t next_ms; /* next request / timeout */
	uint64_t sent_ts; /* transmit timestamp of the outstanding request */
	int64_t base_ms;  /* Unix ms at now_ms == 0 (learned) */
	bool synced;
	sntp_cb cb;
	void *ctx;
	struct udp_pcb *pcb;
};

/*
 * Starts polling server every poll_ms (at least CONFIG_NET_SNTP_MIN_POLL_MS).
 * @retval -ENOMEM no UDP PCB
 */
int sntp_start(struct net_stack *st, uint32_t server, uint32_t poll_ms, sntp_cb cb, void *ctx);
void sntp_stop(struct net_stack *st);

/* Unix time in ms at now_ms per the last sync; returns false if never synced. */
bool sntp_now(const struct net_stack *st, uint32_t now_ms, uint64_t *unix_ms);

#endif /* KESTREL_NET_SNTP_H */
