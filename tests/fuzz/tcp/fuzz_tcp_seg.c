/*
 * Fuzz target: a stream of segments into a TCP stack that has a listener
 * (port 80) and an established connection with data queued both ways.
 *
 * Input: records of [ctl][len][len bytes]. ctl bit 0: aim at the listener
 * (else the connection); bit 1: rewrite seq/ack relative to the
 * connection's RCV.NXT/SND.UNA (using the first 4 bytes of the record as
 * small offsets) so segments reach the deep paths; bits 2-4: advance time
 * by 0..7 * 250 ms first; bit 5: the application reads; bit 6: writes.
 * The checksum is always fixed up so the state machine sees the bytes.
 *
 * Invariants after every record: pool counts within their sizes, every
 * PCB's state valid, SND.UNA <= SND.NXT <= SND.MAX, buffer fill within
 * the buffers, out-of-order ranges sorted and inside the receive window;
 * every segment the stack sends parses and carries a valid checksum. At
 * the end every PCB is released and time runs out: nothing may remain.
 */
#include "../../../net/tcp_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PEER  0x0a000002u
#define LOCAL 0x0a000001u

static struct tcp_stack st;
static uint8_t txbuf[2048];
static uint8_t last_out[2048];
static size_t last_len;
static struct tcp_pcb *conn;

static uint8_t *fz_alloc(void *ctx, size_t len, void **handle)
{
	if (len > sizeof(txbuf)) {
		abort(); /* the core never builds more than MSS + header */
	}
	*handle = txbuf;
	return txbuf;
}

static int fz_send(void *ctx, void *handle, size_t len, uint32_t src, uint32_t dst,
		   const struct tcp_tx_info *tx)
{
	struct tcp_seg s;

	(void)tx;
	if (tcp_checksum(src, dst, txbuf, len) != 0 || tcp_hdr_parse(txbuf, len, &s) != 0) {
		abort();
	}
	memcpy(last_out, txbuf, len);
	last_len = len;
	return 0;
}

static uint32_t fz_src(void *ctx, uint32_t dst)
{
	return LOCAL;
}

static const struct tcp_io fz_io = {fz_alloc, fz_send, fz_src, NULL};

static void fz_err(void *arg, int err)
{
	conn = NULL;
}

static int fz_accept(void *arg, struct tcp_pcb *pcb)
{
	if (conn == NULL) {
		conn = pcb;
		tcp_set_callbacks(pcb, NULL, NULL, fz_err);
		return 0;
	}
	return -ENOMEM;
}

static void fz_inject(uint8_t *seg, size_t len, uint32_t now)
{
	put_be16(seg + TCP_OFF_CSUM, 0);
	put_be16(seg + TCP_OFF_CSUM, tcp_checksum(PEER, LOCAL, seg, len));
	tcp_input_segment(&st, PEER, LOCAL, seg, len, now);
}

static void fz_build(uint8_t *seg, uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	memset(seg, 0, TCP_HDR_LEN);
	put_be16(seg + TCP_OFF_SPORT, sport);
	put_be16(seg + TCP_OFF_DPORT, 80);
	put_be32(seg + TCP_OFF_SEQ, seq);
	put_be32(seg + TCP_OFF_ACK, ack);
	seg[TCP_OFF_DOFF] = 0x50;
	seg[TCP_OFF_FLAGS] = flags;
	put_be16(seg + TCP_OFF_WND, 8192);
}

/* Listener on 80 and a connection from PEER:4000 via the SYN cache. */
static void fz_setup(void)
{
	static const uint8_t key[16] = {7};
	struct tcp_pcb *l;
	uint8_t seg[TCP_HDR_LEN];
	static uint8_t junk[3000];

	conn = NULL;
	tcp_stack_init(&st, &fz_io, NULL, key, 0);
	l = tcp_new(&st);
	tcp_bind(l, 0, 80);
	tcp_listen(l, 4);
	tcp_set_accept(l, fz_accept);
	fz_build(seg, 4000, 1000, 0, TCP_SYN);
	fz_inject(seg, sizeof(seg), 0);
	fz_build(seg, 4000, 1001, get_be32(last_out + TCP_OFF_SEQ) + 1u, TCP_ACK);
	fz_inject(seg, sizeof(seg), 10);
	if (conn == NULL) {
		abort();
	}
	tcp_write(conn, junk, sizeof(junk));
	tcp_output(conn);
}

