/*
 * Firmware entry of qemu-mps2-an385: kernel, console, shell, go.
 */
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

#include "board.h"

#ifdef KESTREL_BOARD_NET
/* The init task: starts what needs the kernel running, then exits. */
static struct os_task init_task;
OS_STACK_DEFINE(init_stack, 2048);

static void init_main(void *arg)
{
	(void)arg;
	if (board_net_start() == 0) {
		board_services_start();
	}
	shell_console_start(CONFIG_BOARD_SHELL_PRIO);
}
#endif

int main(void)
{
	os_init();
	board_console_init();
	if (board_console_rx_start() < 0) {
		os_panic("console RX");
	}
#ifdef KESTREL_BOARD_NET
	os_task_create(&init_task, "init", init_main, NULL, 2, init_stack, sizeof(init_stack));
#else
	shell_console_start(CONFIG_BOARD_SHELL_PRIO);
#endif
	os_start();
}
