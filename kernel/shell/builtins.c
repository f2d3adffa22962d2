/*
 * Built-in shell commands that need the kernel: ps, uptime, date, tz, mem,
 * reboot, poweroff, version, echo, clear. (`help` lives in the core,
 * shell_exec.c, so a shell without the kernel still has it.)
 *
 * Everything here reads kernel state through its public snapshot calls
 * (os_task_list, os_pool_list) into bounded stack arrays sized by
 * CONFIG_SHELL_PS_MAX / CONFIG_SHELL_MEM_MAX; a system with more tasks or
 * pools shows the first ones and says how many it left out.
 */
#include <stdint.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/lib/timeconv.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>
#include <kestrel_config.h>

#ifndef KESTREL_BOARD_NAME
#define KESTREL_BOARD_NAME "unknown"
#endif

__attribute__((weak)) void board_reboot(void)
{
	os_exit(0);
}

/* ---- ps ------------------------------------------------------------------ */

static void ps_row(struct shell *sh, const struct os_task_info *t)
{
	char prio[12], stack[24];

	/* base/effective while a mutex lends the task a higher priority */
	if (t->prio != t->base_prio) {
		kfmt_snprintf(prio, sizeof(prio), "%u/%u", t->base_prio, t->prio);
	} else {
		kfmt_snprintf(prio, sizeof(prio), "%u", t->prio);
	}
	kfmt_snprintf(stack, sizeof(stack), "%lu/%lu", (unsigned long)t->stack_used,
		      (unsigned long)t->stack_size);
	shell_printf(sh, "%-12s %-7s %-9s %-13s %3u.%u\n", t->name != NULL ? t->name : "?", prio,
		     os_task_state_name(t->state), stack, t->cpu_permille / 10u,
		     t->cpu_permille % 10u);
}

static int cmd_ps(struct shell *sh, int argc, char **argv)
{
	struct os_task_info info[CONFIG_SHELL_PS_MAX];
	int total = os_task_list(info, CONFIG_SHELL_PS_MAX);
	int shown = total < CONFIG_SHELL_PS_MAX ? total : CONFIG_SHELL_PS_MAX;

	(void)argc;
	(void)argv;
	shell_printf(sh, "%-12s %-7s %-9s %-13s %5s\n", "NAME", "PRIO", "STATE", "STACK", "CPU%");
	for (int i = 0; i < shown; i++) {
		ps_row(sh, &info[i]);
	}
	if (total > shown) {
		shell_printf(sh, "(%d more tasks not shown)\n", total - shown);
	}
	return 0;
}

SHELL_CMD(ps, cmd_ps,
	  "list tasks\n"
	  "PRIO is base/effective while a task inherits a priority; STACK is\n"
	  "bytes used (high-water mark)/size; CPU% covers the last window.",
	  0);

/* ---- uptime -------------------------------------------------------------- */

static int cmd_uptime(struct shell *sh, int argc, char **argv)
{
	uint64_t ns = os_time_ns();
	uint32_t s = (uint32_t)(ns / 1000000000u);
	uint32_t ms = (uint32_t)(ns / 1000000u % 1000u);

	(void)argc;
	(void)argv;
	shell_printf(sh, "up %lud %uh %um %u.%03us\n", (unsigned long)(s / 86400u),
		     (unsigned)(s / 3600u % 24u), (unsigned)(s / 60u % 60u), (unsigned)(s % 60u),
		     (unsigned)ms);
	return 0;
}

SHELL_CMD(uptime, cmd_uptime, "time since boot", 0);

/* ---- date, tz ------------------------------------------------------------ */

/* Local time per `tz` (os_tz_offset_min()), or UTC with utc. */
static void print_date(struct shell *sh, bool utc)
{
	int64_t ns = os_wallclock_ns();
	int64_t secs = ns / TC_NS_PER_SEC;
	char buf[40];

	if (ns < 0 ||
	    tc_format_iso8601_off(buf, sizeof(buf), secs, 0, 0, utc ? 0 : os_tz_offset_min()) < 0) {
		shell_printf(sh, "%lld ns since 1970 (out of range)\n", (long long)ns);
		return;
	}
	shell_printf(sh, "%s%s\n", buf, ns == 0 ? " (not set)" : "");
}

/* True if an ISO 8601 date-time names its zone (Z or an offset after the date). */
static bool has_zone(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 10; i < n; i++) {
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-') {
			return true;
		}
	}
	return false;
}

static int date_set(struct shell *sh, const char *arg)
{
	int64_t secs;
	uint32_t nsec;

	if (!shell_is_privileged(sh)) {
		return -EACCES;
	}
	if (tc_parse_iso8601(arg, strlen(arg), &secs, &nsec) < 0) {
		shell_printf(sh, "date: cannot parse '%s' (want YYYY-MM-DDTHH:MM:SSZ)\n", arg);
		return -EINVAL;
	}
	if (!has_zone(arg)) {
		secs -= (int64_t)os_tz_offset_min() * 60; /* no zone: local time */
	}
	if (secs < 0 || secs > INT64_MAX / TC_NS_PER_SEC - 1) {
		shell_puts(sh, "date: must be after 1970\n");
		return -ERANGE;
	}
	os_wallclock_set(secs * TC_NS_PER_SEC + nsec);
	print_date(sh, false);
	return 0;
}

