/*
 * Private to net/socket/: the socket table and the helpers socket.c
 * (management calls) and sock_io.c (data path, poll, stack callbacks)
 * share.
 *
 * Concurrency: every field below is read and written only inside the
 * network task (in functions run by net_call() or in stack callbacks),
 * except `ev`, a kernel event-flags object that callers wait on from their
 * own task. The flags are set by the callbacks and cleared by the readiness
 * checks, both in the network task, so "not ready, clear, then wait" cannot
 * lose a wake-up that happens between the check and the wait.
 */
#ifndef KESTREL_NET_SOCK_INTERNAL_H
#define KESTREL_NET_SOCK_INTERNAL_H

#include <kestrel/net/socket.h>
#include <kestrel/net/nettask.h>
#include <kestrel/net/tcp.h>
#include <kestrel/os/kernel.h>

/* s->ev bits */
#define SOCK_EV_RX 0x1u /* data, EOF, error, connection to accept */
#define SOCK_EV_TX 0x2u /* send room, connected, error */

struct net_sock {
	uint8_t state; /* enum net_sock_state; NET_SS_FREE = slot unused */
	uint8_t type;  /* NET_SOCK_STREAM / NET_SOCK_DGRAM */
	bool nonblock, reuseaddr, keepalive, nodelay;
	bool shut_rd, shut_wr;
	bool rx_eof;   /* TCP: the peer's FIN arrived */
	bool bound;    /* an explicit or implicit bind happened */
	int16_t err;   /* pending error (negative errno), 0 if none */
	int8_t parent; /* listener fd while waiting in its accept queue, else -1 */
	uint8_t backlog, npend;
	uint8_t rxq_len;	     /* UDP datagrams queued */
	uint32_t aseq;		     /* accept order */
	uint32_t rcvtimeo, sndtimeo; /* ms, 0 = forever */
	uint32_t udp_drops;
	struct tcp_pcb *tpcb;
	struct udp_pcb *upcb;
	struct pbuf *rxq, *rxq_tail; /* UDP: tag = source IP, 4 pushed bytes = port */
	struct net_sockaddr_in peer;
	struct os_flags ev;
};

extern struct net_sock sock_tab[CONFIG_NET_SOCKETS];
extern struct os_flags sock_poll_ev; /* bit fd: something happened on fd */

/* The TCP instance of the network stack (created on first use). */
static inline struct tcp_stack *sock_tcp(struct net_stack *st)
{
	return tcp_net(st);
}

/* The socket for fd if it is open (network task only), else NULL. */
struct net_sock *sock_get(int fd);

static inline int sock_fd(const struct net_sock *s)
{
	return (int)(s - sock_tab);
}

/* Sets event bits for waiters on s and for pollers (network task). */
void sock_notify(struct net_sock *s, uint32_t bits);

/* Clears bits before the caller waits (network task, after a failed check). */
void sock_unready(struct net_sock *s, uint32_t bits);

/* Installs the TCP callbacks on pcb for socket s. */
void sock_tcp_attach(struct net_sock *s, struct tcp_pcb *pcb);

/* The UDP receive callback (ctx = the socket). */
void sock_udp_recv(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		   uint16_t sport);

/* Frees the datagrams queued on s. */
void sock_udp_flush(struct net_sock *s);

/* A request that a blocking call retries in the network task. */
struct sock_req {
	int fd;
	int flags;
	const void *sbuf;
	void *rbuf;
	size_t len;
	size_t done;
	struct net_sockaddr_in addr;
	bool has_addr;
	/* filled by the network-task side for the waiting caller */
	bool nowait;
	uint32_t timeo_ms;
	uint32_t wait_bits;
};

/*
 * Runs fn in the network task until it returns anything but -EAGAIN, then
 * returns that; between attempts waits on the socket's flags (rq->wait_bits)
 * until rq->timeo_ms passes. fn sets rq->nowait/timeo_ms/wait_bits. On a
 * timeout returns rq->done if partial progress is allowed and > 0, else
 * -EAGAIN.
 */
int sock_retry(int (*fn)(struct net_stack *st, void *arg), struct sock_req *rq, bool partial);

/* rq->nowait / timeo_ms from the socket, flags and direction (network task). */
void sock_req_timing(struct sock_req *rq, const struct net_sock *s, bool tx);

#endif /* KESTREL_NET_SOCK_INTERNAL_H */
