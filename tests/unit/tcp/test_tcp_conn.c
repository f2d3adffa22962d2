/* TCP connections end to end over the in-memory wire (tcp_harness.c). */
#include "tcp_harness.h"
#include "ktest.h"

KT_MAIN_STATE;

#define PORT_B 80
#define MSL2   (2u * CONFIG_TCP_MSL_MS)

/* ---- a tiny application on each side ---- */

struct app {
	struct tcp_pcb *pcb;
	int err;
	bool connected, eof, no_read;
	unsigned accepts;
	uint8_t *rx;
	size_t rx_len, rx_cap;
	const uint8_t *tx;
	size_t tx_len, tx_off;
	bool close_when_sent;
};

static struct app app_a, app_b;

static void app_pump(struct app *a)
{
	while (a->pcb != NULL && a->tx_off < a->tx_len) {
		int n = tcp_write(a->pcb, a->tx + a->tx_off, a->tx_len - a->tx_off);

		if (n <= 0) {
			break;
		}
		a->tx_off += (size_t)n;
	}
	if (a->pcb != NULL) {
		tcp_output(a->pcb);
	}
	if (a->pcb != NULL && a->close_when_sent && a->tx_off == a->tx_len) {
		a->close_when_sent = false;
		tcp_shutdown(a->pcb, false, true);
	}
}

static void app_recv(void *arg, struct tcp_pcb *pcb, size_t avail, bool eof)
{
	struct app *a = arg;
	uint8_t tmp[4096];
	int n;

	if (a->no_read) {
		a->eof = eof;
		return;
	}
	while ((n = tcp_read(pcb, tmp, sizeof(tmp))) > 0) {
		size_t room = a->rx_cap - a->rx_len;
		size_t c = (size_t)n < room ? (size_t)n : room;

		if (a->rx != NULL) {
			memcpy(a->rx + a->rx_len, tmp, c);
		}
		a->rx_len += (size_t)n;
	}
	a->eof = eof;
}

static void app_sent(void *arg, struct tcp_pcb *pcb, size_t acked)
{
	app_pump(arg);
}

static void app_err(void *arg, int err)
{
	struct app *a = arg;

	a->err = err;
	a->pcb = NULL;
}

static void app_connected(void *arg, struct tcp_pcb *pcb)
{
	struct app *a = arg;

	a->connected = true;
	app_pump(a);
}

static int app_accept(void *arg, struct tcp_pcb *newpcb)
{
	struct app *a = arg;

	a->accepts++;
	a->pcb = newpcb;
	a->connected = true;
	tcp_arg(newpcb, a);
	tcp_set_callbacks(newpcb, app_recv, app_sent, app_err);
	return 0;
}

static struct tcp_pcb *listener;

static void setup(const struct h_cfg *cfg)
{
	h_init(cfg);
	memset(&app_a, 0, sizeof(app_a));
	memset(&app_b, 0, sizeof(app_b));
	listener = NULL;
}

static bool both_connected(void *ctx)
{
	return app_a.connected && app_b.connected;
}

/* Listener on B:80 and a connection from A; returns false on failure. */
static bool connect_pair(void)
{
	listener = tcp_new(&h_b);
	if (listener == NULL || tcp_bind(listener, 0, PORT_B) != 0 ||
	    tcp_listen(listener, 4) != 0) {
		return false;
	}
	tcp_arg(listener, &app_b);
	tcp_set_accept(listener, app_accept);
	app_a.pcb = tcp_new(&h_a);
	tcp_arg(app_a.pcb, &app_a);
	tcp_set_callbacks(app_a.pcb, app_recv, app_sent, app_err);
	tcp_set_connected(app_a.pcb, app_connected);
	if (tcp_connect(app_a.pcb, H_IP_B, PORT_B) != 0) {
		return false;
	}
	return h_run_until(both_connected, NULL, h_w.now + 60000);
}

static void close_all(void)
{
	if (app_a.pcb != NULL) {
		tcp_close(app_a.pcb);
		app_a.pcb = NULL;
	}
	if (app_b.pcb != NULL) {
		tcp_close(app_b.pcb);
		app_b.pcb = NULL;
	}
	if (listener != NULL) {
		tcp_close(listener);
		listener = NULL;
	}
}

/* Every case closes what it opened; time then runs out every timer. */
static void teardown(void)
{
	close_all();
	h_w.cfg.drop_pct = 0;
	h_run(h_w.now + MSL2 + 20u * 60u * 1000u);
	if (!h_no_leaks()) {
		KT_FAIL("PCB, buffer or SYN cache entry leaked");
	}
}

static uint8_t big_a[1 << 20], big_b[1 << 20], rx_a[1 << 20], rx_b[1 << 20];

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* ---- cases ---- */

static void test_handshake(void)
{
	const struct h_cap *c;

	setup(NULL);
	KT_ASSERT(connect_pair());
	KT_EQ(tcp_get_state(app_a.pcb), TCP_ESTABLISHED);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_ESTABLISHED);
	KT_EQ(h_w.ncap, 3);
	c = &h_w.cap[0];
	KT_EQ(c->flags, TCP_SYN);
	KT_EQ(c->opt.mss, CONFIG_TCP_MSS);
	KT_EQ(c->opt.present & (TCP_O_MSS | TCP_O_WS | TCP_O_TS), TCP_O_MSS | TCP_O_WS | TCP_O_TS);
	KT_EQ(c->opt.wscale, 1);
	c = &h_w.cap[1];
	KT_EQ(c->flags, TCP_SYN | TCP_ACK);
	KT_EQ(c->ack, h_w.cap[0].seq + 1u);
	KT_EQ(c->opt.tsecr, h_w.cap[0].opt.tsval);
	c = &h_w.cap[2];
	KT_EQ(c->flags, TCP_ACK);
	KT_EQ(c->seq, h_w.cap[0].seq + 1u);
	KT_EQ(c->ack, h_w.cap[1].seq + 1u);
	KT_EQ(app_a.pcb->mss, CONFIG_TCP_MSS - 12);
	KT_EQ(app_a.pcb->snd_wscale, 1);
	KT_EQ(app_b.pcb->snd_wscale, 1);
	KT_EQ(app_a.pcb->cwnd, 3u * (CONFIG_TCP_MSS - 12));
	KT_EQ(tcp_get_stats(&h_b)->accepts, 1);
	KT_EQ(tcp_pcbs_in_use(&h_b), 2);
	KT_EQ(tcp_bufs_in_use(&h_b), 1);
}