static int cmd_date(struct shell *sh, int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-u") == 0)) {
		print_date(sh, argc == 2);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "-s") != 0) {
		shell_puts(sh, "usage: date [-u] [-s YYYY-MM-DDTHH:MM:SS[Z|+hh:mm]]\n");
		return -EINVAL;
	}
	return date_set(sh, argv[2]);
}

SHELL_CMD(date, cmd_date,
	  "show or set the wall clock (local time per 'tz')\n"
	  "usage: date [-u] [-s YYYY-MM-DDTHH:MM:SS[Z|+hh:mm]]\n"
	  "  -u  show UTC\n"
	  "  -s  set the clock (needs a privileged shell); a time without Z or an\n"
	  "      offset is local time",
	  0);

static void print_tz(struct shell *sh)
{
	int m = os_tz_offset_min();
	unsigned a = (unsigned)(m < 0 ? -m : m);

	shell_printf(sh, "UTC%c%02u:%02u\n", m < 0 ? '-' : '+', a / 60u, a % 60u);
}

static int cmd_tz(struct shell *sh, int argc, char **argv)
{
	int off;

	if (argc == 1) {
		print_tz(sh);
		return 0;
	}
	if (argc != 2) {
		shell_puts(sh, "usage: tz [+hh:mm|-hh:mm|UTC]\n");
		return -EINVAL;
	}
	if (!shell_is_privileged(sh)) {
		return -EACCES;
	}
	if (strcmp(argv[1], "UTC") == 0 || strcmp(argv[1], "0") == 0) {
		off = 0;
	} else if (tc_parse_utc_offset(argv[1], strlen(argv[1]), &off) < 0) {
		shell_printf(sh, "tz: cannot parse '%s' (want +hh:mm, -hh:mm or UTC)\n", argv[1]);
		return -EINVAL;
	}
	if (os_tz_set_offset_min(off) < 0) {
		shell_puts(sh, "tz: offsets go from -14:00 to +14:00\n");
		return -ERANGE;
	}
	print_tz(sh);
	return 0;
}

SHELL_CMD(tz, cmd_tz,
	  "show or set the time zone (a fixed offset from UTC)\n"
	  "usage: tz [+hh:mm|-hh:mm|UTC]   (setting needs a privileged shell)\n"
	  "  'date' shows local time with this offset, e.g. 2026-11-21T15:30:00+05:30;\n"
	  "  there are no daylight-saving rules",
	  0);

/* ---- mem ----------------------------------------------------------------- */

static int cmd_mem(struct shell *sh, int argc, char **argv)
{
	struct os_pool_info info[CONFIG_SHELL_MEM_MAX];
	int total = os_pool_list(info, CONFIG_SHELL_MEM_MAX);
	int shown = total < CONFIG_SHELL_MEM_MAX ? total : CONFIG_SHELL_MEM_MAX;

	(void)argc;
	(void)argv;
	shell_printf(sh, "%-14s %6s %11s %6s %6s\n", "POOL", "BLOCK", "USED/COUNT", "PEAK",
		     "FAILS");
	for (int i = 0; i < shown; i++) {
		const struct os_pool_info *p = &info[i];
		char used[16];

		kfmt_snprintf(used, sizeof(used), "%u/%u", p->used, p->count);
		shell_printf(sh, "%-14s %6lu %11s %6u %6lu\n", p->name != NULL ? p->name : "?",
			     (unsigned long)p->block_size, used, p->peak, (unsigned long)p->fails);
	}
	if (total > shown) {
		shell_printf(sh, "(%d more pools not shown)\n", total - shown);
	}
	return 0;
}

SHELL_CMD(mem, cmd_mem, "list memory pools (block size, blocks in use, peak, failures)", 0);

/* ---- reboot, poweroff ---------------------------------------------------- */

static int cmd_reboot(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_puts(sh, "rebooting\n");
	board_reboot();
	return 0;
}

SHELL_CMD(reboot, cmd_reboot, "restart the board", SHELL_CMD_PRIV);

static int cmd_poweroff(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_puts(sh, "powering off\n");
	os_exit(0);
}

SHELL_CMD(poweroff, cmd_poweroff, "stop the system (hosted: exit the process)", SHELL_CMD_PRIV);

/* ---- version, echo, clear ------------------------------------------------ */

static int cmd_version(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_printf(sh, "Kestrel %s, board %s, built %s\n", os_version(), KESTREL_BOARD_NAME,
		     __DATE__);
	return 0;
}

SHELL_CMD(version, cmd_version, "show the firmware version, board and build date", 0);

static int cmd_echo(struct shell *sh, int argc, char **argv)
{
	int first = 1;
	bool newline = true;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		first = 2;
	}
	for (int i = first; i < argc; i++) {
		shell_printf(sh, i > first ? " %s" : "%s", argv[i]);
	}
	if (newline) {
		shell_write(sh, "\n", 1);
	}
	return 0;
}

SHELL_CMD(echo, cmd_echo, "print the arguments\nusage: echo [-n] [ARG...]", 0);

static int cmd_clear(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_write(sh, "\x1b[2J\x1b[H", 7);
	return 0;
}

SHELL_CMD(clear, cmd_clear, "clear the terminal", 0);
