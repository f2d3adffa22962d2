/*
 * TCP (RFC 9293) for Kestrel: a callback API for code without threads.
 *
 * The core is a pure library over a struct tcp_stack that holds every PCB,
 * every connection buffer, the SYN cache and the counters in static storage
 * sized by the CONFIG_TCP_* knobs below. It never calls the kernel: time is
 * passed in (now_ms) and segments leave through a struct tcp_io the owner
 * supplies. One task (the network task) owns a stack; nothing here locks.
 *
 * Segments enter with tcp_input_segment(); timers run from tcp_tick(), which
 * the owner calls when tcp_next_timeout() says (or every few ms).
 *
 * Lifetime of a PCB: tcp_new() hands one to the application, which owns it
 * until it calls tcp_close() or tcp_abort(), or until the stack calls the
 * err callback (reset, timeout): after err the PCB is gone. Children of a
 * listener are handed over by the accept callback.
 *
 * Callbacks run inside tcp_input_segment()/tcp_tick()/API calls; they may
 * call any API on the same stack, including tcp_close()/tcp_abort() on the
 * PCB they were called for.
 */
#ifndef KESTREL_NET_TCP_H
#define KESTREL_NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>

/* ---- configuration (board kestrel_config.h overrides) ---- */

/* PCBs per stack: listeners, connections and TIME-WAIT entries. */
#ifndef CONFIG_TCP_MAX_PCBS
#define CONFIG_TCP_MAX_PCBS 16
#endif
/* Connections that hold send/receive buffers at the same time. */
#ifndef CONFIG_TCP_MAX_BUFS
#define CONFIG_TCP_MAX_BUFS 4
#endif
/* Send buffer per connection (bytes). */
#ifndef CONFIG_TCP_SND_BUF
#define CONFIG_TCP_SND_BUF (32 * 1024)
#endif
/* Receive buffer per connection (bytes); > 65535 uses window scaling. */
#ifndef CONFIG_TCP_RCV_BUF
#define CONFIG_TCP_RCV_BUF (64 * 1024)
#endif
/* MSS we advertise (1460 = Ethernet MTU 1500 - 40). */
#ifndef CONFIG_TCP_MSS
#define CONFIG_TCP_MSS 1460
#endif
/*
 * Checksum offload and TSO towards links that offer them (tcp_io.offload).
 * Off by default: a board whose MAC has neither saves the code.
 */
#ifndef CONFIG_TCP_OFFLOAD
#define CONFIG_TCP_OFFLOAD 0
#endif
/* Most MSS-sized pieces in one segment handed to a TSO link (1: no TSO). */
#ifndef CONFIG_TCP_TSO_SEGS
#define CONFIG_TCP_TSO_SEGS 44
#endif
/* Smallest send MSS we accept from a peer (guards against 1-byte segments). */
#ifndef CONFIG_TCP_MIN_MSS
#define CONFIG_TCP_MIN_MSS 64
#endif
/* Out-of-order ranges held per connection (data sits in the receive buffer). */
#ifndef CONFIG_TCP_OOO_RANGES
#define CONFIG_TCP_OOO_RANGES 4
#endif
/* Half-open connections remembered per stack (SYN cache, oldest evicted). */
#ifndef CONFIG_TCP_SYN_CACHE
#define CONFIG_TCP_SYN_CACHE 16
#endif
/* SYN-ACK retransmissions before a SYN cache entry is dropped. */
#ifndef CONFIG_TCP_SYNACK_RETRIES
#define CONFIG_TCP_SYNACK_RETRIES 3
#endif
/* SYN retransmissions before tcp_connect() fails with ETIMEDOUT. */
#ifndef CONFIG_TCP_SYN_RETRIES
#define CONFIG_TCP_SYN_RETRIES 5
#endif
/* Data retransmissions (consecutive timeouts) before ETIMEDOUT. */
#ifndef CONFIG_TCP_MAX_RETRIES
#define CONFIG_TCP_MAX_RETRIES 12
#endif
/* Maximum segment lifetime; TIME-WAIT lasts 2 * MSL (RFC 9293: 2 min). */
#ifndef CONFIG_TCP_MSL_MS
#define CONFIG_TCP_MSL_MS 60000
#endif
/* FIN-WAIT-2 timeout once the application has closed (orphaned). */
#ifndef CONFIG_TCP_FIN_WAIT2_MS
#define CONFIG_TCP_FIN_WAIT2_MS 60000
#endif
/* RFC 6298 retransmission timeout: initial, lower and upper bounds. */
#ifndef CONFIG_TCP_RTO_INIT_MS
#define CONFIG_TCP_RTO_INIT_MS 1000
#endif
#ifndef CONFIG_TCP_RTO_MIN_MS
#define CONFIG_TCP_RTO_MIN_MS 1000
#endif
#ifndef CONFIG_TCP_RTO_MAX_MS
#define CONFIG_TCP_RTO_MAX_MS 60000
#endif
/* Delayed ACK timeout (RFC 1122: < 500 ms; RFC 9293 suggests <= 200 ms). */
#ifndef CONFIG_TCP_DELACK_MS
#define CONFIG_TCP_DELACK_MS 100
#endif
/* Keep-alive defaults (off unless tcp_keepalive() enables it; RFC 1122: >= 2 h). */
#ifndef CONFIG_TCP_KEEPIDLE_MS
#define CONFIG_TCP_KEEPIDLE_MS 7200000u
#endif
#ifndef CONFIG_TCP_KEEPINTVL_MS
#define CONFIG_TCP_KEEPINTVL_MS 75000u
#endif
#ifndef CONFIG_TCP_KEEPCNT
#define CONFIG_TCP_KEEPCNT 9
#endif
/* RFC 5961 challenge ACKs per second per stack. */
#ifndef CONFIG_TCP_CHALLENGE_ACKS_PER_S
#define CONFIG_TCP_CHALLENGE_ACKS_PER_S 10
#endif
/* Minimum gap between ACKs answering unacceptable pure ACKs (ACK-war guard). */
#ifndef CONFIG_TCP_OOW_ACK_MS
#define CONFIG_TCP_OOW_ACK_MS 500
#endif
/* IP TTL of our segments. */
#ifndef CONFIG_TCP_TTL
#define CONFIG_TCP_TTL 64
#endif
/* First ephemeral port (IANA dynamic range 49152..65535). */
#ifndef CONFIG_TCP_EPHEMERAL_LO
#define CONFIG_TCP_EPHEMERAL_LO 49152
#endif

