/*
 * ARP (RFC 826) for IPv4 over Ethernet: a small cache with aging, a few
 * packets queued per entry while it resolves, gratuitous ARP and the
 * address-conflict probe (RFC 5227 §2.1) used before a DHCP lease is bound.
 */
#ifndef KESTREL_NET_ARP_H
#define KESTREL_NET_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/net/config.h>
#include <kestrel/net/pbuf.h>

struct net_stack;
struct netif;

enum arp_state {
	ARP_FREE = 0,
	ARP_PENDING, /* request sent, packets may be queued */
	ARP_STABLE,  /* resolved, ages out after CONFIG_NET_ARP_MAX_AGE_MS */
	ARP_STATIC,  /* added by arp_add_static(), never ages */
};

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state; /* enum arp_state */
	uint8_t tries; /* requests sent while pending */
	struct netif *nif;
	uint32_t stamp_ms; /* resolved at, or last request sent at */
	struct pbuf *q;	   /* packets waiting (linked through qnext) */
	uint8_t qlen;
};

/* ARP part of struct net_stack. */
struct arp_state_all {
	struct arp_entry tab[CONFIG_NET_ARP_ENTRIES];
	uint32_t probe_ip; /* address being probed, 0 if none */
	struct netif *probe_nif;
	bool conflict; /* somebody else claimed probe_ip */
};

/* Row of arp_table(). */
struct arp_info {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;	 /* enum arp_state */
	uint8_t netif;	 /* interface index */
	uint32_t age_ms; /* since resolved (or since the last request) */
	uint8_t queued;	 /* packets waiting */
};

/*
 * Adds a permanent entry.
 * @retval -ENOSPC table full of static or pending entries
 */
int arp_add_static(struct net_stack *st, struct netif *nif, uint32_t ip, const uint8_t mac[6]);

/* Drops every entry of nif (all interfaces if NULL), freeing queued packets. */
void arp_flush(struct net_stack *st, struct netif *nif);

/* Broadcasts a gratuitous ARP request for nif's address. */
int arp_announce(struct netif *nif);

/*
 * Starts an address-conflict probe: sends an ARP request for ip with a zero
 * sender address and watches for anyone using ip until arp_probe_stop().
 * @retval -ENOMEM pool empty
 */
int arp_probe(struct net_stack *st, struct netif *nif, uint32_t ip);

/* True if a host answered for / claimed the probed address. */
bool arp_probe_conflict(const struct net_stack *st);

void arp_probe_stop(struct net_stack *st);

/* Copies up to n cache rows into out; returns the number copied. */
unsigned arp_table(const struct net_stack *st, struct arp_info *out, unsigned n);

#endif /* KESTREL_NET_ARP_H */
