/*
 * Two TCP stacks joined by an in-memory wire, on virtual time.
 *
 * Node A is 10.0.0.1, node B 10.0.0.2; segments to any other address
 * vanish (a black hole). The wire delays every segment by delay_ms plus,
 * for reordered ones, a random extra of up to jitter_ms, and can drop,
 * duplicate or corrupt segments with percentages drawn from a seeded
 * xorshift PRNG, so every run is the same. Every segment put on the wire
 * is also parsed into a capture log tests can inspect.
 */
#ifndef TCP_HARNESS_H
#define TCP_HARNESS_H

#include "../../../net/tcp_internal.h"

#define H_IP_A 0x0a000001u
#define H_IP_B 0x0a000002u

#define H_QUEUE_MAX 1024
#define H_SEG_MAX   1600
#define H_CAP_MAX   8192

struct h_cfg {
	unsigned drop_pct, dup_pct, reorder_pct, corrupt_pct;
	uint32_t delay_ms, jitter_ms;
	uint32_t seed;
};

struct h_cap {
	uint32_t t;
	uint32_t src, dst;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint32_t len;
	struct tcp_opts opt;
};

struct h_pkt {
	uint32_t at, order;
	uint32_t src, dst;
	uint16_t len;
	uint8_t data[H_SEG_MAX];
};

struct h_wire {
	struct h_cfg cfg;
	uint32_t now, rng, order;
	struct h_pkt q[H_QUEUE_MAX];
	unsigned nq;
	struct h_cap cap[H_CAP_MAX];
	unsigned ncap;
	bool hold; /* keep segments in the queue (tests deliver or drop by hand) */
	/* A's link offers checksum offload and TSO up to tso_max_a (0: none) */
	uint32_t tso_max_a;
	uint32_t tso_bursts, csum_completed; /* segments the "link" cut / completed */
	uint32_t lost_queue_full;
};

extern struct tcp_stack h_a, h_b;
extern struct h_wire h_w;

/* Fresh stacks and wire at time 0 with cfg (NULL: perfect 5 ms link). */
void h_init(const struct h_cfg *cfg);
/* Runs deliveries and timers until virtual time reaches until_ms. */
void h_run(uint32_t until_ms);
/* Runs until cond(ctx) holds or until_ms passes; returns cond's value. */
bool h_run_until(bool (*cond)(void *ctx), void *ctx, uint32_t until_ms);
/* Delivers every queued segment now (ignoring delays). */
void h_flush(void);
/* Drops every queued segment. */
void h_drop_all(void);
struct tcp_stack *h_stack_for(uint32_t ip);

/*
 * Builds a segment from src:sport to dst:dport and feeds it to the stack
 * owning dst (does not go through the wire). opt may be NULL. Returns what
 * tcp_input_segment() returned.
 */
int h_inject(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, const struct tcp_opts *opt, const void *data, size_t len);

/* Capture log helpers. */
void h_cap_clear(void);
unsigned h_cap_count(uint32_t src, uint8_t flags_set, uint8_t flags_clear);
const struct h_cap *h_cap_last(uint32_t src);

/* Leak check: both stacks have no PCB, buffer or SYN cache entry in use. */
bool h_no_leaks(void);
/* Prints the capture log (debugging). */
void h_dump(void);

#endif
