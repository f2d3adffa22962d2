/*
 * Counting and binary semaphores (a binary semaphore is one with max 1).
 *
 * give() hands the unit straight to the highest-priority waiter instead of
 * raising the count, so a woken taker never loses the race to a task that
 * arrives later.
 */
#include "os_internal.h"

void os_sem_init(struct os_sem *s, uint32_t initial, uint32_t max)
{
	list_init(&s->wq.waiters);
	s->max = max != 0 ? max : 1;
	s->count = initial > s->max ? s->max : initial;
}

int os_sem_take(struct os_sem *s, os_tick_t timeout)
{
	unsigned key = os_irq_lock();
	int ret = 0;

	if (s->count > 0) {
		s->count--;
	} else if (os_in_isr()) {
		ret = -EBUSY;
	} else {
		ret = os_block(&s->wq, timeout, &key);
	}
	os_irq_unlock(key);
	return ret;
}

int os_sem_give(struct os_sem *s)
{
	unsigned key = os_irq_lock();
	struct os_task *w = waitq_first(&s->wq);
	int ret = 0;

	if (w != NULL) {
		os_wake(w, 0);
	} else if (s->count < s->max) {
		s->count++;
	} else {
		ret = -EOVERFLOW;
	}
	os_irq_unlock(key);
	return ret;
}

int os_sem_give_isr(struct os_sem *s)
{
	return os_sem_give(s);
}

uint32_t os_sem_count(const struct os_sem *s)
{
	return s->count;
}
