/*
 * Private interfaces between the files of net/ (not for applications).
 */
#ifndef KESTREL_NET_INTERNAL_H
#define KESTREL_NET_INTERNAL_H

#include <kestrel/net/stack.h>

/* Signed difference of two wrapping millisecond times: a - b. */
static inline int32_t net_tdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* eth + ARP (arp.c) */
int eth_output(struct netif *nif, struct pbuf *p, const uint8_t dst[6], uint16_t type);
void arp_input(struct net_stack *st, struct netif *nif, struct pbuf *p);
int arp_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop);
void arp_timer(struct net_stack *st);

/* IPv4 (ip.c, ip_frag.c) */
void ip_input(struct net_stack *st, struct netif *nif, struct pbuf *p);
void ip_deliver(struct net_stack *st, struct pbuf *p, const struct ip_info *ip);
struct pbuf *ip_reass_input(struct net_stack *st, struct pbuf *p, struct ip_info *ip, uint16_t off,
			    bool mf);
void ip_reass_timer(struct net_stack *st);
void ip_reass_flush(struct net_stack *st);
int ip_frag_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop,
		   uint16_t mtu);
int ip_netif_output(struct net_stack *st, struct netif *nif, struct pbuf *p, uint32_t nexthop);
bool ip_is_bcast(const struct netif *nif, uint32_t addr);

/* ICMP, UDP */
void icmp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip);
void icmp_timer(struct net_stack *st);
void udp_input(struct net_stack *st, struct pbuf *p, const struct ip_info *ip);

/* Application protocols */
void dhcp_timer(struct net_stack *st);
void dns_timer(struct net_stack *st);
void sntp_timer(struct net_stack *st);

/* Copies a possibly chained packet to buf if needed; returns data pointer or NULL. */
const uint8_t *net_linear(const struct pbuf *p, uint8_t *buf, uint16_t cap);

#endif /* KESTREL_NET_INTERNAL_H */
