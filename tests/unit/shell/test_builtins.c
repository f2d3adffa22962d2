/*
 * Tests of the built-in commands (library kestrel_shell) on the real
 * kernel, booted on the hosted port's virtual clock: the suite runs in a
 * task and drives a shell through shell_exec_line() with a capture sink.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>
#include <kestrel/posix.h>

#include "ktest.h"

KT_MAIN_STATE;

static char out[4096];
static size_t out_len;
static struct shell sh;
static int reboots;

/* Overrides the weak default (which would exit the process). */
void board_reboot(void)
{
	reboots++;
}

static void capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n >= sizeof(out)) {
		n = sizeof(out) - 1 - out_len;
	}
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

static int run(bool privileged, const char *line)
{
	shell_init(&sh, capture, NULL);
	shell_set_privileged(&sh, privileged);
	out_len = 0;
	out[0] = '\0';
	return shell_exec_line(&sh, line);
}

struct cmd_row {
	const char *name;
	bool privileged;
	const char *line;
	int ret;
	const char *output;
};

static void run_rows(const struct cmd_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		KT_ROW(rows[i].name);
		KT_EQ(run(rows[i].privileged, rows[i].line), rows[i].ret);
		KT_STREQ(out, rows[i].output);
	}
}

static void test_simple_commands(void)
{
	static const struct cmd_row rows[] = {
		{"echo", false, "echo a  \"b c\"", 0, "a b c\n"},
		{"echo -n", false, "echo -n x y", 0, "x y"},
		{"echo nothing", false, "echo", 0, "\n"},
		{"clear", false, "clear", 0, "\x1b[2J\x1b[H"},
		{"version", false, "version", 0,
		 "Kestrel " KESTREL_VERSION ", board hosted, built " __DATE__ "\n"},
		{"reboot refused", false, "reboot", -EACCES, "error: EACCES (permission denied)\n"},
		{"poweroff refused", false, "poweroff", -EACCES,
		 "error: EACCES (permission denied)\n"},
		{"poweroff -h", false, "poweroff -h", 0,
		 "poweroff - stop the system (hosted: exit the process)\n"
		 "(privileged: needs the console or a login)\n"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));

	KT_ROW("reboot calls board_reboot");
	reboots = 0;
	KT_EQ(run(true, "reboot"), 0);
	KT_STREQ(out, "rebooting\n");
	KT_EQ(reboots, 1);
}

static void test_help_lists_builtins(void)
{
	static const char *const names[] = {"clear", "date",	 "echo",   "help",
					    "mem",   "poweroff", "ps",	   "reboot",
					    "tz",    "uptime",	 "version"};

	KT_EQ(run(false, "help"), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char want[32];
		KT_ROW(names[i]);
		snprintf(want, sizeof(want), "\n  %-8s  ", names[i]);
		KT_ASSERT(strstr(out, want) != NULL);
	}
}

static void test_date(void)
{
	static const struct cmd_row rows[] = {
		{"set refused", false, "date -s 2026-11-21T10:00:00Z", -EACCES,
		 "error: EACCES (permission denied)\n"},
		{"set", true, "date -s 2026-11-21T10:00:00Z", 0, "2026-11-21T10:00:00Z\n"},
		{"show", false, "date", 0, "2026-11-21T10:00:00Z\n"},
		{"set with offset", true, "date -s 2026-11-21T12:00:00+02:00", 0,
		 "2026-11-21T10:00:00Z\n"},
		{"bad time", true, "date -s 2026-13-01T00:00:00Z", -EINVAL,
		 "date: cannot parse '2026-13-01T00:00:00Z' (want YYYY-MM-DDTHH:MM:SSZ)\n"
		 "error: EINVAL (invalid argument)\n"},
		{"before 1970", true, "date -s 1969-12-31T23:59:59Z", -ERANGE,
		 "date: must be after 1970\nerror: ERANGE (out of range)\n"},
		{"bad option", false, "date -x", -EINVAL,
		 "usage: date [-u] [-s YYYY-MM-DDTHH:MM:SS[Z|+hh:mm]]\n"
		 "error: EINVAL (invalid argument)\n"},
		{"missing value", true, "date -s", -EINVAL,
		 "usage: date [-u] [-s YYYY-MM-DDTHH:MM:SS[Z|+hh:mm]]\n"
		 "error: EINVAL (invalid argument)\n"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));

	KT_ROW("clock runs");
	os_sleep(OS_MS(61000));
	KT_EQ(run(false, "date"), 0);
	KT_STREQ(out, "2026-11-21T10:01:01Z\n");
}

