/*
 * Hosted port: the simulated CPU.
 *
 * Every task runs on its own host thread, on the task's own stack (so
 * stack painting, high-water marks and canaries work as on hardware), but
 * exactly one of those threads runs at any time: each waits on its own
 * semaphore, and a context switch posts the next thread's semaphore and
 * then waits on its own. Because only the running thread ever touches
 * kernel or firmware state, no host lock guards it; "interrupts masked" is
 * one flag of the simulated CPU.
 *
 * Host threads (tick, console, network drivers) never run firmware code:
 * they set a bit in irq_pending and wake the idle loop. The running task
 * dispatches pending lines itself at the next safe point, i.e. when it
 * re-enables interrupts (arch_irq_unlock with key 0), and performs any
 * switch the kernel pended in the same place. That makes the hosted port
 * behave like a CPU whose interrupts arrive between instructions that
 * touch the kernel, and keeps libc calls (printf...) from ever being
 * interrupted by a task switch.
 *
 * A deleted task's thread must be gone before anything reuses its stack.
 * A task deleted by another is told to exit and joined by the deleter. A
 * task that deletes itself cannot join itself, so it hands the next task
 * to a reaper thread and exits; the reaper joins it and only then lets the
 * next task run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kestrel/arch/port.h>
#include <kestrel/posix.h>

#include "posix_internal.h"

#define MAX_THREADS 128

struct posix_thread {
	pthread_t th;
	sem_t run;
	struct os_task *task;
	bool used;
	bool started;
	bool exit_req; /* deleted by another task: exit when woken */
};

static struct posix_thread threads[MAX_THREADS];
static unsigned irq_masked = 1; /* the CPU starts with interrupts masked */
static bool switch_pending;
static atomic_uint irq_pending;
static atomic_uint irq_enabled = (1u << POSIX_IRQ_TICK) | (1u << POSIX_IRQ_CONSOLE);
static unsigned irq_next_free = 2;
static void (*irq_handler[POSIX_IRQ_LINES])(void *);
static void *irq_arg[POSIX_IRQ_LINES];
static atomic_int irq_sources;
static pthread_mutex_t host_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t host_cv = PTHREAD_COND_INITIALIZER;

static void sem_wait_loop(sem_t *s)
{
	while (sem_wait(s) != 0 && errno == EINTR) {
	}
}

/* ---- interrupts ----------------------------------------------------------- */

void posix_irq_raise(unsigned irq)
{
	pthread_mutex_lock(&host_mx);
	atomic_fetch_or(&irq_pending, 1u << irq);
	pthread_cond_signal(&host_cv);
	pthread_mutex_unlock(&host_mx);
}

void posix_irq_mark(unsigned irq)
{
	atomic_fetch_or(&irq_pending, 1u << irq);
}

void posix_irq_source_add(void)
{
	atomic_fetch_add(&irq_sources, 1);
}

int posix_irq_alloc(void)
{
	if (irq_next_free >= POSIX_IRQ_LINES) {
		return -ENOSPC;
	}
	return (int)irq_next_free++;
}

int arch_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg)
{
	if (irq >= POSIX_IRQ_LINES) {
		return -EINVAL;
	}
	irq_handler[irq] = handler;
	irq_arg[irq] = arg;
	return 0;
}

void arch_irq_enable(unsigned irq)
{
	if (irq >= POSIX_IRQ_LINES) {
		return;
	}
	atomic_fetch_or(&irq_enabled, 1u << irq);
	/* a line raised while disabled is still pending: let idle notice it */
	pthread_mutex_lock(&host_mx);
	pthread_cond_signal(&host_cv);
	pthread_mutex_unlock(&host_mx);
}

void arch_irq_disable(unsigned irq)
{
	atomic_fetch_and(&irq_enabled, ~(1u << irq));
}

static void irq_dispatch(unsigned lines)
{
	while (lines != 0) {
		unsigned irq = (unsigned)__builtin_ctz(lines);

		lines &= lines - 1;
		if (irq_handler[irq] != NULL) {
			os_isr_enter();
			irq_handler[irq](irq_arg[irq]);
			os_isr_exit();
		}
	}
}

unsigned arch_irq_lock(void)
{
	unsigned old = irq_masked;

	irq_masked = 1;
	return old;
}

static void do_switch(void);

void arch_irq_unlock(unsigned key)
{
	if (key != 0) {
		return; /* an outer section still holds interrupts masked */
	}
	for (;;) {
		unsigned en = atomic_load(&irq_enabled);
		unsigned lines = atomic_fetch_and(&irq_pending, ~en) & en;

		if (lines != 0) {
			irq_dispatch(lines);
			continue;
		}
		if (switch_pending) {
			switch_pending = false;
			do_switch();
			continue;
		}
		break;
	}
	irq_masked = 0;
}

bool posix_irq_waiting(void)
{
	return (atomic_load(&irq_pending) & atomic_load(&irq_enabled)) != 0;
}

