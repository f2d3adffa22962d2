/*
 * UDP (RFC 768): protocol control blocks with bind, connect, sendto and a
 * receive callback, checksums, and port-unreachable for datagrams nobody
 * wants.
 */
#ifndef KESTREL_NET_UDP_H
#define KESTREL_NET_UDP_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/ip.h>

struct udp_pcb;

/*
 * Receive callback: p->payload is the UDP payload (p->tot_len bytes), ip
 * describes the datagram and sport is the sender's port. Takes ownership
 * of p.
 */
typedef void (*udp_recv_fn)(void *ctx, struct udp_pcb *pcb, struct pbuf *p,
			    const struct ip_info *ip, uint16_t sport);

struct udp_pcb {
	bool used;
	bool connected;
	uint32_t local_ip;   /* 0 = any */
	uint16_t local_port; /* 0 = not bound */
	uint16_t remote_port;
	uint32_t remote_ip;
	struct netif *nif; /* bound interface (udp_bind_netif), or NULL */
	uint8_t ttl, tos;
	uint32_t rx, tx; /* datagrams received / sent */
	udp_recv_fn recv;
	void *ctx;
	struct net_stack *st;
};

/* Row of udp_table(). */
struct udp_info {
	uint32_t local_ip, remote_ip;
	uint16_t local_port, remote_port;
	uint32_t rx, tx; /* datagrams received / sent */
};

/* Takes a free PCB from the stack's table, or NULL when all are in use. */
struct udp_pcb *udp_new(struct net_stack *st);

/* Releases pcb. */
void udp_remove(struct udp_pcb *pcb);

/*
 * Binds to a local address (0 = any) and port (0 = pick an ephemeral port).
 * @retval -EADDRINUSE another PCB holds the same address and port
 */
int udp_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port);

/* Sends and receives only through nif (NULL undoes it). */
void udp_bind_netif(struct udp_pcb *pcb, struct netif *nif);

/* Fixes the remote end (binds an ephemeral port first if needed). */
int udp_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port);
void udp_disconnect(struct udp_pcb *pcb);

void udp_recv(struct udp_pcb *pcb, udp_recv_fn fn, void *ctx);

/*
 * Sends p (p->payload = UDP payload; allocate with PBUF_TRANSPORT so the
 * headers fit in front) to dst:port. Takes ownership of p.
 * @retval -ENOMEM pool empty
 * Others as ip_output().
 */
int udp_sendto(struct udp_pcb *pcb, struct pbuf *p, uint32_t dst, uint16_t port);

/* udp_sendto() to the connected remote end. @retval -ENOTCONN not connected */
int udp_send(struct udp_pcb *pcb, struct pbuf *p);

/* Copies up to n PCB rows into out; returns the number copied. */
unsigned udp_table(const struct net_stack *st, struct udp_info *out, unsigned n);

#endif /* KESTREL_NET_UDP_H */
