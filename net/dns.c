/*
 * DNS stub resolver (RFC 1035 §4.1, §4.1.4 compression; RFC 2181 §10.1 CNAME).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   ID (random per query, RFC 5452 §9.2)
 *   2     2   flags: QR(15) opcode(14..11) AA TC(9) RD(8) RA Z RCODE(3..0)
 *   4     2   QDCOUNT   6  2  ANCOUNT   8  2  NSCOUNT  10  2  ARCOUNT
 *  12   ...   question: QNAME, QTYPE(2), QCLASS(2)
 *       ...   answers: NAME, TYPE(2), CLASS(2), TTL(4), RDLENGTH(2), RDATA
 *
 * Names: labels of 1..63 bytes behind a length byte, ending with 0 or with a
 * two-byte pointer (top bits 11) to an earlier offset. Expansion follows
 * at most 16 pointers, each strictly backwards, and stops at 255 bytes of
 * wire name, so loops and chains in hostile messages end quickly. Labels
 * holding NUL or '.' are refused: as text they would alias other names.
 *
 * The answer section is scanned for records owned by the name asked; a
 * CNAME for it switches the search to its target and restarts the scan
 * (records may come in any order), at most 8 times.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/dns.h>
#include <kestrel/wire/udp.h>

#include "net_internal.h"

#define MAX_PTRS   16
#define MAX_CNAMES 8

static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y) {
			return false;
		}
	}
	return *a == *b;
}

int dns_build_query(void *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	struct wr_cursor w = wr_init(buf, cap);
	size_t total = 1;
	const char *s = name;

	wr_be16(&w, id);
	wr_be16(&w, DNS_F_RD);
	wr_be16(&w, 1);
	wr_zero(&w, 6);
	if (*s == '\0') {
		return -EINVAL;
	}
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		if (l == 0 || l > DNS_LABEL_MAX) {
			return -EINVAL;
		}
		total += l + 1;
		if (total > DNS_NAME_MAX) {
			return -EINVAL;
		}
		wr_u8(&w, (uint8_t)l);
		wr_bytes(&w, s, l);
		s += l;
		if (*s == '.') {
			s++;
		}
	}
	wr_u8(&w, 0);
	wr_be16(&w, qtype);
	wr_be16(&w, DNS_CLASS_IN);
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

int dns_name_expand(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap)
{
	size_t pos = *off, after = 0, n = 0, wire = 1;
	unsigned ptrs = 0;

	if (cap == 0) {
		return -EMSGSIZE;
	}
	for (;;) {
		uint8_t l;
		if (pos >= len) {
			return -EBADMSG;
		}
		l = msg[pos];
		if ((l & DNS_PTR_MASK) == DNS_PTR_MASK) {
			size_t target;
			if (pos + 1 >= len || ++ptrs > MAX_PTRS) {
				return -EBADMSG;
			}
			target = ((size_t)(l & 0x3fu) << 8) | msg[pos + 1];
			if (target >= pos) {
				return -EBADMSG; /* only strictly backwards */
			}
			if (after == 0) {
				after = pos + 2;
			}
			pos = target;
			continue;
		}
		if (l & DNS_PTR_MASK) {
			return -EBADMSG; /* 01 and 10 label types are reserved */
		}
		if (l == 0) {
			break;
		}
		wire += l + 1u;
		if (wire > DNS_NAME_MAX || pos + 1u + l > len) {
			return -EBADMSG;
		}
		if (n + (n ? 1u : 0u) + l + 1u > cap) {
			return -EMSGSIZE;
		}
		if (memchr(msg + pos + 1, '\0', l) != NULL ||
		    memchr(msg + pos + 1, '.', l) != NULL) {
			return -EBADMSG; /* would change the name's meaning as text */
		}
		if (n) {
			out[n++] = '.';
		}
		memcpy(out + n, msg + pos + 1, l);
		n += l;
		pos += 1u + l;
	}
	out[n] = '\0';
	*off = after ? after : pos + 1;
	return (int)n;
}

/* One scan of the answers for `target`; returns 1 if a CNAME moved target. */
static int scan_answers(const uint8_t *msg, size_t len, size_t off, uint16_t an, char *target,
			struct dns_result *res, uint32_t *cname_ttl)
{
	char owner[DNS_NAME_MAX + 1];