/* ---- threads and switching ---------------------------------------------- */

static sem_t reap_sem;
static struct posix_thread *reap_th;
static struct os_task *reap_next;

static void thread_free(struct posix_thread *pt)
{
	sem_destroy(&pt->run);
	memset(pt, 0, sizeof(*pt));
}

static void *reaper_main(void *arg)
{
	(void)arg;
	for (;;) {
		sem_wait_loop(&reap_sem);
		pthread_join(reap_th->th, NULL);
		thread_free(reap_th);
		sem_post(&reap_next->arch.th->run);
	}
	return NULL;
}

void posix_cpu_init(void)
{
	pthread_t th;

	sem_init(&reap_sem, 0, 0);
	pthread_create(&th, NULL, reaper_main, NULL);
	pthread_detach(th);
}

static void do_switch(void)
{
	struct os_task *from = os_current;
	struct os_task *to = os_next;
	struct posix_thread *me = from->arch.th;
	bool dying = from->state == OS_TASK_DEAD;

	if (from == to) {
		return;
	}
	os_switch_hook(from, to);
	os_current = to;
	if (dying) {
		from->arch.th = NULL;
		reap_th = me;
		reap_next = to;
		sem_post(&reap_sem);
		pthread_exit(NULL);
	}
	sem_post(&to->arch.th->run);
	sem_wait_loop(&me->run);
	if (me->exit_req) {
		pthread_exit(NULL);
	}
}

void arch_switch_pend(void)
{
	switch_pending = true;
}

static void *thread_main(void *arg)
{
	struct posix_thread *me = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sem_wait_loop(&me->run);
	if (me->exit_req) {
		return NULL;
	}
	/* we were switched to from inside an unlock: finish it */
	arch_irq_unlock(0);
	os_task_entry();
	return NULL;
}

void arch_task_init(struct os_task *t)
{
	struct posix_thread *pt = NULL;
	pthread_attr_t attr;

	for (unsigned i = 0; i < MAX_THREADS; i++) {
		if (!threads[i].used) {
			pt = &threads[i];
			break;
		}
	}
	if (pt == NULL) {
		os_panic("hosted port: too many threads");
	}
	memset(pt, 0, sizeof(*pt));
	pt->used = true;
	pt->task = t;
	sem_init(&pt->run, 0, 0);
	t->arch.th = pt;
	pthread_attr_init(&attr);
	if (pthread_attr_setstack(&attr, t->stack, t->stack_size) != 0 ||
	    pthread_create(&pt->th, &attr, thread_main, pt) != 0) {
		os_panic("hosted port: cannot create a host thread (stack too small?)");
	}
	pthread_attr_destroy(&attr);
	pt->started = true;
}

void arch_task_exit(struct os_task *t)
{
	struct posix_thread *pt = t->arch.th;

	if (pt == NULL || t == os_current) {
		return;
	}
	pt->exit_req = true;
	sem_post(&pt->run);
	pthread_join(pt->th, NULL);
	thread_free(pt);
	t->arch.th = NULL;
}

void arch_start(void)
{
	os_current = os_next;
	sem_post(&os_current->arch.th->run);
	for (;;) {
		pause();
	}
}

/* ---- idle --------------------------------------------------------------- */

void arch_idle(void)
{
	/* mask first: nothing may be dispatched while host_mx is held */
	unsigned key = arch_irq_lock();
	bool virt = posix_get_clock() == POSIX_CLOCK_VIRTUAL;
	os_tick_t d = virt ? os_next_deadline() : OS_WAIT_FOREVER;

	pthread_mutex_lock(&host_mx);
	while (!posix_irq_waiting()) {
		if (virt && d != OS_WAIT_FOREVER) {
			posix_clock_advance(d);
			break;
		}
		if (virt && atomic_load(&irq_sources) == 0) {
			pthread_mutex_unlock(&host_mx);
			os_panic("deadlock: every task waits forever (virtual clock)");
		}
		pthread_cond_wait(&host_cv, &host_mx);
	}
	pthread_mutex_unlock(&host_mx);
	arch_irq_unlock(key);
}

void arch_busy_wait(os_tick_t ticks)
{
	if (posix_get_clock() == POSIX_CLOCK_VIRTUAL) {
		for (os_tick_t i = 0; i < ticks; i++) {
			posix_clock_advance(1);
			arch_irq_unlock(arch_irq_lock()); /* let the tick preempt us */
		}
		return;
	}
	uint64_t end = arch_time_ns() + (uint64_t)ticks * (1000000000u / OS_TICK_HZ);
	while (arch_time_ns() < end) {
		arch_irq_unlock(arch_irq_lock());
	}
}

void arch_halt(int status)
{
	fflush(stdout);
	fflush(stderr);
	posix_console_restore();
	exit(status);
}

void arch_console_write(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(1, s, n);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return;
		}
		s += k;
		n -= (size_t)k;
	}
}
