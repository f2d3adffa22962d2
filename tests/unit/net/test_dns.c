/* DNS: query bytes, name validation, response parsing incl. CNAME chains and hostile compression, resolver. */
#include <kestrel/wire/dns.h>

#include "net_test.h"

KT_MAIN_STATE;

#define NS1 IP_ADDR(192, 168, 1, 53)
#define NS2 IP_ADDR(192, 168, 1, 54)

static const uint8_t Q[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};

static size_t hdr(uint8_t *b, uint16_t id, uint16_t flags, uint16_t an)
{
	put_be16(b, id);
	put_be16(b + 2, flags);
	put_be16(b + 4, 1);
	put_be16(b + 6, an);
	memset(b + 8, 0, 4);
	memcpy(b + 12, Q, sizeof(Q));
	return 12 + sizeof(Q);
}

static size_t rr(uint8_t *b, const uint8_t *name, size_t nl, uint16_t type, uint32_t ttl,
		 const uint8_t *rd, uint16_t rdl)
{
	memcpy(b, name, nl);
	put_be16(b + nl, type);
	put_be16(b + nl + 2, 1);
	put_be32(b + nl + 4, ttl);
	put_be16(b + nl + 8, rdl);
	memcpy(b + nl + 10, rd, rdl);
	return nl + 10 + rdl;
}

static const uint8_t PTR_Q[] = {0xc0, 0x0c};

static void test_build_query(void)
{
	static const uint8_t want[] = {0x12, 0x34, 0x01, 0x00, 0,   1,	 0, 0, 0, 0, 0,
				       0,    1,	   'a',	 2,    'b', 'c', 0, 0, 1, 0, 1};
	uint8_t b[64];

	KT_EQ(dns_build_query(b, sizeof(b), 0x1234, "a.bc", DNS_TYPE_A), sizeof(want));
	KT_MEMEQ(b, want, sizeof(want));
	KT_EQ(dns_build_query(b, 20, 0x1234, "a.bc", DNS_TYPE_A), -EMSGSIZE);
}

static void test_bad_names(void)
{
	static const char long_label[] =
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com";
	static const struct {
		const char *name;
		const char *host;
	} rows[] = {{"empty", ""},
		    {"empty label", "a..b"},
		    {"leading dot", ".a"},
		    {"64-byte label", long_label}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[600];
		KT_ROW(rows[i].name);
		KT_EQ(dns_build_query(b, sizeof(b), 1, rows[i].host, 1), -EINVAL);
	}
}

