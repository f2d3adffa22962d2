/*
 * Unit tests for the shell core (kestrel_shell_core): tokenising, command
 * dispatch, help, errors and privileges through shell_exec_line(), and the
 * line editor through shell_input() with exact echo checks. No kernel: the
 * shell writes into a capture buffer and test commands record their argv.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/os/shell.h>

#include "ktest.h"

KT_MAIN_STATE;

/* ---- capture and recording ---------------------------------------------- */

static char out[16384];
static size_t out_len;

static int calls;     /* handler invocations */
static char rec[512]; /* last argv, joined with '|' */
static int rec_argc;

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

static void reset(void)
{
	out_len = 0;
	out[0] = '\0';
	calls = 0;
	rec[0] = '\0';
	rec_argc = -1;
}

static struct shell sh;

static void fresh_shell(void)
{
	shell_init(&sh, capture, NULL);
	reset();
}

static void feed(const char *s)
{
	shell_input(&sh, (const uint8_t *)s, strlen(s));
}

static int cmd_t_args(struct shell *s, int argc, char **argv)
{
	(void)s;
	calls++;
	rec_argc = argc;
	rec[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0) {
			strcat(rec, "|");
		}
		strcat(rec, argv[i]);
	}
	return argv[argc] == NULL ? 0 : -EFAULT;
}

static int cmd_t_fail(struct shell *s, int argc, char **argv)
{
	(void)s;
	calls++;
	return argc > 1 ? -atoi(argv[1]) : -EBUSY;
}

static int cmd_t_priv(struct shell *s, int argc, char **argv)
{
	(void)s;
	(void)argc;
	(void)argv;
	calls++;
	return 0;
}

static int cmd_t_out(struct shell *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	calls++;
	shell_printf(s, "line%d\nline%d\n", 1, 2);
	return 0;
}

SHELL_CMD(t_args, cmd_t_args, "record the arguments\nusage: t_args [ARG...]", 0);
SHELL_CMD(t_fail, cmd_t_fail, "fail with -EBUSY or -ARG", 0);
SHELL_CMD(t_priv, cmd_t_priv, "a privileged command", SHELL_CMD_PRIV);
SHELL_CMD(t_out, cmd_t_out, "print two lines", 0);
SHELL_CMD_NAMED(cmp_alpha, "cmp-alpha", cmd_t_args, "completion a", 0);
SHELL_CMD_NAMED(cmp_alps, "cmp-alps", cmd_t_args, "completion b", 0);

#define PROMPT "kestrel> "

/* ---- registry ------------------------------------------------------------ */

static void test_registry(void)
{
	KT_ROW("count: 6 here plus help");
	KT_EQ(shell_cmd_count(), 7);
	KT_ROW("find");
	KT_ASSERT(shell_cmd_find("t_args") != NULL);
	KT_STREQ(shell_cmd_find("cmp-alps")->name, "cmp-alps");
	KT_ASSERT(shell_cmd_find("help") != NULL);
	KT_ROW("find misses");
	KT_ASSERT(shell_cmd_find("t_arg") == NULL);
	KT_ASSERT(shell_cmd_find("") == NULL);
	KT_ROW("at past the end");
	KT_ASSERT(shell_cmd_at(7) == NULL);
	KT_ASSERT(shell_cmd_at(0) != NULL);
}

struct err_row {
	const char *name;
	int err;
	const char *want;
};

