/*
 * DNS response parser and name expansion. The query ID is taken from the
 * message so answers are explored; invariants: results are bounded and
 * every expanded name fits its buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <kestrel/net/dns.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_result res;
	char name[256];
	size_t off = 12;
	uint16_t id = size >= 2 ? (uint16_t)((data[0] << 8) | data[1]) : 0;
	int rc = dns_parse_response(data, size, id, "example.com", &res);

	if (rc == 0 && (res.naddr == 0 || res.naddr > DNS_MAX_ADDRS || res.cnames > 8)) {
		abort();
	}
	rc = dns_name_expand(data, size, &off, name, sizeof(name));
	if (rc >= 0 && ((size_t)rc != strlen(name) || off > size)) {
		abort();
	}
	return 0;
}
