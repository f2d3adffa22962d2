/*
 * kestrel-mctp `echo` and `bench`: Code Construct vendor messages (type
 * 0x7E, CC DE). Echo sends cc de f0 + payload and checks that the same
 * bytes come back; bench asks the device to stream bench data (command
 * 0x22DD) and counts it with the library's bench receiver, which reports
 * throughput every 2 s in kB/s (1 kB = 1024 B) like mctp-bench.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/wire/mctp.h>

#include "kmctp.h"

#define ECHO_HDR 4 /* 7e cc de f0 */

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Sizes spread evenly over the powers of two up to the largest message. */
static size_t echo_size(struct kmctp_echo_args *a, uint32_t *rng)
{
	size_t max = CONFIG_MCTP_MAX_MSG - ECHO_HDR;
	unsigned bits;
	size_t n;

	if (a->size >= 0) {
		return (size_t)a->size;
	}
	bits = xorshift(rng) % 18; /* 0..17: up to 2^17 - 1, capped below */
	n = bits == 0 ? 0 : xorshift(rng) & ((1u << bits) - 1);
	return n > max ? max : n;
}

static void echo_fill(uint8_t *m, size_t n, uint32_t *rng)
{
	m[0] = MCTP_TYPE_VENDOR_PCI;
	m[1] = MCTP_VENDOR_CC_VID >> 8;
	m[2] = MCTP_VENDOR_CC_VID & 0xFF;
	m[3] = MCTP_VENDOR_CC_ECHO;
	for (size_t i = 0; i < n; i++) {
		m[ECHO_HDR + i] = (uint8_t)xorshift(rng);
	}
}

struct echo_stats {
	long ok, errors;
	uint64_t bytes, min_us, max_us, sum_us;
	size_t min_sz, max_sz;
};

static int echo_one(struct kmctp *k, uint8_t eid, const uint8_t *req, size_t n, uint8_t *resp,
		    struct echo_stats *st)
{
	int timeout = k->opts->timeout_ms ? k->opts->timeout_ms : 5000;
	uint64_t t0 = kmctp_now_us();
	int got = kmctp_request(k, eid, req, n, resp, CONFIG_MCTP_MAX_MSG, timeout, 1);
	uint64_t us = kmctp_now_us() - t0;

	if (got < 0) {
		fprintf(stderr, "kestrel-mctp: echo of %zu bytes: %s\n", n, strerror(-got));
		st->errors++;
		return got == -EAGAIN ? 0 : got;
	}
	if ((size_t)got != n || memcmp(req, resp, n) != 0) {
		fprintf(stderr, "kestrel-mctp: echo of %zu bytes came back different (%d bytes)\n",
			n, got);
		st->errors++;
		return 0;
	}
	st->ok++;
	st->bytes += n - ECHO_HDR;
	st->sum_us += us;
	st->min_us = us < st->min_us ? us : st->min_us;
	st->max_us = us > st->max_us ? us : st->max_us;
	st->min_sz = n - ECHO_HDR < st->min_sz ? n - ECHO_HDR : st->min_sz;
	st->max_sz = n - ECHO_HDR > st->max_sz ? n - ECHO_HDR : st->max_sz;
	return 0;
}

int kmctp_cmd_echo(struct kmctp *k, int argc, char **argv)
{
	static uint8_t req[CONFIG_MCTP_MAX_MSG], resp[CONFIG_MCTP_MAX_MSG];
	struct kmctp_echo_args a;
	struct echo_stats st = {.min_us = UINT64_MAX, .min_sz = SIZE_MAX};
	uint32_t rng, t0, ms;
	int eid, rc = 0;

	if (kmctp_parse_echo(argc, argv, &a, stderr) < 0) {
		return -EINVAL;
	}
	eid = kmctp_target(k);
	if (eid < 0) {
		return eid;
	}
	rng = a.seed * 2654435761u + 1;
	t0 = kmctp_now_ms();
	for (long i = 0; i < a.count && rc == 0; i++) {
		size_t n = echo_size(&a, &rng);

		echo_fill(req, n, &rng);
		rc = echo_one(k, (uint8_t)eid, req, n + ECHO_HDR, resp, &st);
	}
	ms = kmctp_now_ms() - t0;
	printf("echo: %ld messages to EID %d, %ld ok, %ld errors\n", a.count, eid, st.ok,
	       st.errors);
	if (st.ok > 0) {
		printf("payload: %llu bytes, sizes %zu..%zu\n", (unsigned long long)st.bytes,
		       st.min_sz, st.max_sz);
		printf("round trips/s: %.1f, latency: min %.3f ms avg %.3f ms max %.3f ms\n",
		       ms ? (double)st.ok * 1000.0 / ms : 0.0, (double)st.min_us / 1000.0,
		       (double)st.sum_us / 1000.0 / (double)st.ok, (double)st.max_us / 1000.0);
		printf("echo throughput: %.1f kB/s each way\n",
		       ms ? (double)st.bytes / 1024.0 * 1000.0 / ms : 0.0);
	}
	return rc < 0 ? rc : (st.errors ? -EIO : 0);
}

