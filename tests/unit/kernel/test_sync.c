/*
 * Semaphores, mutexes (priority inheritance), queues, mailboxes and event
 * flags: hand-off order, every timeout on the virtual clock, and the
 * would-block answers.
 */
#include "kernel_test.h"

static struct os_task ta, tb, tc;
OS_STACK_DEFINE(sa, 4096);
OS_STACK_DEFINE(sb, 4096);
OS_STACK_DEFINE(sc, 4096);

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

/* ---- semaphores ---- */

static void test_sem_counts_and_timeouts(void)
{
	struct os_sem s;
	os_tick_t t0;

	os_sem_init(&s, 2, 3);
	KT_EQ(os_sem_take(&s, OS_NO_WAIT), 0);
	KT_EQ(os_sem_take(&s, OS_NO_WAIT), 0);
	KT_EQ(os_sem_take(&s, OS_NO_WAIT), -EBUSY);
	t0 = os_ticks();
	KT_EQ(os_sem_take(&s, 300), -EAGAIN);
	KT_EQ(os_ticks() - t0, 300);
	KT_EQ(os_sem_give(&s), 0);
	KT_EQ(os_sem_give(&s), 0);
	KT_EQ(os_sem_give(&s), 0);
	KT_EQ(os_sem_give(&s), -EOVERFLOW);
	KT_EQ(os_sem_count(&s), 3);
}

static struct os_sem ping, pong;

static void ponger(void *arg)
{
	int *rounds = arg;
	while (os_sem_take(&ping, 1000) == 0) {
		(*rounds)++;
		os_sem_give(&pong);
	}
}

/* Two tasks alternate through a pair of binary semaphores. */
static void test_sem_ping_pong(void)
{
	int rounds = 0;

	os_sem_init(&ping, 0, 1);
	os_sem_init(&pong, 0, 1);
	KT_EQ(os_task_create(&ta, "ponger", ponger, &rounds, RUNNER_PRIO + 1, sa, sizeof(sa)), 0);
	for (int i = 0; i < 100; i++) {
		KT_EQ(os_sem_give(&ping), 0);
		KT_EQ(os_sem_take(&pong, 10), 0);
	}
	KT_EQ(rounds, 100);
	os_sleep(1100); /* ponger times out and exits */
}

static struct os_sem gate;

static void gate_waiter(void *arg)
{
	if (os_sem_take(&gate, OS_WAIT_FOREVER) == 0) {
		mark(*(const char *)arg);
	}
}