/* `tz` sets the device's UTC offset; `date` shows local time with it. */
static void test_tz(void)
{
	static const struct cmd_row rows[] = {
		{"default is UTC", false, "tz", 0, "UTC+00:00\n"},
		{"set refused", false, "tz +05:30", -EACCES, "error: EACCES (permission denied)\n"},
		{"utc clock", true, "date -s 2026-11-21T10:00:00Z", 0, "2026-11-21T10:00:00Z\n"},
		{"set +05:30", true, "tz +05:30", 0, "UTC+05:30\n"},
		{"show", false, "tz", 0, "UTC+05:30\n"},
		{"date is local", false, "date", 0, "2026-11-21T15:30:00+05:30\n"},
		{"date -u is UTC", false, "date -u", 0, "2026-11-21T10:00:00Z\n"},
		{"zoneless -s is local", true, "date -s 2026-11-21T16:00:00", 0,
		 "2026-11-21T16:00:00+05:30\n"},
		{"... so UTC moved 30 min", false, "date -u", 0, "2026-11-21T10:30:00Z\n"},
		{"-s with Z is UTC", true, "date -s 2026-11-21T10:00:00Z", 0,
		 "2026-11-21T15:30:00+05:30\n"},
		{"west crosses midnight", true, "tz -1100", 0, "UTC-11:00\n"},
		{"date the day before", false, "date", 0, "2026-11-20T23:00:00-11:00\n"},
		{"hours only", true, "tz +14", 0, "UTC+14:00\n"},
		{"beyond +14:00", true, "tz +14:01", -ERANGE,
		 "tz: offsets go from -14:00 to +14:00\nerror: ERANGE (out of range)\n"},
		{"unchanged after refusal", false, "tz", 0, "UTC+14:00\n"},
		{"bad text", true, "tz 5:30", -EINVAL,
		 "tz: cannot parse '5:30' (want +hh:mm, -hh:mm or UTC)\n"
		 "error: EINVAL (invalid argument)\n"},
		{"minute 60", true, "tz +01:60", -EINVAL,
		 "tz: cannot parse '+01:60' (want +hh:mm, -hh:mm or UTC)\n"
		 "error: EINVAL (invalid argument)\n"},
		{"two arguments", true, "tz +01 +02", -EINVAL,
		 "usage: tz [+hh:mm|-hh:mm|UTC]\nerror: EINVAL (invalid argument)\n"},
		{"back to UTC", true, "tz UTC", 0, "UTC+00:00\n"},
		{"date has Z again", false, "date", 0, "2026-11-21T10:00:00Z\n"},
		{"Z works too", true, "tz Z", 0, "UTC+00:00\n"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));

	KT_ROW("API");
	KT_EQ(os_tz_set_offset_min(-840), 0);
	KT_EQ(os_tz_offset_min(), -840);
	KT_EQ(os_tz_set_offset_min(-841), -ERANGE);
	KT_EQ(os_tz_set_offset_min(841), -ERANGE);
	KT_EQ(os_tz_offset_min(), -840);
	KT_EQ(os_tz_set_offset_min(0), 0);
}

static void test_uptime(void)
{
	char want[64];
	uint64_t ns;
	uint32_t s;

	/* Virtual time stands still while this task runs. */
	os_sleep(OS_MS(90061000)); /* 1d 1h 1m 1s */
	ns = os_time_ns();
	s = (uint32_t)(ns / 1000000000u);
	snprintf(want, sizeof(want), "up %ud %uh %um %u.%03us\n", s / 86400u, s / 3600u % 24u,
		 s / 60u % 60u, s % 60u, (unsigned)(ns / 1000000u % 1000u));
	KT_ASSERT(s >= 90061);
	KT_EQ(run(false, "uptime"), 0);
	KT_STREQ(out, want);
}