static bool transfer_done(void *ctx)
{
	size_t *want = ctx;

	return app_b.rx_len >= want[0] && app_a.rx_len >= want[1];
}

static void test_data_both_ways(void)
{
	size_t want[2] = {10000, 5000};

	setup(NULL);
	fill(big_a, want[0], 1);
	fill(big_b, want[1], 2);
	KT_ASSERT(connect_pair());
	app_b.rx = rx_b;
	app_b.rx_cap = sizeof(rx_b);
	app_a.rx = rx_a;
	app_a.rx_cap = sizeof(rx_a);
	app_a.tx = big_a;
	app_a.tx_len = want[0];
	app_b.tx = big_b;
	app_b.tx_len = want[1];
	app_pump(&app_a);
	app_pump(&app_b);
	KT_ASSERT(h_run_until(transfer_done, want, h_w.now + 10000));
	KT_EQ(app_b.rx_len, want[0]);
	KT_EQ(app_a.rx_len, want[1]);
	KT_MEMEQ(rx_b, big_a, want[0]);
	KT_MEMEQ(rx_a, big_b, want[1]);
	KT_EQ(tcp_get_stats(&h_a)->retrans, 0);
}

static bool eof_b(void *ctx)
{
	return app_b.eof;
}

static void test_bulk_lossy(void)
{
	static const struct {
		const char *name;
		struct h_cfg cfg;
		size_t len;
		uint32_t tso_max; /* A's link cuts segments up to this (0: no offload) */
	} rows[] = {
		{"clean 1 MB", {0, 0, 0, 0, 5, 0, 7}, 1u << 20, 0},
		{"5% loss, 10% reorder, 2% dup, 1% corrupt", {5, 2, 10, 1, 5, 30, 99}, 1u << 20, 0},
		{"15% loss", {15, 0, 0, 0, 2, 0, 3}, 256u * 1024u, 0},
		{"TSO + checksum offload, clean 1 MB", {0, 0, 0, 0, 5, 0, 7}, 1u << 20, 65535},
		{"TSO 16 KiB, 5% loss, 10% reorder, 2% dup, 1% corrupt",
		 {5, 2, 10, 1, 5, 30, 98},
		 1u << 20,
		 16384},
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		size_t want[2];

		KT_ROW(rows[r].name);
		if (r > 0) {
			teardown();
		}
		setup(&rows[r].cfg);
		h_w.tso_max_a = rows[r].tso_max;
		want[0] = rows[r].len;
		want[1] = 0;
		fill(big_a, want[0], (uint32_t)r + 10u);
		KT_ASSERT(connect_pair());
		app_b.rx = rx_b;
		app_b.rx_cap = sizeof(rx_b);
		app_a.tx = big_a;
		app_a.tx_len = want[0];
		app_a.close_when_sent = true;
		app_pump(&app_a);
		KT_ASSERT(h_run_until(transfer_done, want, h_w.now + 600000));
		KT_EQ(app_b.rx_len, want[0]);
		KT_MEMEQ(rx_b, big_a, want[0]);
		if (rows[r].tso_max == 0) {
			/* it really went through the wire: at least one segment per MSS */
			KT_ASSERT(tcp_get_stats(&h_a)->seg_out >= want[0] / (CONFIG_TCP_MSS - 12));
			KT_EQ(h_w.tso_bursts, 0);
		} else {
			/* the link cut bursts of many MSS and completed the other checksums */
			KT_ASSERT(h_w.tso_bursts > 0);
			KT_ASSERT(h_w.csum_completed > 0);
			KT_ASSERT(tcp_get_stats(&h_a)->seg_out < want[0] / CONFIG_TCP_MSS);
			KT_EQ(tcp_get_stats(&h_b)->bad_csum == 0, rows[r].cfg.corrupt_pct == 0);
		}
		if (rows[r].cfg.drop_pct > 0) {
			KT_ASSERT(tcp_get_stats(&h_a)->retrans > 0);
		}
		if (rows[r].cfg.corrupt_pct > 0) {
			KT_ASSERT(tcp_get_stats(&h_a)->bad_csum + tcp_get_stats(&h_b)->bad_csum >
				  0);
		}
		KT_ASSERT(h_run_until(eof_b, NULL, h_w.now + 600000));
	}
}

static bool a_dead(void *ctx)
{
	return app_a.err != 0;
}

/* Times at which A put a segment with flags_set on the wire. */
static unsigned send_times(uint8_t flags_set, uint8_t flags_clear, bool data, uint32_t *t,
			   unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h_w.ncap && n < max; i++) {
		const struct h_cap *c = &h_w.cap[i];

		if (c->src == H_IP_A && (c->flags & flags_set) == flags_set &&
		    !(c->flags & flags_clear) && (!data || c->len > 0)) {
			t[n++] = c->t;
		}
	}
	return n;
}

static void test_syn_rto_backoff(void)
{
	static const uint32_t want[] = {0, 1000, 3000, 7000, 15000, 31000};
	uint32_t t[16];
	unsigned n;

	setup(NULL);
	app_a.pcb = tcp_new(&h_a);
	tcp_arg(app_a.pcb, &app_a);
	tcp_set_callbacks(app_a.pcb, app_recv, app_sent, app_err);
	KT_EQ(tcp_connect(app_a.pcb, 0x0a000009u, 80), 0); /* black hole */
	KT_ASSERT(h_run_until(a_dead, NULL, 200000));
	KT_EQ(app_a.err, -ETIMEDOUT);
	KT_EQ(h_w.now, 63000);
	n = send_times(TCP_SYN, 0, false, t, 16);
	KT_EQ(n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < n; i++) {
		KT_ROW(i == 0 ? "first SYN" : "retransmission");
		KT_EQ(t[i], want[i]);
	}
}

