/*
 * Shared set-up for kernel unit tests: each test program boots the kernel
 * on the hosted port's virtual clock, runs its suite from a task, and
 * exits with the suite's status. Teardown checks that every case left the
 * kernel as it found it (no task, pool block or timer leaked).
 */
#ifndef KERNEL_TEST_H
#define KERNEL_TEST_H

#include "ktest.h"

#include <kestrel/os/kernel.h>
#include <kestrel/posix.h>

#define RUNNER_PRIO 10

/* Runs the suite on the virtual clock; never returns. */
int kernel_test_main(const char *suite, const struct kt_case *cases, size_t n);

/* Number of live tasks (baseline: idle, timer, runner). */
int kernel_test_tasks(void);

#define KERNEL_TEST_MAIN(suite, cases)                                                         \
	KT_MAIN_STATE;                                                                         \
	int main(void)                                                                         \
	{                                                                                      \
		return kernel_test_main((suite), (cases), sizeof(cases) / sizeof((cases)[0])); \
	}

#endif