static void fz_check(void)
{
	if (tcp_pcbs_in_use(&st) > CONFIG_TCP_MAX_PCBS ||
	    tcp_bufs_in_use(&st) > CONFIG_TCP_MAX_BUFS ||
	    tcp_syn_cache_in_use(&st) > CONFIG_TCP_SYN_CACHE) {
		abort();
	}
	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		const struct tcp_pcb *p = &st.pcbs[i];

		if (!p->in_use || (p->flags & TCP_F_FREE)) {
			continue;
		}
		if (p->state > TCP_TIME_WAIT || SEQ_GT(p->snd_una, p->snd_nxt) ||
		    SEQ_GT(p->snd_nxt, p->snd_max) || p->snd_len > CONFIG_TCP_SND_BUF ||
		    p->rcv_len > CONFIG_TCP_RCV_BUF || p->n_ooo > CONFIG_TCP_OOO_RANGES) {
			abort();
		}
		for (unsigned k = 0; k < p->n_ooo; k++) {
			if (!SEQ_GT(p->ooo[k].start, p->rcv_nxt) ||
			    SEQ_GT(p->ooo[k].end, p->rcv_nxt + CONFIG_TCP_RCV_BUF - p->rcv_len) ||
			    (k > 0 && !SEQ_GT(p->ooo[k].start, p->ooo[k - 1].end))) {
				abort();
			}
		}
	}
}

static void fz_record(uint8_t ctl, uint8_t *seg, size_t len, uint32_t *now)
{
	static uint8_t sink[4096];

	*now += ((ctl >> 2) & 7u) * 250u;
	tcp_tick(&st, *now);
	if (conn != NULL && (ctl & 0x20)) {
		(void)tcp_read(conn, sink, sizeof(sink));
	}
	if (conn != NULL && (ctl & 0x40)) {
		(void)tcp_write(conn, sink, len * 7u < sizeof(sink) ? len * 7u : sizeof(sink));
		tcp_output(conn);
	}
	if (len < TCP_HDR_LEN) {
		return;
	}
	if (!(ctl & 1)) {
		put_be16(seg + TCP_OFF_SPORT, 4000);
		put_be16(seg + TCP_OFF_DPORT, 80);
	}
	if ((ctl & 2) && conn != NULL) {
		put_be32(seg + TCP_OFF_SEQ, conn->rcv_nxt + (uint32_t)(int8_t)seg[4] * 512u);
		put_be32(seg + TCP_OFF_ACK, conn->snd_una + (uint32_t)(int8_t)seg[8] * 256u);
	}
	fz_inject(seg, len, *now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t seg[2048];
	uint32_t now = 20;
	size_t off = 0;

	fz_setup();
	for (unsigned n = 0; n < 64 && off + 3 <= size; n++) {
		uint8_t ctl = data[off];
		size_t len = get_be16(data + off + 1) % sizeof(seg);

		off += 3;
		if (len > size - off) {
			len = size - off;
		}
		memcpy(seg, data + off, len);
		off += len;
		fz_record(ctl, seg, len, &now);
		fz_check();
	}
	/* release everything; after every timer ran out nothing may be left */
	for (size_t i = 0; i < CONFIG_TCP_MAX_PCBS; i++) {
		if (st.pcbs[i].in_use && !(st.pcbs[i].flags & TCP_F_FREE)) {
			tcp_abort(&st.pcbs[i]);
		}
	}
	for (unsigned k = 0; k < 8; k++) {
		now += 1000000u;
		tcp_tick(&st, now);
	}
	if (tcp_pcbs_in_use(&st) || tcp_bufs_in_use(&st) || tcp_syn_cache_in_use(&st)) {
		abort();
	}
	return 0;
}
