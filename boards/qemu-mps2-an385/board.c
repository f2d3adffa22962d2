/*
 * qemu-mps2-an385 board support: the console on CMSDK UART0.
 *
 * QEMU's -nographic (or the first -serial) connects UART0 to stdio.
 * Memory map and IRQ numbers: QEMU hw/arm/mps2.c, see
 * /work/shared/reference/tcpip-rtos.md section 1 and memory.ld.
 */
#include <kestrel/cortexm.h>
#include <kestrel/drivers/cmsdk_uart.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include "board.h"

static struct cmsdk_uart board_uart0;

static void board_console_out(void *ctx, const char *s, size_t n)
{
	cmsdk_uart_write_crlf(ctx, s, n);
}

static void board_console_rx(void *arg, uint8_t c)
{
	(void)arg;
	os_console_rx_isr(c);
}

void board_console_init(void)
{
	if (cmsdk_uart_init(&board_uart0, BOARD_UART0_BASE, CONFIG_CPU_HZ, BOARD_CONSOLE_BAUD) <
	    0) {
		os_panic("console UART");
	}
	cortexm_console_set(board_console_out, &board_uart0);
	os_printf("\nKestrel %s on %s (%s, %u MHz)\n", os_version(), KESTREL_BOARD_NAME,
		  KESTREL_BOARD_CPU, (unsigned)(CONFIG_CPU_HZ / 1000000u));
}

int board_console_rx_start(void)
{
	return cmsdk_uart_rx_irq_start(&board_uart0, BOARD_UART0_RX_IRQ, board_console_rx, NULL);
}

/* The shell's `reboot`: a system reset through AIRCR (QEMU reloads the image). */
void board_reboot(void)
{
	cortexm_reset();
}
