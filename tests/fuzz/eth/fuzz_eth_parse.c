/*
 * libFuzzer target for the Ethernet drivers' text parsers that take input
 * from the command line: hostfwd rules (eth_slirp_fwd_parse) and fault
 * specs (eth_fault_parse). The first byte picks the parser; the rest is
 * the string (NUL-terminated copy, bounded).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/drivers/eth_fault.h>
#include <kestrel/drivers/host/eth_slirp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	size_t n;

	if (size == 0) {
		return 0;
	}
	n = size - 1 < sizeof(s) - 1 ? size - 1 : sizeof(s) - 1;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	if (data[0] & 1) {
		struct eth_slirp_fwd f;

		if (eth_slirp_fwd_parse(s, &f) == 0 && (f.host_port == 0 || f.guest_port == 0)) {
			__builtin_trap();
		}
	} else {
		struct eth_fault_spec sp;

		if (eth_fault_parse(s, &sp) == 0 && (sp.tx.drop > 100 || sp.rx.corrupt > 100)) {
			__builtin_trap();
		}
	}
	return 0;
}
