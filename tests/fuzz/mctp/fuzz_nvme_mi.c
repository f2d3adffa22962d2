/*
 * NVMe-MI responder on arbitrary messages. The first input byte selects
 * whether the MIC is recomputed (so the fuzzer reaches command handling).
 * Invariants: responses are >= 12 bytes, a multiple of 4, at most
 * NVME_MI_RESP_MAX, carry ROR and the request's NMIMT, and a valid MIC.
 */
#include <stdlib.h>
#include <string.h>

#include <kestrel/lib/crc.h>
#include <kestrel/mctp/nvme_mi.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nvme_model model;
	static struct nvme_mi_responder r;
	static uint8_t msg[4300];
	size_t len;
	int n;

	if (size < 1 || size - 1 > sizeof(msg) - 4) {
		return 0;
	}
	len = size - 1;
	memcpy(msg, data + 1, len);
	if (data[0] & 1) {
		uint32_t mic = crc32c(0, msg, len);

		msg[len++] = (uint8_t)mic;
		msg[len++] = (uint8_t)(mic >> 8);
		msg[len++] = (uint8_t)(mic >> 16);
		msg[len++] = (uint8_t)(mic >> 24);
	}
	nvme_model_init(&model, "FUZZ");
	nvme_mi_init(&r, &model);
	n = nvme_mi_handle(&r, msg, len);
	if (n == 0) {
		return 0;
	}
	if (n < 12 || (n & 3) || n > (int)NVME_MI_RESP_MAX || r.resp[0] != 0x84 ||
	    !(r.resp[1] & 0x80) || (r.resp[1] & 0x78) != (msg[1] & 0x78)) {
		abort();
	}
	uint32_t mic = crc32c(0, r.resp, (size_t)n - 4);
	if (memcmp(r.resp + n - 4, &mic, 4) != 0) { /* host is little-endian */
		abort();
	}
	return 0;
}
