/*
 * Cortex-M port services for boards (not part of the portable port API in
 * kestrel/arch/port.h). Only board code includes this header.
 */
#ifndef KESTREL_CORTEXM_H
#define KESTREL_CORTEXM_H

#include <stddef.h>

/*
 * Routes arch_console_write() (kernel console output, panics, fault
 * reports) to a polled output function, normally a UART driver's. The
 * function must work with interrupts masked and from handler mode. Until a
 * board registers one, console output is dropped.
 */
typedef void (*cortexm_console_fn)(void *ctx, const char *s, size_t n);
void cortexm_console_set(cortexm_console_fn fn, void *ctx);

/* Requests a system reset through AIRCR.SYSRESETREQ; does not return. */
void cortexm_reset(void) __attribute__((noreturn));

/* Board entry point, called by Reset_Handler once .data/.bss are ready. */
int main(void);

#endif /* KESTREL_CORTEXM_H */