OS_POOL_DEFINE(shell_test_pool, 24, 4);

static void test_mem(void)
{
	void *b[5];

	for (int i = 0; i < 4; i++) {
		KT_EQ(os_pool_alloc(&shell_test_pool, &b[i]), 0);
	}
	KT_EQ(os_pool_alloc(&shell_test_pool, &b[4]), -ENOMEM);
	for (int i = 1; i < 4; i++) {
		KT_EQ(os_pool_free(&shell_test_pool, b[i]), 0);
	}
	KT_EQ(run(false, "mem"), 0);
	KT_ROW("header");
	KT_ASSERT(strncmp(out, "POOL            BLOCK  USED/COUNT   PEAK  FAILS\n", 48) == 0);
	KT_ROW("row");
	KT_ASSERT(strstr(out, "\nshell_test_pool     24         1/4      4      1\n") != NULL);
	KT_EQ(os_pool_free(&shell_test_pool, b[0]), 0);
}

/* ---- ps, with an inherited priority -------------------------------------- */

static OS_MUTEX_DEFINE(ps_mutex);
static struct os_task low_task, high_task;
OS_STACK_DEFINE(low_stack, 4096);
OS_STACK_DEFINE(high_stack, 4096);

static void low_main(void *arg)
{
	(void)arg;
	os_mutex_lock(&ps_mutex, OS_WAIT_FOREVER);
	os_sleep(OS_MS(100));
	os_mutex_unlock(&ps_mutex);
}

static void high_main(void *arg)
{
	(void)arg;
	os_mutex_lock(&ps_mutex, OS_WAIT_FOREVER);
	os_mutex_unlock(&ps_mutex);
}

static void test_ps(void)
{
	KT_EQ(os_task_create(&low_task, "pslow", low_main, NULL, 20, low_stack, sizeof(low_stack)),
	      0);
	os_sleep(OS_MS(10)); /* low takes the mutex */
	KT_EQ(os_task_create(&high_task, "pshigh", high_main, NULL, 5, high_stack,
			     sizeof(high_stack)),
	      0);
	/* high ran at once, blocked on the mutex and lent low priority 5 */
	KT_EQ(run(false, "ps"), 0);
	KT_ROW("header");
	KT_ASSERT(strncmp(out, "NAME         PRIO    STATE     STACK          CPU%\n", 51) == 0);
	KT_ROW("runner");
	KT_ASSERT(strstr(out, "\nrunner       10      ready     ") != NULL);
	KT_ROW("inherited priority");
	KT_ASSERT(strstr(out, "\npslow        20/5    sleeping  ") != NULL);
	KT_ROW("blocked waiter");
	KT_ASSERT(strstr(out, "\npshigh       5       blocked   ") != NULL);
	KT_ROW("cpu column");
	KT_ASSERT(strstr(out, "   0.0\n") != NULL);
	os_sleep(OS_MS(200)); /* both finish */
	KT_EQ(run(false, "ps"), 0);
	KT_ROW("finished tasks leave the list");
	KT_ASSERT(strstr(out, "pslow") == NULL);
	KT_ASSERT(strstr(out, "pshigh") == NULL);
	KT_ASSERT(strstr(out, "\nrunner ") != NULL);
}

static const struct kt_case cases[] = {
	KT_CASE(test_simple_commands),
	KT_CASE(test_help_lists_builtins),
	KT_CASE(test_date),
	KT_CASE(test_tz),
	KT_CASE(test_uptime),
	KT_CASE(test_mem),
	KT_CASE(test_ps),
};

static struct os_task runner;
OS_STACK_DEFINE(runner_stack, 16384);

static void runner_main(void *arg)
{
	(void)arg;
	os_exit(KT_RUN("shell_builtins", cases, NULL));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	posix_set_clock(POSIX_CLOCK_VIRTUAL);
	os_init();
	os_task_create(&runner, "runner", runner_main, NULL, 10, runner_stack,
		       sizeof(runner_stack));
	os_start();
}
