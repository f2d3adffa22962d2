/*
 * Fuzzes the ISO 8601 parser (tc_parse_iso8601) on bytes that are not
 * NUL-terminated (ASan catches any read past len). Whatever parses must
 * be a valid time: formatting it and parsing the text again gives the same
 * instant, and the parser never returns anything but 0 or -EINVAL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/timeconv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1); /* exact size: no terminator */
	int64_t secs, back;
	uint32_t nsec, back_ns;
	char text[40];
	int ret, n;

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	ret = tc_parse_iso8601(copy, size, &secs, &nsec);
	if (ret != 0 && ret != -EINVAL) {
		abort();
	}
	if (ret == 0) {
		if (nsec >= TC_NS_PER_SEC) {
			abort();
		}
		/* Offsets can move year 0000/9999 times outside the text range. */
		n = tc_format_iso8601(text, sizeof(text), secs, nsec, 9);
		if (n == 30) {
			if (tc_parse_iso8601(text, (size_t)n, &back, &back_ns) != 0 ||
			    back != secs || back_ns != nsec) {
				abort();
			}
		} else if (n != -ERANGE) {
			abort();
		}
	}
	free(copy);
	return 0;
}