static void test_data_rto_backoff(void)
{
	/* gaps between transmissions of the same segment, RTO 1 s initially */
	static const uint32_t gaps[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
	static const uint8_t msg[100] = {1};
	uint32_t t[32];
	uint32_t start;
	unsigned n;

	setup(NULL);
	KT_ASSERT(connect_pair());
	h_cap_clear();
	h_w.cfg.drop_pct = 100;
	start = h_w.now;
	KT_EQ(tcp_write(app_a.pcb, msg, sizeof(msg)), 100);
	tcp_output(app_a.pcb);
	KT_EQ(app_a.pcb->rto, 1000);
	KT_ASSERT(h_run_until(a_dead, NULL, start + 3600000u));
	KT_EQ(app_a.err, -ETIMEDOUT);
	n = send_times(0, TCP_RST, true, t, 32);
	KT_EQ(n, 1 + CONFIG_TCP_MAX_RETRIES);
	KT_EQ(t[0], start);
	for (unsigned i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		KT_ROW("gap");
		KT_EQ(t[i + 1] - t[i], gaps[i]);
	}
	KT_EQ(tcp_get_stats(&h_a)->timeouts, CONFIG_TCP_MAX_RETRIES + 1);
	KT_EQ(h_cap_count(H_IP_A, TCP_RST, 0), 1);
}

static void test_fast_retransmit(void)
{
	size_t want[2] = {10u * (CONFIG_TCP_MSS - 12), 0};
	uint32_t sent_at;
	unsigned first = H_QUEUE_MAX;

	setup(NULL);
	fill(big_a, want[0], 5);
	KT_ASSERT(connect_pair());
	/* grow cwnd past 10 segments first */
	app_a.pcb->cwnd = 20u * app_a.pcb->mss;
	app_b.rx = rx_b;
	app_b.rx_cap = sizeof(rx_b);
	app_a.tx = big_a;
	app_a.tx_len = want[0];
	tcp_nodelay(app_a.pcb, true);
	h_cap_clear();
	sent_at = h_w.now;
	app_pump(&app_a);
	/* lose the first data segment */
	for (unsigned i = 0; i < h_w.nq; i++) {
		if (h_w.q[i].src == H_IP_A &&
		    (first == H_QUEUE_MAX || h_w.q[i].order < h_w.q[first].order)) {
			first = i;
		}
	}
	KT_ASSERT(first != H_QUEUE_MAX);
	KT_EQ(h_w.nq, 10);
	h_w.q[first] = h_w.q[--h_w.nq];
	if (!h_run_until(transfer_done, want, sent_at + 900)) {
		h_dump();
	}
	KT_MEMEQ(rx_b, big_a, want[0]);
	KT_EQ(tcp_get_stats(&h_a)->fast_retrans, 1);
	KT_EQ(tcp_get_stats(&h_a)->timeouts, 0);
	KT_ASSERT(tcp_get_stats(&h_a)->dup_acks >= 3);
	h_run(h_w.now + 50);
	KT_EQ(h_cap_count(H_IP_B, TCP_ACK, 0) >= 4, 1);
	KT_EQ(app_a.pcb->flags & TCP_F_RECOVERY, 0);
}

static bool a_sndbuf_full(void *ctx)
{
	return app_a.pcb != NULL && app_a.pcb->snd_wnd == 0 &&
	       app_a.pcb->snd_una == app_a.pcb->snd_nxt;
}

static void test_persist_zero_window(void)
{
	size_t want[2] = {CONFIG_TCP_RCV_BUF + CONFIG_TCP_SND_BUF, 0};
	uint32_t t[64], zero_at, pa;
	unsigned n = 0;

	setup(NULL);
	fill(big_a, want[0], 6);
	KT_ASSERT(connect_pair());
	app_b.no_read = true;
	app_b.rx = rx_b;
	app_b.rx_cap = sizeof(rx_b);
	app_a.tx = big_a;
	app_a.tx_len = want[0];
	app_pump(&app_a);
	KT_ASSERT(h_run_until(a_sndbuf_full, NULL, h_w.now + 20000));
	KT_EQ(tcp_readable(app_b.pcb), CONFIG_TCP_RCV_BUF);
	KT_EQ(app_a.pcb->timers & TCP_T_PERSIST, TCP_T_PERSIST);
	zero_at = h_w.now;
	h_cap_clear();
	h_run(zero_at + 40000);
	/* probes: seq = snd_una - 1, no data; each answered by an ACK with window 0 */
	pa = app_a.pcb->snd_una - 1u;
	for (unsigned i = 0; i < h_w.ncap && n < 64; i++) {
		if (h_w.cap[i].src == H_IP_A && h_w.cap[i].seq == pa && h_w.cap[i].len == 0) {
			t[n++] = h_w.cap[i].t - zero_at;
		}
	}
	if (n != 5) {
		printf("zero_at %u\n", zero_at);
		h_dump();
	}
	/* first probe one RTO after the window closed, then doubling */
	KT_EQ(n, 5);
	KT_EQ(t[0], app_a.pcb->rto);
	KT_EQ(t[1] - t[0], 2 * app_a.pcb->rto);
	KT_EQ(t[2] - t[1], 4 * app_a.pcb->rto);
	KT_EQ(t[3] - t[2], 8 * app_a.pcb->rto);
	KT_EQ(h_cap_count(H_IP_B, TCP_ACK, 0), 5);
	KT_EQ(h_cap_last(H_IP_B)->wnd, 0);
	KT_EQ(tcp_get_state(app_a.pcb), TCP_ESTABLISHED);
	/* the reader drains: the window opens and the rest arrives */
	app_b.no_read = false;
	app_recv(&app_b, app_b.pcb, 0, false);
	KT_ASSERT(h_run_until(transfer_done, want, h_w.now + 20000));
	KT_MEMEQ(rx_b, big_a, want[0]);
}

static void test_time_wait(void)
{
	uint32_t closed_at;

	setup(NULL);
	KT_ASSERT(connect_pair());
	tcp_close(listener);
	listener = NULL;
	tcp_close(app_a.pcb); /* A closes first: A goes through TIME-WAIT */
	app_a.pcb = NULL;
	KT_ASSERT(h_run_until(eof_b, NULL, h_w.now + 1000));
	tcp_close(app_b.pcb);
	app_b.pcb = NULL;
	closed_at = h_w.now;
	h_run(closed_at + 100);
	KT_EQ(tcp_pcbs_in_use(&h_b), 0);
	KT_EQ(tcp_pcbs_in_use(&h_a), 1);
	KT_EQ(h_a.pcbs[0].state, TCP_TIME_WAIT);
	KT_EQ(tcp_bufs_in_use(&h_a), 0);
	h_run(closed_at + MSL2 - 50);
	KT_EQ(tcp_pcbs_in_use(&h_a), 1);
	h_run(closed_at + MSL2 + 50);
	KT_EQ(tcp_pcbs_in_use(&h_a), 0);
}

static bool a_eof(void *ctx)
{
	return app_a.eof;
}

static void test_half_close(void)
{
	size_t want[2] = {0, 3000};

	setup(NULL);
	fill(big_b, 3000, 8);
	KT_ASSERT(connect_pair());
	app_a.rx = rx_a;
	app_a.rx_cap = sizeof(rx_a);
	KT_EQ(tcp_shutdown(app_a.pcb, false, true), 0);
	KT_ASSERT(h_run_until(eof_b, NULL, h_w.now + 1000));
	h_run(h_w.now + 50);
	KT_EQ(tcp_get_state(app_a.pcb), TCP_FIN_WAIT_2);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_CLOSE_WAIT);
	KT_EQ(tcp_write(app_a.pcb, "x", 1), -ESHUTDOWN);
	app_b.tx = big_b;
	app_b.tx_len = 3000;
	app_pump(&app_b);
	KT_ASSERT(h_run_until(transfer_done, want, h_w.now + 1000));
	KT_MEMEQ(rx_a, big_b, 3000);
	KT_EQ(app_a.eof, false);
	KT_EQ(tcp_shutdown(app_b.pcb, false, true), 0);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_LAST_ACK);
	KT_ASSERT(h_run_until(a_eof, NULL, h_w.now + 1000));
	h_run(h_w.now + 100);
	KT_EQ(tcp_get_state(app_a.pcb), TCP_TIME_WAIT);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_CLOSED);
	KT_EQ(tcp_read(app_a.pcb, rx_a, 10), 0);
}

