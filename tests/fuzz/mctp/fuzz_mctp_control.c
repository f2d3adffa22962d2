/*
 * Control responder on arbitrary request messages. Invariants: a response
 * fits one BTU, starts 00 | IID | same command, and the EID only changes to
 * a unicast value via Set EID.
 */
#include <stdlib.h>

#include <kestrel/mctp/control.h>
#include <kestrel/mctp/vendor.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void noop(struct mctp_endpoint *ep, const struct mctp_msg *m, void *arg)
{
	(void)ep;
	(void)m;
	(void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mctp_endpoint ep;
	struct mctp_msg m = {8, 9, 0, true, 0, data, size};
	uint8_t resp[64];
	int n;

	mctp_init(&ep, 9, size > 3 ? data[size - 1] : 0);
	mctp_register_handler(&ep, 0x7E, 0xF1F0FF00, noop, NULL);
	mctp_add_vdm(&ep, 0, 0xCCDE, 0);
	n = mctp_ctrl_respond(&ep, &m, resp, sizeof(resp));
	if (n > 64) {
		abort();
	}
	if (n > 0 && (resp[0] != 0 || resp[1] != (data[1] & 0x1F) || resp[2] != data[2])) {
		abort();
	}
	if (ep.eid != 9 && ep.eid != ep.static_eid && (ep.eid < 8 || ep.eid == 0xFF)) {
		abort();
	}
	/* the requester decoder accepts what the responder produced */
	if (n >= 4) {
		const uint8_t *body;
		size_t blen;
		if (mctp_ctrl_decode_resp(resp, (size_t)n, data[1], data[2], &body, &blen) < 0) {
			abort();
		}
	}
	return 0;
}
