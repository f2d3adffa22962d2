/*
 * Shell core, part 1: the command registry, tokenising and running lines,
 * help, error names, and output. Part 2 (shell.c) is the line editor.
 *
 * The registry is the "shell_cmds" linker section: every SHELL_CMD() is a
 * pointer-aligned const struct shell_cmd placed there, and the linker
 * brackets the section with __start_shell_cmds / __stop_shell_cmds (GNU ld
 * does so for any section whose name is a C identifier; the Cortex-M
 * linker script defines them explicitly). The symbols are weak so a
 * program without a single command still links. struct shell_cmd is four
 * pointer-sized fields, so entries sit back to back with no padding.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/os/shell.h>

#include "shell_internal.h"

extern const struct shell_cmd __start_shell_cmds[] __attribute__((weak));
extern const struct shell_cmd __stop_shell_cmds[] __attribute__((weak));

_Static_assert(sizeof(struct shell_cmd) == 4 * sizeof(void *),
	       "shell_cmd entries must pack without padding");

size_t shell_cmd_count(void)
{
	if (__start_shell_cmds == NULL || __stop_shell_cmds == NULL) {
		return 0;
	}
	return (size_t)(__stop_shell_cmds - __start_shell_cmds);
}

const struct shell_cmd *shell_cmd_at(size_t i)
{
	return i < shell_cmd_count() ? &__start_shell_cmds[i] : NULL;
}

const struct shell_cmd *shell_cmd_find(const char *name)
{
	size_t n = shell_cmd_count();

	for (size_t i = 0; i < n; i++) {
		if (strcmp(__start_shell_cmds[i].name, name) == 0) {
			return &__start_shell_cmds[i];
		}
	}
	return NULL;
}

/* ---- output -------------------------------------------------------------- */

void shell_write(struct shell *sh, const char *s, size_t n)
{
	size_t start = 0;

	if (!sh->crlf) {
		if (n > 0) {
			sh->write(sh->ctx, s, n);
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (i > start) {
				sh->write(sh->ctx, s + start, i - start);
			}
			sh->write(sh->ctx, "\r\n", 2);
			start = i + 1;
		}
	}
	if (n > start) {
		sh->write(sh->ctx, s + start, n - start);
	}
}

void shell_puts(struct shell *sh, const char *s)
{
	shell_write(sh, s, strlen(s));
}

static void shell_sink(void *ctx, const char *s, size_t n)
{
	shell_write(ctx, s, n);
}

