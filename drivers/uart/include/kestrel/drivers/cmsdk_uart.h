/*
 * ARM CMSDK APB UART driver (Cortex-M System Design Kit Technical
 * Reference Manual, ARM DDI 0479, section 4.3): the serial ports of the
 * MPS2 FPGA images and of QEMU's mps2-* machines.
 *
 * Output is polled (usable with interrupts masked, so it can back the
 * kernel console and panic messages). Input is interrupt-driven: the RX
 * interrupt hands each received byte to a callback in ISR context.
 */
#ifndef KESTREL_DRIVERS_CMSDK_UART_H
#define KESTREL_DRIVERS_CMSDK_UART_H

#include <stddef.h>
#include <stdint.h>

struct cmsdk_uart {
	volatile uint32_t *regs; /* register block (base address) */
	void (*rx)(void *arg, uint8_t c);
	void *rx_arg;
	uint32_t rx_bytes;
	uint32_t rx_overruns; /* bytes lost because RX was not read in time */
	uint8_t last_tx;      /* last byte written (CRLF expansion) */
};

/*
 * Enables TX and RX at `baud` from the APB clock pclk_hz (polled, RX
 * interrupt off). BAUDDIV = pclk_hz / baud must be at least 16.
 * @retval -EINVAL baud is 0 or too high for the clock
 */
int cmsdk_uart_init(struct cmsdk_uart *u, uintptr_t base, uint32_t pclk_hz, uint32_t baud);

/* Writes n bytes, spinning while the TX buffer is full ("\n" is sent as is). */
void cmsdk_uart_write(struct cmsdk_uart *u, const char *s, size_t n);

/* Same, with a "\n" not already preceded by "\r" sent as "\r\n" (terminals). */
void cmsdk_uart_write_crlf(struct cmsdk_uart *u, const char *s, size_t n);

/*
 * Polled read of one byte.
 * @retval 0..255 the byte
 * @retval -EBUSY nothing received
 */
int cmsdk_uart_getc(struct cmsdk_uart *u);

/*
 * Connects the RX interrupt line `irq` (kernel IRQ numbering) and enables
 * it: rx(arg, byte) then runs in ISR context for every received byte.
 * @retval -EINVAL bad line (from os_irq_connect)
 */
int cmsdk_uart_rx_irq_start(struct cmsdk_uart *u, unsigned irq, void (*rx)(void *arg, uint8_t c),
			    void *arg);

/* The RX interrupt handler (arg = the struct cmsdk_uart); exposed for tests. */
void cmsdk_uart_rx_isr(void *arg);

#endif /* KESTREL_DRIVERS_CMSDK_UART_H */
