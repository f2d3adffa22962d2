/*
 * DNS stub resolver (RFC 1035): A records, CNAME chains, a small cache
 * honouring TTLs, queries with random IDs over UDP 53 retried across the
 * configured servers.
 */
#ifndef KESTREL_NET_DNS_H
#define KESTREL_NET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/net/config.h>

struct net_stack;
struct udp_pcb;

#define DNS_MAX_ADDRS 4

/* Parsed answer: the A records for the asked name (after CNAMEs). */
struct dns_result {
	uint32_t addr[DNS_MAX_ADDRS];
	uint8_t naddr;
	uint32_t ttl_s; /* smallest TTL of the records used */
	uint8_t rcode;
	uint8_t cnames; /* CNAME links followed */
};

/*
 * Encodes a standard recursive query for name/qtype. Returns the length.
 * @retval -EINVAL empty label, label over 63 bytes or name over 253
 * @retval -EMSGSIZE cap too small
 */
int dns_build_query(void *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);

/*
 * Expands the (possibly compressed) name at *off of msg into out as dotted
 * text and advances *off past it in the message. Follows at most 16
 * pointers and only ones pointing strictly backwards.
 * Returns the text length.
 * @retval -EBADMSG truncated, loop, forward pointer, bad label type, NUL or '.' in a label
 * @retval -EMSGSIZE name longer than cap - 1
 */
int dns_name_expand(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap);

/*
 * Decodes a response to query `id` for `name` (type A), following CNAME
 * chains (at most 8 links).
 * @retval -EBADMSG corrupt or truncated
 * @retval -EPROTO not a response, wrong ID or question
 * @retval -ENOENT NXDOMAIN, or no A record for the name
 * @retval -EIO server failure / refused (try another server)
 */
int dns_parse_response(const void *buf, size_t len, uint16_t id, const char *name,
		       struct dns_result *res);

/* Lookup result callback: status 0 with addr, -ENOENT, or -EAGAIN (no answer). */
typedef void (*dns_cb)(void *ctx, const char *name, int status, uint32_t addr);

enum { DNS_E_FREE = 0, DNS_E_PENDING, DNS_E_DONE };

struct dns_entry {
	uint8_t state;
	uint8_t tries;
	uint8_t server;
	uint16_t id;
	char name[CONFIG_NET_DNS_NAME_MAX];
	uint32_t addr;
	uint32_t stamp_ms; /* query sent / answer received */
	uint32_t ttl_ms;
	dns_cb cb;
	void *ctx;
};

struct dns_state {
	uint32_t server[CONFIG_NET_DNS_SERVERS];
	struct dns_entry tab[CONFIG_NET_DNS_ENTRIES];
	struct udp_pcb *pcb;
};

/* Sets name server idx (0 clears it). @retval -EINVAL idx out of range */
int dns_set_server(struct net_stack *st, unsigned idx, uint32_t ip);

/*
 * Resolves name. Returns 0 with *addr filled from the cache (or when name
 * is a dotted quad); -EINPROGRESS when a query went out and cb will be
 * called from net_input()/net_timer().
 * @retval -EINVAL bad name   @retval -ENAMETOOLONG name too long
 * @retval -EBUSY table full of pending queries (or this name is pending)
 * @retval -EHOSTUNREACH no server configured
 */
int dns_gethostbyname(struct net_stack *st, const char *name, uint32_t *addr, dns_cb cb, void *ctx);

/* Parses a dotted quad; returns 0 or -EINVAL. */
int net_parse_ipv4(const char *s, uint32_t *out);

#endif /* KESTREL_NET_DNS_H */
