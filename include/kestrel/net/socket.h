/*
 * BSD-style sockets over the Kestrel TCP/IP stack.
 *
 * A fixed table of CONFIG_NET_SOCKETS sockets; a socket is a small int
 * (its index). Every call runs inside the network task through net_call(),
 * so any task may call any function, also on the same socket from several
 * tasks. Blocking calls wait on the socket's event flags, which the stack's
 * TCP/UDP callbacks set, and retry; timeouts come from NET_SO_RCVTIMEO /
 * NET_SO_SNDTIMEO (0 = wait forever), NET_MSG_DONTWAIT or the socket's
 * non-blocking mode make them return -EAGAIN at once.
 *
 * Addresses are struct net_sockaddr_in with the port and address in HOST
 * byte order (10.0.2.15 is 0x0a00020f): no htons()/htonl() needed.
 *
 * Returns follow POSIX meanings as negative errno values (never -1):
 *   -EBADF        not an open socket
 *   -EAGAIN       would block (MSG_DONTWAIT / non-blocking) or timed out
 *                 (-EWOULDBLOCK is the same value)
 *   -EINVAL       bad argument or wrong state for the call
 *   -ENOTCONN     not connected
 *   -ECONNREFUSED -ECONNRESET -ETIMEDOUT  the connection failed or died
 *   -ENOBUFS      no socket, PCB or buffer free
 * plus the codes listed at each function. See docs/sockets.md.
 */
#ifndef KESTREL_NET_SOCKET_H
#define KESTREL_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* ---- configuration ---- */

/* Sockets in the table (listeners, connections, datagram sockets, and
 * connections waiting in an accept queue). At most 32. */
#ifndef CONFIG_NET_SOCKETS
#define CONFIG_NET_SOCKETS 16
#endif
/* Datagrams queued per UDP socket before new ones are dropped. */
#ifndef CONFIG_NET_SOCK_UDP_RXQ
#define CONFIG_NET_SOCK_UDP_RXQ 4
#endif
/* Longest a blocked call waits before it re-checks its socket (ms). */
#ifndef CONFIG_NET_SOCK_RECHECK_MS
#define CONFIG_NET_SOCK_RECHECK_MS 100
#endif

_Static_assert(CONFIG_NET_SOCKETS >= 1 && CONFIG_NET_SOCKETS <= 32, "1..32 sockets");
_Static_assert(CONFIG_NET_SOCK_UDP_RXQ >= 1 && CONFIG_NET_SOCK_UDP_RXQ <= 255, "UDP queue");

/* ---- constants ---- */

#define NET_AF_INET 2

#define NET_SOCK_STREAM 1
#define NET_SOCK_DGRAM	2

/* setsockopt levels and options */
#define NET_SOL_SOCKET	 1
#define NET_IPPROTO_TCP	 6
#define NET_SO_REUSEADDR 2     /* int: bind over TIME-WAIT connections */
#define NET_SO_ERROR	 4     /* int (get only): pending error, cleared by reading */
#define NET_SO_KEEPALIVE 9     /* int: TCP keep-alive with the CONFIG_TCP_KEEP* timing */
#define NET_SO_RCVTIMEO	 20    /* uint32_t ms, 0 = forever */
#define NET_SO_SNDTIMEO	 21    /* uint32_t ms, 0 = forever */
#define NET_SO_NONBLOCK	 0x800 /* int: every call behaves as with MSG_DONTWAIT */
#define NET_TCP_NODELAY	 1     /* int: Nagle off */

/* flags of send/recv */
#define NET_MSG_PEEK	 0x02 /* UDP: leave the datagram queued */
#define NET_MSG_DONTWAIT 0x40

/* net_shutdown() */
#define NET_SHUT_RD   0
#define NET_SHUT_WR   1
#define NET_SHUT_RDWR 2

/* net_socket_poll() events */
#define NET_POLLIN   0x0001 /* data, end of stream, or a connection to accept */
#define NET_POLLOUT  0x0004 /* send would not block */
#define NET_POLLERR  0x0008 /* pending error (revents only) */
#define NET_POLLHUP  0x0010 /* connection closed or reset (revents only) */
#define NET_POLLNVAL 0x0020 /* fd is not an open socket (revents only) */

#define NET_INADDR_ANY	     0x00000000u
#define NET_INADDR_LOOPBACK  0x7f000001u
#define NET_INADDR_BROADCAST 0xffffffffu

/* An IPv4 endpoint, port and address in host byte order. */
struct net_sockaddr_in {
	uint16_t family; /* NET_AF_INET */
	uint16_t port;
	uint32_t addr;
};

struct net_pollfd {
	int fd;		/* negative: ignored (revents 0) */
	int16_t events; /* NET_POLLIN | NET_POLLOUT */
	int16_t revents;
};

/* Per-socket row of net_socket_list() (netstat, leak checks). */
struct net_socket_info {
	int fd;
	uint8_t type;  /* NET_SOCK_* */
	uint8_t state; /* enum net_sock_state */
	struct net_sockaddr_in local, peer;
	uint32_t rx_queued; /* bytes (TCP) or datagrams (UDP) waiting */
	int8_t parent;	    /* listener fd for a connection not yet accepted, else -1 */
};

