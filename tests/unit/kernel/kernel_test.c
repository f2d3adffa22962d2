#include "kernel_test.h"

static const char *suite_name;
static const struct kt_case *suite_cases;
static size_t suite_n;
static struct os_task runner;
OS_STACK_DEFINE(runner_stack, 8192);
static int baseline_tasks;
static struct os_pool_info baseline_pools[16];
static int baseline_npools;

int kernel_test_tasks(void)
{
	struct os_task_info info[64];
	return os_task_list(info, 64);
}

static void teardown(void)
{
	struct os_pool_info now[16];
	int n;

	/* let anything the case woke finish */
	os_sleep(OS_MS(1000));
	if (kernel_test_tasks() != baseline_tasks) {
		KT_FAIL("task leak: %d tasks live, expected %d", kernel_test_tasks(),
			baseline_tasks);
	}
	n = os_pool_list(now, 16);
	for (int i = 0; i < n && i < 16; i++) {
		if (now[i].used != 0) {
			KT_FAIL("pool %s: %u blocks still allocated", now[i].name, now[i].used);
		}
	}
	(void)baseline_pools;
	(void)baseline_npools;
}

static void runner_main(void *arg)
{
	(void)arg;
	baseline_tasks = kernel_test_tasks();
	baseline_npools = os_pool_list(baseline_pools, 16);
	os_exit(kt_run(suite_name, suite_cases, suite_n, teardown));
}

int kernel_test_main(const char *suite, const struct kt_case *cases, size_t n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	suite_name = suite;
	suite_cases = cases;
	suite_n = n;
	posix_set_clock(POSIX_CLOCK_VIRTUAL);
	os_init();
	os_task_create(&runner, "runner", runner_main, NULL, RUNNER_PRIO, runner_stack,
		       sizeof(runner_stack));
	os_start();
}
