/*
 * Option strings for the fault-injection layer (eth_fault_parse()), e.g.
 * from the hosted device's command line:
 *
 *   spec   := "" | item ("," item)*
 *   item   := key "=" number
 *   key    := ["tx-" | "rx-"] ("drop" | "dup" | "reorder" | "corrupt") | "seed"
 *   number := decimal digits | "0x" hex digits
 *
 * Percentages must be 0..100, the seed fit in 32 bits. Every loop is
 * bounded by the input string; nothing is written to the caller's struct
 * unless the whole string is valid.
 */
#include <string.h>

#include <kestrel/drivers/eth_fault.h>
#include <kestrel/errno.h>

#define FAULT_KEY_MAX 16 /* longest key: "tx-reorder" is 10 */

enum fault_which {
	FAULT_BOTH,
	FAULT_TX_ONLY,
	FAULT_RX_ONLY,
};

static int fault_digit(char c, unsigned base)
{
	unsigned v;

	if (c >= '0' && c <= '9') {
		v = (unsigned)(c - '0');
	} else if (c >= 'a' && c <= 'f') {
		v = (unsigned)(c - 'a') + 10u;
	} else if (c >= 'A' && c <= 'F') {
		v = (unsigned)(c - 'A') + 10u;
	} else {
		return -1;
	}
	return v < base ? (int)v : -1;
}

/* Parses s[0..n) as an unsigned 32-bit number. */
static int fault_number(const char *s, size_t n, uint32_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 10) {
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int d = fault_digit(s[i], base);

		if (d < 0) {
			return -EINVAL;
		}
		v = v * base + (unsigned)d;
	}
	if (v > UINT32_MAX) {
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* The field of cfg named by key, or NULL. */
static uint8_t *fault_field(struct eth_fault_cfg *cfg, const char *key)
{
	if (strcmp(key, "drop") == 0) {
		return &cfg->drop;
	}
	if (strcmp(key, "dup") == 0) {
		return &cfg->dup;
	}
	if (strcmp(key, "reorder") == 0) {
		return &cfg->reorder;
	}
	if (strcmp(key, "corrupt") == 0) {
		return &cfg->corrupt;
	}
	return NULL;
}

static int fault_apply(struct eth_fault_spec *sp, const char *key, uint32_t v)
{
	enum fault_which which = FAULT_BOTH;
	uint8_t *tx, *rx;

	if (strcmp(key, "seed") == 0) {
		sp->seed = v;
		return 0;
	}
	if (strncmp(key, "tx-", 3) == 0) {
		which = FAULT_TX_ONLY;
		key += 3;
	} else if (strncmp(key, "rx-", 3) == 0) {
		which = FAULT_RX_ONLY;
		key += 3;
	}
	tx = fault_field(&sp->tx, key);
	rx = fault_field(&sp->rx, key);
	if (tx == NULL || rx == NULL || v > 100u) {
		return -EINVAL;
	}
	if (which != FAULT_RX_ONLY) {
		*tx = (uint8_t)v;
	}
	if (which != FAULT_TX_ONLY) {
		*rx = (uint8_t)v;
	}
	return 0;
}

/* Parses one "key=value" item of n bytes. */
static int fault_item(struct eth_fault_spec *sp, const char *s, size_t n)
{
	char key[FAULT_KEY_MAX];
	size_t k = 0;
	uint32_t v;
	int rc;

	while (k < n && s[k] != '=') {
		k++;
	}
	if (k == 0 || k == n || k >= sizeof(key)) {
		return -EINVAL;
	}
	memcpy(key, s, k);
	key[k] = '\0';
	rc = fault_number(s + k + 1, n - k - 1, &v);
	if (rc < 0) {
		return rc;
	}
	return fault_apply(sp, key, v);
}

int eth_fault_parse(const char *s, struct eth_fault_spec *out)
{
	struct eth_fault_spec sp;
	size_t start = 0, i = 0;
	int rc;

	memset(&sp, 0, sizeof(sp));
	if (s[0] == '\0') {
		*out = sp;
		return 0;
	}
	for (;;) {
		if (s[i] == ',' || s[i] == '\0') {
			rc = fault_item(&sp, s + start, i - start);
			if (rc < 0) {
				return rc;
			}
			if (s[i] == '\0') {
				break;
			}
			start = i + 1;
		}
		i++;
	}
	*out = sp;
	return 0;
}
