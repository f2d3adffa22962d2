/* Private to arch/posix. */
#ifndef KESTREL_POSIX_INTERNAL_H
#define KESTREL_POSIX_INTERNAL_H

#include <stdbool.h>
#include <kestrel/os/kernel.h>

/* Starts the host threads of the simulated CPU (from arch_init). */
void posix_cpu_init(void);

/* Virtual clock: moves time forward and marks the tick line (CPU thread only). */
void posix_clock_advance(os_tick_t ticks);

/* Marks a line pending without waking anyone (CPU thread only). */
void posix_irq_mark(unsigned irq);

/* True if an enabled line is pending. */
bool posix_irq_waiting(void);

/* Puts the terminal back as it was (safe in a signal handler). */
void posix_console_restore(void);

#endif
