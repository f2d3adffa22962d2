/*
 * Ethernet fault injection: wraps any eth_driver_ops instance and, with a
 * seeded deterministic PRNG, drops, duplicates, reorders or corrupts
 * frames by percentage, separately for each direction.
 *
 *   TX: netif ops = eth_fault_ops, nif->drv = the struct eth_fault; the
 *       wrapper calls the inner driver's ops with nif->drv temporarily set
 *       to the inner driver's data (ops run in the network task only).
 *   RX: the inner driver's receive hook (struct eth_rx_hook) is set to
 *       { eth_fault_rx, &fault }; it runs in the driver's ISR, or, for a
 *       driver with a poll op (which eth_fault_ops.poll forwards to), in
 *       the network task. A wrapped polling driver needs this hook: it
 *       puts the wrapper's data back into nif->drv while the stack runs.
 *
 * Per frame, each direction draws five numbers from its own stream (so
 * results for a seed do not depend on how RX and TX interleave, nor on
 * which faults are enabled): drop, corrupt, duplicate, reorder, and the
 * byte to corrupt. In that order:
 *   drop      the frame is gone (a frame held back stays held back);
 *   corrupt   one byte (chosen uniformly) is XORed with 0xFF; TX corrupts
 *             a copy, never the caller's buffer;
 *   reorder   if no frame is held back, this one is: it goes out right
 *             after the next frame that is sent (eth_fault_flush releases
 *             it earlier);
 *   duplicate the frame is sent twice (not applied to a held-back frame).
 * Copies (TX corrupt/reorder, RX duplicate) come from net_rx_alloc(); if
 * the pool is empty the fault is skipped and counted in `nomem`.
 *
 * Freestanding: no kernel or host calls, so it unit-tests on its own.
 */
#ifndef KESTREL_DRIVERS_ETH_FAULT_H
#define KESTREL_DRIVERS_ETH_FAULT_H

#include <stdint.h>

#include <kestrel/drivers/eth.h>
#include <kestrel/net/netif.h>
#include <kestrel/net/pbuf.h>

/* Percentages, 0..100 each. */
struct eth_fault_cfg {
	uint8_t drop;
	uint8_t dup;
	uint8_t reorder;
	uint8_t corrupt;
};

enum eth_fault_dir {
	ETH_FAULT_TX,
	ETH_FAULT_RX,
};

struct eth_fault_stats {
	uint32_t frames;     /* frames that entered the layer */
	uint32_t dropped;    /* frames dropped on purpose */
	uint32_t duplicated; /* extra copies sent */
	uint32_t reordered;  /* frames held back and sent after their successor */
	uint32_t corrupted;  /* frames with one byte flipped */
	uint32_t nomem;	     /* faults skipped because no buffer was free */
};

struct eth_fault_path {
	struct eth_fault_cfg cfg;
	uint32_t rng;	   /* xorshift32 state, never 0 */
	struct pbuf *held; /* frame held back for reordering, or NULL */
	struct eth_fault_stats st;
};

struct eth_fault {
	const struct eth_driver_ops *inner;
	void *inner_drv;
	struct eth_fault_path tx;
	struct eth_fault_path rx;
};

/* What eth_fault_parse() fills in. */
struct eth_fault_spec {
	struct eth_fault_cfg tx;
	struct eth_fault_cfg rx;
	uint32_t seed;
};

/* The wrapper's ops table (nif->drv must be the struct eth_fault). */
extern const struct eth_driver_ops eth_fault_ops;

/*
 * Wraps inner/inner_drv with every fault off; both PRNG streams are
 * derived from seed (any value, 0 included).
 */
void eth_fault_init(struct eth_fault *f, const struct eth_driver_ops *inner, void *inner_drv,
		    uint32_t seed);

/*
 * Sets the percentages of one direction.
 * @retval -EINVAL a percentage is above 100 or dir is unknown
 */
int eth_fault_set(struct eth_fault *f, enum eth_fault_dir dir, const struct eth_fault_cfg *cfg);

/*
 * RX hook (struct eth_rx_hook with ctx = the struct eth_fault). Takes
 * ownership of p. Returns 0 or the first negative errno of deliver().
 */
int eth_fault_rx(void *ctx, struct netif *nif, struct pbuf *p, eth_deliver_fn deliver);

/*
 * Sends the frames held back for reordering: TX through the inner driver's
 * output (needs nif->drv == f), RX through deliver (may be NULL to free the
 * RX frame instead). Call before tearing the wrapper down.
 */
void eth_fault_flush(struct eth_fault *f, struct netif *nif, eth_deliver_fn deliver);

/* Copies one direction's counters. */
void eth_fault_get_stats(const struct eth_fault *f, enum eth_fault_dir dir,
			 struct eth_fault_stats *out);

/*
 * Parses a comma-separated option string such as
 * "drop=5,dup=1,reorder=2,corrupt=1,seed=42" (keys apply to both
 * directions) or with per-direction keys "tx-drop=10,rx-corrupt=3".
 * Percentages are decimal 0..100; seed is decimal or 0x-hex, 32 bits.
 * An empty string leaves everything 0. *out is written only on success.
 * @retval -EINVAL unknown key, missing '=', bad number, value out of range
 */
int eth_fault_parse(const char *s, struct eth_fault_spec *out);

#endif /* KESTREL_DRIVERS_ETH_FAULT_H */
