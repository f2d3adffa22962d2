/*
 * Hosted-port services for hosted drivers and the hosted board (host code
 * only: files under arch/posix, boards/hosted and *_host.c).
 *
 * Interrupts. Host threads that watch file descriptors or timers "raise"
 * an IRQ line; the kernel runs the line's handler on the simulated CPU at
 * the next safe point (an os_irq_unlock that re-enables interrupts, or the
 * idle loop). A task that computes for a long time without calling the
 * kernel therefore delays interrupts, as on a CPU with interrupts masked.
 *
 * Clocks. POSIX_CLOCK_REAL follows CLOCK_MONOTONIC with a 1 kHz host tick
 * thread. POSIX_CLOCK_VIRTUAL only advances when every task is idle (it
 * jumps to the next deadline) or inside os_busy_wait(), so timeouts of any
 * length take no wall time and every run is the same. With the virtual
 * clock and no interrupt source registered, "every task blocked forever"
 * is a deadlock, and the port panics instead of hanging.
 */
#ifndef KESTREL_POSIX_H
#define KESTREL_POSIX_H

#include <stdbool.h>

enum posix_clock {
	POSIX_CLOCK_REAL,
	POSIX_CLOCK_VIRTUAL,
};

#define POSIX_IRQ_TICK	  0
#define POSIX_IRQ_CONSOLE 1
#define POSIX_IRQ_LINES	  32

/* Selects the clock; call before os_init(). */
void posix_set_clock(enum posix_clock clock);
enum posix_clock posix_get_clock(void);

/* Returns a free IRQ line (>= 2) or -ENOSPC. */
int posix_irq_alloc(void);

/* Marks an IRQ line pending; safe from any host thread. */
void posix_irq_raise(unsigned irq);

/* Declares that a host thread may raise IRQs (disables deadlock detection). */
void posix_irq_source_add(void);

/*
 * Starts the console input thread on stdin (raw mode when it is a
 * terminal; restored at exit). Bytes reach os_console_getc().
 */
void posix_console_start(void);

/* Puts the terminal back as it was (before exec or exit). */
void posix_console_restore_public(void);

#endif /* KESTREL_POSIX_H */
