/*
 * DHCP client (RFC 2131) and message codec (RFC 2131 §2, RFC 2132).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   op: 1 BOOTREQUEST, 2 BOOTREPLY
 *   1     1   htype 1 (Ethernet)        2  1  hlen 6        3  1  hops
 *   4     4   xid, chosen by the client, echoed by the server
 *   8     2   secs since the client began
 *  10     2   flags: bit 15 broadcast
 *  12     4   ciaddr (client address when renewing)
 *  16     4   yiaddr (address offered)
 *  20     4   siaddr                   24  4  giaddr
 *  28    16   chaddr (MAC in the first 6 bytes)
 *  44   192   sname and file (not used; option overload is not honoured)
 * 236     4   magic cookie 0x63825363
 * 240   ...   options: code, length, value; 0 is padding, 255 ends
 *
 * Timers (RFC 2131 §4.4.5): T1 = lease/2 and T2 = 7*lease/8 unless the
 * server gave options 58/59. Leases longer than 24 days (also "infinite")
 * are treated as 24 days so every deadline fits a signed 32-bit ms delta.
 * Retransmission (§4.1): 4 s doubling to 64 s, each +-1 s of random jitter;
 * while RENEWING/REBINDING the wait is capped by the next deadline.
 */
#include <stddef.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/dhcp.h>
#include <kestrel/wire/udp.h>

#include "net_internal.h"

#define LEASE_MAX_S  2000000u /* ~23 days */
#define CHECK_MS     1000u    /* ARP probe wait before binding */
#define DECLINE_WAIT 10000u   /* RFC 2131 §3.1 step 5: wait after DECLINE */
#define DHCP_BUF     576

/* ---- codec ---- */

/*
 * The options that carry one IPv4 address or 32-bit number (RFC 2132 §3.3,
 * 3.5, 8.3, 9.1, 9.2, 9.7, 9.11, 9.12): where the value goes in struct
 * dhcp_msg and which DHCP_HAVE_* bit records it. A list keeps the first item.
 */
static const struct {
	uint8_t code;
	uint8_t off;
	uint16_t bit;
} addr_opts[] = {
	{DHCP_OPT_MASK, offsetof(struct dhcp_msg, mask), DHCP_HAVE_MASK},
	{DHCP_OPT_ROUTER, offsetof(struct dhcp_msg, router), DHCP_HAVE_ROUTER},
	{DHCP_OPT_SERVER, offsetof(struct dhcp_msg, server_id), DHCP_HAVE_SERVER},
	{DHCP_OPT_REQ_IP, offsetof(struct dhcp_msg, req_ip), DHCP_HAVE_REQIP},
	{DHCP_OPT_LEASE, offsetof(struct dhcp_msg, lease_s), DHCP_HAVE_LEASE},
	{DHCP_OPT_T1, offsetof(struct dhcp_msg, t1_s), DHCP_HAVE_T1},
	{DHCP_OPT_T2, offsetof(struct dhcp_msg, t2_s), DHCP_HAVE_T2},
	{DHCP_OPT_NTP, offsetof(struct dhcp_msg, ntp), DHCP_HAVE_NTP},
};

static int parse_options(struct rd_cursor *c, struct dhcp_msg *m)
{
	bool bad = false;

	/* each pass consumes at least one byte, so this ends within len passes */
	while (rd_left(c) > 0 && !bad) {
		uint8_t code = rd_u8(c), len;
		struct rd_cursor v;
		if (code == DHCP_OPT_PAD) {
			continue;
		}
		if (code == DHCP_OPT_END) {
			return 0;
		}
		len = rd_u8(c);
		v = rd_sub(c, len);
		if (!rd_ok(c)) {
			return -EBADMSG;
		}
		if (code == DHCP_OPT_MSGTYPE) {
			bad = len != 1;
			m->type = rd_u8(&v);
			continue;
		}
		for (unsigned i = 0; i < sizeof(addr_opts) / sizeof(addr_opts[0]); i++) {
			if (addr_opts[i].code != code) {
				continue;
			}
			bad = len < 4 || (len & 3u) != 0;
			*(uint32_t *)((uint8_t *)m + addr_opts[i].off) = rd_be32(&v);
			m->have |= addr_opts[i].bit;
		}
		if (code == DHCP_OPT_DNS) {
			bad = len < 4 || (len & 3u) != 0;
			for (unsigned i = 0; !bad && i < len / 4u; i++) {
				uint32_t a = rd_be32(&v);
				if (m->ndns < CONFIG_NET_DNS_SERVERS) {
					m->dns[m->ndns++] = a;
				}
			}
			m->have |= DHCP_HAVE_DNS;
		}
		/* any other option is skipped */
	}
	return bad ? -EBADMSG : 0; /* a missing END is tolerated */
}

