/*
 * USB transfer deframer. Invariants: every packet lies inside the
 * transfer, is 5..251 bytes; repacking the delivered packets reproduces
 * the consumed prefix of the transfer byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <kestrel/mctp/usb.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *xfer_start, *xfer_end;
static struct mctp_usb_tx tx;

static void on_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	if (pkt < xfer_start || pkt + len > xfer_end || len < 5 || len > 251) {
		abort();
	}
	if (mctp_usb_tx_add(&tx, pkt, len) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mctp_usb_stats st = {0};
	int n;

	xfer_start = data;
	xfer_end = data + size;
	mctp_usb_tx_init(&tx, 512);
	n = mctp_usb_rx_xfer(&st, data, size, on_pkt, NULL);
	if (n >= 0 && (size_t)tx.len != size) {
		abort();
	}
	if (memcmp(tx.buf, data, tx.len) != 0) {
		abort();
	}
	return 0;
}
