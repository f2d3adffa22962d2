/*
 * Firmware entry of qemu-mps2-an385: kernel, console, shell, go.
 */
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include "board.h"

#if KESTREL_BOARD_SHELL
#include <kestrel/os/shell.h>
#else
/*
 * Stand-in until the shell (kestrel_shell) is part of the build: echoes
 * console input so the UART RX path can be checked by hand.
 */
static struct os_task echo_task;
OS_STACK_DEFINE(echo_stack, 1024);

static void echo_main(void *arg)
{
	(void)arg;
	os_printf("kestrel> ");
	for (;;) {
		int c = os_console_getc(OS_WAIT_FOREVER);
		char ch;

		if (c < 0) {
			continue;
		}
		ch = c == '\r' ? '\n' : (char)c;
		os_console_write(&ch, 1);
		if (ch == '\n') {
			os_printf("kestrel> ");
		}
	}
}

static void shell_console_start(unsigned prio)
{
	os_task_create(&echo_task, "echo", echo_main, NULL, prio, echo_stack, sizeof(echo_stack));
}
#endif

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
