/*
 * Serial deframer: arbitrary byte streams. Invariants: every packet is
 * 1..MTU+4 bytes; re-framing it and deframing again yields the same bytes;
 * byte-wise and chunked feeding agree.
 */
#include <stdlib.h>
#include <string.h>

#include <kestrel/mctp/serial.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mctp_serial_rx rx2;
static int chunk_pkts;

static void count_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	if (len == 0 || len > 68) {
		abort();
	}
	chunk_pkts++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mctp_serial_rx rx, rt;
	uint8_t frame[MCTP_SERIAL_FRAME_MAX(255)];
	int pkts = 0;

	mctp_serial_rx_init(&rx, 64);
	for (size_t i = 0; i < size; i++) {
		int n = mctp_serial_rx_byte(&rx, data[i]);

		if (n <= 0) {
			continue;
		}
		if (n > 68) {
			abort();
		}
		pkts++;
		int fl = mctp_serial_frame(rx.buf, (size_t)n, frame, sizeof(frame));
		if (fl < n + 6) {
			abort();
		}
		mctp_serial_rx_init(&rt, 64);
		int got = 0;
		for (int j = 0; j < fl; j++) {
			got = mctp_serial_rx_byte(&rt, frame[j]);
		}
		if (got != n || memcmp(rt.buf, rx.buf, (size_t)n) != 0) {
			abort();
		}
	}
	mctp_serial_rx_init(&rx2, 64);
	chunk_pkts = 0;
	mctp_serial_rx_feed(&rx2, data, size, count_pkt, NULL);
	if (chunk_pkts != pkts || memcmp(&rx2.stats, &rx.stats, sizeof(rx.stats)) != 0) {
		abort();
	}
	return 0;
}
