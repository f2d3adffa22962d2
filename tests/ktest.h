/*
 * ktest - Kestrel's minimal unit-test harness (header only).
 *
 * A suite is an array of named cases; kt_run() runs each, prints one line
 * per case and closes with "N passed, N failed" (the line CI reads). A
 * failed assertion prints file:line and the values, marks the case failed
 * and returns from the case function. Table-driven tests loop over rows and
 * use KT_ROW(name) so a failure names its row.
 *
 * An optional per-suite teardown runs after every case; suites use it to
 * check that no buffer, pool block or task leaked (it fails the case with
 * KT_FAIL()).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

struct kt_case {
	const char *name;
	void (*fn)(void);
};

#define KT_CASE(fn)     \
	{               \
#fn, fn \
	}

extern int kt_failed_now;
extern const char *kt_row_name;

#define KT_ROW(n) (kt_row_name = (n))

#define KT_FAILF(...)                                         \
	do {                                                  \
		printf("    %s:%d: ", __FILE__, __LINE__);    \
		if (kt_row_name)                              \
			printf("[row \"%s\"] ", kt_row_name); \
		printf(__VA_ARGS__);                          \
		printf("\n");                                 \
		kt_failed_now = 1;                            \
	} while (0)

#define KT_ASSERT(c)                                          \
	do {                                                  \
		if (!(c)) {                                   \
			KT_FAILF("assertion failed: %s", #c); \
			return;                               \
		}                                             \
	} while (0)

#define KT_EQ(a, b)                                                               \
	do {                                                                      \
		long long kt_a_ = (long long)(a), kt_b_ = (long long)(b);         \
		if (kt_a_ != kt_b_) {                                             \
			KT_FAILF("%s == %s: %lld != %lld", #a, #b, kt_a_, kt_b_); \
			return;                                                   \
		}                                                                 \
	} while (0)

#define KT_MEMEQ(a, b, n)                                                             \
	do {                                                                          \
		if (memcmp((a), (b), (n)) != 0) {                                     \
			KT_FAILF("%s and %s differ in their first %zu bytes", #a, #b, \
				 (size_t)(n));                                        \
			kt_hexdump("got", (const void *)(a), (size_t)(n));            \
			kt_hexdump("want", (const void *)(b), (size_t)(n));           \
			return;                                                       \
		}                                                                     \
	} while (0)

#define KT_STREQ(a, b)                                                            \
	do {                                                                      \
		if (strcmp((a), (b)) != 0) {                                      \
			KT_FAILF("%s == %s: \"%s\" != \"%s\"", #a, #b, (a), (b)); \
			return;                                                   \
		}                                                                 \
	} while (0)

/* Text hay contains needle (e.g. a shell command's captured output). */
#define KT_CONTAINS(hay, needle)                                                           \
	do {                                                                               \
		if (strstr((hay), (needle)) == NULL) {                                     \
			KT_FAILF("output lacks \"%s\"; output was:\n%s", (needle), (hay)); \
			return;                                                            \
		}                                                                          \
	} while (0)

/* Fails the current case without returning (for teardown hooks). */
#define KT_FAIL(...) KT_FAILF(__VA_ARGS__)

static inline void kt_hexdump(const char *tag, const void *p, size_t n)
{
	const uint8_t *b = (const uint8_t *)p;
	printf("      %-4s:", tag);
	for (size_t i = 0; i < n && i < 96; i++) {
		printf(" %02x", b[i]);
	}
	printf(n > 96 ? " ...\n" : "\n");
}

/* Define exactly once per test program (before main). */
#define KT_MAIN_STATE      \
	int kt_failed_now; \
	const char *kt_row_name

/*
 * Runs every case; returns 0 when all passed (use as the exit status).
 */
static inline int kt_run(const char *suite, const struct kt_case *cases, size_t n,
			 void (*teardown)(void))
{
	int pass = 0, fail = 0;
	printf("suite %s: %zu cases\n", suite, n);
	for (size_t i = 0; i < n; i++) {
		kt_failed_now = 0;
		kt_row_name = NULL;
		cases[i].fn();
		kt_row_name = NULL;
		if (teardown) {
			teardown();
		}
		printf("  %s %s\n", kt_failed_now ? "FAIL" : "ok  ", cases[i].name);
		fflush(stdout);
		if (kt_failed_now) {
			fail++;
		} else {
			pass++;
		}
	}
	printf("%s: %d passed, %d failed\n", suite, pass, fail);
	fflush(stdout);
	return fail ? 1 : 0;
}

#define KT_RUN(suite, cases, teardown) \
	kt_run((suite), (cases), sizeof(cases) / sizeof((cases)[0]), (teardown))

#endif /* KTEST_H */