enum net_sock_state {
	NET_SS_FREE = 0,
	NET_SS_OPEN,	   /* created or bound */
	NET_SS_LISTEN,	   /* listening */
	NET_SS_CONNECTING, /* SYN sent */
	NET_SS_CONNECTED,  /* established (or UDP with a fixed peer) */
	NET_SS_CLOSED,	   /* the connection ended (reset, timeout, refused) */
};

/* ---- API ---- */

/*
 * Creates a socket. domain NET_AF_INET, type NET_SOCK_STREAM or
 * NET_SOCK_DGRAM, protocol 0. Returns the descriptor (>= 0).
 * @retval -EAFNOSUPPORT domain   @retval -EPROTONOSUPPORT type or protocol
 * @retval -ENOBUFS no socket or PCB free   @retval -ENETDOWN no network task
 */
int net_socket(int domain, int type, int protocol);

/* @retval -EADDRINUSE the port is taken   @retval -EINVAL already bound */
int net_bind(int fd, const struct net_sockaddr_in *addr);

/*
 * TCP: accepts up to backlog (1..CONFIG_TCP_SYN_CACHE) completed connections
 * waiting for net_accept(); each holds a socket slot. Handshakes beyond that
 * are held back (their last ACK dropped) and complete on a retransmission. Binds an ephemeral
 * port if unbound. @retval -ENOTSUP a datagram socket
 */
int net_listen(int fd, int backlog);

/*
 * Takes the oldest completed connection; peer (may be NULL) gets its
 * address. Returns the new descriptor. @retval -EINVAL not listening
 */
int net_accept(int fd, struct net_sockaddr_in *peer);

/*
 * TCP: connects and waits (SO_SNDTIMEO) for the handshake.
 * UDP: fixes the peer (send/recv then use it).
 * @retval -EINPROGRESS non-blocking: the handshake goes on (poll POLLOUT,
 *         then NET_SO_ERROR)   @retval -EALREADY a connect is in progress
 * @retval -EISCONN already connected   @retval -ECONNREFUSED -ETIMEDOUT
 * @retval -ENETUNREACH no route to the address
 */
int net_connect(int fd, const struct net_sockaddr_in *addr);

/*
 * Sends len bytes. TCP: blocks until all are queued (or the timeout; then
 * the count queued so far, or -EAGAIN if none). UDP: one datagram to the
 * connected peer. Returns the bytes accepted.
 * @retval -ESHUTDOWN the sending side was shut down
 * @retval -EMSGSIZE datagram larger than 65507 bytes
 */
int net_send(int fd, const void *buf, size_t len, int flags);

/*
 * Receives up to len bytes; 0 at end of stream (TCP) or for an empty
 * datagram. UDP: one datagram, the excess of a longer one is discarded.
 */
int net_recv(int fd, void *buf, size_t len, int flags);

/* UDP with an explicit peer; TCP ignores `to` / fills `from` with the peer. */
int net_sendto(int fd, const void *buf, size_t len, int flags, const struct net_sockaddr_in *to);
int net_recvfrom(int fd, void *buf, size_t len, int flags, struct net_sockaddr_in *from);

/*
 * Closes the socket and frees its slot at once. TCP: a graceful close
 * (FIN after queued data), or a reset when received data was left unread;
 * the stack finishes the close on its own. A listener resets connections
 * still waiting in its accept queue. Queued datagrams are freed. Tasks
 * blocked on the socket return -EBADF.
 */
int net_close(int fd);

/* how: NET_SHUT_RD, NET_SHUT_WR (send FIN), NET_SHUT_RDWR. @retval -ENOTCONN */
int net_shutdown(int fd, int how);

/* @retval -ENOPROTOOPT unknown level/option   @retval -EINVAL bad optlen */
int net_setsockopt(int fd, int level, int optname, const void *optval, size_t optlen);
int net_getsockopt(int fd, int level, int optname, void *optval, size_t *optlen);

/* Local and peer endpoints. @retval -ENOTCONN (getpeername) no peer */
int net_getsockname(int fd, struct net_sockaddr_in *addr);
int net_getpeername(int fd, struct net_sockaddr_in *addr);

/*
 * Waits until one of nfds sockets is ready or timeout_ms passes (-1:
 * forever, 0: just check). Returns the number of entries with revents set
 * (0 on timeout). @retval -EINVAL nfds > CONFIG_NET_SOCKETS
 */
int net_socket_poll(struct net_pollfd *fds, unsigned nfds, int timeout_ms);

/* Sockets in use; fills up to max rows of out (may be NULL). */
int net_socket_list(struct net_socket_info *out, int max);

/* Name of a socket state ("LISTEN"). */
const char *net_sock_state_name(unsigned state);

/* Builds an address (host byte order). */
static inline struct net_sockaddr_in net_sockaddr(uint32_t addr, uint16_t port)
{
	struct net_sockaddr_in a = {NET_AF_INET, port, addr};

	return a;
}

#endif /* KESTREL_NET_SOCKET_H */
