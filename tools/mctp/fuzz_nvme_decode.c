/*
 * Fuzz target: kestrel-mctp's NVMe-MI response decoders. The first byte
 * picks the decoder; the rest is the response. Invariants: no decoder reads
 * outside the buffer (ASan) and check_resp only accepts messages whose MIC
 * is right and whose data lies inside the message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nvme_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const uint8_t *d;
	size_t dl;
	int st;

	if (size < 1) {
		return 0;
	}
	if (null == NULL) {
		null = fopen("/dev/null", "w");
	}
	st = nvme_mi_check_resp(data + 1, size - 1, data[0] & 0x0F, &d, &dl);
	if (st >= 0 && (d < data + 1 || d + dl > data + size)) {
		__builtin_trap();
	}
	switch (data[0] >> 4) {
	case 0:
		(void)nvme_print_ds(null, data[0] & 3, data + 1, size - 1);
		break;
	case 1:
		(void)nvme_print_subsys_health(null, data + 1, size - 1);
		break;
	case 2:
		(void)nvme_print_ctrl_health(null, size > 1 ? data[1] : 0, data + 1, size - 1);
		break;
	case 3:
		(void)nvme_print_id_ctrl(null, data + 1, size - 1);
		break;
	case 4:
		(void)nvme_print_smart(null, data + 1, size - 1);
		break;
	default:
		(void)nvme_admin_status(data + 1, size - 1);
		break;
	}
	return 0;
}