static void test_strerror(void)
{
	static const struct err_row rows[] = {
		{"negative EACCES", -EACCES, "EACCES (permission denied)"},
		{"positive EACCES", EACCES, "EACCES (permission denied)"},
		{"EAGAIN", -EAGAIN, "EAGAIN (timed out)"},
		{"ENOMEM", -ENOMEM, "ENOMEM (pool empty)"},
		{"EMSGSIZE", -EMSGSIZE, "EMSGSIZE (does not fit)"},
		{"EOWNERDEAD", -EOWNERDEAD, "EOWNERDEAD (owner died)"},
		{"unknown", -200, NULL},
		{"zero", 0, NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = shell_strerror(rows[i].err);
		KT_ROW(rows[i].name);
		if (rows[i].want == NULL) {
			KT_ASSERT(got == NULL);
		} else {
			KT_ASSERT(got != NULL);
			KT_STREQ(got, rows[i].want);
		}
	}
}

/* ---- tokenising ---------------------------------------------------------- */

struct tok_row {
	const char *name;
	const char *line;
	int ret;
	int argc; /* -1: the command did not run */
	const char *argv;
	const char *output;
};

static void test_tokenize(void)
{
	static const struct tok_row rows[] = {
		{"simple", "t_args a b c", 0, 4, "t_args|a|b|c", ""},
		{"extra blanks and tabs", "  t_args   a\t b  ", 0, 3, "t_args|a|b", ""},
		{"name only", "t_args", 0, 1, "t_args", ""},
		{"double quotes", "t_args \"a b\" c", 0, 3, "t_args|a b|c", ""},
		{"single quotes keep all", "t_args 'a \"b\" \\n'", 0, 2, "t_args|a \"b\" \\n", ""},
		{"escaped quote in double", "t_args \"say \\\"hi\\\"\"", 0, 2, "t_args|say \"hi\"",
		 ""},
		{"other backslash in double", "t_args \"a\\nb\"", 0, 2, "t_args|a\\nb", ""},
		{"backslash space", "t_args a\\ b", 0, 2, "t_args|a b", ""},
		{"trailing backslash", "t_args a\\", 0, 2, "t_args|a\\", ""},
		{"quotes join neighbours", "t_args pre\"mid dle\"post", 0, 2,
		 "t_args|premid dlepost", ""},
		{"empty quotes", "t_args \"\" x ''", 0, 4, "t_args||x|", ""},
		{"quoted command name", "\"t_args\" x", 0, 2, "t_args|x", ""},
		{"sixteen arguments", "t_args 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 0, 16,
		 "t_args|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15", ""},
		{"seventeen arguments", "t_args 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", -EMSGSIZE,
		 -1, "", "error: too many arguments (max 16)\n"},
		{"unterminated double", "t_args \"abc", -EINVAL, -1, "",
		 "error: unterminated quote\n"},
		{"unterminated single", "t_args 'abc", -EINVAL, -1, "",
		 "error: unterminated quote\n"},
		{"empty line", "", 0, -1, "", ""},
		{"blank line", " \t ", 0, -1, "", ""},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct tok_row *r = &rows[i];
		KT_ROW(r->name);
		fresh_shell();
		KT_EQ(shell_exec_line(&sh, r->line), r->ret);
		KT_EQ(rec_argc, r->argc);
		KT_STREQ(rec, r->argv);
		KT_STREQ(out, r->output);
	}
}

static void test_line_length(void)
{
	char line[CONFIG_SHELL_LINE_MAX + 8];

	/* "t_args " plus x's: 127 characters run, 128 are refused. */
	KT_ROW("127 characters");
	fresh_shell();
	memset(line, 'x', sizeof(line));
	memcpy(line, "t_args ", 7);
	line[CONFIG_SHELL_LINE_MAX - 1] = '\0';
	KT_EQ(shell_exec_line(&sh, line), 0);
	KT_EQ(calls, 1);
	KT_EQ(strlen(rec), 127);
	KT_ROW("128 characters");
	fresh_shell();
	line[CONFIG_SHELL_LINE_MAX - 1] = 'x';
	line[CONFIG_SHELL_LINE_MAX] = '\0';
	KT_EQ(shell_exec_line(&sh, line), -EMSGSIZE);
	KT_EQ(calls, 0);
	KT_STREQ(out, "error: line too long (max 127 characters)\n");
}

/* ---- dispatch, help, errors, privileges ---------------------------------- */

struct exec_row {
	const char *name;
	bool privileged;
	const char *line;
	int ret;
	int calls;
	const char *output;
};

static const char help_list[] = "Commands (NAME -h for details):\n"
				"  cmp-alpha  completion a\n"
				"  cmp-alps   completion b\n"
				"  help       list commands, or show one's help\n"
				"  t_args     record the arguments\n"
				"  t_fail     fail with -EBUSY or -ARG\n"
				"  t_out      print two lines\n"
				"  t_priv     a privileged command\n";

static const char t_args_help[] = "t_args - record the arguments\nusage: t_args [ARG...]\n";
static const char t_priv_help[] = "t_priv - a privileged command\n"
				  "(privileged: needs the console or a login)\n";

static void test_exec(void)
{
	static const struct exec_row rows[] = {
		{"output", false, "t_out", 0, 1, "line1\nline2\n"},
		{"negative return", false, "t_fail", -EBUSY, 1, "error: EBUSY (would block)\n"},
		{"other errno", false, "t_fail 22", -EINVAL, 1,
		 "error: EINVAL (invalid argument)\n"},
		{"unknown errno", false, "t_fail 200", -200, 1, "error: errno 200\n"},
		{"unknown command", false, "nosuch x", -ENOENT, 0,
		 "unknown command: nosuch (try 'help')\n"},
		{"prefix is not a command", false, "t_arg", -ENOENT, 0,
		 "unknown command: t_arg (try 'help')\n"},
		{"privileged refused", false, "t_priv", -EACCES, 0,
		 "error: EACCES (permission denied)\n"},
		{"privileged allowed", true, "t_priv", 0, 1, ""},
		{"-h", false, "t_args -h", 0, 0, t_args_help},
		{"--help", false, "t_args --help extra", 0, 0, t_args_help},
		{"-h later is an argument", false, "t_args x -h", 0, 1, ""},
		{"-h of a privileged command", false, "t_priv -h", 0, 0, t_priv_help},
		{"help lists sorted", false, "help", 0, 0, help_list},
		{"help of one", false, "help t_args", 0, 0, t_args_help},
		{"help of two", false, "help t_args t_priv", 0, 0,
		 "t_args - record the arguments\nusage: t_args [ARG...]\n"
		 "t_priv - a privileged command\n(privileged: needs the console or a login)\n"},
		{"help of unknown", false, "help nosuch", -ENOENT, 0,
		 "help: no such command: nosuch\nerror: ENOENT (no such object)\n"},
		{"help -h", false, "help -h", 0, 0,
		 "help - list commands, or show one's help\nusage: help [COMMAND...]\n"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct exec_row *r = &rows[i];
		KT_ROW(r->name);
		fresh_shell();
		shell_set_privileged(&sh, r->privileged);
		KT_EQ(shell_is_privileged(&sh), r->privileged);
		KT_EQ(shell_exec_line(&sh, r->line), r->ret);
		KT_EQ(calls, r->calls);
		KT_STREQ(out, r->output);
	}
}

static void test_exec_argv(void)
{
	char a0[] = "t_args", a1[] = "one two";
	char *argv[] = {a0, a1, NULL};

	KT_ROW("pre-split argv");
	fresh_shell();
	KT_EQ(shell_exec(&sh, 2, argv), 0);
	KT_STREQ(rec, "t_args|one two");
	KT_ROW("argc 0");
	KT_EQ(shell_exec(&sh, 0, argv), 0);
	KT_EQ(calls, 1);
}

static void test_crlf(void)
{
	KT_ROW("translated");
	fresh_shell();
	shell_set_crlf(&sh, true);
	KT_EQ(shell_exec_line(&sh, "t_out"), 0);
	KT_STREQ(out, "line1\r\nline2\r\n");
	KT_ROW("interactive enter");
	reset();
	feed("t_out\r");
	KT_STREQ(out, "t_out\r\nline1\r\nline2\r\n" PROMPT);
}

/* ---- line editor --------------------------------------------------------- */

struct edit_row {
	const char *name;
	const char *keys;
	int calls;
	const char *argv; /* of the last run */
	const char *echo; /* everything written, prompt excluded at the start */
};

static void run_edit_rows(const struct edit_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct edit_row *r = &rows[i];
		KT_ROW(r->name);
		fresh_shell();
		feed(r->keys);
		KT_EQ(calls, r->calls);
		KT_STREQ(rec, r->argv);
		if (r->echo != NULL) {
			KT_STREQ(out, r->echo);
		}
	}
}

static void test_enter_keys(void)
{
	static const struct edit_row rows[] = {
		{"CR", "t_args x\r", 1, "t_args|x", "t_args x\n" PROMPT},
		{"lone LF", "t_args x\n", 1, "t_args|x", "t_args x\n" PROMPT},
		{"CR LF is one Enter", "t_args 1\r\nt_args 2\r\n", 2, "t_args|2",
		 "t_args 1\n" PROMPT "t_args 2\n" PROMPT},
		{"LF LF is two", "\n\n", 0, "", "\n" PROMPT "\n" PROMPT},
		{"CR CR is two", "\r\r", 0, "", "\n" PROMPT "\n" PROMPT},
		{"LF CR is two", "\n\r", 0, "", "\n" PROMPT "\n" PROMPT},
		{"CR NUL LF (telnet)", "t_args a\r", 1, "t_args|a", NULL},
		{"no Enter, no run", "t_args x", 0, "", "t_args x"},
		{"unknown command echoes", "nope\r", 0, "",
		 "nope\nunknown command: nope (try 'help')\n" PROMPT},
	};
	run_edit_rows(rows, sizeof(rows) / sizeof(rows[0]));

	KT_ROW("CR NUL LF");
	fresh_shell();
	shell_input(&sh, (const uint8_t *)"t_args a\r\0\n", 11);
	KT_EQ(calls, 1);
	KT_STREQ(out, "t_args a\n" PROMPT);
}

static void test_editing_keys(void)
{
	static const struct edit_row rows[] = {
		{"DEL", "t_argz\x7fs\r", 1, "t_args", "t_argz\b\x1b[Ks\n" PROMPT},
		{"BS", "t_argz\bs\r", 1, "t_args", NULL},
		{"backspace at start rings", "\x7ft_args\r", 1, "t_args", "\at_args\n" PROMPT},
		{"left then insert", "t_args ac\x1b[Db\r", 1, "t_args|abc",
		 "t_args ac\bbc\x1b[K\b\n" PROMPT},
		{"ctrl-b ctrl-f",
		 "t_args ac\x02\x02\x06"
		 "b\r",
		 1, "t_args|abc", NULL},
		{"right past end stays", "t_args a\x1b[C\x1b[Cb\r", 1, "t_args|ab", NULL},
		{"left past start stays", "x\x1b[D\x1b[D\x1b[Dy\r", 0, "", NULL},
		{"ctrl-a inserts at start", "args\x01t_\r", 1, "t_args",
		 "args\x1b[4Dtargs\x1b[K\x1b[4D_args\x1b[K\x1b[4D\n" PROMPT},
		{"ctrl-e",
		 "t_ x\x01\x06\x06"
		 "args\x05y\r",
		 1, "t_args|xy", NULL},
		{"home CSI H, end CSI F", "rgs b\x1b[Ht_a\x1b[Fc\r", 1, "t_args|bc", NULL},
		{"home SS3 H, end SS3 F", "rgs b\x1bOHt_a\x1bOFc\r", 1, "t_args|bc", NULL},
		{"home 1~, end 4~", "rgs b\x1b[1~t_a\x1b[4~c\r", 1, "t_args|bc", NULL},
		{"home 7~, end 8~", "rgs b\x1b[7~t_a\x1b[8~c\r", 1, "t_args|bc", NULL},
		{"delete 3~", "t_args abc\x1b[D\x1b[D\x1b[3~\r", 1, "t_args|ac",
		 "t_args abc\b\bc\x1b[K\b\n" PROMPT},
		{"delete at end does nothing", "t_args a\x1b[3~\r", 1, "t_args|a", NULL},
		{"ctrl-d deletes mid-line", "t_args abc\x01\x04\r", 0, "", NULL},
		{"ctrl-k", "t_args abc\x1b[D\x1b[D\x0b\r", 1, "t_args|a", NULL},
		{"ctrl-u", "junk\x15t_args\r", 1, "t_args", "junk\x1b[4D\x1b[Kt_args\n" PROMPT},
		{"ctrl-u mid-line keeps the rest", "xx t_args\x01\x06\x06\x06\x15\r", 1, "t_args",
		 NULL},
		{"ctrl-w",
		 "t_args foo bar\x17"
		 "baz\r",
		 1, "t_args|foo|baz", NULL},
		{"ctrl-w eats blanks first", "t_args foo bar  \x17\r", 1, "t_args|foo", NULL},
		{"ctrl-w at start", "\x17t_args\r", 1, "t_args", NULL},
		{"ctrl-c abandons", "t_args x\x03t_args y\r", 1, "t_args|y",
		 "t_args x^C\n" PROMPT "t_args y\n" PROMPT},
		{"ctrl-l redraws", "t_args ab\x1b[D\x0c\r", 1, "t_args|ab",
		 "t_args ab\b\x1b[2J\x1b[H" PROMPT "t_args ab\x1b[K\b\n" PROMPT},
		{"other controls ignored", "t_args\x07\x0e\x10\x12 a\r", 1, "t_args|a", NULL},
		{"high bytes ignored", "t_args \xc3\xa9x\xff\r", 1, "t_args|x",
		 "t_args x\n" PROMPT},
		{"tab in a quoted argument rings", "t_args \"a\tb\"\r", 1, "t_args|ab", NULL},
	};
	run_edit_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_escape_sequences(void)
{
	static const struct edit_row rows[] = {
		{"unknown CSI ignored", "t_args x\x1b[15~y\r", 1, "t_args|xy",
		 "t_args xy\n" PROMPT},
		{"CSI with parameters", "t_args x\x1b[1;5Cy\r", 1, "t_args|xy", NULL},
		{"private CSI", "t_args x\x1b[?25hy\r", 1, "t_args|xy", NULL},
		{"huge parameter saturates", "t_args x\x1b[99999999999~y\r", 1, "t_args|xy", NULL},
		{"alt-x dropped", "t_args a\x1bxb\r", 1, "t_args|ab", NULL},
		{"ESC ESC [ D", "t_args ab\x1b\x1b[Dc\r", 1, "t_args|acb", NULL},
		{"ESC then control aborts", "t_ar\x1b\x01x\r", 0, "", NULL},
		{"CSI then control aborts", "t_args\x1b[\r", 1, "t_args", NULL},
		{"SS3 then control aborts", "t_args\x1bO\r", 1, "t_args", NULL},
		{"unknown SS3 ignored (F1)", "t_args a\x1bOPb\r", 1, "t_args|ab", NULL},
		{"sequence split across calls", "t_args a\x1b", 0, "", NULL},
	};
	run_edit_rows(rows, sizeof(rows) / sizeof(rows[0]));

	KT_ROW("split sequence completes");
	feed("[Db\r");
	KT_EQ(calls, 1);
	KT_STREQ(rec, "t_args|ba");
}

static void test_eof(void)
{
	KT_ROW("ctrl-d on an empty line");
	fresh_shell();
	KT_ASSERT(!shell_eof(&sh));
	feed("\x04");
	KT_ASSERT(shell_eof(&sh));
	KT_STREQ(out, "");
	KT_ROW("ctrl-d with text");
	fresh_shell();
	feed("ab\x04");
	KT_ASSERT(!shell_eof(&sh));
}

static void test_overflow(void)
{
	char keys[300];

	KT_ROW("too long interactive");
	fresh_shell();
	memset(keys, 'a', 200);
	memcpy(keys, "t_args ", 7);
	keys[200] = '\r';
	keys[201] = '\0';
	feed(keys);
	KT_EQ(calls, 0);
	/* 127 echoed, 73 bells, the error, a prompt. */
	KT_EQ(out_len, 127 + 73 + 1 + strlen("error: line too long (max 127 characters)\n") +
			       strlen(PROMPT));
	KT_ASSERT(strstr(out, "\nerror: line too long (max 127 characters)\n" PROMPT) != NULL);
	KT_ROW("next line works");
	reset();
	feed("t_args ok\r");
	KT_EQ(calls, 1);
	KT_STREQ(rec, "t_args|ok");
	KT_ROW("exactly full line runs");
	fresh_shell();
	keys[127] = '\r';
	keys[128] = '\0';
	feed(keys);
	KT_EQ(calls, 1);
	KT_EQ(strlen(rec), 127);
	KT_ROW("insert into a full line");
	fresh_shell();
	keys[127] = '\0';
	feed(keys);
	feed("\x01X\x7f\r"); /* the X is refused; backspace at 0 rings */
	KT_EQ(calls, 0);
	KT_ASSERT(strstr(out, "error: line too long") != NULL);
	KT_ROW("too many arguments interactive");
	fresh_shell();
	feed("t_args 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\r");
	KT_EQ(calls, 0);
	KT_ASSERT(strstr(out, "\nerror: too many arguments (max 16)\n" PROMPT) != NULL);
}

/* ---- history ------------------------------------------------------------- */

static void test_history(void)
{
	static const struct edit_row rows[] = {
		{"up runs the last", "t_args 1\rt_args 2\r\x1b[A\r", 3, "t_args|2", NULL},
		{"up up", "t_args 1\rt_args 2\r\x1b[A\x1b[A\r", 3, "t_args|1", NULL},
		{"up up down", "t_args 1\rt_args 2\r\x1b[A\x1b[A\x1b[B\r", 3, "t_args|2", NULL},
		{"down past newest clears", "t_args 1\r\x1b[A\x1b[Bt_args 3\r", 2, "t_args|3",
		 NULL},
		{"up past oldest stays", "t_args 1\r\x1b[A\x1b[A\x1b[A\r", 2, "t_args|1", NULL},
		{"SS3 arrows", "t_args 1\rt_args 2\r\x1bOA\x1bOA\r", 3, "t_args|1", NULL},
		{"ctrl-p ctrl-n", "t_args 1\rt_args 2\r\x10\x10\x0e\r", 3, "t_args|2", NULL},
		{"recalled line is editable",
		 "t_args 1\r\x1b[A\x7f"
		 "9\r",
		 2, "t_args|9", NULL},
		{"duplicates stored once", "t_args 1\rt_args 2\rt_args 2\r\x1b[A\x1b[A\r", 4,
		 "t_args|1", NULL},
		{"empty lines not stored", "t_args 1\r\r\r\x1b[A\r", 2, "t_args|1", NULL},
		{"refused lines stored", "t_args \"x\r\x1b[A\"\r", 1, "t_args|x", NULL},
		{"up with empty history rings", "\x1b[A", 0, "", "\a"},
		{"recall echo", "t_args 1\rxyz\x1b[A", 1, "t_args|1",
		 "t_args 1\n" PROMPT "xyz\x1b[3Dt_args 1\x1b[K"},
	};
	run_edit_rows(rows, sizeof(rows) / sizeof(rows[0]));

	/* Ring wrap: 10 lines, only the newest 8 remain. */
	KT_ROW("ring keeps the newest");
	fresh_shell();
	for (int i = 0; i < 10; i++) {
		char line[32];
		snprintf(line, sizeof(line), "t_args %d\r", i);
		feed(line);
	}
	for (int i = 0; i < CONFIG_SHELL_HISTORY; i++) {
		feed("\x1b[A");
	}
	reset();
	feed("\x1b[A"); /* one more than the ring holds: a bell */
	KT_STREQ(out, "\a");
	feed("\r");
	KT_STREQ(rec, "t_args|2");
}

/* ---- completion ---------------------------------------------------------- */

static void test_completion(void)
{
	static const struct edit_row rows[] = {
		{"unique", "hel\t", 0, "", "help "},
		{"unique runs", "t_ar\tx\r", 1, "t_args|x",
		 "t_ar"
		 "gs x\n" PROMPT},
		{"common prefix extends", "cmp\t", 0, "", "cmp-alp"},
		{"ambiguous lists", "t_\t", 0, "",
		 "t_\nt_args  t_fail  t_out  t_priv  \n" PROMPT "t_\x1b[K"},
		{"extend then list", "cmp\t\t", 0, "",
		 "cmp-alp\ncmp-alpha  cmp-alps  \n" PROMPT "cmp-alp\x1b[K"},
		{"empty line lists all", "\t", 0, "",
		 "\ncmp-alpha  cmp-alps  help  t_args  t_fail  t_out  t_priv  \n" PROMPT "\x1b[K"},
		{"complete full name adds space", "help\t", 0, "", "help "},
		{"no match rings", "zz\t", 0, "", "zz\a"},
		{"arguments do not complete", "t_args he\t", 0, "", "t_args he\a"},
		{"mid-word completes before cursor", "t_a x\x01\x06\x06\x06\t\r", 1, "t_args|x",
		 NULL},
	};
	run_edit_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_prompt(void)
{
	KT_ROW("default");
	fresh_shell();
	shell_start(&sh);
	KT_STREQ(out, PROMPT);
	KT_ROW("custom");
	reset();
	shell_set_prompt(&sh, "dev$ ");
	feed("t_args\r");
	KT_STREQ(out, "t_args\ndev$ ");
}

static const struct kt_case cases[] = {
	KT_CASE(test_registry),	    KT_CASE(test_strerror),
	KT_CASE(test_tokenize),	    KT_CASE(test_line_length),
	KT_CASE(test_exec),	    KT_CASE(test_exec_argv),
	KT_CASE(test_crlf),	    KT_CASE(test_enter_keys),
	KT_CASE(test_editing_keys), KT_CASE(test_escape_sequences),
	KT_CASE(test_eof),	    KT_CASE(test_overflow),
	KT_CASE(test_history),	    KT_CASE(test_completion),
	KT_CASE(test_prompt),
};

int main(void)
{
	return KT_RUN("shell", cases, NULL);
}
