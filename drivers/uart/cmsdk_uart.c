/*
 * ARM CMSDK APB UART (ARM DDI 0479 §4.3).
 *
 * OFFSET  NAME       DESCRIPTION
 * 0x000   DATA       read: received byte; write: byte to send
 * 0x004   STATE      b0 TX buffer full, b1 RX buffer full,
 *                    b2 TX overrun, b3 RX overrun (write 1 to clear)
 * 0x008   CTRL       b0 TX enable, b1 RX enable, b2 TX int, b3 RX int,
 *                    b4 TX overrun int, b5 RX overrun int, b6 HS test
 * 0x00C   INTSTATUS  read: b0 TX, b1 RX, b2 TX overrun, b3 RX overrun;
 *                    write 1 (INTCLEAR) to clear
 * 0x010   BAUDDIV    clock divider, >= 16 (QEMU sends nothing below 16)
 *
 * Both buffers are one byte deep; QEMU's model holds further input back
 * in the character backend until DATA is read, so a prompt RX handler
 * loses nothing there. On hardware a late handler shows up as
 * STATE.RX overrun, which is counted.
 */
#include <kestrel/drivers/cmsdk_uart.h>
#include <kestrel/errno.h>
#include <kestrel/os/kernel.h>

#define UART_DATA      0u /* word indexes into the register block */
#define UART_STATE     1u
#define UART_CTRL      2u
#define UART_INTSTATUS 3u
#define UART_BAUDDIV   4u

#define STATE_TX_FULL	 (1u << 0)
#define STATE_RX_FULL	 (1u << 1)
#define STATE_RX_OVERRUN (1u << 3)

#define CTRL_TX_EN  (1u << 0)
#define CTRL_RX_EN  (1u << 1)
#define CTRL_RX_INT (1u << 3)

#define INT_RX		 (1u << 1)
#define INT_RX_OVERRUN	 (1u << 3)
#define UART_BAUDDIV_MIN 16u

int cmsdk_uart_init(struct cmsdk_uart *u, uintptr_t base, uint32_t pclk_hz, uint32_t baud)
{
	uint32_t div;

	if (baud == 0) {
		return -EINVAL;
	}
	div = pclk_hz / baud;
	if (div < UART_BAUDDIV_MIN) {
		return -EINVAL;
	}
	u->regs = (volatile uint32_t *)base;
	u->rx = NULL;
	u->rx_arg = NULL;
	u->rx_bytes = 0;
	u->rx_overruns = 0;
	u->last_tx = 0;
	u->regs[UART_CTRL] = 0;
	u->regs[UART_BAUDDIV] = div;
	u->regs[UART_STATE] = STATE_RX_OVERRUN | (1u << 2); /* clear stale overruns */
	u->regs[UART_INTSTATUS] = 0xFu;
	u->regs[UART_CTRL] = CTRL_TX_EN | CTRL_RX_EN;
	return 0;
}

static void cmsdk_uart_putc(struct cmsdk_uart *u, uint8_t c)
{
	while (u->regs[UART_STATE] & STATE_TX_FULL) {
	}
	u->regs[UART_DATA] = c;
}

void cmsdk_uart_write(struct cmsdk_uart *u, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cmsdk_uart_putc(u, (uint8_t)s[i]);
	}
}

void cmsdk_uart_write_crlf(struct cmsdk_uart *u, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '\n' && u->last_tx != '\r') {
			cmsdk_uart_putc(u, '\r');
		}
		cmsdk_uart_putc(u, c);
		u->last_tx = c;
	}
}

int cmsdk_uart_getc(struct cmsdk_uart *u)
{
	if (!(u->regs[UART_STATE] & STATE_RX_FULL)) {
		return -EBUSY;
	}
	return (int)(u->regs[UART_DATA] & 0xFFu);
}

void cmsdk_uart_rx_isr(void *arg)
{
	struct cmsdk_uart *u = arg;
	uint32_t state;
	int c;

	/* Clear first: a byte arriving after the drain raises the line again. */
	u->regs[UART_INTSTATUS] = INT_RX | INT_RX_OVERRUN;
	state = u->regs[UART_STATE];
	if (state & STATE_RX_OVERRUN) {
		u->rx_overruns++;
		u->regs[UART_STATE] = STATE_RX_OVERRUN;
	}
	while ((c = cmsdk_uart_getc(u)) >= 0) {
		u->rx_bytes++;
		if (u->rx != NULL) {
			u->rx(u->rx_arg, (uint8_t)c);
		}
	}
}

int cmsdk_uart_rx_irq_start(struct cmsdk_uart *u, unsigned irq, void (*rx)(void *arg, uint8_t c),
			    void *arg)
{
	int rc;

	u->rx = rx;
	u->rx_arg = arg;
	rc = os_irq_connect(irq, cmsdk_uart_rx_isr, u);
	if (rc < 0) {
		return rc;
	}
	u->regs[UART_INTSTATUS] = INT_RX;
	u->regs[UART_CTRL] |= CTRL_RX_INT;
	os_irq_enable(irq);
	return 0;
}
