/*
 * The console shell: one task that reads the system console byte by byte
 * and feeds a privileged shell whose output is the console.
 *
 * The local console is trusted (whoever holds the UART or the terminal
 * owns the board), so its shell runs privileged commands without a login.
 * Ctrl-D on an empty line would end a remote session; on the console it
 * just prints a reminder and carries on.
 */
#include <stdint.h>

#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

static struct shell console_shell;
static struct os_task console_task;
OS_STACK_DEFINE(console_stack, CONFIG_SHELL_STACK_SIZE);

static void console_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	os_console_write(s, n);
}

static void console_main(void *arg)
{
	struct shell *sh = arg;

	shell_start(sh);
	for (;;) {
		int c = os_console_getc(OS_WAIT_FOREVER);
		uint8_t b;

		if (c < 0) {
			continue;
		}
		b = (uint8_t)c;
		shell_input(sh, &b, 1);
		if (shell_eof(sh)) {
			shell_init(sh, console_sink, NULL);
			shell_set_privileged(sh, true);
			shell_set_crlf(sh, CONFIG_SHELL_CONSOLE_CRLF);
			shell_puts(sh, "\n(the console stays open; 'poweroff' stops the system)\n");
			shell_start(sh);
		}
	}
}

void shell_console_start(unsigned prio)
{
	struct shell *sh = &console_shell;
	int ret;

	shell_init(sh, console_sink, NULL);
	shell_set_privileged(sh, true);
	shell_set_crlf(sh, CONFIG_SHELL_CONSOLE_CRLF);
	ret = os_task_create(&console_task, "shell", console_main, sh, prio, console_stack,
			     sizeof(console_stack));
	if (ret < 0) {
		os_panic("shell: cannot create the console task");
	}
}
