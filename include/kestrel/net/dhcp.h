/*
 * DHCP client (RFC 2131) and its message codec.
 *
 * The codec (dhcp_parse / dhcp_build) is a pure function pair over
 * buffers. The client is a state machine per interface driven by the stack:
 * UDP 68 input and net_timer(). It runs INIT -> SELECTING (DISCOVER) ->
 * REQUESTING (REQUEST) -> CHECKING (ARP probe of the offered address,
 * DECLINE on conflict) -> BOUND, then RENEWING at T1 (unicast REQUEST),
 * REBINDING at T2 (broadcast REQUEST) and back to INIT when the lease
 * expires or a NAK arrives. Retransmissions back off 4, 8, ... 64 s with
 * +-1 s of jitter from the stack's random function (RFC 2131 §4.1).
 */
#ifndef KESTREL_NET_DHCP_H
#define KESTREL_NET_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/net/config.h>

struct net_stack;
struct netif;

/* Decoded message (fields in host order; `have` says which options came). */
struct dhcp_msg {
	uint8_t op;   /* 1 request, 2 reply */
	uint8_t type; /* option 53 (DHCP_DISCOVER...), 0 if absent */
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[6];
	uint32_t server_id;		      /* option 54 */
	uint32_t lease_s;		      /* option 51 */
	uint32_t t1_s, t2_s;		      /* options 58, 59 */
	uint32_t mask;			      /* option 1 */
	uint32_t router;		      /* option 3, first address */
	uint32_t dns[CONFIG_NET_DNS_SERVERS]; /* option 6 */
	uint8_t ndns;
	uint32_t ntp;	 /* option 42 (RFC 2132 §8.3), first address */
	uint32_t req_ip; /* option 50 (build only / parse) */
	uint16_t have;	 /* DHCP_HAVE_* */
};

#define DHCP_HAVE_SERVER 0x0001u
#define DHCP_HAVE_LEASE	 0x0002u
#define DHCP_HAVE_T1	 0x0004u
#define DHCP_HAVE_T2	 0x0008u
#define DHCP_HAVE_MASK	 0x0010u
#define DHCP_HAVE_ROUTER 0x0020u
#define DHCP_HAVE_DNS	 0x0040u
#define DHCP_HAVE_REQIP	 0x0080u
#define DHCP_HAVE_NTP	 0x0100u

/*
 * Decodes a BOOTP/DHCP message (options field only; option overload is not
 * honoured). Unknown options are skipped.
 * @retval -EBADMSG truncated, bad magic cookie, option overrunning the
 *         message, or a known option with a wrong length
 */
int dhcp_parse(const void *buf, size_t len, struct dhcp_msg *out);

/*
 * Encodes a client message of m->type with m's xid, secs, flags, ciaddr and
 * chaddr; adds requested IP (m->req_ip != 0), server ID (DHCP_HAVE_SERVER)
 * and a parameter request list for DISCOVER and REQUEST. Pads to 300 bytes.
 * Returns the length.
 * @retval -EMSGSIZE cap too small
 */
int dhcp_build(void *buf, size_t cap, const struct dhcp_msg *m);

enum dhcp_state {
	DHCP_OFF = 0,
	DHCP_INIT,
	DHCP_SELECTING,
	DHCP_REQUESTING,
	DHCP_CHECKING,
	DHCP_BOUND,
	DHCP_RENEWING,
	DHCP_REBINDING,
};

/* Event passed to the callback: the lease was bound (or renewed) or lost. */
enum dhcp_event { DHCP_EV_BOUND, DHCP_EV_RENEWED, DHCP_EV_LOST };

typedef void (*dhcp_cb)(void *ctx, struct netif *nif, enum dhcp_event ev);

struct dhcp_client {
	struct netif *nif;
	uint8_t state; /* enum dhcp_state */
	uint8_t tries; /* transmissions in the current state */
	uint32_t xid;
	uint32_t server_id;
	uint32_t offered_ip, offered_mask, offered_gw;
	uint32_t lease_s, t1_s, t2_s;
	uint32_t ntp;	   /* NTP server of the lease (option 42, first address), 0 none */
	uint32_t state_ms; /* when the current state was entered */
	uint32_t bound_ms; /* when the lease started */
	uint32_t next_ms;  /* next retransmission / timer */
	uint32_t declines;
	dhcp_cb cb;
	void *ctx;
	struct dhcp_client *next; /* stack's list of running clients */
};

/*
 * Starts the client on nif (caller-owned storage c). The address is
 * applied to nif when a lease is bound; name servers go to the resolver.
 * @retval -EBUSY a client already runs on nif
 * @retval -ENOMEM no UDP PCB for port 68
 */
int dhcp_start(struct net_stack *st, struct netif *nif, struct dhcp_client *c, dhcp_cb cb,
	       void *ctx);

/* Sends RELEASE if bound, clears the address and stops the client. */
void dhcp_stop(struct net_stack *st, struct dhcp_client *c);

/* Name of a state for the shell ("BOUND"). */
const char *dhcp_state_name(uint8_t state);

#endif /* KESTREL_NET_DHCP_H */
