/*
 * Software timers.
 *
 * Armed timers sit in one list sorted by expiry. A kernel task (priority
 * CONFIG_OS_TIMER_TASK_PRIO) sleeps on a semaphore with a timeout equal to
 * the time left to the first expiry, runs due callbacks in task context,
 * and is poked whenever a start/stop changes the head of the list. A
 * periodic timer re-arms from its previous expiry, so its period does not
 * drift with callback latency; if it fell more than a period behind it
 * skips the missed expiries instead of firing a burst.
 */
#include "os_internal.h"

static struct os_list timer_list;
static struct os_sem timer_sem;
static struct os_task timer_task;
OS_STACK_DEFINE(timer_stack, CONFIG_OS_TIMER_STACK_SIZE);

#define timer_of(l) container_of(l, struct os_timer, link)

static void timer_insert(struct os_timer *t)
{
	struct os_list *pos = timer_list.next;

	while (pos != &timer_list && !os_tick_after(timer_of(pos)->expires, t->expires)) {
		pos = pos->next;
	}
	list_insert_before(pos, &t->link);
	t->active = true;
}

/* Runs at most one due timer; returns ticks to wait for the next. */
static os_tick_t timer_run_one(void)
{
	unsigned key = os_irq_lock();
	os_tick_t now = os_tick_count;
	struct os_timer *t;
	os_timer_fn fn;
	void *arg;

	if (list_empty(&timer_list)) {
		os_irq_unlock(key);
		return OS_WAIT_FOREVER;
	}
	t = timer_of(timer_list.next);
	if (os_tick_after(t->expires, now)) {
		os_tick_t left = t->expires - now;
		os_irq_unlock(key);
		return left;
	}
	list_remove(&t->link);
	t->active = false;
	if (t->period != 0) {
		t->expires += t->period;
		if (!os_tick_after(t->expires, now)) {
			t->expires = now + t->period;
		}
		timer_insert(t);
	}
	fn = t->fn;
	arg = t->arg;
	os_irq_unlock(key);
	fn(t, arg);
	return 0;
}

static void timer_main(void *unused)
{
	(void)unused;
	for (;;) {
		os_tick_t wait = timer_run_one();
		if (wait != 0) {
			(void)os_sem_take(&timer_sem, wait);
		}
	}
}

void os_timer_subsys_init(void)
{
	list_init(&timer_list);
	os_sem_init(&timer_sem, 0, 1);
	os_task_create(&timer_task, "timer", timer_main, NULL, CONFIG_OS_TIMER_TASK_PRIO,
		       timer_stack, sizeof(timer_stack));
}

void os_timer_init(struct os_timer *t, const char *name, os_timer_fn fn, void *arg)
{
	list_init(&t->link);
	t->expires = 0;
	t->period = 0;
	t->fn = fn;
	t->arg = arg;
	t->name = name;
	t->active = false;
}

int os_timer_start(struct os_timer *t, os_tick_t delay, os_tick_t period)
{
	unsigned key;

	if (t->fn == NULL || delay == OS_WAIT_FOREVER) {
		return -EINVAL;
	}
	key = os_irq_lock();
	if (t->active) {
		list_remove(&t->link);
	}
	t->expires = os_tick_count + (delay != 0 ? delay : 1);
	t->period = period;
	timer_insert(t);
	os_irq_unlock(key);
	(void)os_sem_give(&timer_sem);
	return 0;
}

int os_timer_stop(struct os_timer *t)
{
	unsigned key = os_irq_lock();
	int ret = 0;

	if (!t->active) {
		ret = -EALREADY;
	} else {
		list_remove(&t->link);
		t->active = false;
	}
	os_irq_unlock(key);
	return ret;
}

bool os_timer_active(const struct os_timer *t)
{
	return t->active;
}
