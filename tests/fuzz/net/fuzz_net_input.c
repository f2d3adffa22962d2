/*
 * Whole receive path: the input is a sequence of frames, each prefixed by
 * a 2-byte big-endian length, fed through net_input() of a stack running
 * UDP echo, a DHCP client, a pending DNS query and SNTP. Time advances
 * between frames. After each input every pbuf must be back in the pool.
 */
#include "fuzz_common.h"

static void dns_cb_fn(void *ctx, const char *name, int status, uint32_t addr)
{
	(void)ctx;
	(void)name;
	(void)status;
	(void)addr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t now = 1000, addr;

	fz_setup();
	dhcp_start(&st, &eth0, &dc, NULL, NULL);
	dns_set_server(&st, 0, 0xc0a80101u);
	(void)dns_gethostbyname(&st, "example.com", &addr, dns_cb_fn, NULL);
	sntp_start(&st, 0xc0a80101u, 15000, NULL, NULL);
	while (size >= 2) {
		size_t n = ((size_t)data[0] << 8) | data[1];
		struct pbuf *p;
		data += 2;
		size -= 2;
		if (n > size) {
			n = size;
		}
		p = pbuf_from(&st.pool, PBUF_RAW, data, (uint16_t)(n > 1514 ? 1514 : n));
		if (p != NULL) {
			net_input(&st, &eth0, p);
		}
		data += n;
		size -= n;
		now += 700;
		net_timer(&st, now);
	}
	net_timer(&st, now + 120000);
	dhcp_stop(&st, &dc);
	fz_check_no_leak();
	return 0;
}
