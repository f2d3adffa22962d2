/*
 * TCP internals shared by net/tcp*.c (never installed).
 *
 *   tcp.c        PCB/buffer pools, application API, netstat listing
 *   tcp_in.c     segment arrival (RFC 9293 §3.10.7), state machine
 *   tcp_rcv.c    receive buffer, out-of-order ranges, ACK processing
 *   tcp_out.c    segment construction, output, RST/ACK replies
 *   tcp_timer.c  RTO (RFC 6298), persist, delayed ACK, keep-alive, TIME-WAIT
 *   tcp_syn.c    listeners: SYN cache, passive open
 *   tcp_opt.c    header and option parsing/writing, checksum
 *   tcp_isn.c    SipHash-2-4 and RFC 6528 ISNs
 */
#ifndef KESTREL_NET_TCP_INTERNAL_H
#define KESTREL_NET_TCP_INTERNAL_H

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/net/tcp.h>
#include <kestrel/wire/tcp.h>

/* Sequence arithmetic mod 2^32 (RFC 9293 §3.4). */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
/* Time comparisons on the wrapping ms clock. */
#define TIME_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* pcb->flags */
#define TCP_F_NODELAY	 0x0001u /* Nagle off */
#define TCP_F_ACK_NOW	 0x0002u /* send an ACK at the next output */
#define TCP_F_DELACK	 0x0004u /* an ACK is being delayed */
#define TCP_F_FIN_QUEUED 0x0008u /* FIN follows the send buffer */
#define TCP_F_FIN_RCVD	 0x0010u /* peer's FIN consumed */
#define TCP_F_SHUT_RX	 0x0020u /* application stopped reading */
#define TCP_F_ORPHAN	 0x0040u /* application released the PCB (tcp_close) */
#define TCP_F_TS	 0x0080u /* timestamps negotiated */
#define TCP_F_WS	 0x0100u /* window scaling negotiated */
#define TCP_F_RECOVERY	 0x0200u /* in fast recovery */
#define TCP_F_RTT	 0x0400u /* timing rtt_seq (no timestamps) */
#define TCP_F_FREE	 0x0800u /* freed; slot released when the core unwinds */
#define TCP_F_KEEPALIVE	 0x1000u
#define TCP_F_FORCE	 0x2000u /* persist expiry: send into a small window anyway */
#define TCP_F_OOW	 0x4000u /* oow_at is valid */

/* pcb->timers */
#define TCP_T_REXMIT  0x01u
#define TCP_T_PERSIST 0x02u
#define TCP_T_DELACK  0x04u
#define TCP_T_KEEP    0x08u
#define TCP_T_WAIT    0x10u /* TIME-WAIT, orphaned FIN-WAIT-2 */

/* struct tcp_opts present bits (also tcp_syn_entry.opts) */
#define TCP_O_MSS  0x01u
#define TCP_O_WS   0x02u
#define TCP_O_TS   0x04u
#define TCP_O_SACK 0x08u

struct tcp_opts {
	uint8_t present;
	uint8_t wscale;
	uint16_t mss;
	uint32_t tsval, tsecr;
};

/* A parsed segment; data points into the caller's buffer. */
struct tcp_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	struct tcp_opts opt;
	const uint8_t *data;
	size_t len;
};

/* Segment length in sequence space (data + SYN + FIN). */
static inline uint32_t tcp_seg_seqlen(const struct tcp_seg *s)
{
	return (uint32_t)s->len + ((s->flags & TCP_SYN) ? 1u : 0u) +
	       ((s->flags & TCP_FIN) ? 1u : 0u);
}

/* tcp_opt.c */
int tcp_opt_parse(const uint8_t *p, size_t len, struct tcp_opts *o);
int tcp_hdr_parse(const uint8_t *p, size_t len, struct tcp_seg *seg);
uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len);
uint16_t tcp_checksum_partial(uint32_t src, uint32_t dst, size_t len);
size_t tcp_opt_write(uint8_t *p, size_t cap, const struct tcp_opts *o);

/* tcp_isn.c */
uint64_t tcp_siphash(const uint8_t key[16], const uint8_t *in, size_t len);
uint32_t tcp_isn(const struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		 uint16_t rport, uint32_t now_ms);
uint32_t tcp_ts_offset(const struct tcp_stack *st, uint32_t lip, uint16_t lport, uint32_t rip,
		       uint16_t rport);

/* tcp.c */
void tcp_enter(struct tcp_stack *st);
void tcp_leave(struct tcp_stack *st);
void tcp_bufs_free(struct tcp_pcb *pcb);
struct tcp_pcb *tcp_pcb_alloc(struct tcp_stack *st);
struct tcp_bufs *tcp_bufs_alloc(struct tcp_stack *st);
void tcp_pcb_release(struct tcp_pcb *pcb);
void tcp_pcb_kill(struct tcp_pcb *pcb, int err);
void tcp_reap(struct tcp_stack *st);
void tcp_pcb_init_conn(struct tcp_pcb *pcb);
struct tcp_pcb *tcp_pcb_lookup(struct tcp_stack *st, const struct tcp_seg *seg);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_pcb_state state);

/* tcp_in.c */
void tcp_process(struct tcp_pcb *pcb, const struct tcp_seg *seg);
void tcp_apply_syn_opts(struct tcp_pcb *pcb, const struct tcp_opts *o, bool ours_sent_ws_ts);

/* tcp_rcv.c */
void tcp_rcv_data(struct tcp_pcb *pcb, const struct tcp_seg *seg);
bool tcp_rcv_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg);
uint32_t tcp_rcv_space(const struct tcp_pcb *pcb);

/* tcp_out.c */
void tcp_out(struct tcp_pcb *pcb);
void tcp_send_ack(struct tcp_pcb *pcb);
void tcp_send_probe(struct tcp_pcb *pcb);
void tcp_send_rst_pcb(struct tcp_pcb *pcb);
void tcp_send_syn(struct tcp_pcb *pcb);
void tcp_retransmit_first(struct tcp_pcb *pcb);
void tcp_reply_rst(struct tcp_stack *st, const struct tcp_seg *seg);
void tcp_challenge_ack(struct tcp_pcb *pcb);
/* Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): open the window in steps of at least this. */
#define TCP_RCV_SWS \
	(CONFIG_TCP_RCV_BUF / 2u < CONFIG_TCP_MSS ? CONFIG_TCP_RCV_BUF / 2u : CONFIG_TCP_MSS)
uint16_t tcp_adv_window(struct tcp_pcb *pcb);
int tcp_emit(struct tcp_stack *st, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	     uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const struct tcp_opts *opt,
	     const struct tcp_pcb *data_pcb, uint32_t data_seq, size_t data_len);

/* tcp_timer.c */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms);
void tcp_timer_set(struct tcp_pcb *pcb, uint8_t which, uint32_t delay_ms);
void tcp_timer_clear(struct tcp_pcb *pcb, uint8_t which);
void tcp_timers_after_output(struct tcp_pcb *pcb);
void tcp_keep_reset(struct tcp_pcb *pcb);
void tcp_enter_time_wait(struct tcp_pcb *pcb);
uint32_t tcp_initial_cwnd(uint32_t mss);

/* tcp_syn.c */
void tcp_listen_input(struct tcp_pcb *lpcb, const struct tcp_seg *seg);
void tcp_syn_tick(struct tcp_stack *st);
void tcp_syn_drop_listener(struct tcp_stack *st, const struct tcp_pcb *lpcb);
uint32_t tcp_syn_next(const struct tcp_stack *st, uint32_t now);

#endif /* KESTREL_NET_TCP_INTERNAL_H */
