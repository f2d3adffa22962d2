/* DHCP message parser: bounded, and the decoded fields respect their limits. */
#include <stdlib.h>

#include <kestrel/net/dhcp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_msg m;
	uint8_t out[600];

	if (dhcp_parse(data, size, &m) == 0) {
		if (m.ndns > CONFIG_NET_DNS_SERVERS) {
			abort();
		}
		/* what we decode we can encode, within the minimum size */
		m.have &= DHCP_HAVE_SERVER;
		if (dhcp_build(out, sizeof(out), &m) < 300) {
			abort();
		}
	}
	return 0;
}
