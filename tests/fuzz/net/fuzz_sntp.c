/* SNTP packet parser, reply check and offset arithmetic (must not trap on any input). */
#include <stdlib.h>

#include <kestrel/net/sntp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sntp_pkt p;
	int64_t off, delay;

	if (sntp_parse(data, size, &p) != 0) {
		if (size >= 48) {
			abort();
		}
		return 0;
	}
	(void)sntp_check_reply(&p, p.orig_ts);
	sntp_offset_delay(p.orig_ts, p.rx_ts, p.tx_ts, p.ref_ts, &off, &delay);
	(void)sntp_to_unix_ms(p.tx_ts);
	return 0;
}
