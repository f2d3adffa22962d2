/*
 * Fuzzes the telnet receive state machine. Invariants: data out never
 * exceeds data in; replies are whole IAC commands within the budget
 * (at most TELNET_MAX_REPLIES of them); feeding the input in two pieces
 * at any split gives the same data and replies as feeding it at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/errno.h>

#include "telnetd_internal.h"

static uint8_t d1[65536], d2[65536], r1[1 << 16], r2[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct telnet a, b;
	uint8_t offers[16];
	struct wr_cursor o = wr_init(offers, sizeof(offers));
	struct wr_cursor ra, rb;
	size_t split;
	int na, nb1, nb2;

	if (size > sizeof(d1) || size < 1) {
		return 0;
	}
	split = data[0] % size;
	telnet_init(&a, &o);
	o = wr_init(offers, sizeof(offers));
	telnet_init(&b, &o);
	ra = wr_init(r1, sizeof(r1));
	rb = wr_init(r2, sizeof(r2));
	na = telnet_input(&a, data, size, d1, &ra);
	nb1 = telnet_input(&b, data, split, d2, &rb);
	if (nb1 < 0) {
		if (na != -EPROTO) {
			abort();
		}
		return 0;
	}
	nb2 = telnet_input(&b, data + split, size - split, d2 + nb1, &rb);
	if (na < 0 || nb2 < 0) {
		if (na != nb2) {
			abort();
		}
		return 0;
	}
	if ((size_t)na > size || na != nb1 + nb2 || memcmp(d1, d2, (size_t)na) != 0) {
		abort();
	}
	if (ra.len != rb.len || memcmp(r1, r2, ra.len) != 0 || a.replies > TELNET_MAX_REPLIES ||
	    ra.len > 9u * TELNET_MAX_REPLIES) {
		abort();
	}
	for (size_t i = 0; i < ra.len;) {
		/* replies: IAC DO/DONT/WILL/WONT x, or the AYT answer */
		if (r1[i] == TELNET_IAC && i + 2 < ra.len + 0 && r1[i + 1] >= TELNET_WILL) {
			i += 3;
		} else if (r1[i] == '\r' && i + 9 <= ra.len &&
			   memcmp(r1 + i, "\r\n[yes]\r\n", 9) == 0) {
			i += 9;
		} else {
			abort();
		}
	}
	return 0;
}
