/*
 * The Kestrel shell: a line editor and command interpreter over any byte
 * stream (the console, a UART, a telnet session).
 *
 * A struct shell is a pure state machine: feed it keystrokes with
 * shell_input() and it echoes, edits, keeps history and runs commands,
 * writing everything through the write callback given to shell_init(). It
 * never blocks, allocates or calls the kernel, so one task may drive many
 * shells and unit tests drive it directly. shell_exec_line() runs one line
 * without any echo (scripts, tests, remote sessions).
 *
 * Commands register themselves at link time with SHELL_CMD() from any
 * subsystem: each places a const struct shell_cmd in the "shell_cmds"
 * linker section, which the shell walks. Static libraries drop objects
 * nobody references, so link command libraries as whole archives (see
 * docs/shell.md).
 *
 * Every command gets -h / --help from the core, which prints its help
 * text. A command flagged SHELL_CMD_PRIV runs only in a privileged shell
 * (the local console; telnet sessions after login) and is otherwise
 * refused with -EACCES. Handlers return 0 or a negative errno; the shell
 * prints "error: EACCES (permission denied)" for a negative return.
 *
 * A shell is not re-entrant: a handler must not call shell_input() or
 * shell_exec_line() on its own shell.
 */
#ifndef KESTREL_OS_SHELL_H
#define KESTREL_OS_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>

/* ---- configuration ------------------------------------------------------ */

/* Longest line, in bytes including the terminating NUL (127 characters). */
#ifndef CONFIG_SHELL_LINE_MAX
#define CONFIG_SHELL_LINE_MAX 128
#endif

/* Lines kept in each shell's history ring (0 disables history). */
#ifndef CONFIG_SHELL_HISTORY
#define CONFIG_SHELL_HISTORY 8
#endif

/* Most arguments a command line may have, the command name included. */
#ifndef CONFIG_SHELL_ARGC_MAX
#define CONFIG_SHELL_ARGC_MAX 16
#endif

/* Prompt every new shell starts with. */
#ifndef CONFIG_SHELL_PROMPT
#define CONFIG_SHELL_PROMPT "kestrel> "
#endif

/* Stack of the console shell task (bytes, before the port's headroom). */
#ifndef CONFIG_SHELL_STACK_SIZE
#define CONFIG_SHELL_STACK_SIZE 2048
#endif

/*
 * Whether the console shell writes "\r\n" for "\n". Off by default: the
 * console drivers translate already (the hosted tty keeps OPOST, UART
 * drivers write CR LF). Telnet sessions turn it on per shell.
 */
#ifndef CONFIG_SHELL_CONSOLE_CRLF
#define CONFIG_SHELL_CONSOLE_CRLF 0
#endif

/* Tasks and pools the `ps` and `mem` built-ins show (stack arrays). */
#ifndef CONFIG_SHELL_PS_MAX
#define CONFIG_SHELL_PS_MAX 24
#endif
#ifndef CONFIG_SHELL_MEM_MAX
#define CONFIG_SHELL_MEM_MAX 16
#endif

_Static_assert(CONFIG_SHELL_LINE_MAX >= 16 && CONFIG_SHELL_LINE_MAX <= 4096,
	       "CONFIG_SHELL_LINE_MAX must be 16..4096");
_Static_assert(CONFIG_SHELL_HISTORY >= 0 && CONFIG_SHELL_HISTORY <= 64,
	       "CONFIG_SHELL_HISTORY must be 0..64");
_Static_assert(CONFIG_SHELL_ARGC_MAX >= 2 && CONFIG_SHELL_ARGC_MAX <= 64,
	       "CONFIG_SHELL_ARGC_MAX must be 2..64");

/* ---- commands ------------------------------------------------------------ */

struct shell;

/* Receives output bytes (not NUL-terminated). Same shape as kfmt_sink. */
typedef void (*shell_write_fn)(void *ctx, const char *s, size_t n);

/* A command: argv[0] is its name, argv[argc] is NULL. Returns 0 or -errno. */
typedef int (*shell_cmd_fn)(struct shell *sh, int argc, char **argv);

#define SHELL_CMD_PRIV 0x1u /* runs only in a privileged shell */

struct shell_cmd {
	const char *name;
	shell_cmd_fn handler;
	/* First line: the summary `help` lists; further lines: usage details. */
	const char *help;
	uintptr_t flags; /* SHELL_CMD_*; pointer-sized so entries pack without gaps */
};

/*
 * Registers a command whose name is a C identifier:
 *   SHELL_CMD(uptime, cmd_uptime, "time since boot", 0);
 * SHELL_CMD_NAMED() takes any name: SHELL_CMD_NAMED(tpm_pcr, "tpm-pcr", ...).
 */
#define SHELL_CMD_NAMED(id, name_str, handler_fn, help_str, cmd_flags)                    \
	static const struct shell_cmd shell_cmd_##id                                      \
		__attribute__((used, section("shell_cmds"), aligned(sizeof(void *)))) = { \
			(name_str), (handler_fn), (help_str), (cmd_flags)}