	for (uint16_t i = 0; i < an; i++) {
		struct rd_cursor c;
		uint16_t type, cls, rdlen;
		uint32_t ttl;
		size_t rdoff;
		if (dns_name_expand(msg, len, &off, owner, sizeof(owner)) < 0) {
			return -EBADMSG;
		}
		c = rd_init(msg + off, len - off);
		type = rd_be16(&c);
		cls = rd_be16(&c);
		ttl = rd_be32(&c);
		rdlen = rd_be16(&c);
		rdoff = off + 10;
		if (!rd_skip(&c, rdlen)) {
			return -EBADMSG;
		}
		off = rdoff + rdlen;
		if (cls != DNS_CLASS_IN || !name_eq(owner, target)) {
			continue;
		}
		if (ttl > 0x7fffffffu) {
			ttl = 0; /* RFC 2181 §8 */
		}
		if (type == DNS_TYPE_A && rdlen == 4 && res->naddr < DNS_MAX_ADDRS) {
			res->addr[res->naddr++] = get_be32(msg + rdoff);
			res->ttl_s = res->naddr == 1 || ttl < res->ttl_s ? ttl : res->ttl_s;
		} else if (type == DNS_TYPE_CNAME && res->naddr == 0) {
			size_t o = rdoff;
			if (dns_name_expand(msg, rdoff + rdlen, &o, target, DNS_NAME_MAX + 1) < 0) {
				return -EBADMSG;
			}
			*cname_ttl = ttl < *cname_ttl ? ttl : *cname_ttl;
			return 1;
		}
	}
	return 0;
}

int dns_parse_response(const void *buf, size_t len, uint16_t id, const char *name,
		       struct dns_result *res)
{
	const uint8_t *msg = (const uint8_t *)buf;
	struct rd_cursor c = rd_init(buf, len);
	char target[DNS_NAME_MAX + 1];
	uint16_t rid = rd_be16(&c), flags = rd_be16(&c), qd = rd_be16(&c), an = rd_be16(&c);
	size_t off = DNS_HLEN;
	uint32_t cname_ttl = 0xffffffffu;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!rd_ok(&c)) {
		return -EBADMSG;
	}
	if (rid != id || !(flags & DNS_F_QR) || qd != 1) {
		return -EPROTO;
	}
	res->rcode = (uint8_t)(flags & DNS_RCODE_MASK);
	if (res->rcode == DNS_RCODE_NXDOMAIN) {
		return -ENOENT;
	}
	if (res->rcode != 0) {
		return -EIO;
	}
	if (dns_name_expand(msg, len, &off, target, sizeof(target)) < 0) {
		return -EBADMSG;
	}
	if (!name_eq(target, name)) {
		return -EPROTO;
	}
	off += 4; /* QTYPE, QCLASS */
	if (off > len) {
		return -EBADMSG;
	}
	do {
		rc = scan_answers(msg, len, off, an, target, res, &cname_ttl);
		if (rc == 1 && ++res->cnames > MAX_CNAMES) {
			return -EBADMSG;
		}
	} while (rc == 1);
	if (rc < 0) {
		return rc;
	}
	if (res->naddr == 0) {
		return (flags & DNS_F_TC) ? -EMSGSIZE : -ENOENT;
	}
	if (cname_ttl < res->ttl_s) {
		res->ttl_s = cname_ttl; /* the answer lives as long as its shortest link */
	}
	return 0;
}

