/*
 * Fuzzes the HTTP response parser. The first byte picks how the input is
 * split (so line, chunk and body boundaries fall anywhere); then checks:
 * - the result is 0, 1 or one of the documented errors;
 * - body bytes delivered equal what the sink saw, and never exceed the
 *   Content-Length when one framed the body;
 * - after DONE, further input changes nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <kestrel/apps/wget.h>

static uint64_t seen;

static int sink(void *ctx, const uint8_t *p, size_t n)
{
	volatile uint8_t x = 0;

	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		x ^= p[i];
	}
	(void)x;
	seen += n;
	return 0;
}

static void check_rc(int rc)
{
	if (!(rc == 0 || rc == 1 || rc == -EPROTO || rc == -EMSGSIZE || rc == -ENOTSUP)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_resp r;
	size_t step, i = 1;
	int rc = 0;

	if (size < 1) {
		return 0;
	}
	step = (size_t)(data[0] % 16) + 1;
	seen = 0;
	http_resp_init(&r, sink, NULL);
	r.head = (data[0] & 0x80) != 0;
	while (i < size && rc == 0) {
		size_t n = size - i < step ? size - i : step;

		rc = http_resp_input(&r, data + i, n);
		check_rc(rc);
		i += n;
	}
	if (rc == 0) {
		rc = http_resp_eof(&r);
		check_rc(rc);
	}
	if (seen != r.body_bytes) {
		abort();
	}
	if (r.have_length && !r.chunked && r.body_bytes > r.content_length) {
		abort();
	}
	if (rc == 1) {
		uint64_t before = r.body_bytes;

		if (http_resp_input(&r, "more", 4) != 1 || r.body_bytes != before) {
			abort();
		}
	}
	return 0;
}
