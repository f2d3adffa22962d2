/*
 * Firmware entry of qemu-mps2-an385: kernel, console, shell, go.
 */
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include "board.h"

int main(void)
{
	os_init();
	board_console_init();
	if (board_console_rx_start() < 0) {
		os_panic("console RX");
	}
	shell_console_start(CONFIG_BOARD_SHELL_PRIO);
	os_start();
}
