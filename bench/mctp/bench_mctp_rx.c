/*
 * Receive-path cost per 64-byte serial packet: deframe + FCS + header
 * checks + (single-packet) reassembly + dispatch to a handler.
 *
 *   valgrind --tool=callgrind --toggle-collect=bench_rx_all \
 *       build/mctp/tests/unit/mctp/bench_mctp_rx
 *   callgrind_annotate callgrind.out.<pid> | head    -> Ir / N_FRAMES
 *
 * Host program only (bench/).
 */
#include <stdio.h>
#include <string.h>

#include <kestrel/mctp/core.h>
#include <kestrel/mctp/serial.h>

#define N_FRAMES 1000

static struct mctp_endpoint ep;
static struct mctp_serial_rx rx;
static unsigned long delivered;
static uint8_t stream[N_FRAMES * MCTP_SERIAL_FRAME_MAX(68)];
static size_t stream_len;

static void on_msg(struct mctp_endpoint *e, const struct mctp_msg *m, void *arg)
{
	(void)e;
	(void)arg;
	delivered += m->len;
}

static void on_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	mctp_rx_packet(&ep, 0, pkt, len, 0);
}

static int no_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	(void)len;
	return 0;
}

void bench_rx_all(void);
void bench_rx_all(void)
{
	mctp_serial_rx_feed(&rx, stream, stream_len, on_pkt, NULL);
}

int main(void)
{
	uint8_t pkt[68];

	mctp_init(&ep, 9, 0);
	mctp_add_link(&ep, 64, no_tx, NULL);
	mctp_register_handler(&ep, 0x7E, 0, on_msg, NULL);
	mctp_serial_rx_init(&rx, 64);
	pkt[0] = 1;
	pkt[1] = 9;
	pkt[2] = 8;
	pkt[3] = 0xC8;
	for (int i = 0; i < N_FRAMES; i++) {
		pkt[4] = 0x7E;
		for (int j = 5; j < 68; j++) {
			/* typical data: no flag/escape bytes */
			pkt[j] = (uint8_t)((i + j) % 0x70);
		}
		pkt[3] = (uint8_t)(0xC8 | ((i & 3) << 4));
		stream_len += (size_t)mctp_serial_frame(pkt, sizeof(pkt), stream + stream_len,
							sizeof(stream) - stream_len);
	}
	bench_rx_all();
	printf("frames %d, payload bytes delivered %lu, good frames %u\n", N_FRAMES, delivered,
	       (unsigned)rx.stats.frames);
	return delivered == (unsigned long)N_FRAMES * 64 ? 0 : 1;
}