#define SHELL_CMD(name, handler_fn, help_str, cmd_flags) \
	SHELL_CMD_NAMED(name, #name, handler_fn, help_str, cmd_flags)

/* Number of registered commands, and the i-th (link order), NULL past the end. */
size_t shell_cmd_count(void);
const struct shell_cmd *shell_cmd_at(size_t i);

/* The command called `name` (the first registered, if two share it), or NULL. */
const struct shell_cmd *shell_cmd_find(const char *name);

/* ---- shells -------------------------------------------------------------- */

/* Fields are private to the shell; use the functions below. */
struct shell {
	shell_write_fn write;
	void *ctx;
	const char *prompt;
	void *user; /* free for the owner (e.g. the telnet session) */
	bool privileged;
	bool crlf;     /* translate "\n" to "\r\n" on output */
	bool eof;      /* Ctrl-D was typed on an empty line */
	bool overflow; /* the line being typed lost characters */
	bool last_cr;  /* the previous byte was CR (for CR LF) */
	uint8_t esc;   /* escape-sequence parser state */
	uint8_t esc_arg;
	uint16_t len;	   /* bytes in line[] */
	uint16_t cur;	   /* cursor, 0..len */
	int8_t hist_pos;   /* -1 editing a new line, else 0 = newest entry */
	uint8_t hist_head; /* next slot to write */
	uint8_t hist_count;
	char line[CONFIG_SHELL_LINE_MAX];
	char args[CONFIG_SHELL_LINE_MAX]; /* tokenised copy argv[] points into */
	char *argv[CONFIG_SHELL_ARGC_MAX + 1];
	char hist[CONFIG_SHELL_HISTORY > 0 ? CONFIG_SHELL_HISTORY : 1][CONFIG_SHELL_LINE_MAX];
};

/*
 * Prepares a shell writing to write(ctx, ...): empty line and history,
 * prompt CONFIG_SHELL_PROMPT, not privileged, no CRLF translation. Prints
 * nothing; call shell_start() to show the first prompt.
 */
void shell_init(struct shell *sh, shell_write_fn write, void *ctx);

/* Sets the prompt (kept by reference). */
void shell_set_prompt(struct shell *sh, const char *prompt);

void shell_set_privileged(struct shell *sh, bool privileged);
bool shell_is_privileged(const struct shell *sh);

/* Turns "\n" -> "\r\n" output translation on or off. */
void shell_set_crlf(struct shell *sh, bool crlf);

/* Prints the prompt (the start of an interactive session). */
void shell_start(struct shell *sh);

/*
 * Processes keystrokes: printable characters, editing keys, VT100 cursor
 * and history sequences, Tab completion, and Enter (CR, LF or CR LF), which
 * runs the line and prints the prompt again. Bytes >= 0x80 are ignored.
 * See docs/shell.md for the key table.
 */
void shell_input(struct shell *sh, const uint8_t *bytes, size_t n);

/* True once Ctrl-D was typed on an empty line (the session wants to end). */
bool shell_eof(const struct shell *sh);

/*
 * Tokenises and runs one line, without echo or prompt. Quoting: "..." (with
 * \" and \\ inside), '...' (literal), and \x outside quotes; quoted parts
 * join their neighbours as in sh ("a"b is ab). Returns what the command
 * returned, or:
 * @retval 0 the line was empty
 * @retval -EMSGSIZE the line has CONFIG_SHELL_LINE_MAX or more characters, or
 *         more than CONFIG_SHELL_ARGC_MAX arguments (nothing runs)
 * @retval -EINVAL an unterminated quote (nothing runs)
 * @retval -ENOENT no such command
 * @retval -EACCES a privileged command in an unprivileged shell
 * Each of these prints its message, as does any negative command result.
 */
int shell_exec_line(struct shell *sh, const char *line);

/* Runs an already split command line (argv[argc] must be NULL); as above. */
int shell_exec(struct shell *sh, int argc, char **argv);

/* ---- output (for command handlers) -------------------------------------- */

void shell_write(struct shell *sh, const char *s, size_t n);
void shell_puts(struct shell *sh, const char *s);
int shell_printf(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a command's help text (what `help NAME` and `NAME -h` show). */
void shell_print_help(struct shell *sh, const struct shell_cmd *cmd);

/*
 * "EACCES (permission denied)" for -EACCES (or EACCES), NULL for a code the
 * table does not know (the shell then prints "error: errno N").
 */
const char *shell_strerror(int err);

/* ---- built-ins and the console (library kestrel_shell_cmds) --------------- */

/*
 * Restarts the board. The default (a weak definition in the built-ins)
 * calls os_exit(0); a board overrides it with its reset sequence.
 */
void board_reboot(void);

/*
 * Starts the console shell task at priority prio: a privileged shell whose
 * output goes to os_console_write() and whose input is os_console_getc().
 * Call once, after os_init().
 */
void shell_console_start(unsigned prio);

#endif /* KESTREL_OS_SHELL_H */