static void test_rst_5961(void)
{
	static const struct {
		const char *name;
		uint32_t off;
		bool reset;
		unsigned challenge;
	} rows[] = {
		{"exact RCV.NXT resets", 0, true, 0},
		{"in window: challenge ACK", 1000, false, 1},
		{"last byte of window: challenge ACK", 65535, false, 1},
		{"out of window: dropped", 10000000, false, 0},
		{"just below RCV.NXT: dropped", (uint32_t)-1, false, 0},
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct tcp_pcb *pa;
		uint32_t chal;

		KT_ROW(rows[r].name);
		if (r > 0) {
			teardown();
		}
		setup(NULL);
		KT_ASSERT(connect_pair());
		pa = app_a.pcb;
		chal = tcp_get_stats(&h_a)->challenge_acks;
		h_cap_clear();
		h_inject(H_IP_B, PORT_B, H_IP_A, pa->lport, pa->rcv_nxt + rows[r].off, 0, TCP_RST,
			 0, NULL, NULL, 0);
		if (rows[r].reset) {
			KT_EQ(app_a.err, -ECONNRESET);
			KT_EQ(app_a.pcb, NULL);
			KT_EQ(tcp_get_stats(&h_a)->rst_in, 1);
			continue;
		}
		KT_EQ(app_a.err, 0);
		KT_EQ(tcp_get_state(pa), TCP_ESTABLISHED);
		KT_EQ(tcp_get_stats(&h_a)->challenge_acks - chal, rows[r].challenge);
		KT_EQ(h_cap_count(H_IP_A, TCP_ACK, TCP_RST), rows[r].challenge);
		if (rows[r].challenge) {
			KT_EQ(h_cap_last(H_IP_A)->ack, pa->rcv_nxt);
		}
	}
}

static void test_syn_challenge_ack(void)
{
	struct tcp_pcb *pa;

	setup(NULL);
	KT_ASSERT(connect_pair());
	pa = app_a.pcb;
	h_cap_clear();
	h_inject(H_IP_B, PORT_B, H_IP_A, pa->lport, pa->rcv_nxt + 5, 0, TCP_SYN, 1000, NULL, NULL,
		 0);
	KT_EQ(tcp_get_state(pa), TCP_ESTABLISHED);
	KT_EQ(h_cap_count(H_IP_A, TCP_ACK, TCP_RST | TCP_SYN), 1);
	KT_EQ(h_cap_last(H_IP_A)->ack, pa->rcv_nxt);
	KT_EQ(h_cap_last(H_IP_A)->seq, pa->snd_nxt);
	/* rate limit: at most CONFIG_TCP_CHALLENGE_ACKS_PER_S in one second */
	for (int i = 0; i < 50; i++) {
		h_inject(H_IP_B, PORT_B, H_IP_A, pa->lport, pa->rcv_nxt + 5, 0, TCP_SYN, 1000, NULL,
			 NULL, 0);
	}
	KT_EQ(tcp_get_stats(&h_a)->challenge_acks, CONFIG_TCP_CHALLENGE_ACKS_PER_S);
	h_run(h_w.now + 1001);
	h_inject(H_IP_B, PORT_B, H_IP_A, pa->lport, pa->rcv_nxt + 5, 0, TCP_SYN, 1000, NULL, NULL,
		 0);
	KT_EQ(tcp_get_stats(&h_a)->challenge_acks, CONFIG_TCP_CHALLENGE_ACKS_PER_S + 1);
	KT_EQ(app_a.err, 0);
}

