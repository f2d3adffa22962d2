/*
 * Software timers, memory pools, and interrupt-to-task signalling through
 * the hosted port's IRQ lines (a host thread raises the line, the handler
 * runs on the simulated CPU and uses the *_isr calls).
 */
#include "kernel_test.h"

#include <pthread.h>
#include <unistd.h>

/* ---- timers ---- */

static os_tick_t fired_at[8];
static int fired_n;

static void on_timer(struct os_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	if (fired_n < 8) {
		fired_at[fired_n++] = os_ticks();
	}
}

static void test_timer_one_shot(void)
{
	struct os_timer t;
	os_tick_t t0 = os_ticks();

	fired_n = 0;
	os_timer_init(&t, "once", on_timer, NULL);
	KT_EQ(os_timer_start(&t, 100, 0), 0);
	KT_ASSERT(os_timer_active(&t));
	os_sleep(500);
	KT_EQ(fired_n, 1);
	KT_EQ(fired_at[0] - t0, 100);
	KT_ASSERT(!os_timer_active(&t));
	KT_EQ(os_timer_stop(&t), -EALREADY);
}

static void test_timer_periodic(void)
{
	struct os_timer t;
	os_tick_t t0 = os_ticks();

	fired_n = 0;
	os_timer_init(&t, "tick", on_timer, NULL);
	KT_EQ(os_timer_start(&t, 10, 30), 0);
	os_sleep(100);
	KT_EQ(os_timer_stop(&t), 0);
	KT_EQ(fired_n, 4); /* 10, 40, 70, 100 */
	for (int i = 0; i < 4; i++) {
		KT_EQ(fired_at[i] - t0, 10 + 30 * i);
	}
	os_sleep(100);
	KT_EQ(fired_n, 4);
}

static void test_timer_restart_and_order(void)
{
	struct os_timer a, b;
	os_tick_t t0 = os_ticks();

	fired_n = 0;
	os_timer_init(&a, "a", on_timer, NULL);
	os_timer_init(&b, "b", on_timer, NULL);
	KT_EQ(os_timer_start(&a, 50, 0), 0);
	KT_EQ(os_timer_start(&b, 20, 0), 0);
	KT_EQ(os_timer_start(&a, 80, 0), 0); /* re-arm moves it */
	os_sleep(200);
	KT_EQ(fired_n, 2);
	KT_EQ(fired_at[0] - t0, 20);
	KT_EQ(fired_at[1] - t0, 80);
	KT_EQ(os_timer_start(&a, OS_WAIT_FOREVER, 0), -EINVAL);
}

/* ---- pools ---- */

OS_POOL_DEFINE(blk_pool, 48, 4);

static void test_pool_exhaustion(void)
{
	void *b[5];
	struct os_pool_info info[8];
	int n;

	for (int i = 0; i < 4; i++) {
		KT_EQ(os_pool_alloc(&blk_pool, &b[i]), 0);
		memset(b[i], 0xEE, 48);
	}
	KT_EQ(os_pool_alloc(&blk_pool, &b[4]), -ENOMEM);
	KT_ASSERT(b[4] == NULL);
	n = os_pool_list(info, 8);
	KT_ASSERT(n >= 1);
	KT_STREQ(info[0].name, "blk_pool");
	KT_EQ(info[0].used, 4);
	KT_EQ(info[0].peak, 4);
	KT_EQ(info[0].fails, 1);
	KT_EQ(os_pool_free(&blk_pool, (uint8_t *)b[0] + 1), -EINVAL);
	KT_EQ(os_pool_free(&blk_pool, &n), -EINVAL);
	for (int i = 0; i < 4; i++) {
		KT_EQ(os_pool_free(&blk_pool, b[i]), 0);
	}
	KT_EQ(os_pool_free(&blk_pool, b[0]), -EINVAL); /* more frees than allocations */
	KT_EQ(os_pool_alloc(&blk_pool, &b[0]), 0);
	KT_EQ(os_pool_free(&blk_pool, b[0]), 0);
}

/* ---- ISR -> task ---- */

static struct os_sem irq_sem;
static struct os_flags irq_flags;
OS_QUEUE_DEFINE(irq_q, sizeof(uint32_t), 4);
static int irq_line;
static volatile bool isr_saw_isr;
static volatile uint32_t isr_count;
static struct os_sem empty_sem;
static volatile int isr_take_result;

static void test_isr(void *arg)
{
	uint32_t v;

	(void)arg;
	isr_saw_isr = os_in_isr();
	v = ++isr_count;
	os_sem_give_isr(&irq_sem);
	os_flags_set_isr(&irq_flags, 1u << (v % 4));
	os_queue_send_isr(&irq_q, &v);
	/* a handler never blocks: waiting calls answer -EBUSY at once */
	isr_take_result = os_sem_take(&empty_sem, 100);
}

static void *raiser(void *arg)
{
	int n = (int)(intptr_t)arg;
	for (int i = 0; i < n; i++) {
		usleep(2000);
		posix_irq_raise((unsigned)irq_line);
	}
	return NULL;
}

static void test_isr_signals_task(void)
{
	pthread_t th;
	uint32_t v = 0, got = 0;

	os_sem_init(&irq_sem, 0, 100);
	os_flags_init(&irq_flags, 0);
	os_sem_init(&empty_sem, 0, 1);
	isr_count = 0;
	isr_take_result = 1;
	if (irq_line == 0) {
		irq_line = posix_irq_alloc();
		KT_ASSERT(irq_line >= 2);
		KT_EQ(os_irq_connect((unsigned)irq_line, test_isr, NULL), 0);
		os_irq_enable((unsigned)irq_line);
		posix_irq_source_add();
	}
	pthread_create(&th, NULL, raiser, (void *)(intptr_t)3);
	for (uint32_t i = 1; i <= 3; i++) {
		KT_EQ(os_queue_recv(&irq_q, &v, OS_WAIT_FOREVER), 0);
		KT_EQ(v, i);
	}
	pthread_join(th, NULL);
	KT_ASSERT(isr_saw_isr);
	KT_ASSERT(!os_in_isr());
	KT_EQ(os_flags_wait(&irq_flags, 0xF, OS_FLAGS_ALL, &got, OS_NO_WAIT), -EBUSY);
	KT_EQ(os_flags_wait(&irq_flags, 0xE, OS_FLAGS_ALL | OS_FLAGS_CLEAR, &got, OS_NO_WAIT), 0);
	KT_EQ(isr_take_result, -EBUSY);
	KT_EQ(os_sem_count(&irq_sem), 3);
}

static const struct kt_case cases[] = {
	KT_CASE(test_timer_one_shot),	       KT_CASE(test_timer_periodic),
	KT_CASE(test_timer_restart_and_order), KT_CASE(test_pool_exhaustion),
	KT_CASE(test_isr_signals_task),
};

KERNEL_TEST_MAIN("kernel.timer_pool_isr", cases)
