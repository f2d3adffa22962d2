/*
 * Fuzzes the iperf3 control state machine and JSON reader. The input is a
 * control-connection byte stream fed in chunks (size from the first byte);
 * a stream connection with the right cookie is presented whenever the
 * machine waits for one. Checks: results are counts or documented errors,
 * consumed never exceeds the chunk, output stays within its buffer, any
 * results JSON produced is valid JSON, and iperf_json_params() on the raw
 * input agrees with iperf_json_valid() for objects it accepts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/apps/iperf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iperf_ctrl c;
	static char json[IPERF_OUT_MAX];
	struct iperf_params p;
	size_t i = 1, step;
	uint32_t now = 0;
	int rc = 0;

	if (size < 1) {
		return 0;
	}
	if (iperf_json_params((const char *)data, size, &p) == 0 &&
	    !iperf_json_valid((const char *)data, size)) {
		abort();
	}
	step = (size_t)(data[0] % 64) + 1;
	iperf_ctrl_init(&c);
	while (i < size && rc >= 0) {
		size_t n = size - i < step ? size - i : step;

		rc = iperf_ctrl_input(&c, data + i, n, now += 7);
		if (rc >= 0) {
			if ((size_t)rc > n) {
				abort();
			}
			i += n;
		} else if (rc != -EPROTO && rc != -EMSGSIZE && rc != -ENOTSUP &&
			   rc != -ECONNABORTED) {
			abort();
		}
		if (c.out_len > sizeof(c.out)) {
			abort();
		}
		c.out_len = 0;
		while (c.phase == IPERF_PH_STREAMS) {
			if (iperf_ctrl_stream(&c, (const uint8_t *)c.cookie, now) < 0) {
				abort();
			}
		}
		if (c.nstreams > CONFIG_IPERF_STREAMS) {
			abort();
		}
	}
	rc = iperf_results_json(&c, json, sizeof(json));
	if (rc < 0 || !iperf_json_valid(json, (size_t)rc)) {
		abort();
	}
	return 0;
}
