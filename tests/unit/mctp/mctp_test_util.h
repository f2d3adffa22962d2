/* Helpers shared by the MCTP unit tests: hex vectors and a capturing link. */
#ifndef MCTP_TEST_UTIL_H
#define MCTP_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/mctp/core.h>

/* Parses "7e 01 ..." (spaces optional) into out; returns the byte count. */
static inline size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s != '\0' && n < cap) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1) {
			break;
		}
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#define CAP_PKTS 80

/* A link tx that records every packet. */
struct cap_link {
	int n;
	size_t len[CAP_PKTS];
	uint8_t pkt[CAP_PKTS][MCTP_HDR_SIZE + CONFIG_MCTP_MAX_MTU];
	int fail; /* return this from tx when non-zero */
};

static inline int cap_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct cap_link *c = (struct cap_link *)ctx;

	if (c->fail) {
		return c->fail;
	}
	if (c->n < CAP_PKTS) {
		memcpy(c->pkt[c->n], pkt, len);
		c->len[c->n] = len;
	}
	c->n++;
	return 0;
}

#endif /* MCTP_TEST_UTIL_H */
