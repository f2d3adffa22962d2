/*
 * Stack overflow detection: a task that runs into the bottom of its stack
 * is caught at its next context switch, and the kernel panics naming it.
 * The test passes when the panic message names the task (ctest matches the
 * output) and the process exits with the panic status 3.
 */
#include "kernel_test.h"

#include <stdlib.h>

static struct os_task hog;
OS_STACK_DEFINE(hog_stack, 2048);

static void panic_hook(const char *why, const struct os_task *t)
{
	printf("panic hook: %s in %s\n", why, t ? t->name : "?");
	fflush(stdout);
}

static void hog_main(void *arg)
{
	(void)arg;
	/*
	 * Simulate the deepest frame of a runaway recursion: the task's stack
	 * pointer reached the bottom guard words. (Really recursing would run
	 * into other memory on the hosted port before it is noticed.)
	 */
	uint32_t *bottom = (uint32_t *)(void *)hog_stack;
	bottom[1] = 0x12345678;
	os_sleep(1); /* switching away runs the check */
	printf("not detected\n");
	exit(1);
}

static void test_overflow_detected(void)
{
	os_set_panic_hook(panic_hook);
	KT_EQ(os_task_create(&hog, "hog", hog_main, NULL, RUNNER_PRIO - 1, hog_stack,
			     sizeof(hog_stack)),
	      0);
	KT_FAIL("the runner should never get here");
}

static const struct kt_case cases[] = {
	KT_CASE(test_overflow_detected),
};

KERNEL_TEST_MAIN("kernel.overflow", cases)
