/* Private to mctp/: shared between core.c (tx, tags) and rx.c (rx, reassembly). */
#ifndef MCTP_CORE_INTERNAL_H
#define MCTP_CORE_INTERNAL_H

#include <kestrel/mctp/core.h>

/* Wrap-safe "a is at or after b" for millisecond clocks. */
static inline bool mctp_time_after_eq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* Delivers a complete message: responses to the matcher, requests to handlers. */
int mctp_deliver(struct mctp_endpoint *ep, const struct mctp_msg *msg);
/* Expires request slots (core.c). */
void mctp_expire_reqs(struct mctp_endpoint *ep, uint32_t now_ms);

#endif /* MCTP_CORE_INTERNAL_H */