_Static_assert(CONFIG_TCP_MAX_PCBS >= 1 && CONFIG_TCP_MAX_PCBS <= 255, "1..255 PCBs");
_Static_assert(CONFIG_TCP_MAX_BUFS >= 1 && CONFIG_TCP_MAX_BUFS <= CONFIG_TCP_MAX_PCBS,
	       "buffer sets must be 1..CONFIG_TCP_MAX_PCBS");
_Static_assert(CONFIG_TCP_MSS >= CONFIG_TCP_MIN_MSS && CONFIG_TCP_MSS <= 65495, "bad MSS");
_Static_assert(CONFIG_TCP_SND_BUF >= 2 * CONFIG_TCP_MSS, "send buffer below 2 MSS");
_Static_assert(CONFIG_TCP_RCV_BUF >= 2 * CONFIG_TCP_MSS, "receive buffer below 2 MSS");
_Static_assert(CONFIG_TCP_RCV_BUF <= (65535u << 14), "receive buffer beyond window scale 14");
_Static_assert(CONFIG_TCP_SND_BUF <= 0x40000000u, "send buffer too large");
_Static_assert(CONFIG_TCP_RTO_MIN_MS >= 1 && CONFIG_TCP_RTO_MIN_MS <= CONFIG_TCP_RTO_MAX_MS,
	       "RTO bounds");
_Static_assert(CONFIG_TCP_RTO_MAX_MS <= 600000, "RTO max above 10 min");
_Static_assert(CONFIG_TCP_DELACK_MS >= 1 && CONFIG_TCP_DELACK_MS < 500, "RFC 1122 delayed ACK");
_Static_assert(CONFIG_TCP_SYN_CACHE >= 1, "need a SYN cache");
_Static_assert(CONFIG_TCP_OOO_RANGES >= 1 && CONFIG_TCP_OOO_RANGES <= 32, "OOO ranges");

/* ---- types ---- */

enum tcp_pcb_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

struct tcp_pcb;
struct tcp_stack;

/* Offloads of the link towards a destination (tcp_io.offload). */
#define TCP_OFL_CSUM 0x1u /* the link completes checksums (see tcp_tx_info) */
#define TCP_OFL_TSO  0x2u /* the link cuts segments longer than the MSS */

/* How tcp_io.send is to transmit one segment. */
struct tcp_tx_info {
	uint16_t gso_size; /* > 0: the link cuts the data into pieces this long */
	bool csum_partial; /* checksum field holds the pseudo-header sum only */
};