int dhcp_parse(const void *buf, size_t len, struct dhcp_msg *m)
{
	struct rd_cursor c = rd_init(buf, len);
	uint8_t htype, hlen;

	memset(m, 0, sizeof(*m));
	m->op = rd_u8(&c);
	htype = rd_u8(&c);
	hlen = rd_u8(&c);
	(void)rd_u8(&c);
	m->xid = rd_be32(&c);
	m->secs = rd_be16(&c);
	m->flags = rd_be16(&c);
	m->ciaddr = rd_be32(&c);
	m->yiaddr = rd_be32(&c);
	m->siaddr = rd_be32(&c);
	m->giaddr = rd_be32(&c);
	(void)rd_copy(&c, m->chaddr, 6);
	(void)rd_skip(&c, 10 + 64 + 128);
	if (rd_be32(&c) != DHCP_MAGIC || !rd_ok(&c) || htype != 1 || hlen != 6) {
		return -EBADMSG;
	}
	return parse_options(&c, m);
}

int dhcp_build(void *buf, size_t cap, const struct dhcp_msg *m)
{
	static const uint8_t params[] = {DHCP_OPT_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS,
					 DHCP_OPT_NTP,	DHCP_OPT_LEASE,	 DHCP_OPT_T1,
					 DHCP_OPT_T2};
	struct wr_cursor w = wr_init(buf, cap);

	wr_u8(&w, DHCP_BOOTREQUEST);
	wr_u8(&w, 1);
	wr_u8(&w, 6);
	wr_u8(&w, 0);
	wr_be32(&w, m->xid);
	wr_be16(&w, m->secs);
	wr_be16(&w, m->flags);
	wr_be32(&w, m->ciaddr);
	wr_zero(&w, 12); /* yiaddr, siaddr, giaddr */
	wr_bytes(&w, m->chaddr, 6);
	wr_zero(&w, 10 + 64 + 128);
	wr_be32(&w, DHCP_MAGIC);
	wr_u8(&w, DHCP_OPT_MSGTYPE);
	wr_u8(&w, 1);
	wr_u8(&w, m->type);
	if (m->req_ip != 0) {
		wr_u8(&w, DHCP_OPT_REQ_IP);
		wr_u8(&w, 4);
		wr_be32(&w, m->req_ip);
	}
	if (m->have & DHCP_HAVE_SERVER) {
		wr_u8(&w, DHCP_OPT_SERVER);
		wr_u8(&w, 4);
		wr_be32(&w, m->server_id);
	}
	if (m->type == DHCP_DISCOVER || m->type == DHCP_REQUEST) {
		wr_u8(&w, DHCP_OPT_PARAMS);
		wr_u8(&w, sizeof(params));
		wr_bytes(&w, params, sizeof(params));
	}
	wr_u8(&w, DHCP_OPT_END);
	if (w.len < DHCP_MIN_LEN) {
		wr_zero(&w, DHCP_MIN_LEN - w.len);
	}
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

const char *dhcp_state_name(uint8_t state)
{
	static const char *const names[] = {"OFF",	"INIT",	 "SELECTING", "REQUESTING",
					    "CHECKING", "BOUND", "RENEWING",  "REBINDING"};
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

/* ---- client ---- */

static void set_state(struct net_stack *st, struct dhcp_client *c, uint8_t s)
{
	c->state = s;
	c->tries = 0;
	c->state_ms = st->now_ms;
}

/* 4 s doubling to 64 s, +-1 s jitter. */
static uint32_t backoff_ms(struct net_stack *st, uint8_t tries)
{
	uint32_t base = 4000u << (tries < 4 ? tries : 4);
	return base - 1000u + net_rand(st) % 2001u;
}

static int send_msg(struct net_stack *st, struct dhcp_client *c, uint8_t type, uint32_t dst)
{
	struct dhcp_msg m;
	struct pbuf *p = pbuf_alloc(&st->pool, PBUF_TRANSPORT, DHCP_MIN_LEN + 32);
	uint8_t *b;
	int n;

	if (p == NULL) {
		return -ENOMEM;
	}
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = c->xid;
	m.secs = (uint16_t)(net_tdiff(st->now_ms, c->state_ms) / 1000);
	memcpy(m.chaddr, c->nif->hwaddr, 6);
	if (type == DHCP_REQUEST && (c->state == DHCP_RENEWING || c->state == DHCP_REBINDING)) {
		m.ciaddr = c->nif->ip;
	} else if (type == DHCP_REQUEST || type == DHCP_DECLINE) {
		m.req_ip = c->offered_ip;
		m.server_id = c->server_id;
		m.have = DHCP_HAVE_SERVER;
	} else if (type == DHCP_RELEASE) {
		m.ciaddr = c->nif->ip;
		m.server_id = c->server_id;
		m.have = DHCP_HAVE_SERVER;
	}
	b = (uint8_t *)p->payload;
	n = dhcp_build(b, p->len, &m);
	pbuf_trim(p, (uint16_t)n);
	udp_bind_netif(st->dhcp_pcb, c->nif);
	return udp_sendto(st->dhcp_pcb, p, dst, UDP_PORT_DHCP_S);
}

static void lost(struct net_stack *st, struct dhcp_client *c)
{
	bool had = c->nif->ip != 0;

	netif_set_addr(c->nif, 0, 0, 0);
	set_state(st, c, DHCP_INIT);
	c->next_ms = st->now_ms;
	if (had && c->cb != NULL) {
		c->cb(c->ctx, c->nif, DHCP_EV_LOST);
	}
}

static void bind_lease(struct net_stack *st, struct dhcp_client *c)
{
	bool renew = c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;

	netif_set_addr(c->nif, c->offered_ip, c->offered_mask, c->offered_gw);
	set_state(st, c, DHCP_BOUND);
	c->bound_ms = st->now_ms;
	c->next_ms = st->now_ms + c->t1_s * 1000u;
	if (c->cb != NULL) {
		c->cb(c->ctx, c->nif, renew ? DHCP_EV_RENEWED : DHCP_EV_BOUND);
	}
}

static void take_lease(struct net_stack *st, struct dhcp_client *c, const struct dhcp_msg *m)
{
	uint32_t lease = (m->have & DHCP_HAVE_LEASE) ? m->lease_s : 3600u;

	if (lease > LEASE_MAX_S) {
		lease = LEASE_MAX_S;
	}
	c->lease_s = lease;
	c->t1_s = (m->have & DHCP_HAVE_T1) && m->t1_s < lease ? m->t1_s : lease / 2u;
	c->t2_s = (m->have & DHCP_HAVE_T2) && m->t2_s < lease ? m->t2_s : lease / 8u * 7u;
	if (c->t2_s < c->t1_s) {
		c->t2_s = c->t1_s;
	}
	c->offered_ip = m->yiaddr;
	c->offered_mask = (m->have & DHCP_HAVE_MASK) ? m->mask : 0xffffff00u;
	c->offered_gw = (m->have & DHCP_HAVE_ROUTER) ? m->router : 0;
	c->ntp = (m->have & DHCP_HAVE_NTP) ? m->ntp : 0;
	for (unsigned i = 0; i < m->ndns; i++) {
		(void)dns_set_server(st, i, m->dns[i]);
	}
}

static void handle(struct net_stack *st, struct dhcp_client *c, const struct dhcp_msg *m)
{
	if (m->type == DHCP_OFFER && c->state == DHCP_SELECTING && m->yiaddr != 0 &&
	    (m->have & DHCP_HAVE_SERVER)) {
		c->offered_ip = m->yiaddr;
		c->server_id = m->server_id;
		set_state(st, c, DHCP_REQUESTING);
		(void)send_msg(st, c, DHCP_REQUEST, IP_BROADCAST);
		c->next_ms = st->now_ms + backoff_ms(st, 0);
	} else if (m->type == DHCP_ACK &&
		   (c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING ||
		    c->state == DHCP_REBINDING) &&
		   m->yiaddr != 0) {
		if (m->have & DHCP_HAVE_SERVER) {
			c->server_id = m->server_id;
		}
		take_lease(st, c, m);
		if (c->state == DHCP_REQUESTING) {
			set_state(st, c, DHCP_CHECKING);
			(void)arp_probe(st, c->nif, c->offered_ip);
			c->next_ms = st->now_ms + CHECK_MS;
		} else {
			bind_lease(st, c);
		}
	} else if (m->type == DHCP_NAK && c->state >= DHCP_REQUESTING && c->state != DHCP_BOUND &&
		   c->state != DHCP_CHECKING) {
		lost(st, c);
	}
}

static void dhcp_recv(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		      uint16_t sport)
{
	struct net_stack *st = (struct net_stack *)ctx;
	static uint8_t buf[DHCP_BUF];
	const uint8_t *d = net_linear(p, buf, sizeof(buf));
	struct dhcp_msg m;

	(void)pcb;
	if (d != NULL && sport == UDP_PORT_DHCP_S && dhcp_parse(d, p->tot_len, &m) == 0 &&
	    m.op == DHCP_BOOTREPLY) {
		for (struct dhcp_client *c = st->dhcp; c != NULL; c = c->next) {
			if (c->nif == ip->inif && c->xid == m.xid &&
			    memcmp(m.chaddr, c->nif->hwaddr, 6) == 0) {
				handle(st, c, &m);
				break;
			}
		}
	}
	pbuf_free(p);
}

int dhcp_start(struct net_stack *st, struct netif *nif, struct dhcp_client *c, dhcp_cb cb,
	       void *ctx)
{
	if (nif->dhcp != NULL) {
		return -EBUSY;
	}
	if (st->dhcp_pcb == NULL) {
		st->dhcp_pcb = udp_new(st);
		if (st->dhcp_pcb == NULL) {
			return -ENOMEM;
		}
		(void)udp_bind(st->dhcp_pcb, 0, UDP_PORT_DHCP_C);
		udp_recv(st->dhcp_pcb, dhcp_recv, st);
	}
	memset(c, 0, sizeof(*c));
	c->nif = nif;
	c->cb = cb;
	c->ctx = ctx;
	c->next = st->dhcp;
	st->dhcp = c;
	nif->dhcp = c;
	set_state(st, c, DHCP_INIT);
	c->next_ms = st->now_ms;
	dhcp_timer(st);
	return 0;
}

void dhcp_stop(struct net_stack *st, struct dhcp_client *c)
{
	struct dhcp_client **pp = &st->dhcp;

	if (c->state == DHCP_BOUND || c->state == DHCP_RENEWING) {
		(void)send_msg(st, c, DHCP_RELEASE, c->server_id);
	}
	netif_set_addr(c->nif, 0, 0, 0);
	while (*pp != NULL && *pp != c) {
		pp = &(*pp)->next;
	}
	if (*pp == c) {
		*pp = c->next;
	}
	c->nif->dhcp = NULL;
	c->state = DHCP_OFF;
	if (st->dhcp == NULL && st->dhcp_pcb != NULL) {
		udp_remove(st->dhcp_pcb);
		st->dhcp_pcb = NULL;
	}
}

/* Retransmits in a waiting state, capping the wait at `deadline` ms after bound. */
static void resend(struct net_stack *st, struct dhcp_client *c, uint8_t type, uint32_t dst)
{
	(void)send_msg(st, c, type, dst);
	c->next_ms = st->now_ms + backoff_ms(st, c->tries);
	if (c->tries < 255) {
		c->tries++;
	}
}

static void client_timer(struct net_stack *st, struct dhcp_client *c)
{
	uint32_t since = (uint32_t)net_tdiff(st->now_ms, c->bound_ms);

	switch (c->state) {
	case DHCP_INIT:
		c->xid = net_rand(st);
		set_state(st, c, DHCP_SELECTING);
		/* fall through */
	case DHCP_SELECTING:
		resend(st, c, DHCP_DISCOVER, IP_BROADCAST);
		break;
	case DHCP_REQUESTING:
		if (c->tries >= 4) {
			lost(st, c); /* no ACK: start over */
			break;
		}
		resend(st, c, DHCP_REQUEST, IP_BROADCAST);
		break;
	case DHCP_CHECKING:
		if (arp_probe_conflict(st)) {
			arp_probe_stop(st);
			(void)send_msg(st, c, DHCP_DECLINE, IP_BROADCAST);
			c->declines++;
			set_state(st, c, DHCP_INIT);
			c->next_ms = st->now_ms + DECLINE_WAIT;
			break;
		}
		arp_probe_stop(st);
		bind_lease(st, c);
		break;
	case DHCP_BOUND:
		set_state(st, c, DHCP_RENEWING);
		/* fall through */
	case DHCP_RENEWING:
		if (since >= c->t2_s * 1000u) {
			set_state(st, c, DHCP_REBINDING);
			client_timer(st, c);
			break;
		}
		resend(st, c, DHCP_REQUEST, c->server_id);
		if (net_tdiff(c->next_ms, c->bound_ms + c->t2_s * 1000u) > 0) {
			c->next_ms = c->bound_ms + c->t2_s * 1000u;
		}
		break;
	case DHCP_REBINDING:
		if (since >= c->lease_s * 1000u) {
			lost(st, c);
			break;
		}
		resend(st, c, DHCP_REQUEST, IP_BROADCAST);
		if (net_tdiff(c->next_ms, c->bound_ms + c->lease_s * 1000u) > 0) {
			c->next_ms = c->bound_ms + c->lease_s * 1000u;
		}
		break;
	default:
		break;
	}
}

void dhcp_timer(struct net_stack *st)
{
	for (struct dhcp_client *c = st->dhcp; c != NULL; c = c->next) {
		if (net_tdiff(st->now_ms, c->next_ms) >= 0) {
			client_timer(st, c);
		}
	}
}
