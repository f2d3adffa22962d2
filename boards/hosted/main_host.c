/*
 * The hosted demo device: Kestrel as one Linux process.
 *
 * Parses the command line, boots the kernel on the chosen clock, prints a
 * boot log like a real board's, and starts the console shell on the
 * terminal. `reboot` re-executes the process with the same arguments.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>
#include <kestrel/posix.h>

#include "board_hosted.h"

#define SHELL_PRIO 20
#define INIT_PRIO  2

static char **saved_argv;
static struct os_task init_task;
OS_STACK_DEFINE(init_stack, 4096);

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTION]...\n"
		"Run the Kestrel firmware as a hosted device: one Linux process whose\n"
		"console is this terminal.\n"
		"\n"
		"Options:\n"
		"  --clock real|virtual  kernel clock: real time (default), or virtual time\n"
		"                        that advances only when every task is idle\n"
		"  -q, --quiet           print no boot log (the shell prompt still appears)\n"
		"  -V, --version         print the firmware version and exit\n"
		"  -h, --help            print this help and exit\n"
		"\n"
		"In the shell, 'help' lists the commands; 'poweroff' (or Ctrl-C) stops the\n"
		"device and 'reboot' restarts it.\n",
		prog);
}

void board_reboot(void)
{
	fflush(stdout);
	os_console_write("\r\n", 2);
	posix_console_restore_public();
	execv("/proc/self/exe", saved_argv);
	perror("reboot: execv");
	os_exit(1);
}

static void init_main(void *arg)
{
	struct os_task_info info[32];
	int n;

	(void)arg;
	hosted_services_start();
	n = os_task_list(info, 32);
	os_printf("tasks:");
	for (int i = 0; i < n && i < 32; i++) {
		if (strcmp(info[i].name, "init") != 0) {
			os_printf(" %s", info[i].name);
		}
	}
	os_printf(" started\n\n");
	shell_console_start(SHELL_PRIO);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"clock", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool quiet = false;
	int c;

	saved_argv = argv;
	while ((c = getopt_long(argc, argv, "qVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (strcmp(optarg, "real") == 0) {
				posix_set_clock(POSIX_CLOCK_REAL);
			} else if (strcmp(optarg, "virtual") == 0) {
				posix_set_clock(POSIX_CLOCK_VIRTUAL);
			} else {
				fprintf(stderr, "%s: --clock takes 'real' or 'virtual'\n", argv[0]);
				return 2;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'V':
			printf("kestrel %s (%s)\n", os_version(), KESTREL_BOARD_NAME);
			return 0;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	os_init();
	hosted_set_quiet(quiet);
	if (!quiet) {
		os_printf("\nKestrel %s on %s (Linux process %d)\n", os_version(),
			  KESTREL_BOARD_NAME, (int)getpid());
		os_printf("kernel: %d priorities, %d Hz tick, %s clock, %d-tick time slice\n",
			  CONFIG_OS_PRIO_LEVELS, OS_TICK_HZ,
			  posix_get_clock() == POSIX_CLOCK_REAL ? "real" : "virtual",
			  CONFIG_OS_TIME_SLICE_TICKS);
	}
	posix_console_start();
	os_task_create(&init_task, "init", init_main, NULL, INIT_PRIO, init_stack,
		       sizeof(init_stack));
	os_start();
}
