/*
 * Fuzzes the datalink framer and session with a received byte stream (in
 * chunks of a size picked by the first byte). Checks:
 * - results are 0/1 or documented errors; an error ends the stream;
 * - every record the framer returns re-encodes to the same bytes;
 * - the session delivers strictly consecutive seqs starting at 1 and its
 *   queue never grows beyond what was queued.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/apps/datalink.h>

static uint32_t last;

static void deliver(void *ctx, uint32_t seq, const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)data;
	if (seq != last + 1 || len > CONFIG_DATALINK_PAYLOAD_MAX) {
		abort();
	}
	last = seq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dl_framer f;
	static struct dl_session s;
	static uint8_t again[DL_REC_MAX];
	size_t i = 1, step, used;
	struct dl_record r;
	int rc = 0;

	if (size < 1) {
		return 0;
	}
	step = (size_t)data[0] + 1;
	last = 0;
	dl_framer_init(&f);
	dl_session_init(&s, 1, "fuzz", deliver, NULL);
	for (int k = 0; k < 3; k++) {
		(void)dl_session_queue(&s, "abc", 3);
	}
	dl_session_connected(&s);
	while (i < size && rc >= 0) {
		size_t n = size - i < step ? size - i : step;

		rc = dl_framer_feed(&f, data + i, n, &used, &r);
		if (used > n) {
			abort();
		}
		i += used;
		if (rc == 1) {
			int m = dl_encode(&r, again, sizeof(again));

			if (m != (int)(DL_HDR_LEN + r.len + DL_CRC_LEN) ||
			    memcmp(again + DL_HDR_LEN, r.payload, r.len) != 0) {
				abort();
			}
			rc = dl_session_input(&s, &r);
			if (rc != 0 && rc != -EPROTO) {
				abort();
			}
			if (s.count > 3 || s.delivered != last) {
				abort();
			}
		} else if (rc < 0 && rc != -EPROTO && rc != -EMSGSIZE && rc != -EBADMSG) {
			abort();
		} else if (rc == 0 && used == 0 && n > 0) {
			abort(); /* no progress */
		}
	}
	/* whatever happened, the session still produces valid records */
	while ((rc = dl_session_next(&s, again, sizeof(again))) > 0) {
		if (dl_decode(again, (size_t)rc, &r) != rc) {
			abort();
		}
	}
	if (rc != 0) {
		abort();
	}
	return 0;
}