/*
 * How segments leave. alloc returns a buffer of at least len bytes for one
 * segment (and an opaque handle) or NULL when out of buffers; send takes
 * ownership of the handle and transmits len bytes of it (a complete TCP
 * segment, checksum filled in as tx says) from src to dst. src_addr picks
 * the local address for a connection to dst (0 = no route); it may be NULL
 * when every PCB is bound to an address. offload (may be NULL: none)
 * returns the TCP_OFL_* the path to dst offers and, with TCP_OFL_TSO, the
 * largest segment (header and data, bytes) the link takes in *tso_max.
 */
struct tcp_io {
	uint8_t *(*alloc)(void *ctx, size_t len, void **handle);
	int (*send)(void *ctx, void *handle, size_t len, uint32_t src, uint32_t dst,
		    const struct tcp_tx_info *tx);
	uint32_t (*src_addr)(void *ctx, uint32_t dst);
	unsigned (*offload)(void *ctx, uint32_t dst, uint32_t *tso_max);
};

/*
 * A new connection on a listener; return 0 to keep it, -EAGAIN when the
 * accept queue is full (the handshake's last ACK is dropped and completes
 * on a retransmission), another negative errno to reset it.
 */
typedef int (*tcp_accept_fn)(void *arg, struct tcp_pcb *newpcb);
/* tcp_connect() completed (ESTABLISHED). */
typedef void (*tcp_connected_fn)(void *arg, struct tcp_pcb *pcb);
/* avail bytes are readable with tcp_read(); eof: the peer sent FIN. */
typedef void (*tcp_recv_fn)(void *arg, struct tcp_pcb *pcb, size_t avail, bool eof);
/* acked bytes left the send buffer (room for tcp_write()). */
typedef void (*tcp_sent_fn)(void *arg, struct tcp_pcb *pcb, size_t acked);
/* The connection died (-ECONNRESET, -ECONNREFUSED, -ETIMEDOUT); the PCB is gone. */
typedef void (*tcp_err_fn)(void *arg, int err);

/* Counters (all wrap). */
struct tcp_stats {
	uint32_t seg_in;       /* segments handed to tcp_input_segment() */
	uint32_t seg_out;      /* segments sent */
	uint32_t retrans;      /* segments retransmitted (timeout or fast) */
	uint32_t fast_retrans; /* fast retransmits (3 dup ACKs, partial ACKs) */
	uint32_t timeouts;     /* retransmission timeouts */
	uint32_t dup_acks;     /* duplicate ACKs received */
	uint32_t bad_csum;     /* checksum failures */
	uint32_t bad_hdr;      /* malformed header or options */
	uint32_t rst_in;       /* resets accepted */
	uint32_t rst_out;      /* resets sent */
	uint32_t drops;	       /* segments dropped for any other reason */
	uint32_t challenge_acks;
	uint32_t syn_cache_evictions;
	uint32_t syn_cache_timeouts;
	uint32_t no_pcb;    /* connections refused for want of a PCB or buffer */
	uint32_t ooo_drops; /* out-of-order data beyond the tracked ranges */
	uint32_t accepts;
	uint32_t accept_full; /* handshakes held back: the accept queue was full */
	uint32_t connects;
};

/* One line of `netstat`. */
struct tcp_pcb_info {
	uint8_t state; /* enum tcp_pcb_state */
	uint32_t local_ip, remote_ip;
	uint16_t local_port, remote_port;
	uint32_t snd_queued; /* bytes in the send buffer (unacked + unsent) */
	uint32_t rcv_queued; /* bytes waiting for tcp_read() */
	uint32_t cwnd, ssthresh, snd_wnd, rto_ms, srtt_ms;
	uint16_t mss;
};

/* ---- storage: sized here so owners can allocate statically; fields are private ---- */

/* Out-of-order data already placed in the receive buffer: [start, end). */
struct tcp_ooo {
	uint32_t start, end;
};

struct tcp_bufs {
	uint8_t snd[CONFIG_TCP_SND_BUF];
	uint8_t rcv[CONFIG_TCP_RCV_BUF];
	bool used;
};

