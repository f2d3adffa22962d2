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

/* weak: the sections are absent (NULL bounds) while no subsystem adds to them */
extern const struct hosted_option __start_hosted_opts[] __attribute__((weak));
extern const struct hosted_option __stop_hosted_opts[] __attribute__((weak));
extern const struct hosted_service __start_hosted_svcs[] __attribute__((weak));
extern const struct hosted_service __stop_hosted_svcs[] __attribute__((weak));
static bool quiet_boot;

bool hosted_quiet(void)
{
	return quiet_boot;
}

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
		"  -h, --help            print this help and exit\n",
		prog);
	for (const struct hosted_option *o = __start_hosted_opts; o < __stop_hosted_opts; o++) {
		const char *h = o->help;

		fprintf(f, "  %s\n", o->usage);
		while (*h != '\0') {
			const char *nl = strchr(h, '\n');
			int n = nl ? (int)(nl - h) : (int)strlen(h);

			fprintf(f, "      %.*s\n", n, h);
			h += n + (nl ? 1 : 0);
		}
	}
	fprintf(f, "\nIn the shell, 'help' lists the commands; 'poweroff' (or Ctrl-C) stops the\n"
		   "device and 'reboot' restarts it.\n");
}

static void services_start(void)
{
	int last = -2147483647;

	/* in ascending order; the section is small, so a selection pass is fine */
	for (;;) {
		const struct hosted_service *next = NULL;

		for (const struct hosted_service *s = __start_hosted_svcs; s < __stop_hosted_svcs;
		     s++) {
			if (s->order > last && (next == NULL || s->order < next->order)) {
				next = s;
			}
		}
		if (next == NULL) {
			return;
		}
		for (const struct hosted_service *s = __start_hosted_svcs; s < __stop_hosted_svcs;
		     s++) {
			if (s->order == next->order) {
				s->start();
			}
		}
		last = next->order;
	}
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
	services_start();
	shell_console_start(SHELL_PRIO); /* runs once init is done */
	n = os_task_list(info, 32);
	os_printf("tasks:");
	for (int i = 0; i < n && i < 32; i++) {
		if (strcmp(info[i].name, "init") != 0) {
			os_printf(" %s", info[i].name);
		}
	}
	os_printf(" started\n\n");
}

int main(int argc, char **argv)
{
	static const struct option base[] = {
		{"clock", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
	};
	enum { NBASE = sizeof(base) / sizeof(base[0]), MAXOPT = 64 };
	static struct option opts[NBASE + MAXOPT + 1];
	size_t n_ext = (size_t)(__stop_hosted_opts - __start_hosted_opts);
	int c, idx;

	if (n_ext > MAXOPT) {
		fprintf(stderr, "%s: too many board options\n", argv[0]);
		return 2;
	}
	memcpy(opts, base, sizeof(base));
	for (size_t i = 0; i < n_ext; i++) {
		opts[NBASE + i].name = __start_hosted_opts[i].name;
		opts[NBASE + i].has_arg = __start_hosted_opts[i].has_arg ? required_argument : 0;
		opts[NBASE + i].flag = NULL;
		opts[NBASE + i].val = 0x100 + (int)i;
	}
	saved_argv = argv;
	while ((c = getopt_long(argc, argv, "qVh", opts, &idx)) != -1) {
		if (c >= 0x100 && c < 0x100 + (int)n_ext) {
			if (__start_hosted_opts[c - 0x100].handler(optarg) != 0) {
				return 2;
			}
			continue;
		}
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
			quiet_boot = true;
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
	if (!quiet_boot) {
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
