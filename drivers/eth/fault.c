/*
 * Ethernet fault injection (see kestrel/drivers/eth_fault.h for the model).
 *
 * Design. Each direction is a small state machine over one "path": its
 * percentages, an xorshift32 stream, the frame held back for reordering
 * and counters. Every frame consumes exactly five draws from its path's
 * stream, whatever is enabled, so a given seed always produces the same
 * decisions for the n-th frame of a direction; tests can assert exact
 * counts. The two directions differ only in how a frame is emitted
 * (inner driver output vs. the deliver callback) and in buffer ownership:
 * on TX the caller keeps its pbuf, so anything we keep or modify is a
 * private copy; on RX we own the pbuf and may modify or hold it.
 */
#include <string.h>

#include <kestrel/drivers/eth_fault.h>
#include <kestrel/errno.h>
#include <kestrel/net/nettask.h>

#define FAULT_RX_SEED_MIX 0x9E3779B9u /* golden-ratio constant: decorrelates RX from TX */
#define FAULT_SEED_ZERO	  0x2545F491u /* xorshift32 must never hold 0 */
#define FAULT_PCT_MAX	  100u

/* The five draws a frame consumes, reduced to decisions. */
struct fault_roll {
	bool drop, corrupt, dup, reorder;
	uint32_t pos; /* raw draw; byte index = pos % length */
};

/* Any frame emitter: TX inner output or RX deliver. */
struct fault_sink {
	struct eth_fault *f;
	struct netif *nif;
	eth_deliver_fn deliver; /* RX only */
	bool tx;
};

static uint32_t fault_rand(struct eth_fault_path *path)
{
	uint32_t x = path->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	path->rng = x;
	return x;
}

static bool fault_hit(struct eth_fault_path *path, uint8_t pct)
{
	return fault_rand(path) % FAULT_PCT_MAX < pct;
}

static void fault_roll(struct eth_fault_path *path, struct fault_roll *r)
{
	r->drop = fault_hit(path, path->cfg.drop);
	r->corrupt = fault_hit(path, path->cfg.corrupt);
	r->dup = fault_hit(path, path->cfg.dup);
	r->reorder = fault_hit(path, path->cfg.reorder);
	r->pos = fault_rand(path);
}

static uint32_t fault_mix(uint32_t s)
{
	/* one round of a 32-bit finaliser so nearby seeds give unrelated streams */
	s ^= s >> 16;
	s *= 0x7FEB352Du;
	s ^= s >> 15;
	s *= 0x846CA68Bu;
	s ^= s >> 16;
	return s != 0 ? s : FAULT_SEED_ZERO;
}

static void fault_path_init(struct eth_fault_path *path, uint32_t seed)
{
	memset(path, 0, sizeof(*path));
	path->rng = fault_mix(seed);
}

void eth_fault_init(struct eth_fault *f, const struct eth_driver_ops *inner, void *inner_drv,
		    uint32_t seed)
{
	f->inner = inner;
	f->inner_drv = inner_drv;
	fault_path_init(&f->tx, seed);
	fault_path_init(&f->rx, seed ^ FAULT_RX_SEED_MIX);
}

static bool fault_cfg_valid(const struct eth_fault_cfg *c)
{
	return c->drop <= FAULT_PCT_MAX && c->dup <= FAULT_PCT_MAX && c->reorder <= FAULT_PCT_MAX &&
	       c->corrupt <= FAULT_PCT_MAX;
}

int eth_fault_set(struct eth_fault *f, enum eth_fault_dir dir, const struct eth_fault_cfg *cfg)
{
	if (!fault_cfg_valid(cfg)) {
		return -EINVAL;
	}
	switch (dir) {
	case ETH_FAULT_TX:
		f->tx.cfg = *cfg;
		return 0;
	case ETH_FAULT_RX:
		f->rx.cfg = *cfg;
		return 0;
	}
	return -EINVAL;
}

void eth_fault_get_stats(const struct eth_fault *f, enum eth_fault_dir dir,
			 struct eth_fault_stats *out)
{
	*out = dir == ETH_FAULT_TX ? f->tx.st : f->rx.st;
}

/* A private copy of the whole chain p from the stack's pool, or NULL. */
static struct pbuf *fault_copy(const struct pbuf *p)
{
	struct pbuf *c = net_rx_alloc(p->tot_len);
	uint16_t off = 0;

	if (c == NULL) {
		return NULL;
	}
	for (const struct pbuf *q = p; q != NULL && off < p->tot_len; q = q->next) {
		if (pbuf_copy_in(c, off, q->payload, q->len) < 0) {
			pbuf_free(c);
			return NULL;
		}
		off = (uint16_t)(off + q->len);
	}
	c->flags = p->flags;
	c->gso_size = p->gso_size;
	return c;
}

static void fault_flip(struct pbuf *p, uint32_t pos)
{
	uint16_t at;
	uint8_t b;

	if (p->tot_len == 0) {
		return;
	}
	at = (uint16_t)(pos % p->tot_len);
	pbuf_copy_out(p, at, &b, 1);
	b ^= 0xFFu;
	pbuf_copy_in(p, at, &b, 1);
}

/*
 * RX delivery. From the inner driver's poll op (network task) nif->drv is
 * the inner driver's data, and deliver() runs the stack, which may send
 * through eth_fault_ops.output: the wrapper's data goes back in place for
 * the call. From an ISR nif->drv is ours already.
 */
