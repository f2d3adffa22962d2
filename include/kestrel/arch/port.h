/*
 * The port interface: what kernel/ needs from arch/<port>/. Ports
 * implement every function here; nothing else in the kernel is
 * port-specific. The port's types (struct os_arch_task) come from
 * arch/<port>/include/kestrel/arch_types.h.
 *
 * Context switching is always *pended*: the kernel sets os_next and calls
 * arch_switch_pend(); the port switches from os_current to os_next at the
 * next point where interrupts are enabled and no handler is running
 * (Cortex-M: PendSV; hosted: the outermost os_irq_unlock()). The port
 * updates os_current when the switch happens.
 */
#ifndef KESTREL_ARCH_PORT_H
#define KESTREL_ARCH_PORT_H

#include <kestrel/os/kernel.h>

extern struct os_task *volatile os_current;
extern struct os_task *volatile os_next;

/* Early port set-up, from os_init(). */
void arch_init(void);

/* Prepares a new task so that, once switched to, it calls os_task_entry(). */
void arch_task_init(struct os_task *t);

/* The task is gone; release port resources (never called for the running task's stack in use). */
void arch_task_exit(struct os_task *t);

/* Switches to the first task (os_next) with interrupts enabled; never returns. */
void arch_start(void) __attribute__((noreturn));

/* Requests a switch to os_next at the next safe point. */
void arch_switch_pend(void);

/*
 * Masks interrupts and returns the previous state: 0 means they were
 * enabled (the kernel relies on this to catch blocking with them masked).
 */
unsigned arch_irq_lock(void);
void arch_irq_unlock(unsigned key);

/* Idle: wait for an interrupt (the idle task calls this in a loop). */
void arch_idle(void);

/* Starts the tick source: os_tick_announce() every 1/hz s (or as the clock advances). */
void arch_clock_start(uint32_t hz);

/* Monotonic nanoseconds since arch_init(). */
uint64_t arch_time_ns(void);

/* Busy-spins for `ticks` ticks of CPU time (see os_busy_wait()). */
void arch_busy_wait(os_tick_t ticks);

/* Initial wall clock at boot (UTC ns since 1970), 0 if the port has none. */
int64_t arch_wallclock_boot_ns(void);

void arch_halt(int status) __attribute__((noreturn));

int arch_irq_connect(unsigned irq, void (*handler)(void *arg), void *arg);
void arch_irq_enable(unsigned irq);
void arch_irq_disable(unsigned irq);

/* Console bytes out (polled, usable from any context including panic). */
void arch_console_write(const char *s, size_t n);

/* ---- called by the port ------------------------------------------------ */

/* Entry point of every task (runs t->entry(t->arg), then deletes the task). */
void os_task_entry(void) __attribute__((noreturn));

/* Tick interrupt: `elapsed` ticks have passed since the last announce. */
void os_tick_announce(uint32_t elapsed);

/* Ticks until the next kernel deadline (timeout or timer), OS_WAIT_FOREVER if none. */
os_tick_t os_next_deadline(void);

/* Called by the port at the moment it switches (accounting, stack check). */
void os_switch_hook(struct os_task *from, struct os_task *to);

#endif /* KESTREL_ARCH_PORT_H */
