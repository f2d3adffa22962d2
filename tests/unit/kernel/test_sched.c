/* Scheduling: preemption order, round-robin, sleep, suspend/resume, delete. */
#include "kernel_test.h"

static char order[64];
static int order_n;

static void mark(char c)
{
	if (order_n < (int)sizeof(order) - 1) {
		order[order_n++] = c;
		order[order_n] = '\0';
	}
}

static void reset(void)
{
	order_n = 0;
	order[0] = '\0';
}

static struct os_task ta, tb, tc;
OS_STACK_DEFINE(sa, 4096);
OS_STACK_DEFINE(sb, 4096);
OS_STACK_DEFINE(sc, 4096);

static void mark_task(void *arg)
{
	mark(*(const char *)arg);
}

/* Creating a higher-priority task preempts the creator at once. */
static void test_preempt_on_create(void)
{
	reset();
	mark('r');
	KT_EQ(os_task_create(&ta, "hi", mark_task, "H", RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	mark('r');
	KT_EQ(os_task_create(&tb, "lo", mark_task, "L", RUNNER_PRIO + 1, sb, sizeof(sb)), 0);
	mark('r');
	os_sleep(1);
	KT_STREQ(order, "rHrrL");
}

/* Higher priorities run first regardless of creation order. */
static void prio_case(void)
{
	reset();
	/* created while the runner holds the CPU at a higher priority */
	KT_EQ(os_task_create(&ta, "p13", mark_task, "c", RUNNER_PRIO + 3, sa, sizeof(sa)), 0);
	KT_EQ(os_task_create(&tb, "p11", mark_task, "a", RUNNER_PRIO + 1, sb, sizeof(sb)), 0);
	KT_EQ(os_task_create(&tc, "p12", mark_task, "b", RUNNER_PRIO + 2, sc, sizeof(sc)), 0);
	KT_STREQ(order, "");
	os_sleep(1);
	KT_STREQ(order, "abc");
}

static volatile int rr_count[2];

static void rr_task(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (int i = 0; i < 6; i++) {
		mark(id ? 'B' : 'A');
		os_busy_wait(CONFIG_OS_TIME_SLICE_TICKS / 2);
	}
}

/* Two busy tasks at one priority alternate every time slice. */
static void test_round_robin(void)
{
	reset();
	KT_EQ(os_task_create(&ta, "rrA", rr_task, (void *)0, RUNNER_PRIO + 1, sa, sizeof(sa)), 0);
	KT_EQ(os_task_create(&tb, "rrB", rr_task, (void *)1, RUNNER_PRIO + 1, sb, sizeof(sb)), 0);
	os_sleep(1000);
	/* each slice holds two marks: A A B B A A B B ... */
	KT_STREQ(order, "AABBAABBAABB");
}

static void sleeper(void *arg)
{
	os_tick_t *woke = arg;
	os_sleep(250);
	*woke = os_ticks();
}

/* os_sleep sleeps exactly the requested ticks on the virtual clock. */
static void test_sleep_ticks(void)
{
	os_tick_t woke = 0;
	os_tick_t start = os_ticks();

	KT_EQ(os_task_create(&ta, "sleeper", sleeper, &woke, RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	os_sleep(500);
	KT_EQ(woke - start, 250);
	KT_EQ(os_ticks() - start, 500);
}

static void spin_mark(void *arg)
{
	for (;;) {
		mark(*(const char *)arg);
		os_sleep(10);
	}
}

/* A suspended task does not run until resumed; delete stops it for good. */
static void test_suspend_resume_delete(void)
{
	reset();
	KT_EQ(os_task_create(&ta, "spin", spin_mark, "s", RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	KT_EQ(order_n, 1);
	KT_EQ(os_task_suspend(&ta), 0);
	os_sleep(100);
	KT_EQ(order_n, 1);
	KT_EQ(os_task_resume(&ta), 0);
	KT_EQ(os_task_resume(&ta), -EINVAL);
	os_sleep(35);
	KT_ASSERT(order_n >= 4);
	KT_EQ(os_task_delete(&ta), 0);
	int before = order_n;
	os_sleep(100);
	KT_EQ(order_n, before);
	KT_EQ(os_task_delete(&ta), -EINVAL);
}

static void bad_args_task(void *arg)
{
	(void)arg;
}

static void test_create_rejects_bad_args(void)
{
	static uint64_t tiny[8];

	KT_EQ(os_task_create(&ta, "x", bad_args_task, NULL, OS_PRIO_IDLE, sa, sizeof(sa)), -EINVAL);
	KT_EQ(os_task_create(&ta, "x", bad_args_task, NULL, 40, sa, sizeof(sa)), -EINVAL);
	KT_EQ(os_task_create(&ta, "x", bad_args_task, NULL, 12, tiny, sizeof(tiny)), -EINVAL);
	KT_EQ(os_task_create(&ta, "x", NULL, NULL, 12, sa, sizeof(sa)), -EINVAL);
}

static void stack_user(void *arg)
{
	volatile uint8_t buf[3000];
	for (unsigned i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)i;
	}
	*(size_t *)arg = os_task_stack_used(os_task_self());
	(void)buf[5];
}

/* The high-water mark covers what the task touched. */
static void test_stack_high_water(void)
{
	size_t used = 0;
	KT_EQ(os_task_create(&ta, "stk", stack_user, &used, RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	KT_ASSERT(used >= 3000);
	KT_ASSERT(used < sizeof(sa));
}

static void test_task_list(void)
{
	struct os_task_info info[8];
	int n = os_task_list(info, 8);
	bool idle = false, timer = false, runner = false;

	for (int i = 0; i < n; i++) {
		idle |= strcmp(info[i].name, "idle") == 0 && info[i].prio == OS_PRIO_IDLE;
		timer |= strcmp(info[i].name, "timer") == 0;
		runner |= strcmp(info[i].name, "runner") == 0 && info[i].state == OS_TASK_READY;
	}
	KT_EQ(n, 3);
	KT_ASSERT(idle && timer && runner);
	KT_STREQ(os_task_state_name(OS_TASK_BLOCKED), "blocked");
}

static const struct kt_case cases[] = {
	KT_CASE(test_preempt_on_create),     KT_CASE(prio_case),
	KT_CASE(test_round_robin),	     KT_CASE(test_sleep_ticks),
	KT_CASE(test_suspend_resume_delete), KT_CASE(test_create_rejects_bad_args),
	KT_CASE(test_stack_high_water),	     KT_CASE(test_task_list),
};

KERNEL_TEST_MAIN("kernel.sched", cases)