/* Waiters are served by priority, FIFO within one priority. */
static void test_sem_wake_order(void)
{
	reset();
	os_sem_init(&gate, 0, 10);
	KT_EQ(os_task_create(&ta, "w1", gate_waiter, "1", RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	KT_EQ(os_task_create(&tb, "w2", gate_waiter, "2", RUNNER_PRIO - 2, sb, sizeof(sb)), 0);
	KT_EQ(os_task_create(&tc, "w3", gate_waiter, "3", RUNNER_PRIO - 1, sc, sizeof(sc)), 0);
	for (int i = 0; i < 3; i++) {
		os_sem_give(&gate);
	}
	KT_STREQ(order, "213");
}

/* ---- mutexes ---- */

static struct os_mutex mx;

static void mutex_other(void *arg)
{
	int *res = arg;
	*res = os_mutex_lock(&mx, 50);
	if (*res == 0) {
		os_mutex_unlock(&mx);
	}
}

static void test_mutex_recursive_and_owner(void)
{
	int res = 1;

	os_mutex_init(&mx);
	KT_EQ(os_mutex_lock(&mx, OS_NO_WAIT), 0);
	KT_EQ(os_mutex_lock(&mx, OS_NO_WAIT), 0);
	KT_EQ(os_task_create(&ta, "other", mutex_other, &res, RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	KT_EQ(res, 1); /* blocked */
	KT_EQ(os_mutex_unlock(&mx), 0);
	os_sleep(60);
	KT_EQ(res, -EAGAIN); /* still held once: the other task timed out */
	KT_EQ(os_mutex_unlock(&mx), 0);
	KT_EQ(os_mutex_unlock(&mx), -EPERM);
	KT_EQ(os_mutex_lock(&mx, OS_NO_WAIT), 0);
	KT_EQ(os_mutex_unlock(&mx), 0);
}

static void unlock_not_owner(void *arg)
{
	*(int *)arg = os_mutex_unlock(&mx);
}

static void test_mutex_unlock_by_non_owner(void)
{
	int res = 0;

	os_mutex_init(&mx);
	KT_EQ(os_mutex_lock(&mx, OS_NO_WAIT), 0);
	KT_EQ(os_task_create(&ta, "thief", unlock_not_owner, &res, RUNNER_PRIO - 1, sa, sizeof(sa)),
	      0);
	KT_EQ(res, -EPERM);
	KT_EQ(os_mutex_unlock(&mx), 0);
}

/*
 * Priority inversion: L holds the mutex, H blocks on it, M is ready and
 * busy. With inheritance L runs at H's priority, releases, then H runs,
 * and only then M.
 */
static void inv_low(void *arg)
{
	(void)arg;
	os_mutex_lock(&mx, OS_WAIT_FOREVER);
	mark('L');
	os_sleep(5); /* let H and M arrive */
	os_busy_wait(20);
	mark('l');
	os_mutex_unlock(&mx);
	mark('x');
}

static void inv_mid(void *arg)
{
	(void)arg;
	mark('M');
	os_busy_wait(50);
	mark('m');
}

static unsigned low_prio_seen;

static void inv_high(void *arg)
{
	(void)arg;
	mark('H');
	low_prio_seen = 0;
	os_mutex_lock(&mx, OS_WAIT_FOREVER);
	mark('h');
	os_mutex_unlock(&mx);
}

static void test_priority_inheritance(void)
{
	struct os_task_info info[8];

	reset();
	os_mutex_init(&mx);
	KT_EQ(os_task_create(&ta, "L", inv_low, NULL, RUNNER_PRIO + 3, sa, sizeof(sa)), 0);
	os_sleep(1); /* L takes the mutex and sleeps */
	KT_EQ(os_task_create(&tc, "H", inv_high, NULL, RUNNER_PRIO + 1, sc, sizeof(sc)), 0);
	os_sleep(1); /* H blocks on the mutex */
	int n = os_task_list(info, 8);
	for (int i = 0; i < n; i++) {
		if (strcmp(info[i].name, "L") == 0) {
			low_prio_seen = info[i].prio;
			KT_EQ(info[i].base_prio, RUNNER_PRIO + 3);
		}
	}
	KT_EQ(low_prio_seen, RUNNER_PRIO + 1);
	KT_EQ(os_task_create(&tb, "M", inv_mid, NULL, RUNNER_PRIO + 2, sb, sizeof(sb)), 0);
	os_sleep(200);
	/* M starts while L sleeps, but once L wakes it outranks M until it unlocks */
	KT_STREQ(order, "LHMlhmx");
}

static void holder_dies(void *arg)
{
	(void)arg;
	os_mutex_lock(&mx, OS_WAIT_FOREVER);
	os_sleep(OS_WAIT_FOREVER);
}

static void heir(void *arg)
{
	int *res = arg;
	*res = os_mutex_lock(&mx, OS_WAIT_FOREVER);
	if (*res == -EOWNERDEAD || *res == 0) {
		os_mutex_unlock(&mx);
	}
}

/* Deleting a task that holds a mutex hands it to the waiter with -EOWNERDEAD. */
static void test_delete_mutex_holder(void)
{
	int res = 1;

	os_mutex_init(&mx);
	KT_EQ(os_task_create(&ta, "holder", holder_dies, NULL, RUNNER_PRIO + 2, sa, sizeof(sa)), 0);
	os_sleep(1);
	KT_EQ(os_task_create(&tb, "heir", heir, &res, RUNNER_PRIO + 1, sb, sizeof(sb)), 0);
	os_sleep(1);
	KT_EQ(res, 1);
	KT_EQ(os_task_delete(&ta), 0);
	os_sleep(1);
	KT_EQ(res, -EOWNERDEAD);
	KT_ASSERT(mx.owner == NULL);
}

/* ---- queues and mailboxes ---- */

struct msg {
	uint32_t seq;
	char text[12];
};

OS_QUEUE_DEFINE(q3, sizeof(struct msg), 3);

static void test_queue_full_empty(void)
{
	struct msg m = {0, "x"}, r;
	os_tick_t t0;

	for (uint32_t i = 0; i < 3; i++) {
		m.seq = i;
		KT_EQ(os_queue_send(&q3, &m, OS_NO_WAIT), 0);
	}
	KT_EQ(os_queue_send(&q3, &m, OS_NO_WAIT), -EBUSY);
	t0 = os_ticks();
	KT_EQ(os_queue_send(&q3, &m, 40), -EAGAIN);
	KT_EQ(os_ticks() - t0, 40);
	for (uint32_t i = 0; i < 3; i++) {
		KT_EQ(os_queue_recv(&q3, &r, OS_NO_WAIT), 0);
		KT_EQ(r.seq, i);
	}
	KT_EQ(os_queue_recv(&q3, &r, OS_NO_WAIT), -EBUSY);
	t0 = os_ticks();
	KT_EQ(os_queue_recv(&q3, &r, 25), -EAGAIN);
	KT_EQ(os_ticks() - t0, 25);
	KT_EQ(os_queue_count(&q3), 0);
}

static void producer(void *arg)
{
	struct msg m = {0, "hello"};
	for (uint32_t i = 0; i < 10; i++) {
		m.seq = i;
		if (os_queue_send(&q3, &m, OS_WAIT_FOREVER) != 0) {
			*(int *)arg = -1;
		}
	}
}

/* A fast producer blocks on the full queue and resumes in order. */
static void test_queue_blocking_producer(void)
{
	int err = 0;
	struct msg r;

	KT_EQ(os_task_create(&ta, "prod", producer, &err, RUNNER_PRIO - 1, sa, sizeof(sa)), 0);
	KT_EQ(os_queue_count(&q3), 3);
	for (uint32_t i = 0; i < 10; i++) {
		KT_EQ(os_queue_recv(&q3, &r, 100), 0);
		KT_EQ(r.seq, i);
		KT_STREQ(r.text, "hello");
	}
	KT_EQ(err, 0);
}

OS_MBOX_DEFINE(mb, 2);

static void test_mailbox(void)
{
	static int obj = 42;
	void *p = NULL;

	KT_EQ(os_mbox_post(&mb, &obj, OS_NO_WAIT), 0);
	KT_EQ(os_mbox_fetch(&mb, &p, OS_NO_WAIT), 0);
	KT_ASSERT(p == &obj);
	KT_EQ(os_mbox_fetch(&mb, &p, 10), -EAGAIN);
}

/* ---- event flags ---- */

static struct os_flags ev;

static void flag_waiter(void *arg)
{
	uint32_t got = 0;
	unsigned opts = (unsigned)(uintptr_t)arg;

	if (os_flags_wait(&ev, 0x3, opts, &got, OS_WAIT_FOREVER) == 0) {
		mark((opts & OS_FLAGS_ALL) ? 'A' : 'a');
	}
}

static void test_flags_any_all(void)
{
	uint32_t got = 0;

	reset();
	os_flags_init(&ev, 0);
	KT_EQ(os_task_create(&ta, "any", flag_waiter, (void *)(uintptr_t)OS_FLAGS_ANY,
			     RUNNER_PRIO - 1, sa, sizeof(sa)),
	      0);
	KT_EQ(os_task_create(&tb, "all", flag_waiter,
			     (void *)(uintptr_t)(OS_FLAGS_ALL | OS_FLAGS_CLEAR), RUNNER_PRIO - 2,
			     sb, sizeof(sb)),
	      0);
	os_flags_set(&ev, 0x1);
	KT_STREQ(order, "a");
	os_flags_set(&ev, 0x2);
	KT_STREQ(order, "aA");
	KT_EQ(os_flags_get(&ev), 0); /* cleared on exit by the ALL waiter */
	KT_EQ(os_flags_wait(&ev, 0x4, OS_FLAGS_ANY, &got, OS_NO_WAIT), -EBUSY);
	KT_EQ(os_flags_wait(&ev, 0x4, OS_FLAGS_ANY, &got, 30), -EAGAIN);
	os_flags_set(&ev, 0x6);
	KT_EQ(os_flags_wait(&ev, 0x4, OS_FLAGS_ANY | OS_FLAGS_CLEAR, &got, OS_NO_WAIT), 0);
	KT_EQ(got, 0x6);
	KT_EQ(os_flags_get(&ev), 0x2);
	os_flags_clear(&ev, 0x2);
	KT_EQ(os_flags_get(&ev), 0);
	KT_EQ(os_flags_wait(&ev, 0, OS_FLAGS_ANY, &got, OS_NO_WAIT), -EINVAL);
}

static const struct kt_case cases[] = {
	KT_CASE(test_sem_counts_and_timeouts),
	KT_CASE(test_sem_ping_pong),
	KT_CASE(test_sem_wake_order),
	KT_CASE(test_mutex_recursive_and_owner),
	KT_CASE(test_mutex_unlock_by_non_owner),
	KT_CASE(test_priority_inheritance),
	KT_CASE(test_delete_mutex_holder),
	KT_CASE(test_queue_full_empty),
	KT_CASE(test_queue_blocking_producer),
	KT_CASE(test_mailbox),
	KT_CASE(test_flags_any_all),
};

KERNEL_TEST_MAIN("kernel.sync", cases)