static int fault_deliver(const struct fault_sink *s, struct pbuf *p)
{
	void *self = s->nif->drv;
	int rc;

	if (s->nif->ops == &eth_fault_ops && self == s->f->inner_drv) {
		s->nif->drv = s->f;
	}
	rc = s->deliver(s->nif, p);
	s->nif->drv = self;
	return rc;
}

/*
 * Emits p. TX: inner output with nif->drv switched to the inner driver's
 * data; the caller keeps p. RX: deliver takes ownership of p.
 */
static int fault_emit(const struct fault_sink *s, struct pbuf *p)
{
	void *self;
	int rc;

	if (!s->tx) {
		return fault_deliver(s, p);
	}
	self = s->nif->drv;
	s->nif->drv = s->f->inner_drv;
	rc = s->f->inner->output(s->nif, p);
	s->nif->drv = self;
	return rc;
}

/* Frees p if this direction owns it (TX copies, every RX frame). */
static void fault_release(struct pbuf *p)
{
	pbuf_free(p);
}

/* Sends the held-back frame of path, if any. */
static void fault_unhold(const struct fault_sink *s, struct eth_fault_path *path)
{
	struct pbuf *h = path->held;

	if (h == NULL) {
		return;
	}
	path->held = NULL;
	if (s->tx) {
		(void)fault_emit(s, h);
		fault_release(h);
	} else if (s->deliver != NULL) {
		(void)fault_emit(s, h);
	} else {
		fault_release(h);
	}
}

/* Emits a second, independent copy of p. */
static void fault_dup(const struct fault_sink *s, struct eth_fault_path *path, struct pbuf *p)
{
	struct pbuf *c;

	if (s->tx) {
		(void)fault_emit(s, p); /* TX drivers copy or reference: same pbuf is fine */
		path->st.duplicated++;
		return;
	}
	c = fault_copy(p);
	if (c == NULL) {
		path->st.nomem++;
		return;
	}
	(void)fault_emit(s, c);
	path->st.duplicated++;
}

/*
 * One frame through one path. `p` is owned by us when `own` is set (RX,
 * or a TX copy). Returns the result of emitting the frame itself (0 if
 * it was dropped or held back).
 */
static int fault_process(const struct fault_sink *s, struct eth_fault_path *path, struct pbuf *p,
			 bool own)
{
	struct fault_roll r;
	int rc;

	path->st.frames++;
	fault_roll(path, &r);
	if (r.drop) {
		path->st.dropped++;
		if (own) {
			fault_release(p);
		}
		return 0;
	}
	if ((r.corrupt || (r.reorder && path->held == NULL)) && !own) {
		struct pbuf *c = fault_copy(p);

		if (c == NULL) {
			path->st.nomem++;
			r.corrupt = false;
			r.reorder = false;
		} else {
			p = c;
			own = true;
		}
	}
	if (r.corrupt) {
		fault_flip(p, r.pos);
		path->st.corrupted++;
	}
	if (r.reorder && path->held == NULL) {
		path->held = p;
		path->st.reordered++;
		return 0;
	}
	if (r.dup) {
		/* RX: the copy must be made before deliver() takes p */
		if (!s->tx) {
			fault_dup(s, path, p);
		}
	}
	rc = fault_emit(s, p);
	if (r.dup && s->tx) {
		fault_dup(s, path, p);
	}
	if (own && s->tx) {
		fault_release(p);
	}
	fault_unhold(s, path);
	return rc;
}

static int fault_output(struct netif *nif, struct pbuf *p)
{
	struct eth_fault *f = nif->drv;
	struct fault_sink s = {f, nif, NULL, true};

	return fault_process(&s, &f->tx, p, false);
}

int eth_fault_rx(void *ctx, struct netif *nif, struct pbuf *p, eth_deliver_fn deliver)
{
	struct eth_fault *f = ctx;
	struct fault_sink s = {f, nif, deliver, false};

	return fault_process(&s, &f->rx, p, true);
}

void eth_fault_flush(struct eth_fault *f, struct netif *nif, eth_deliver_fn deliver)
{
	struct fault_sink tx = {f, nif, NULL, true};
	struct fault_sink rx = {f, nif, deliver, false};

	fault_unhold(&tx, &f->tx);
	fault_unhold(&rx, &f->rx);
}

static int fault_init(struct netif *nif)
{
	struct eth_fault *f = nif->drv;
	int rc = 0;

	if (f->inner->init != NULL) {
		nif->drv = f->inner_drv;
		rc = f->inner->init(nif);
		nif->drv = f;
	}
	return rc;
}

static bool fault_link_up(struct netif *nif)
{
	struct eth_fault *f = nif->drv;
	bool up = true;

	if (f->inner->link_up != NULL) {
		nif->drv = f->inner_drv;
		up = f->inner->link_up(nif);
		nif->drv = f;
	}
	return up;
}

/*
 * Polled receive of the inner driver (network task). Its frames reach the
 * RX hook, which must be eth_fault_rx for a wrapped polling driver: the
 * hook puts the wrapper's data back into nif->drv around delivery.
 */
static int fault_poll(struct netif *nif, int budget)
{
	struct eth_fault *f = nif->drv;
	int n = 0;

	if (f->inner->poll != NULL) {
		nif->drv = f->inner_drv;
		n = f->inner->poll(nif, budget);
		nif->drv = f;
	}
	return n;
}

const struct eth_driver_ops eth_fault_ops = {
	.init = fault_init,
	.output = fault_output,
	.link_up = fault_link_up,
	.poll = fault_poll,
};
