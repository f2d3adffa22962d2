/*
 * ICMP (RFC 792): echo replies, destination-unreachable errors (rate
 * limited, never about errors or broadcasts, RFC 1122 §3.2.2) and an
 * echo-request sender for `ping` that matches replies and measures RTT.
 */
#ifndef KESTREL_NET_ICMP_H
#define KESTREL_NET_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/config.h>
#include <kestrel/net/ip.h>
#include <kestrel/wire/icmp.h>

/*
 * Result of one ping: status 0 with rtt_ms, or -EAGAIN when no reply came
 * within the timeout. `len` is the payload bytes echoed back.
 */
struct ping_result {
	int status;
	uint32_t from;
	uint16_t id, seq;
	uint32_t rtt_ms;
	uint16_t len;
	uint8_t ttl;
};

typedef void (*ping_cb)(void *ctx, const struct ping_result *r);

struct ping_slot {
	bool used;
	uint32_t dst;
	uint16_t id, seq, len;
	uint32_t sent_ms, timeout_ms;
	ping_cb cb;
	void *ctx;
};

/* ICMP part of struct net_stack. */
struct icmp_state {
	uint32_t tokens;    /* errors that may still be sent this second */
	uint32_t refill_ms; /* when tokens were last refilled */
	uint16_t next_id;
	struct ping_slot ping[CONFIG_NET_PING_SLOTS];
};

/*
 * Sends an echo request of `len` payload bytes (a counting pattern) to dst
 * and calls cb once: with the matching reply or, after timeout_ms, with
 * status -EAGAIN. Replies are matched on source, identifier and sequence.
 * @retval -EBUSY all CONFIG_NET_PING_SLOTS in use
 * @retval -EMSGSIZE len too large
 * Other values as ip_output() (no callback then).
 */
int icmp_ping(struct net_stack *st, uint32_t dst, uint16_t id, uint16_t seq, uint16_t len,
	      uint32_t timeout_ms, ping_cb cb, void *ctx);

/*
 * Sends destination unreachable `code` about the datagram p (p->payload at
 * the transport header, ip describes it), unless rules forbid it (an error
 * about an ICMP error, a broadcast, a non-first fragment, an invalid source)
 * or the rate limit is exhausted. Caller keeps p.
 * @retval -EPERM not allowed (or rate limited)
 */
int icmp_error(struct net_stack *st, const struct pbuf *p, const struct ip_info *ip, uint8_t type,
	       uint8_t code);
static inline int icmp_dest_unreach(struct net_stack *st, const struct pbuf *p,
				    const struct ip_info *ip, uint8_t code)
{
	return icmp_error(st, p, ip, ICMP_DEST_UNREACH, code);
}

/*
 * Sends time exceeded `code` (1: fragment reassembly time exceeded) about
 * p, under the same rules and rate limit as icmp_dest_unreach().
 */
static inline int icmp_time_exceeded(struct net_stack *st, const struct pbuf *p,
				     const struct ip_info *ip, uint8_t code)
{
	return icmp_error(st, p, ip, ICMP_TIME_EXCEEDED, code);
}

#endif /* KESTREL_NET_ICMP_H */
