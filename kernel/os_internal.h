/*
 * Kernel internals shared by the kernel sources. Not a public header.
 *
 * Locking: every kernel structure is guarded by masking interrupts
 * (os_irq_lock). Only one CPU exists (the hosted port guarantees one task
 * runs at a time), so that is the whole story.
 *
 * Scheduling state:
 *   ready[prio]   circular list of READY tasks at each priority; the running
 *                 task stays on its list (at the head while it runs).
 *   ready_map     bit p set <=> ready[p] is non-empty; the lowest set bit is
 *                 the highest priority.
 *   timeouts      tasks with a deadline, sorted by wake_at (earliest first).
 */
#ifndef KESTREL_KERNEL_OS_INTERNAL_H
#define KESTREL_KERNEL_OS_INTERNAL_H

#include <kestrel/arch/port.h>
#include <kestrel/os/kernel.h>

#define OS_STACK_PAINT	0xA5u
#define OS_STACK_CANARY 0x5AFEC0DEu
#define OS_CANARY_WORDS 4

/* ---- lists ------------------------------------------------------------- */

static inline void list_init(struct os_list *l)
{
	l->next = l;
	l->prev = l;
}

static inline bool list_empty(const struct os_list *l)
{
	return l->next == l;
}

/* Inserts n before pos (at the tail when pos is the head). */
static inline void list_insert_before(struct os_list *pos, struct os_list *n)
{
	n->next = pos;
	n->prev = pos->prev;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_remove(struct os_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define task_of(l)			container_of(l, struct os_task, link)

/* ---- scheduler (sched.c) ------------------------------------------------ */

extern struct os_task *os_task_all; /* every created task, newest first */
extern os_tick_t os_tick_count;

void os_ready_add(struct os_task *t);
void os_ready_remove(struct os_task *t);

/* Picks the highest-priority ready task and pends a switch if it changed. */
void os_resched(void);

/* Timeout list: arm (wake_at = now + ticks) / disarm. */
void os_timeout_arm(struct os_task *t, os_tick_t ticks);
void os_timeout_disarm(struct os_task *t);

/*
 * Blocks the running task on wq (may be NULL: plain sleep) with a timeout.
 * Called with interrupts locked (key from os_irq_lock); unlocks, lets
 * others run, relocks and returns t->wait_result (0, -EAGAIN or what the
 * waker stored). With OS_NO_WAIT it returns -EBUSY at once.
 */
int os_block(struct os_waitq *wq, os_tick_t timeout, unsigned *key);

/* Wakes t (removing it from its wait queue and timeout) with a result. */
void os_wake(struct os_task *t, int result);

/* First (highest-priority) waiter, or NULL. */
static inline struct os_task *waitq_first(struct os_waitq *wq)
{
	return list_empty(&wq->waiters) ? NULL : task_of(wq->waiters.next);
}

/* Re-sorts t inside its wait queue after a priority change. */
void os_waitq_requeue(struct os_task *t);

/* Sets a task's effective priority, moving it in whatever queue it is in. */
void os_task_prio_apply(struct os_task *t, unsigned prio);

/* ---- mutex (mutex.c) ---------------------------------------------------- */

/* Recomputes t's effective priority from base and held mutexes' waiters. */
void os_mutex_prio_update(struct os_task *t);

/* Hands every mutex t holds to its next waiter (task deletion). */
void os_mutex_release_all(struct os_task *t);

/* ---- timers (timer.c) --------------------------------------------------- */

void os_timer_subsys_init(void);
os_tick_t os_timer_next_deadline(void);
void os_timer_tick(void);

/* ---- misc --------------------------------------------------------------- */

void os_stack_paint(struct os_task *t);
bool os_stack_ok(const struct os_task *t);

#endif /* KESTREL_KERNEL_OS_INTERNAL_H */