static void test_backlog_limit(void)
{
	struct tcp_syn_entry *e = NULL;
	uint32_t iss1 = 0;

	setup(NULL);
	listener = tcp_new(&h_b);
	KT_EQ(tcp_bind(listener, 0, PORT_B), 0);
	KT_EQ(tcp_listen(listener, 2), 0);
	tcp_arg(listener, &app_b);
	tcp_set_accept(listener, app_accept);
	for (uint16_t p = 1000; p < 1003; p++) {
		h_inject(H_IP_A, p, H_IP_B, PORT_B, 5000u * p, 0, TCP_SYN, 1000, NULL, NULL, 0);
		if (p == 1000) {
			iss1 = h_cap_last(H_IP_B)->seq;
		}
	}
	KT_EQ(tcp_syn_cache_in_use(&h_b), 2);
	KT_EQ(tcp_get_stats(&h_b)->syn_cache_evictions, 1);
	for (size_t i = 0; i < CONFIG_TCP_SYN_CACHE; i++) {
		if (h_b.syn[i].used && h_b.syn[i].rport == 1000) {
			e = &h_b.syn[i];
		}
	}
	KT_EQ(e, NULL); /* the oldest went */
	/* its handshake completion is refused with RST */
	h_cap_clear();
	h_inject(H_IP_A, 1000, H_IP_B, PORT_B, 5000u * 1000u + 1u, iss1 + 1u, TCP_ACK, 1000, NULL,
		 NULL, 0);
	KT_EQ(h_cap_count(H_IP_B, TCP_RST, 0), 1);
	KT_EQ(h_cap_last(H_IP_B)->seq, iss1 + 1u);
	KT_EQ(app_b.accepts, 0);
	KT_EQ(tcp_pcbs_in_use(&h_b), 1);
	h_drop_all();
}

static void test_syn_flood(void)
{
	setup(NULL);
	listener = tcp_new(&h_b);
	KT_EQ(tcp_bind(listener, 0, PORT_B), 0);
	KT_EQ(tcp_listen(listener, 8), 0);
	tcp_arg(listener, &app_b);
	tcp_set_accept(listener, app_accept);
	for (uint32_t i = 0; i < 10000; i++) {
		/* spoofed sources: the SYN-ACKs go nowhere */
		h_inject(0x0b000000u + i, (uint16_t)(1024u + i % 50000u), H_IP_B, PORT_B, i * 7919u,
			 0, TCP_SYN, 1000, NULL, NULL, 0);
	}
	KT_EQ(tcp_pcbs_in_use(&h_b), 1);
	KT_EQ(tcp_bufs_in_use(&h_b), 0);
	KT_EQ(tcp_syn_cache_in_use(&h_b), 8);
	KT_EQ(tcp_get_stats(&h_b)->syn_cache_evictions, 10000 - 8);
	/* a real client still gets in */
	app_a.pcb = tcp_new(&h_a);
	tcp_arg(app_a.pcb, &app_a);
	tcp_set_callbacks(app_a.pcb, app_recv, app_sent, app_err);
	tcp_set_connected(app_a.pcb, app_connected);
	KT_EQ(tcp_connect(app_a.pcb, H_IP_B, PORT_B), 0);
	KT_ASSERT(h_run_until(both_connected, NULL, h_w.now + 5000));
	KT_EQ(tcp_pcbs_in_use(&h_b), 2);
}

static void test_keepalive(void)
{
	uint32_t t0, t[16];
	unsigned n;

	setup(NULL);
	KT_ASSERT(connect_pair());
	KT_EQ(app_a.pcb->timers & TCP_T_KEEP, 0); /* off by default */
	tcp_keepalive(app_a.pcb, 10000, 1000, 3);
	t0 = h_w.now;
	h_cap_clear();
	h_run(t0 + 10500);
	/* one probe, answered; the connection stays */
	KT_EQ(h_cap_count(H_IP_A, TCP_ACK, 0), 1);
	KT_EQ(h_cap_last(H_IP_A)->seq, app_a.pcb->snd_una - 1u);
	KT_EQ(h_cap_count(H_IP_B, TCP_ACK, 0), 1);
	KT_EQ(app_a.pcb->keep_sent, 0);
	/* the peer vanishes: probes at idle, +1 s, +2 s, then ETIMEDOUT */
	h_w.cfg.drop_pct = 100;
	h_cap_clear();
	t0 = h_w.now;
	KT_ASSERT(h_run_until(a_dead, NULL, t0 + 60000));
	KT_EQ(app_a.err, -ETIMEDOUT);
	n = send_times(TCP_ACK, TCP_RST, false, t, 16);
	KT_EQ(n, 3);
	KT_EQ(t[1] - t[0], 1000);
	KT_EQ(t[2] - t[1], 1000);
	KT_EQ(h_w.now - t[2], 1000);
	KT_EQ(h_cap_count(H_IP_A, TCP_RST, 0), 1);
}

static bool both_conn_raw(void *ctx)
{
	return tcp_get_state(app_a.pcb) == TCP_ESTABLISHED &&
	       tcp_get_state(app_b.pcb) == TCP_ESTABLISHED;
}

static void test_simultaneous_open_close(void)
{
	setup(NULL);
	app_a.pcb = tcp_new(&h_a);
	app_b.pcb = tcp_new(&h_b);
	tcp_arg(app_a.pcb, &app_a);
	tcp_arg(app_b.pcb, &app_b);
	tcp_set_callbacks(app_a.pcb, app_recv, app_sent, app_err);
	tcp_set_callbacks(app_b.pcb, app_recv, app_sent, app_err);
	KT_EQ(tcp_bind(app_a.pcb, H_IP_A, 1111), 0);
	KT_EQ(tcp_bind(app_b.pcb, H_IP_B, 2222), 0);
	KT_EQ(tcp_connect(app_a.pcb, H_IP_B, 2222), 0);
	KT_EQ(tcp_connect(app_b.pcb, H_IP_A, 1111), 0);
	if (!h_run_until(both_conn_raw, NULL, h_w.now + 5000)) {
		h_dump();
	}
	KT_EQ(tcp_get_stats(&h_a)->rst_out + tcp_get_stats(&h_b)->rst_out, 0);
	/* simultaneous close: both FIN-WAIT-1 -> CLOSING -> TIME-WAIT */
	tcp_shutdown(app_a.pcb, false, true);
	tcp_shutdown(app_b.pcb, false, true);
	KT_EQ(tcp_get_state(app_a.pcb), TCP_FIN_WAIT_1);
	h_run(h_w.now + 100);
	KT_EQ(tcp_get_state(app_a.pcb), TCP_TIME_WAIT);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_TIME_WAIT);
	KT_EQ(app_a.eof && app_b.eof, 1);
}