static int bench_command(struct kmctp *k, uint8_t eid, uint16_t size, uint64_t count)
{
	struct mctp_bench_cmd cmd = {.command = MCTP_BENCH_CMD_REQUEST,
				     .iid = kmctp_now_ms(),
				     .payload_size = size,
				     .message_count = count};
	uint8_t req[64], resp[64];
	int n = mctp_bench_cmd_build(req, sizeof(req), &cmd);

	if (n < 0) {
		return n;
	}
	k->bench_armed = count != 0;
	n = kmctp_request(k, eid, req, (size_t)n, resp, sizeof(resp), 1000, 3);
	k->bench_armed = false;
	if (n < 0) {
		return n;
	}
	/* 7e | cc de f1 | dd 22 | 01 | 00 (response) | iid u32 | status */
	if (n < 13 || resp[7] != MCTP_BENCH_CMD_RESPONSE) {
		return -EPROTO;
	}
	return resp[12];
}

static void bench_summary(const struct mctp_bench_rx *rx, uint64_t first_us, uint64_t last_us)
{
	double s = (double)(last_us - first_us) / 1e6;

	printf("bench: %llu messages, %llu bytes in %.3f s: %.1f kB/s\n",
	       (unsigned long long)rx->msgs, (unsigned long long)rx->bytes, s,
	       s > 0 ? (double)rx->bytes / 1024.0 / s : 0.0);
	printf("sequence gaps (lost messages): %llu, reordered: %llu, bad data: %llu\n",
	       (unsigned long long)rx->drops, (unsigned long long)rx->reordered,
	       (unsigned long long)rx->bad_data);
}

int kmctp_cmd_bench(struct kmctp *k, int argc, char **argv)
{
	struct kmctp_bench_args a;
	struct mctp_bench_rx *rx = &k->vendor.rx;
	uint32_t start, last_ms = 0, kbps;
	uint64_t last_us = 0;
	uint64_t want;
	int eid, st;

	if (kmctp_parse_bench(argc, argv, &a, stderr) < 0) {
		return -EINVAL;
	}
	eid = kmctp_target(k);
	if (eid < 0) {
		return eid;
	}
	want = a.count ? a.count : UINT64_MAX / 2;
	start = kmctp_now_ms();
	mctp_bench_rx_init(rx, start);
	st = bench_command(k, (uint8_t)eid, (uint16_t)a.size, want);
	if (st != MCTP_BENCH_STATUS_OK) {
		fprintf(stderr, "kestrel-mctp: bench request refused: %s %d\n",
			st < 0 ? strerror(-st) : "status", st);
		return st < 0 ? st : -EPROTO;
	}
	printf("bench: EID %d streams %ld-byte messages\n", eid, a.size);
	last_us = k->bench_start_us;
	for (;;) {
		uint64_t before = rx->msgs;
		uint32_t now;

		if (!(a.count && rx->msgs + rx->drops >= a.count) && kmctp_pump(k, 100) < 0) {
			break;
		}
		now = kmctp_now_ms();
		if (rx->msgs != before || last_ms == 0) {
			last_us = kmctp_now_us();
			last_ms = now;
		}
		if (mctp_bench_rx_report(rx, now, &kbps)) {
			printf("Throughput: %u kB/s\n", kbps);
			fflush(stdout);
		}
		if ((a.count && rx->msgs + rx->drops >= a.count) ||
		    (a.seconds && now - start >= (uint32_t)a.seconds * 1000u) ||
		    (now - last_ms > 10000)) {
			break;
		}
	}
	if (!a.count || rx->msgs + rx->drops < a.count) {
		(void)bench_command(k, (uint8_t)eid, (uint16_t)a.size, 0); /* stop the stream */
	}
	bench_summary(rx, k->bench_start_us, last_us);
	return rx->msgs ? 0 : -EAGAIN;
}
