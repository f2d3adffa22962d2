/*
 * Mutexes with priority inheritance.
 *
 * A task that blocks on a mutex lends its priority to the owner, and along
 * the chain if that owner is itself blocked on another mutex (bounded by
 * CHAIN_MAX hops, which also stops a deadlock cycle from looping). An
 * owner's effective priority is always recomputed from scratch, as the best
 * of its base priority and the first waiter of every mutex it still holds,
 * so releasing mutexes in any order, a waiter timing out, or a waiter
 * being deleted all restore the right priority.
 *
 * Unlock hands the mutex straight to the highest-priority waiter. Deleting
 * an owner hands each of its mutexes on the same way, and the new owner's
 * lock call returns -EOWNERDEAD so it knows the protected state may be
 * half-updated (the POSIX robust-mutex convention).
 */
#include "os_internal.h"

#define CHAIN_MAX 8

void os_mutex_init(struct os_mutex *m)
{
	list_init(&m->wq.waiters);
	m->owner = NULL;
	m->depth = 0;
	m->next_held = NULL;
}

static void mutex_take(struct os_mutex *m, struct os_task *t)
{
	m->owner = t;
	m->depth = 1;
	m->next_held = t->held;
	t->held = m;
}

static void mutex_unhold(struct os_mutex *m, struct os_task *t)
{
	struct os_mutex **pp = &t->held;

	while (*pp != NULL && *pp != m) {
		pp = &(*pp)->next_held;
	}
	if (*pp == m) {
		*pp = m->next_held;
	}
	m->next_held = NULL;
}

void os_mutex_prio_update(struct os_task *t)
{
	for (unsigned hop = 0; t != NULL && hop < CHAIN_MAX; hop++) {
		unsigned p = t->base_prio;

		for (struct os_mutex *m = t->held; m != NULL; m = m->next_held) {
			struct os_task *w = waitq_first(&m->wq);
			if (w != NULL && w->prio < p) {
				p = w->prio;
			}
		}
		if (p == t->prio) {
			return;
		}
		os_task_prio_apply(t, p);
		/* t's new priority may change what it lends further down the chain */
		t = t->wait_mutex != NULL ? t->wait_mutex->owner : NULL;
	}
}

/* Lends prio to m's owner and on down the chain of owners it waits for. */
static void mutex_inherit(struct os_mutex *m, unsigned prio)
{
	for (unsigned hop = 0; m != NULL && hop < CHAIN_MAX; hop++) {
		struct os_task *o = m->owner;

		if (o == NULL || o->prio <= prio) {
			return;
		}
		os_task_prio_apply(o, prio);
		m = o->wait_mutex;
	}
}

/* Passes m to its best waiter (or frees it); interrupts masked. */
static void mutex_pass(struct os_mutex *m, int result)
{
	struct os_task *next = waitq_first(&m->wq);

	if (next == NULL) {
		m->owner = NULL;
		m->depth = 0;
		return;
	}
	mutex_take(m, next);
	next->wait_mutex = NULL;
	os_wake(next, result);
	os_mutex_prio_update(next); /* inherit from the waiters left behind */
}

int os_mutex_lock(struct os_mutex *m, os_tick_t timeout)
{
	struct os_task *self = os_current;
	unsigned key;
	int ret;

	if (os_in_isr()) {
		return -EPERM;
	}
	key = os_irq_lock();
	if (m->owner == NULL) {
		mutex_take(m, self);
		os_irq_unlock(key);
		return 0;
	}
	if (m->owner == self) {
		m->depth++;
		os_irq_unlock(key);
		return 0;
	}
	if (timeout == OS_NO_WAIT) {
		os_irq_unlock(key);
		return -EBUSY;
	}
	self->wait_mutex = m;
	mutex_inherit(m, self->prio);
	ret = os_block(&m->wq, timeout, &key);
	if (ret == -EAGAIN) {
		self->wait_mutex = NULL;
		if (m->owner != NULL) {
			os_mutex_prio_update(m->owner);
		}
	}
	os_irq_unlock(key);
	return ret;
}

int os_mutex_unlock(struct os_mutex *m)
{
	struct os_task *self = os_current;
	unsigned key = os_irq_lock();

	if (m->owner != self || os_in_isr()) {
		os_irq_unlock(key);
		return -EPERM;
	}
	if (--m->depth != 0) {
		os_irq_unlock(key);
		return 0;
	}
	mutex_unhold(m, self);
	mutex_pass(m, 0);
	os_mutex_prio_update(self);
	os_resched();
	os_irq_unlock(key);
	return 0;
}

void os_mutex_release_all(struct os_task *t)
{
	while (t->held != NULL) {
		struct os_mutex *m = t->held;
		t->held = m->next_held;
		m->next_held = NULL;
		mutex_pass(m, -EOWNERDEAD);
	}
}