struct tcp_pcb {
	struct tcp_stack *st;
	struct tcp_bufs *buf;
	void *arg;
	tcp_accept_fn accept;
	tcp_connected_fn connected;
	tcp_recv_fn recv;
	tcp_sent_fn sent;
	tcp_err_fn err;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint8_t in_use, state, backlog, dupacks;
	uint32_t flags;
	uint16_t mss;	     /* send MSS (peer's option, clamped) */
	uint8_t snd_wscale;  /* shift applied to the peer's windows */
	uint8_t rcv_wscale;  /* shift the peer applies to ours */
	uint8_t nrexmit;     /* consecutive timeouts (RTO backoff exponent) */
	uint8_t persist_exp; /* persist backoff exponent */
	uint8_t keep_sent;   /* unanswered keep-alive probes */
	uint8_t keep_cnt;
	uint8_t n_ooo;
	uint8_t timers; /* TCP_T_* bits: which deadlines below are armed */
	/* send sequence space (RFC 9293 §3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
	uint32_t snd_wnd, max_snd_wnd;
	uint32_t snd_seq;  /* sequence number of the first byte in the send buffer */
	uint32_t snd_head; /* its index in buf->snd */
	uint32_t snd_len;  /* bytes in the send buffer (unacked and unsent) */
	/* congestion control (RFC 5681, RFC 6582) */
	uint32_t cwnd, ssthresh, recover;
	/* RTT estimation (RFC 6298), all in ms */
	uint32_t srtt8, rttvar4, rto, rtt_seq, rtt_start;
	/* timestamps (RFC 7323) */
	uint32_t ts_recent, ts_off, last_ack_sent;
	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv;
	uint32_t rcv_head; /* buf->rcv index of the next byte tcp_read() returns */
	uint32_t rcv_len;  /* in-order bytes waiting for tcp_read() */
	uint32_t rcv_unacked;
	struct tcp_ooo ooo[CONFIG_TCP_OOO_RANGES];
	/* timers: absolute deadlines in ms, armed per bit in timers */
	uint32_t t_rexmit, t_persist, t_delack, t_keep, t_wait;
	uint32_t keep_idle, keep_intvl;
	uint32_t oow_at; /* last ACK sent for an unacceptable segment */
};

/* A half-open connection on a listener (SYN received, SYN-ACK sent). */
struct tcp_syn_entry {
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t iss, irs, ts_recent, rexmit_at, born;
	uint16_t mss, wnd;
	uint8_t used, listener, retries, snd_wscale, opts;
	uint8_t held; /* its last ACK was dropped (accept queue full): no RTT sample */
};

struct tcp_stack {
	struct tcp_pcb pcbs[CONFIG_TCP_MAX_PCBS];
	struct tcp_bufs bufs[CONFIG_TCP_MAX_BUFS];
	struct tcp_syn_entry syn[CONFIG_TCP_SYN_CACHE];
	const struct tcp_io *io;
	void *io_ctx;
	uint8_t key[16];
	uint32_t now;
	uint32_t chal_start, chal_count;
	uint16_t next_port;
	uint8_t depth; /* nesting of core entry points; frees are deferred while > 0 */
	struct tcp_stats stats;
};

/* ---- stack ---- */

/*
 * Initialises st (caller storage, typically static). key: 16 secret bytes
 * for RFC 6528 ISNs (from a TRNG or boot entropy); caller keeps io and key.
 */
void tcp_stack_init(struct tcp_stack *st, const struct tcp_io *io, void *io_ctx,
		    const uint8_t key[16], uint32_t now_ms);

/*
 * Processes one received segment (header + data) from src to dst (host
 * order). Caller keeps seg. Bad checksums and malformed headers are counted
 * and dropped.
 * @retval 0 processed (or dropped and counted)
 * @retval -EBADMSG checksum or header corrupt
 */
/* The same with flags: TCP_IN_CSUM_OK, the link verified the checksum. */
#define TCP_IN_CSUM_OK 0x1u
int tcp_input_segment_flags(struct tcp_stack *st, uint32_t src, uint32_t dst, const uint8_t *seg,
			    size_t len, uint32_t now_ms, unsigned flags);
static inline int tcp_input_segment(struct tcp_stack *st, uint32_t src, uint32_t dst,
				    const uint8_t *seg, size_t len, uint32_t now_ms)
{
	return tcp_input_segment_flags(st, src, dst, seg, len, now_ms, 0);
}

/* Runs every timer due at now_ms. */
void tcp_tick(struct tcp_stack *st, uint32_t now_ms);

/* Milliseconds from now_ms until the next timer is due (UINT32_MAX: none). */
uint32_t tcp_next_timeout(const struct tcp_stack *st, uint32_t now_ms);

const struct tcp_stats *tcp_get_stats(const struct tcp_stack *st);

