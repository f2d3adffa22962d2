/*
 * Reassembly over a sequence of packets. Input: records of
 * [len u8][now_delta u8][packet bytes...]. Invariants: delivered messages
 * are 1..CONFIG_MCTP_MAX_MSG bytes and never from the broadcast EID; drop
 * counters never exceed packets seen; responders (control, echo) can run.
 */
#include <stdlib.h>

#include <kestrel/mctp/control.h>
#include <kestrel/mctp/vendor.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_msg(struct mctp_endpoint *ep, const struct mctp_msg *m, void *arg)
{
	(void)ep;
	(void)arg;
	if (m->len == 0 || m->len > CONFIG_MCTP_MAX_MSG || m->src == 0xFF) {
		abort();
	}
	volatile uint8_t sink = m->data[m->len - 1];
	(void)sink;
}

static int tx(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	if (len < 5 || len > 4 + 64) {
		abort();
	}
	(void)pkt;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mctp_endpoint ep;
	static struct mctp_vendor v;
	uint32_t now = 0;
	size_t i = 0;

	mctp_init(&ep, 9, 0);
	mctp_add_link(&ep, 64, tx, NULL);
	mctp_add_route(&ep, 0, 0xFE, 0);
	mctp_ctrl_register(&ep);
	mctp_vendor_register(&ep, &v);
	mctp_register_handler(&ep, 0x01, 0, on_msg, NULL);
	while (i + 2 <= size) {
		size_t len = data[i];

		now += (uint32_t)data[i + 1] * 64;
		i += 2;
		if (len > size - i) {
			len = size - i;
		}
		mctp_rx_packet(&ep, 0, data + i, len, now);
		i += len;
		if ((data[i - 1] & 7) == 0) {
			mctp_poll(&ep, now);
		}
	}
	if (ep.stats.drop_seq + ep.stats.drop_no_som + ep.stats.drop_short > ep.stats.rx_pkts) {
		abort();
	}
	return 0;
}
