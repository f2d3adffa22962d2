/*
 * The system console: a byte stream the board provides (stdio on hosted,
 * a UART on boards). Output is synchronous; input arrives from the
 * console driver's interrupt handler into a small ring the console task
 * reads with os_console_getc().
 */
#ifndef KESTREL_OS_CONSOLE_H
#define KESTREL_OS_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <kestrel/os/kernel.h>

/* Writes bytes to the console (any context). */
void os_console_write(const char *s, size_t n);

/* printf-style output to the console; returns the number of bytes. */
int os_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Waits for one input byte. Returns the byte (0..255), -EAGAIN on timeout,
 * -EBUSY with OS_NO_WAIT and nothing buffered.
 */
int os_console_getc(os_tick_t timeout);

/* Called by console drivers (ISR context) for each received byte. */
void os_console_rx_isr(uint8_t c);

#endif /* KESTREL_OS_CONSOLE_H */