int shell_printf(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vformat(shell_sink, sh, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- error names --------------------------------------------------------- */

struct shell_errname {
	uint8_t code;
	const char *text;
};

/* Names and the project-wide meaning of each code (include/kestrel/errno.h). */
static const struct shell_errname shell_errnames[] = {
	{EPERM, "EPERM (not allowed)"},
	{ENOENT, "ENOENT (no such object)"},
	{EINTR, "EINTR (wait aborted)"},
	{EIO, "EIO (device or transport error)"},
	{EBADF, "EBADF (bad descriptor)"},
	{EAGAIN, "EAGAIN (timed out)"},
	{ENOMEM, "ENOMEM (pool empty)"},
	{EACCES, "EACCES (permission denied)"},
	{EFAULT, "EFAULT (bad address)"},
	{EBUSY, "EBUSY (would block)"},
	{EEXIST, "EEXIST (already exists)"},
	{ENODEV, "ENODEV (no such device)"},
	{EINVAL, "EINVAL (invalid argument)"},
	{ENOSPC, "ENOSPC (no space left)"},
	{ERANGE, "ERANGE (out of range)"},
	{EDEADLK, "EDEADLK (would deadlock)"},
	{ENAMETOOLONG, "ENAMETOOLONG (name too long)"},
	{ENOSYS, "ENOSYS (no such call)"},
	{ENODATA, "ENODATA (no data available)"},
	{ETIME, "ETIME (timer expired)"},
	{EPROTO, "EPROTO (protocol error)"},
	{EBADMSG, "EBADMSG (corrupt or uncorrectable)"},
	{EOVERFLOW, "EOVERFLOW (value too large)"},
	{EMSGSIZE, "EMSGSIZE (does not fit)"},
	{ENOPROTOOPT, "ENOPROTOOPT (protocol option not available)"},
	{EPROTONOSUPPORT, "EPROTONOSUPPORT (protocol not supported)"},
	{ENOTSUP, "ENOTSUP (not built in)"},
	{EAFNOSUPPORT, "EAFNOSUPPORT (address family not supported)"},
	{EADDRINUSE, "EADDRINUSE (address in use)"},
	{EADDRNOTAVAIL, "EADDRNOTAVAIL (address not available)"},
	{ENETDOWN, "ENETDOWN (network is down)"},
	{ENETUNREACH, "ENETUNREACH (network unreachable)"},
	{ECONNABORTED, "ECONNABORTED (connection aborted)"},
	{ECONNRESET, "ECONNRESET (connection reset)"},
	{ENOBUFS, "ENOBUFS (no buffer space)"},
	{EISCONN, "EISCONN (already connected)"},
	{ENOTCONN, "ENOTCONN (not connected)"},
	{ESHUTDOWN, "ESHUTDOWN (shut down)"},
	{ETIMEDOUT, "ETIMEDOUT (connection timed out)"},
	{ECONNREFUSED, "ECONNREFUSED (connection refused)"},
	{EHOSTUNREACH, "EHOSTUNREACH (host unreachable)"},
	{EALREADY, "EALREADY (already in progress)"},
	{EINPROGRESS, "EINPROGRESS (in progress)"},
	{EOWNERDEAD, "EOWNERDEAD (owner died)"},
};

const char *shell_strerror(int err)
{
	if (err < 0) {
		err = -err;
	}
	for (size_t i = 0; i < sizeof(shell_errnames) / sizeof(shell_errnames[0]); i++) {
		if (shell_errnames[i].code == err) {
			return shell_errnames[i].text;
		}
	}
	return NULL;
}

static void print_error(struct shell *sh, int err)
{
	const char *text = shell_strerror(err);

	if (text != NULL) {
		shell_printf(sh, "error: %s\n", text);
	} else {
		shell_printf(sh, "error: errno %d\n", -err);
	}
}

/* ---- help ---------------------------------------------------------------- */

void shell_print_help(struct shell *sh, const struct shell_cmd *cmd)
{
	const char *help = cmd->help != NULL ? cmd->help : "";

	shell_printf(sh, "%s - %s\n", cmd->name, help);
	if (cmd->flags & SHELL_CMD_PRIV) {
		shell_puts(sh, "(privileged: needs the console or a login)\n");
	}
}

/* Quadratic in the number of commands, but there are only a few dozen. */
const struct shell_cmd *shell_cmd_next_sorted(const struct shell_cmd *prev)
{
	const struct shell_cmd *best = NULL;
	size_t n = shell_cmd_count();

	for (size_t i = 0; i < n; i++) {
		const struct shell_cmd *c = &__start_shell_cmds[i];
		if (prev != NULL && strcmp(c->name, prev->name) <= 0) {
			continue;
		}
		if (best == NULL || strcmp(c->name, best->name) < 0) {
			best = c;
		}
	}
	return best;
}

static void list_commands(struct shell *sh)
{
	const struct shell_cmd *c;
	int width = 0;

	for (c = shell_cmd_next_sorted(NULL); c != NULL; c = shell_cmd_next_sorted(c)) {
		int len = (int)strlen(c->name);
		width = len > width ? len : width;
	}
	for (c = shell_cmd_next_sorted(NULL); c != NULL; c = shell_cmd_next_sorted(c)) {
		const char *help = c->help != NULL ? c->help : "";
		const char *nl = strchr(help, '\n');
		int hlen = nl != NULL ? (int)(nl - help) : (int)strlen(help);
		shell_printf(sh, "  %-*s  %.*s\n", width, c->name, hlen, help);
	}
}

static int cmd_help(struct shell *sh, int argc, char **argv)
{
	if (argc == 1) {
		shell_puts(sh, "Commands (NAME -h for details):\n");
		list_commands(sh);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const struct shell_cmd *c = shell_cmd_find(argv[i]);
		if (c == NULL) {
			shell_printf(sh, "help: no such command: %s\n", argv[i]);
			return -ENOENT;
		}
		shell_print_help(sh, c);
	}
	return 0;
}

SHELL_CMD(help, cmd_help, "list commands, or show one's help\nusage: help [COMMAND...]", 0);

/* ---- tokenising and running ---------------------------------------------- */

/*
 * Splits s in place into argv[0..max), NULL-terminated, and returns argc.
 * Output never outgrows input (quotes and backslashes only disappear), so
 * the write pointer w trails the read pointer r.
 * @retval -EMSGSIZE more than max arguments
 * @retval -EINVAL an unterminated quote
 */
static int tokenize(char *s, char **argv, int max)
{
	char *r = s, *w = s;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (*r == ' ' || *r == '\t') {
			r++;
		}
		if (*r == '\0') {
			break;
		}
		if (argc == max) {
			return -EMSGSIZE;
		}
		argv[argc++] = w;
		while (*r != '\0' && (quote != 0 || (*r != ' ' && *r != '\t'))) {
			if (quote != 0 && *r == quote) {
				quote = 0;
				r++;
			} else if (quote == 0 && (*r == '"' || *r == '\'')) {
				quote = *r++;
			} else if (*r == '\\' && quote != '\'' && r[1] != '\0' &&
				   (quote == 0 || r[1] == '"' || r[1] == '\\')) {
				r++;
				*w++ = *r++;
			} else {
				*w++ = *r++;
			}
		}
		if (quote != 0) {
			return -EINVAL;
		}
		char end = *r;
		*w++ = '\0'; /* may overwrite the separator r points at: saved in end */
		if (end == '\0') {
			break;
		}
		r++;
	}
	argv[argc] = NULL;
	return argc;
}

int shell_exec(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *cmd;
	int ret;

	if (argc < 1) {
		return 0;
	}
	cmd = shell_cmd_find(argv[0]);
	if (cmd == NULL) {
		shell_printf(sh, "unknown command: %s (try 'help')\n", argv[0]);
		return -ENOENT;
	}
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		shell_print_help(sh, cmd);
		return 0;
	}
	if ((cmd->flags & SHELL_CMD_PRIV) && !sh->privileged) {
		ret = -EACCES;
	} else {
		ret = cmd->handler(sh, argc, argv);
	}
	if (ret < 0) {
		print_error(sh, ret);
	}
	return ret;
}

int shell_exec_line(struct shell *sh, const char *line)
{
	size_t len = 0;
	int argc;

	while (len < CONFIG_SHELL_LINE_MAX && line[len] != '\0') {
		len++;
	}
	if (len >= CONFIG_SHELL_LINE_MAX) {
		shell_printf(sh, "error: line too long (max %d characters)\n",
			     CONFIG_SHELL_LINE_MAX - 1);
		return -EMSGSIZE;
	}
	memcpy(sh->args, line, len + 1);
	argc = tokenize(sh->args, sh->argv, CONFIG_SHELL_ARGC_MAX);
	if (argc == -EMSGSIZE) {
		shell_printf(sh, "error: too many arguments (max %d)\n", CONFIG_SHELL_ARGC_MAX);
		return argc;
	}
	if (argc == -EINVAL) {
		shell_puts(sh, "error: unterminated quote\n");
		return argc;
	}
	return shell_exec(sh, argc, sh->argv);
}