/* Fills up to max entries; returns how many PCBs are in use. */
size_t tcp_pcb_list(const struct tcp_stack *st, struct tcp_pcb_info *out, size_t max);

/* PCBs / buffer sets currently allocated (leak checks, netstat). */
size_t tcp_pcbs_in_use(const struct tcp_stack *st);
size_t tcp_bufs_in_use(const struct tcp_stack *st);
size_t tcp_syn_cache_in_use(const struct tcp_stack *st);

const char *tcp_state_name(int state);

/* ---- PCBs ---- */

/* @return a new CLOSED PCB, or NULL when the pool is empty. */
struct tcp_pcb *tcp_new(struct tcp_stack *st);

void tcp_arg(struct tcp_pcb *pcb, void *arg);
void tcp_set_callbacks(struct tcp_pcb *pcb, tcp_recv_fn recv, tcp_sent_fn sent, tcp_err_fn err);
void tcp_set_connected(struct tcp_pcb *pcb, tcp_connected_fn connected);
void tcp_set_accept(struct tcp_pcb *pcb, tcp_accept_fn accept);

/*
 * Binds to ip (0 = any) and port (0 = pick an ephemeral port).
 * @retval -EADDRINUSE another PCB holds the port
 * @retval -EINVAL not CLOSED or already bound
 */
int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);

/*
 * Listens with at most backlog half-open connections (1..CONFIG_TCP_SYN_CACHE).
 * @retval -EINVAL not bound or not CLOSED
 */
int tcp_listen(struct tcp_pcb *pcb, unsigned backlog);

/*
 * Starts an active open and sends the SYN; the connected callback follows.
 * @retval -EINVAL not CLOSED
 * @retval -ENOMEM no buffer set free
 * @retval -ENETUNREACH no source address for ip
 * @retval -EADDRINUSE no ephemeral port free
 */
int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);

/*
 * Copies up to len bytes into the send buffer (sent by tcp_output() or as
 * ACKs arrive). Returns the bytes accepted (1..len).
 * @retval -EBUSY buffer full (wait for the sent callback)
 * @retval -ENOTCONN not connected / connecting
 * @retval -ESHUTDOWN the sending side was shut down
 */
int tcp_write(struct tcp_pcb *pcb, const void *data, size_t len);

/* Sends what the windows, Nagle and the buffer allow. @retval 0 */
int tcp_output(struct tcp_pcb *pcb);

/*
 * Copies up to len received bytes and opens the window. Returns the bytes
 * copied, or 0 at end of stream (FIN received, buffer empty).
 * @retval -EBUSY nothing to read yet
 * @retval -ENOTCONN never connected
 */
int tcp_read(struct tcp_pcb *pcb, void *buf, size_t len);

/* Bytes waiting for tcp_read(); room in the send buffer. */
size_t tcp_readable(const struct tcp_pcb *pcb);
size_t tcp_sndbuf(const struct tcp_pcb *pcb);

/*
 * Half-close: shut_rx stops reading (later data is discarded), shut_tx
 * sends FIN after the queued data.
 * @retval -ENOTCONN not connected
 */
int tcp_shutdown(struct tcp_pcb *pcb, bool shut_rx, bool shut_tx);

/*
 * Releases the PCB: sends FIN after queued data and lets the stack finish
 * the close (a reset if unread data remains, RFC 2525 §2.17). The PCB
 * must not be used afterwards. @retval 0
 */
int tcp_close(struct tcp_pcb *pcb);

/* Sends RST (if synchronised) and frees the PCB at once; no err callback. */
void tcp_abort(struct tcp_pcb *pcb);

/* Disables (true) or enables Nagle's algorithm. */
void tcp_nodelay(struct tcp_pcb *pcb, bool on);

/* Keep-alive: idle/interval in ms and probe count; idle_ms 0 disables. */
void tcp_keepalive(struct tcp_pcb *pcb, uint32_t idle_ms, uint32_t intvl_ms, unsigned count);

enum tcp_pcb_state tcp_get_state(const struct tcp_pcb *pcb);

/* ---- binding to the IPv4 stack (net/tcp_glue.c) ---- */

struct net_stack;

/*
 * The TCP instance of net stack st, created on first use (ISN key from
 * net_rand()). tcp_input()/tcp_timer() (kestrel/net/ip.h) feed it; sockets
 * and services create their PCBs on it. One net stack per build.
 * @return NULL if another net stack already owns the TCP instance
 */
struct tcp_stack *tcp_net(struct net_stack *st);

#endif /* KESTREL_NET_TCP_H */
