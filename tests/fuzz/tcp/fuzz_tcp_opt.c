/*
 * Fuzz target: TCP header and option parsing (net/tcp_opt.c).
 * Invariants: only 0 or -EBADMSG; a parsed header's payload lies inside
 * the input; window scale <= 14; what parses re-encodes and parses back
 * to the same MSS/window scale/timestamp values.
 */
#include "../../../net/tcp_internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_opts(const uint8_t *data, size_t size)
{
	struct tcp_opts o, back;
	uint8_t buf[TCP_OPT_MAX_LEN];
	size_t n;
	int rc = tcp_opt_parse(data, size, &o);

	if (rc != 0 && rc != -EBADMSG) {
		abort();
	}
	if (rc != 0) {
		return;
	}
	if ((o.present & TCP_O_WS) && o.wscale > TCP_MAX_WSCALE) {
		abort();
	}
	o.present &= (uint8_t)~TCP_O_SACK;
	n = tcp_opt_write(buf, sizeof(buf), &o);
	if ((n == 0) != (o.present == 0) || n % 4 != 0 || tcp_opt_parse(buf, n, &back) != 0) {
		abort();
	}
	if (back.present != o.present || ((o.present & TCP_O_MSS) && back.mss != o.mss) ||
	    ((o.present & TCP_O_WS) && back.wscale != o.wscale) ||
	    ((o.present & TCP_O_TS) && (back.tsval != o.tsval || back.tsecr != o.tsecr))) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_seg seg;
	int rc;

	check_opts(data, size);
	rc = tcp_hdr_parse(data, size, &seg);
	if (rc != 0 && rc != -EBADMSG) {
		abort();
	}
	if (rc == 0 && (seg.data < data + TCP_HDR_LEN || seg.data + seg.len != data + size)) {
		abort();
	}
	return 0;
}
