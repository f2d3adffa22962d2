/*
 * Fuzz target: two stacks over the impaired in-memory wire
 * (tests/unit/tcp/tcp_harness.c). The input picks the wire's seed, loss,
 * duplication, reordering and corruption rates (loss up to 20 %), the
 * transfer sizes each way and the write chunking. Invariants: both
 * streams arrive intact and complete within a generous virtual time, the
 * connection closes cleanly, and after every timer ran out no PCB, buffer
 * or SYN cache entry remains.
 */
#include "../../unit/tcp/tcp_harness.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_app {
	struct tcp_pcb *pcb;
	const uint8_t *tx;
	size_t tx_len, tx_off, chunk;
	uint8_t *rx;
	size_t rx_len;
	bool eof;
	int err;
};

static struct fz_app fa, fb;
static uint8_t src_a[64 * 1024], src_b[64 * 1024], dst_a[64 * 1024], dst_b[64 * 1024];

static void fz_pump(struct fz_app *a)
{
	while (a->pcb != NULL && a->tx_off < a->tx_len) {
		size_t n = a->tx_len - a->tx_off;
		int w;

		if (n > a->chunk) {
			n = a->chunk;
		}
		w = tcp_write(a->pcb, a->tx + a->tx_off, n);
		if (w <= 0) {
			break;
		}
		a->tx_off += (size_t)w;
	}
	if (a->pcb != NULL) {
		if (a->tx_off == a->tx_len) {
			tcp_shutdown(a->pcb, false, true);
		}
		tcp_output(a->pcb);
	}
}

static void fz_recv(void *arg, struct tcp_pcb *pcb, size_t avail, bool eof)
{
	struct fz_app *a = arg;
	int n;

	while ((n = tcp_read(pcb, a->rx + a->rx_len, sizeof(dst_a) - a->rx_len)) > 0) {
		a->rx_len += (size_t)n;
	}
	a->eof = eof;
}

static void fz_sent(void *arg, struct tcp_pcb *pcb, size_t acked)
{
	fz_pump(arg);
}

static void fz_err(void *arg, int err)
{
	struct fz_app *a = arg;

	a->err = err;
	a->pcb = NULL;
}

static int fz_accept(void *arg, struct tcp_pcb *pcb)
{
	fb.pcb = pcb;
	tcp_arg(pcb, &fb);
	tcp_set_callbacks(pcb, fz_recv, fz_sent, fz_err);
	fz_pump(&fb);
	return 0;
}

static void fz_connected(void *arg, struct tcp_pcb *pcb)
{
	fz_pump(arg);
}

static bool fz_done(void *ctx)
{
	return (fa.eof && fb.eof) || fa.err || fb.err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h_cfg cfg;
	struct tcp_pcb *l;

	if (size < 12) {
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.drop_pct = data[0] % 21u;
	cfg.dup_pct = data[1] % 20u;
	cfg.reorder_pct = data[2] % 50u;
	cfg.corrupt_pct = data[3] % 10u;
	cfg.delay_ms = 1u + data[4] % 50u;
	cfg.jitter_ms = data[5] % 100u;
	cfg.seed = get_be32(data + 6) | 1u;
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	fa.tx = src_a;
	fb.tx = src_b;
	fa.rx = dst_a;
	fb.rx = dst_b;
	fa.tx_len = (size_t)data[10] * 256u;
	fb.tx_len = (size_t)data[11] * 64u;
	fa.chunk = 1u + (size > 12 ? data[12] : 255u) * 37u;
	fb.chunk = 1u + (size > 13 ? data[13] : 255u) * 11u;
	for (size_t i = 0; i < fa.tx_len; i++) {
		src_a[i] = (uint8_t)(i * 7u + data[6]);
	}
	for (size_t i = 0; i < fb.tx_len; i++) {
		src_b[i] = (uint8_t)(i * 13u + data[7]);
	}
	h_init(&cfg);
	l = tcp_new(&h_b);
	tcp_bind(l, 0, 80);
	tcp_listen(l, 2);
	tcp_set_accept(l, fz_accept);
	fa.pcb = tcp_new(&h_a);
	tcp_arg(fa.pcb, &fa);
	tcp_set_callbacks(fa.pcb, fz_recv, fz_sent, fz_err);
	tcp_set_connected(fa.pcb, fz_connected);
	if (tcp_connect(fa.pcb, H_IP_B, 80) != 0) {
		abort();
	}
	/* a handshake can lose its SYN-ACK to the SYN cache timeout under heavy loss */
	if (!h_run_until(fz_done, NULL, 3600000u)) {
		abort(); /* stalled */
	}
	tcp_close(l);
	if ((fa.err || fb.err) && cfg.drop_pct == 0 && cfg.corrupt_pct == 0) {
		abort(); /* a clean wire never loses a connection */
	}
	if (fa.err == 0 && fb.err == 0) {
		if (fb.rx_len != fa.tx_len || fa.rx_len != fb.tx_len ||
		    memcmp(dst_b, src_a, fa.tx_len) != 0 || memcmp(dst_a, src_b, fb.tx_len) != 0) {
			abort();
		}
	} else if ((fa.err != 0 && fa.err != -ETIMEDOUT && fa.err != -ECONNREFUSED &&
		    fa.err != -ECONNRESET) ||
		   (fb.err != 0 && fb.err != -ETIMEDOUT && fb.err != -ECONNRESET)) {
		abort();
	}
	if (fa.pcb != NULL) {
		tcp_close(fa.pcb);
	}
	if (fb.pcb != NULL) {
		tcp_close(fb.pcb);
	}
	h_w.cfg.drop_pct = 0;
	h_run(h_w.now + 3600000u);
	if (!h_no_leaks()) {
		abort();
	}
	return 0;
}