static void test_refused(void)
{
	setup(NULL);
	app_a.pcb = tcp_new(&h_a);
	tcp_arg(app_a.pcb, &app_a);
	tcp_set_callbacks(app_a.pcb, app_recv, app_sent, app_err);
	KT_EQ(tcp_connect(app_a.pcb, H_IP_B, 81), 0);
	KT_ASSERT(h_run_until(a_dead, NULL, h_w.now + 1000));
	KT_EQ(app_a.err, -ECONNREFUSED);
	KT_EQ(tcp_get_stats(&h_b)->rst_out, 1);
}

static void test_api_errors(void)
{
	struct tcp_pcb *p, *q;
	uint8_t b[4];

	setup(NULL);
	p = tcp_new(&h_a);
	q = tcp_new(&h_a);
	KT_EQ(tcp_bind(p, 0, 80), 0);
	KT_EQ(tcp_bind(q, 0, 80), -EADDRINUSE);
	KT_EQ(tcp_bind(p, 0, 81), -EINVAL);
	KT_EQ(tcp_listen(q, 1), -EINVAL); /* not bound */
	KT_EQ(tcp_write(q, "x", 1), -ENOTCONN);
	KT_EQ(tcp_read(q, b, sizeof(b)), -ENOTCONN);
	KT_EQ(tcp_shutdown(q, true, true), -ENOTCONN);
	KT_EQ(tcp_listen(p, 1000), 0);
	KT_EQ(p->backlog, CONFIG_TCP_SYN_CACHE);
	KT_EQ(tcp_connect(p, H_IP_B, 80), -EINVAL);
	tcp_close(p);
	tcp_close(q);
	for (int i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		KT_ASSERT(tcp_new(&h_a) != NULL);
	}
	KT_EQ(tcp_new(&h_a), NULL);
	for (int i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		tcp_close(&h_a.pcbs[i]);
	}
	KT_STREQ(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
	KT_STREQ(tcp_state_name(99), "?");
}

static void test_netstat(void)
{
	struct tcp_pcb_info info[4];

	setup(NULL);
	KT_ASSERT(connect_pair());
	KT_EQ(tcp_pcb_list(&h_b, info, 4), 2);
	KT_EQ(info[0].state, TCP_LISTEN);
	KT_EQ(info[0].local_port, PORT_B);
	KT_EQ(info[1].state, TCP_ESTABLISHED);
	KT_EQ(info[1].remote_ip, H_IP_A);
	KT_EQ(info[1].remote_port, app_a.pcb->lport);
	KT_EQ(info[1].mss, CONFIG_TCP_MSS - 12);
	KT_EQ(info[1].rto_ms, 1000);
	KT_EQ(tcp_pcb_list(&h_b, info, 1), 2);
}

static void test_close_with_unread_data_resets(void)
{
	setup(NULL);
	KT_ASSERT(connect_pair());
	app_b.no_read = true;
	KT_EQ(tcp_write(app_a.pcb, "hello", 5), 5);
	tcp_output(app_a.pcb);
	h_run(h_w.now + 50);
	KT_EQ(tcp_readable(app_b.pcb), 5);
	tcp_close(app_b.pcb);
	app_b.pcb = NULL;
	h_run(h_w.now + 50);
	KT_EQ(app_a.err, -ECONNRESET);
}

static void test_delayed_ack(void)
{
	static const uint8_t one[1] = {'x'};
	static uint8_t two[2 * (CONFIG_TCP_MSS - 12)];
	const struct h_cap *c;
	uint32_t t0;

	setup(NULL);
	KT_ASSERT(connect_pair());
	app_b.rx = rx_b;
	app_b.rx_cap = sizeof(rx_b);
	/* a lone segment is ACKed after CONFIG_TCP_DELACK_MS */
	h_cap_clear();
	t0 = h_w.now;
	KT_EQ(tcp_write(app_a.pcb, one, 1), 1);
	tcp_output(app_a.pcb);
	h_run(t0 + 500);
	KT_EQ(h_cap_count(H_IP_B, TCP_ACK, 0), 1);
	c = h_cap_last(H_IP_B);
	KT_EQ(c->t, t0 + h_w.cfg.delay_ms + CONFIG_TCP_DELACK_MS);
	/* two full segments: the second is ACKed at once */
	h_cap_clear();
	t0 = h_w.now;
	KT_EQ(tcp_write(app_a.pcb, two, sizeof(two)), (int)sizeof(two));
	tcp_output(app_a.pcb);
	h_run(t0 + 500);
	KT_EQ(h_cap_count(H_IP_A, TCP_ACK, 0), 2);
	KT_EQ(h_cap_count(H_IP_B, TCP_ACK, 0), 1);
	KT_EQ(h_cap_last(H_IP_B)->t, t0 + h_w.cfg.delay_ms);
}

static void test_nagle(void)
{
	static const struct {
		const char *name;
		bool nodelay;
		unsigned at_once; /* segments on the wire before any ACK returns */
	} rows[] = {
		{"nagle holds the second small write", false, 1},
		{"TCP_NODELAY sends both", true, 2},
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		KT_ROW(rows[r].name);
		if (r > 0) {
			teardown();
		}
		setup(NULL);
		KT_ASSERT(connect_pair());
		tcp_nodelay(app_a.pcb, rows[r].nodelay);
		h_cap_clear();
		KT_EQ(tcp_write(app_a.pcb, "a", 1), 1);
		tcp_output(app_a.pcb);
		KT_EQ(tcp_write(app_a.pcb, "b", 1), 1);
		tcp_output(app_a.pcb);
		KT_EQ(h_cap_count(H_IP_A, TCP_ACK, 0), rows[r].at_once);
		h_run(h_w.now + 500);
		KT_EQ(h_cap_count(H_IP_A, TCP_ACK, 0), 2);
	}
}

/* Removes the n-th (0-based) data segment A queued on the wire. */
static bool drop_nth_from_a(unsigned nth)
{
	unsigned order[H_QUEUE_MAX], n = 0;

	for (unsigned i = 0; i < h_w.nq; i++) {
		if (h_w.q[i].src == H_IP_A) {
			order[n++] = h_w.q[i].order;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = i + 1; j < n; j++) {
			if (order[j] < order[i]) {
				unsigned t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
		}
	}
	if (nth >= n) {
		return false;
	}
	for (unsigned i = 0; i < h_w.nq; i++) {
		if (h_w.q[i].order == order[nth]) {
			h_w.q[i] = h_w.q[--h_w.nq];
			return true;
		}
	}
	return false;
}

static void test_newreno_partial_ack(void)
{
	size_t want[2] = {10u * (CONFIG_TCP_MSS - 12), 0};
	uint32_t sent_at;

	setup(NULL);
	fill(big_a, want[0], 9);
	KT_ASSERT(connect_pair());
	app_a.pcb->cwnd = 20u * app_a.pcb->mss;
	app_b.rx = rx_b;
	app_b.rx_cap = sizeof(rx_b);
	app_a.tx = big_a;
	app_a.tx_len = want[0];
	tcp_nodelay(app_a.pcb, true);
	sent_at = h_w.now;
	app_pump(&app_a);
	KT_EQ(h_w.nq, 10);
	/* lose segments 2 and 5 of the window (remove the later one first) */
	KT_ASSERT(drop_nth_from_a(4));
	KT_ASSERT(drop_nth_from_a(1));
	KT_ASSERT(h_run_until(transfer_done, want, sent_at + 900));
	KT_MEMEQ(rx_b, big_a, want[0]);
	/* one fast retransmit, then the partial ACK resends the second hole */
	KT_EQ(tcp_get_stats(&h_a)->fast_retrans, 2);
	KT_EQ(tcp_get_stats(&h_a)->retrans, 2);
	KT_EQ(tcp_get_stats(&h_a)->timeouts, 0);
}

static void test_no_buffers_refuses(void)
{
	struct tcp_pcb *c[CONFIG_TCP_MAX_BUFS];
	uint32_t iss;

	setup(NULL);
	listener = tcp_new(&h_b);
	KT_EQ(tcp_bind(listener, 0, PORT_B), 0);
	KT_EQ(tcp_listen(listener, 8), 0);
	tcp_arg(listener, &app_b);
	tcp_set_accept(listener, app_accept);
	for (int i = 0; i < CONFIG_TCP_MAX_BUFS; i++) {
		c[i] = tcp_new(&h_a);
		KT_EQ(tcp_connect(c[i], H_IP_B, PORT_B), 0);
		h_run(h_w.now + 20); /* one at a time: the backlog may be below the pool */
		KT_EQ(tcp_get_state(c[i]), TCP_ESTABLISHED);
	}
	KT_EQ(tcp_connect(tcp_new(&h_a), H_IP_B, PORT_B), -ENOMEM);
	for (int i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		if (h_a.pcbs[i].in_use && h_a.pcbs[i].state == TCP_CLOSED) {
			tcp_close(&h_a.pcbs[i]); /* the one that got -ENOMEM */
		}
	}
	h_run(h_w.now + 100);
	KT_EQ(tcp_bufs_in_use(&h_b), CONFIG_TCP_MAX_BUFS);
	/* one more client (hand-made): B has no buffer set left -> RST */
	h_cap_clear();
	h_inject(0x0a000032u, 5000, H_IP_B, PORT_B, 777, 0, TCP_SYN, 1000, NULL, NULL, 0);
	iss = h_cap_last(H_IP_B)->seq;
	h_inject(0x0a000032u, 5000, H_IP_B, PORT_B, 778, iss + 1u, TCP_ACK, 1000, NULL, NULL, 0);
	KT_EQ(h_cap_count(H_IP_B, TCP_RST, 0), 1);
	KT_EQ(tcp_get_stats(&h_b)->no_pcb, 1);
	KT_EQ(tcp_pcbs_in_use(&h_b), 1 + CONFIG_TCP_MAX_BUFS);
	for (int i = 0; i < CONFIG_TCP_MAX_BUFS; i++) {
		tcp_close(c[i]);
	}
	/* B's children were accepted by app_accept, which only keeps the last */
	for (int i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		struct tcp_pcb *p = &h_b.pcbs[i];

		if (p->in_use && p != listener && p != app_b.pcb) {
			tcp_close(p);
		}
	}
}

/* app_accept, but the first `full_left` calls find the accept queue full. */
static int full_left;

static int app_accept_full(void *arg, struct tcp_pcb *newpcb)
{
	if (full_left > 0) {
		full_left--;
		return -EAGAIN;
	}
	return app_accept(arg, newpcb);
}

static void test_accept_queue_full(void)
{
	const uint32_t c_ip = 0x0a000033u; /* a hand-made client: B's replies go nowhere */
	uint32_t iss;

	setup(NULL);
	listener = tcp_new(&h_b);
	KT_EQ(tcp_bind(listener, 0, PORT_B), 0);
	KT_EQ(tcp_listen(listener, 4), 0);
	tcp_arg(listener, &app_b);
	tcp_set_accept(listener, app_accept_full);
	full_left = 2;
	h_cap_clear();
	h_inject(c_ip, 6000, H_IP_B, PORT_B, 900, 0, TCP_SYN, 1000, NULL, NULL, 0);
	iss = h_cap_last(H_IP_B)->seq;
	/* the third segment finds the queue full: dropped, no RST, entry kept */
	h_inject(c_ip, 6000, H_IP_B, PORT_B, 901, iss + 1u, TCP_ACK, 1000, NULL, NULL, 0);
	KT_EQ(h_cap_count(H_IP_B, TCP_RST, 0), 0);
	KT_EQ(tcp_syn_cache_in_use(&h_b), 1);
	KT_EQ(tcp_pcbs_in_use(&h_b), 1);
	KT_EQ(tcp_bufs_in_use(&h_b), 0);
	KT_EQ(tcp_get_stats(&h_b)->accept_full, 1);
	/* data riding on the next one is dropped too: nothing is acknowledged */
	h_inject(c_ip, 6000, H_IP_B, PORT_B, 901, iss + 1u, TCP_ACK | TCP_PSH, 1000, NULL, "hi", 2);
	KT_EQ(h_cap_count(H_IP_B, 0, 0), 1); /* still only the SYN-ACK */
	KT_EQ(app_b.accepts, 0);
	/* room now: the client's retransmission completes the handshake */
	h_inject(c_ip, 6000, H_IP_B, PORT_B, 901, iss + 1u, TCP_ACK | TCP_PSH, 1000, NULL, "hi", 2);
	KT_EQ(app_b.accepts, 1);
	KT_EQ(tcp_syn_cache_in_use(&h_b), 0);
	KT_EQ(tcp_get_state(app_b.pcb), TCP_ESTABLISHED);
	KT_EQ(tcp_get_stats(&h_b)->accepts, 1);
	KT_EQ(tcp_get_stats(&h_b)->rst_out, 0);
	KT_EQ(app_b.pcb->rcv_nxt, 903u); /* and took its data */
	tcp_abort(app_b.pcb);

	/* a queue that never drains: the entry times out after its SYN-ACK
	 * retransmissions, silently; the client's next segment gets a RST */
	full_left = 1000;
	h_cap_clear();
	h_inject(c_ip, 6001, H_IP_B, PORT_B, 1900, 0, TCP_SYN, 1000, NULL, NULL, 0);
	iss = h_cap_last(H_IP_B)->seq;
	h_inject(c_ip, 6001, H_IP_B, PORT_B, 1901, iss + 1u, TCP_ACK, 1000, NULL, NULL, 0);
	h_run(h_w.now + 60000);
	KT_EQ(h_cap_count(H_IP_B, TCP_SYN | TCP_ACK, 0), 1 + CONFIG_TCP_SYNACK_RETRIES);
	KT_EQ(h_cap_count(H_IP_B, TCP_RST, 0), 0);
	KT_EQ(tcp_syn_cache_in_use(&h_b), 0);
	KT_EQ(tcp_pcbs_in_use(&h_b), 1);
	h_inject(c_ip, 6001, H_IP_B, PORT_B, 1901, iss + 1u, TCP_ACK, 1000, NULL, NULL, 0);
	KT_EQ(h_cap_count(H_IP_B, TCP_RST, 0), 1);
	h_drop_all();
}

static void test_garbage_options_dropped(void)
{
	static const struct {
		const char *name;
		uint8_t len;
		uint8_t opt[8];
		int rc;
		unsigned synacks;
	} rows[] = {
		{"valid mss", 4, {2, 4, 5, 0xb4}, 0, 1},
		{"zero length", 4, {2, 0, 5, 0xb4}, -EBADMSG, 0},
		{"overlong", 4, {8, 10, 0, 0}, -EBADMSG, 0},
		{"truncated", 4, {1, 1, 1, 3}, -EBADMSG, 0},
		{"unknown kind, sane length", 4, {99, 4, 0, 0}, 0, 1},
	};
	uint8_t seg[TCP_HDR_LEN + 8];

	setup(NULL);
	listener = tcp_new(&h_b);
	KT_EQ(tcp_bind(listener, 0, PORT_B), 0);
	KT_EQ(tcp_listen(listener, 8), 0);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		size_t len = TCP_HDR_LEN + rows[r].len;

		KT_ROW(rows[r].name);
		memset(seg, 0, sizeof(seg));
		put_be16(seg + TCP_OFF_SPORT, (uint16_t)(3000 + r));
		put_be16(seg + TCP_OFF_DPORT, PORT_B);
		put_be32(seg + TCP_OFF_SEQ, 42);
		seg[TCP_OFF_DOFF] = (uint8_t)((len / 4u) << 4);
		seg[TCP_OFF_FLAGS] = TCP_SYN;
		put_be16(seg + TCP_OFF_WND, 1000);
		memcpy(seg + TCP_HDR_LEN, rows[r].opt, rows[r].len);
		put_be16(seg + TCP_OFF_CSUM, tcp_checksum(H_IP_A, H_IP_B, seg, len));
		h_cap_clear();
		KT_EQ(tcp_input_segment(&h_b, H_IP_A, H_IP_B, seg, len, h_w.now), rows[r].rc);
		KT_EQ(h_cap_count(H_IP_B, TCP_SYN | TCP_ACK, 0), rows[r].synacks);
	}
	KT_EQ(tcp_get_stats(&h_b)->bad_hdr, 3);
	h_drop_all();
}

int main(void)
{
	static const struct kt_case cases[] = {
		KT_CASE(test_handshake),
		KT_CASE(test_data_both_ways),
		KT_CASE(test_bulk_lossy),
		KT_CASE(test_syn_rto_backoff),
		KT_CASE(test_data_rto_backoff),
		KT_CASE(test_fast_retransmit),
		KT_CASE(test_persist_zero_window),
		KT_CASE(test_time_wait),
		KT_CASE(test_half_close),
		KT_CASE(test_rst_5961),
		KT_CASE(test_syn_challenge_ack),
		KT_CASE(test_backlog_limit),
		KT_CASE(test_accept_queue_full),
		KT_CASE(test_syn_flood),
		KT_CASE(test_keepalive),
		KT_CASE(test_simultaneous_open_close),
		KT_CASE(test_refused),
		KT_CASE(test_api_errors),
		KT_CASE(test_netstat),
		KT_CASE(test_close_with_unread_data_resets),
		KT_CASE(test_delayed_ack),
		KT_CASE(test_nagle),
		KT_CASE(test_newreno_partial_ack),
		KT_CASE(test_no_buffers_refuses),
		KT_CASE(test_garbage_options_dropped),
	};

	return KT_RUN("tcp_conn", cases, teardown);
}
