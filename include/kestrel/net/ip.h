/*
 * IPv4 layer: the interface transport protocols (UDP here, TCP in
 * net/tcp*.c) use to send and receive datagrams.
 *
 * Addresses are uint32_t in host byte order (10.0.2.15 is 0x0a00020f).
 */
#ifndef KESTREL_NET_IP_H
#define KESTREL_NET_IP_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/pbuf.h>

struct net_stack;
struct netif;

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP  6
#define IP_PROTO_UDP  17

#define IP_ADDR(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IP_ANY	     0u
#define IP_BROADCAST 0xffffffffu

/* What the IP layer tells a transport protocol about a received datagram. */
struct ip_info {
	uint32_t src, dst; /* host byte order */
	uint8_t ttl, tos;
	struct netif *inif; /* interface it arrived on */
	uint8_t proto;	    /* IP protocol number */
	uint8_t hlen;	    /* IP header bytes in front of the transport header */
	bool bcast;	    /* sent to a broadcast address (never answer with errors) */
};

/*
 * Sends a datagram. p->payload points at the transport header; ip_output
 * prepends the IPv4 header (and the link header), fragmenting when the
 * route's MTU is smaller. src may be IP_ANY to use the outgoing interface's
 * address. ttl 0 means the default (CONFIG_NET_IP_TTL).
 * Takes ownership of p, also on failure.
 * @retval -EHOSTUNREACH no route to dst
 * @retval -ENETDOWN outgoing interface or its link is down
 * @retval -ENOMEM pool empty (header, fragment or ARP queue)
 * @retval -EMSGSIZE datagram larger than 65515 bytes
 */
int ip_output(struct net_stack *st, struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto,
	      uint8_t ttl, uint8_t tos);

/* As ip_output(), through a given interface (broadcasts, DHCP). */
int ip_output_if(struct net_stack *st, struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto,
		 uint8_t ttl, uint8_t tos, struct netif *nif);

/*
 * Route lookup for a transport protocol choosing its source address and
 * MSS: the interface used for dst, its address in *src and its MTU in
 * *mtu (either pointer may be NULL). Returns NULL when there is no route.
 */
struct netif *ip_route(struct net_stack *st, uint32_t dst, uint32_t *src, uint16_t *mtu);

/* True if addr is one of this host's interface addresses (or loopback). */
bool ip_is_local(struct net_stack *st, uint32_t addr);

/*
 * TCP/UDP checksum of p (tot_len bytes from p->payload) with the IPv4
 * pseudo-header. Returns the value for the checksum field; over a segment
 * that carries a valid checksum it returns 0.
 */
uint16_t ip_chksum_pseudo(const struct pbuf *p, uint32_t src, uint32_t dst, uint8_t proto);

/*
 * Hooks the TCP module implements (net/tcp*.c). Weak defaults in
 * net/ip_hooks.c free the segment / do nothing, so the stack links
 * without TCP.
 *
 * tcp_input: p->payload points at the TCP header, p->tot_len is the
 * segment length (IP padding removed); takes ownership of p.
 * tcp_timer: called from net_timer() with the current time.
 */
void tcp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip);
void tcp_timer(struct net_stack *st, uint32_t now_ms);

#endif /* KESTREL_NET_IP_H */