static void test_parse_responses(void)
{
	static const uint8_t ip1[] = {93, 184, 216, 34}, ip2[] = {1, 2, 3, 4};
	static const uint8_t www[] = {3, 'w', 'w', 'w', 0xc0, 0x0c};
	enum {
		A,
		CNAME_CHAIN,
		CNAME_REVERSED,
		NX,
		SERVFAIL,
		BADID,
		NOTRESP,
		LOOP,
		FWD,
		TRUNC,
		TC_EMPTY,
		NUL_LABEL,
		OTHER_NAME
	};
	static const struct {
		const char *name;
		int kind;
		int want;
		uint32_t addr;
		uint32_t ttl;
	} rows[] = {
		{"A record", A, 0, IP_ADDR(93, 184, 216, 34), 300},
		{"CNAME then A", CNAME_CHAIN, 0, IP_ADDR(1, 2, 3, 4), 60},
		{"A before its CNAME", CNAME_REVERSED, 0, IP_ADDR(1, 2, 3, 4), 60},
		{"NXDOMAIN", NX, -ENOENT, 0, 0},
		{"SERVFAIL", SERVFAIL, -EIO, 0, 0},
		{"wrong ID", BADID, -EPROTO, 0, 0},
		{"not a response", NOTRESP, -EPROTO, 0, 0},
		{"pointer loop", LOOP, -EBADMSG, 0, 0},
		{"forward pointer", FWD, -EBADMSG, 0, 0},
		{"answer truncated", TRUNC, -EBADMSG, 0, 0},
		{"TC set, no answers", TC_EMPTY, -EMSGSIZE, 0, 0},
		{"NUL inside a label", NUL_LABEL, -EBADMSG, 0, 0},
		{"answer for another name", OTHER_NAME, -ENOENT, 0, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[512];
		size_t n = 0;
		struct dns_result res;
		int k = rows[i].kind;
		KT_ROW(rows[i].name);
		switch (k) {
		case A:
		case BADID:
		case NOTRESP:
		case TRUNC:
			n = hdr(b, k == BADID ? 2 : 1, k == NOTRESP ? 0x0180 : 0x8180, 1);
			n += rr(b + n, PTR_Q, 2, DNS_TYPE_A, 300, ip1, 4);
			if (k == TRUNC) {
				n -= 2;
			}
			break;
		case CNAME_CHAIN:
			n = hdr(b, 1, 0x8180, 2);
			n += rr(b + n, PTR_Q, 2, DNS_TYPE_CNAME, 60, www, sizeof(www));
			n += rr(b + n, (uint8_t[]){0xc0, 0x29}, 2, DNS_TYPE_A, 600, ip2, 4);
			break;
		case CNAME_REVERSED: {
			/* A for www.example.com first (name written out), then the CNAME */
			static const uint8_t full[] = {3, 'w', 'w', 'w', 0xc0, 0x0c};
			n = hdr(b, 1, 0x8180, 2);
			n += rr(b + n, full, sizeof(full), DNS_TYPE_A, 60, ip2, 4);
			n += rr(b + n, PTR_Q, 2, DNS_TYPE_CNAME, 120, (uint8_t[]){0xc0, 0x1d}, 2);
			break;
		}
		case NX:
		case SERVFAIL:
		case TC_EMPTY:
			n = hdr(b, 1, k == NX ? 0x8183 : k == SERVFAIL ? 0x8182 : 0x8380, 0);
			break;
		case LOOP:
			n = hdr(b, 1, 0x8180, 1);
			/* owner: label "x" then a pointer back to that label */
			n += rr(b + n, (uint8_t[]){1, 'x', 0xc0, 0x1d}, 4, DNS_TYPE_A, 1, ip1, 4);
			break;
		case FWD:
			n = hdr(b, 1, 0x8180, 1);
			n += rr(b + n, (uint8_t[]){0xc0, 0x40}, 2, DNS_TYPE_A, 1, ip1, 4);
			break;
		case NUL_LABEL:
			n = hdr(b, 1, 0x8180, 1);
			n += rr(b + n, (uint8_t[]){2, 'a', 0, 0xc0, 0x0c}, 5, DNS_TYPE_A, 1, ip1,
				4);
			break;
		case OTHER_NAME:
			n = hdr(b, 1, 0x8180, 1);
			n += rr(b + n, (uint8_t[]){1, 'z', 0xc0, 0x0c}, 4, DNS_TYPE_A, 1, ip1, 4);
			break;
		}
		KT_EQ(dns_parse_response(b, n, 1, "example.com", &res), rows[i].want);
		if (rows[i].want == 0) {
			KT_EQ(res.naddr, 1);
			KT_EQ(res.addr[0], rows[i].addr);
			KT_EQ(res.ttl_s, rows[i].ttl);
		}
	}
}

static void test_pointer_chain_bounded(void)
{
	/* 20 pointers each to the previous one: more than 16 are refused */
	uint8_t b[128] = {0};
	size_t off;
	char out[256];

	b[12] = 0;
	for (int i = 0; i < 20; i++) {
		b[13 + 2 * i] = 0xc0;
		b[14 + 2 * i] = (uint8_t)(i == 0 ? 12 : 13 + 2 * (i - 1));
	}
	off = 13 + 2 * 19;
	KT_EQ(dns_name_expand(b, sizeof(b), &off, out, sizeof(out)), -EBADMSG);
	off = 13 + 2 * 10;
	KT_EQ(dns_name_expand(b, sizeof(b), &off, out, sizeof(out)), 0);
	KT_EQ(off, 13 + 2 * 10 + 2);
}

static int cb_status, cb_calls;
static uint32_t cb_addr;

static void on_dns(void *ctx, const char *name, int status, uint32_t addr)
{
	(void)ctx;
	(void)name;
	cb_status = status;
	cb_addr = addr;
	cb_calls++;
}

static void answer(uint32_t from, unsigned frame, uint32_t ttl)
{
	uint8_t b[128];
	const uint8_t *u = tu_fl4(frame);
	size_t n = hdr(b, get_be16(u + 8), 0x8180, 1);
	n += rr(b + n, PTR_Q, 2, DNS_TYPE_A, ttl, (uint8_t[]){10, 0, 0, 1}, 4);
	tu_rx_udp(from, TU_IP, 53, get_be16(u), b, n);
}

static void test_resolver_cache_and_ttl(void)
{
	uint32_t a = 0;

	tu_setup();
	tu_learn_peer();
	arp_add_static(&st, &eth0, NS1, TU_PEER_MAC);
	cb_calls = 0;
	KT_EQ(dns_gethostbyname(&st, "10.1.2.3", &a, on_dns, NULL), 0);
	KT_EQ(a, IP_ADDR(10, 1, 2, 3));
	KT_EQ(dns_gethostbyname(&st, "example.com", &a, on_dns, NULL), -EHOSTUNREACH);
	dns_set_server(&st, 0, NS1);
	KT_EQ(dns_gethostbyname(&st, "example.com", &a, on_dns, NULL), -EINPROGRESS);
	KT_EQ(dns_gethostbyname(&st, "example.com", &a, on_dns, NULL), -EBUSY);
	KT_EQ(tu_nframes, 1);
	KT_EQ(get_be32(tu_fip(0) + 16), NS1);
	answer(NS2, 0, 30); /* from the wrong server: ignored */
	KT_EQ(cb_calls, 0);
	answer(NS1, 0, 30);
	KT_EQ(cb_calls, 1);
	KT_EQ(cb_status, 0);
	KT_EQ(cb_addr, IP_ADDR(10, 0, 0, 1));
	KT_EQ(dns_gethostbyname(&st, "EXAMPLE.com", &a, on_dns, NULL), 0);
	KT_EQ(a, IP_ADDR(10, 0, 0, 1));
	tu_time(1000 + 30000);
	KT_EQ(dns_gethostbyname(&st, "example.com", &a, on_dns, NULL), -EINPROGRESS);
	udp_remove(st.dns.pcb);
}

static void test_resolver_retries_servers_then_gives_up(void)
{
	uint32_t a;
	uint32_t now = 1000;

	tu_setup();
	arp_add_static(&st, &eth0, NS1, TU_PEER_MAC);
	arp_add_static(&st, &eth0, NS2, TU_PEER_MAC);
	dns_set_server(&st, 0, NS1);
	dns_set_server(&st, 1, NS2);
	cb_calls = 0;
	KT_EQ(dns_gethostbyname(&st, "example.com", &a, on_dns, NULL), -EINPROGRESS);
	for (unsigned i = 1; i < CONFIG_NET_DNS_TRIES; i++) {
		now += CONFIG_NET_DNS_TIMEOUT_MS;
		tu_time(now);
		KT_EQ(tu_nframes, i + 1);
		KT_EQ(get_be32(tu_fip(i) + 16), (i % 2) ? NS2 : NS1);
		KT_ASSERT(get_be16(tu_fl4(i) + 8) != get_be16(tu_fl4(i - 1) + 8)); /* new ID */
	}
	KT_EQ(cb_calls, 0);
	tu_time(now + CONFIG_NET_DNS_TIMEOUT_MS);
	KT_EQ(cb_calls, 1);
	KT_EQ(cb_status, -EAGAIN);
	udp_remove(st.dns.pcb);
}

static const struct kt_case cases[] = {
	KT_CASE(test_build_query),
	KT_CASE(test_bad_names),
	KT_CASE(test_parse_responses),
	KT_CASE(test_pointer_chain_bounded),
	KT_CASE(test_resolver_cache_and_ttl),
	KT_CASE(test_resolver_retries_servers_then_gives_up),
};

int main(void)
{
	return KT_RUN("dns", cases, tu_teardown);
}
