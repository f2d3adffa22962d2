/*
 * IPv4 reassembly: the input is a sequence of 6-byte fragment descriptors
 * (id, offset in 8-byte units (2), flags: bit0 MF, length, time step),
 * each followed by `length` data bytes. Valid IPv4 headers are built around
 * them so the fuzzer explores overlap, duplicate, ordering, budget and
 * timeout logic rather than checksums. Invariants: reassembly never holds
 * more than its block budget, and nothing leaks.
 */
#include <kestrel/lib/cursor.h>
#include <kestrel/lib/inet_csum.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t now = 1000;

	fz_setup();
	while (size >= 6) {
		uint8_t f[14 + 20 + 255];
		uint8_t id = data[0], flags = data[3], len = data[4], step = data[5];
		uint16_t off = (uint16_t)(((data[1] << 8) | data[2]) & 0x1fff);
		struct pbuf *p;
		data += 6;
		size -= 6;
		if (len > size) {
			len = (uint8_t)size;
		}
		memset(f, 0, 34);
		memcpy(f, fz_mac, 6);
		f[6] = 0x02;
		f[11] = 0x02;
		put_be16(f + 12, 0x0800);
		f[14] = 0x45;
		put_be16(f + 16, (uint16_t)(20 + len));
		put_be16(f + 18, id);
		put_be16(f + 20, (uint16_t)(off | ((flags & 1u) ? 0x2000u : 0u)));
		f[22] = 64;
		f[23] = (flags & 2u) ? 1 : 17;
		put_be32(f + 26, 0xc0a80114u);
		put_be32(f + 30, 0xc0a8010au);
		put_be16(f + 24, inet_csum(f + 14, 20));
		memcpy(f + 34, data, len);
		data += len;
		size -= len;
		p = pbuf_from(&st.pool, PBUF_RAW, f, (uint16_t)(34 + len));
		if (p != NULL) {
			net_input(&st, &eth0, p);
		}
		if (st.reass_pbufs > CONFIG_NET_REASS_MAX_PBUFS) {
			abort();
		}
		now += step * 500u;
		net_timer(&st, now);
	}
	fz_check_no_leak();
	return 0;
}