int net_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10u + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 || (part < 3 && *s++ != '.')) {
			return -EINVAL;
		}
		a = (a << 8) | v;
	}
	if (*s != '\0') {
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* ---- resolver ---- */

int dns_set_server(struct net_stack *st, unsigned idx, uint32_t ip)
{
	if (idx >= CONFIG_NET_DNS_SERVERS) {
		return -EINVAL;
	}
	st->dns.server[idx] = ip;
	return 0;
}

static bool next_server(struct net_stack *st, struct dns_entry *e, bool advance)
{
	for (unsigned k = advance ? 1u : 0u; k <= CONFIG_NET_DNS_SERVERS; k++) {
		unsigned i = (e->server + k) % CONFIG_NET_DNS_SERVERS;
		if (st->dns.server[i] != 0) {
			e->server = (uint8_t)i;
			return true;
		}
	}
	return false;
}

static void finish(struct dns_entry *e, int status)
{
	dns_cb cb = e->cb;
	void *ctx = e->ctx;
	char name[CONFIG_NET_DNS_NAME_MAX];

	memcpy(name, e->name, sizeof(name));
	if (status == 0) {
		e->state = DNS_E_DONE;
	} else {
		e->state = DNS_E_FREE;
	}
	e->cb = NULL;
	if (cb != NULL) {
		cb(ctx, name, status, status == 0 ? e->addr : 0);
	}
}

static void send_query(struct net_stack *st, struct dns_entry *e)
{
	struct pbuf *p = pbuf_alloc(&st->pool, PBUF_TRANSPORT, DNS_UDP_MAX);
	int n;

	e->id = (uint16_t)net_rand(st);
	e->tries++;
	e->stamp_ms = st->now_ms;
	if (p == NULL) {
		return; /* the timer retries */
	}
	n = dns_build_query(p->payload, p->len, e->id, e->name, DNS_TYPE_A);
	if (n < 0) {
		pbuf_free(p);
		return;
	}
	pbuf_trim(p, (uint16_t)n);
	(void)udp_sendto(st->dns.pcb, p, st->dns.server[e->server], UDP_PORT_DNS);
}

static void dns_recv(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		     uint16_t sport)
{
	struct net_stack *st = (struct net_stack *)ctx;
	static uint8_t buf[DNS_UDP_MAX];
	const uint8_t *d = net_linear(p, buf, sizeof(buf));
	struct dns_result res;

	(void)pcb;
	for (int i = 0; d != NULL && sport == UDP_PORT_DNS && i < CONFIG_NET_DNS_ENTRIES; i++) {
		struct dns_entry *e = &st->dns.tab[i];
		int rc;
		if (e->state != DNS_E_PENDING || st->dns.server[e->server] != ip->src ||
		    p->tot_len < 2 || get_be16(d) != e->id) {
			continue;
		}
		rc = dns_parse_response(d, p->tot_len, e->id, e->name, &res);
		if (rc == 0) {
			uint32_t ttl = res.ttl_s < CONFIG_NET_DNS_MAX_TTL_S
					       ? res.ttl_s
					       : CONFIG_NET_DNS_MAX_TTL_S;
			e->addr = res.addr[0];
			e->ttl_ms = ttl * 1000u;
			e->stamp_ms = st->now_ms;
			finish(e, 0);
		} else if (rc == -ENOENT) {
			finish(e, -ENOENT);
		} else if (rc == -EIO && e->tries < CONFIG_NET_DNS_TRIES &&
			   next_server(st, e, true)) {
			send_query(st, e);
		}
		break;
	}
	pbuf_free(p);
}

static struct dns_entry *entry_for(struct net_stack *st, const char *name, int *rc)
{
	struct dns_entry *slot = NULL;

	for (int i = 0; i < CONFIG_NET_DNS_ENTRIES; i++) {
		struct dns_entry *e = &st->dns.tab[i];
		if (e->state != DNS_E_FREE && name_eq(e->name, name)) {
			*rc = e->state == DNS_E_DONE ? 0 : -EBUSY;
			return e;
		}
		if (e->state == DNS_E_FREE) {
			slot = e;
		} else if (e->state == DNS_E_DONE && (slot == NULL || slot->state == DNS_E_DONE)) {
			slot = e; /* reuse a cached answer if nothing is free */
		}
	}
	*rc = slot ? -EINPROGRESS : -EBUSY;
	return slot;
}

int dns_gethostbyname(struct net_stack *st, const char *name, uint32_t *addr, dns_cb cb, void *ctx)
{
	struct dns_entry *e;
	size_t nl = strlen(name);
	int rc;

	if (net_parse_ipv4(name, addr) == 0) {
		return 0;
	}
	if (nl >= CONFIG_NET_DNS_NAME_MAX) {
		return -ENAMETOOLONG;
	}
	if (nl == 0 || dns_build_query(NULL, 0, 0, name, DNS_TYPE_A) == -EINVAL) {
		return -EINVAL;
	}
	e = entry_for(st, name, &rc);
	if (rc == 0) {
		*addr = e->addr;
		return 0;
	}
	if (rc == -EBUSY) {
		return -EBUSY;
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, nl + 1);
	if (!next_server(st, e, false)) {
		return -EHOSTUNREACH;
	}
	if (st->dns.pcb == NULL) {
		st->dns.pcb = udp_new(st);
		if (st->dns.pcb == NULL || udp_bind(st->dns.pcb, 0, 0) < 0) {
			return -ENOMEM;
		}
		udp_recv(st->dns.pcb, dns_recv, st);
	}
	e->state = DNS_E_PENDING;
	e->cb = cb;
	e->ctx = ctx;
	send_query(st, e);
	return -EINPROGRESS;
}

void dns_timer(struct net_stack *st)
{
	for (int i = 0; i < CONFIG_NET_DNS_ENTRIES; i++) {
		struct dns_entry *e = &st->dns.tab[i];
		int32_t age = net_tdiff(st->now_ms, e->stamp_ms);
		if (e->state == DNS_E_DONE && age >= (int32_t)e->ttl_ms) {
			e->state = DNS_E_FREE;
		} else if (e->state == DNS_E_PENDING && age >= (int32_t)CONFIG_NET_DNS_TIMEOUT_MS) {
			if (e->tries >= CONFIG_NET_DNS_TRIES || !next_server(st, e, true)) {
				finish(e, -EAGAIN);
			} else {
				send_query(st, e);
			}
		}
	}
}
