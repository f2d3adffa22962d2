/*
 * Fuzzes the shell line editor and tokeniser with arbitrary keystrokes:
 * escape sequences, control keys, history, completion, overlong lines,
 * quotes. The first byte picks privileged/CRLF mode and how the rest is
 * split into shell_input() calls (so sequences straddle calls). After every
 * call the editor's invariants must hold, and every argv a command sees
 * must be a proper NULL-terminated vector of strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/os/shell.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t out_bytes;

static void sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	/* Touch every byte so ASan sees reads past a bad length. */
	for (size_t i = 0; i < n; i++) {
		out_bytes += (unsigned char)s[i] != 0xff;
	}
}

static int cmd_fz_args(struct shell *sh, int argc, char **argv)
{
	if (argc < 1 || argc > CONFIG_SHELL_ARGC_MAX || argv[argc] != NULL) {
		abort();
	}
	for (int i = 0; i < argc; i++) {
		if (strlen(argv[i]) >= CONFIG_SHELL_LINE_MAX) {
			abort();
		}
		shell_printf(sh, "[%s]", argv[i]);
	}
	return argc > 3 ? -22 : 0;
}

static int cmd_fz_priv(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!shell_is_privileged(sh)) {
		abort(); /* the core must refuse first */
	}
	return 0;
}

SHELL_CMD(fz_args, cmd_fz_args, "print arguments", 0);
SHELL_CMD(fz_argv, cmd_fz_args, "same, for completion", 0);
SHELL_CMD(fz_priv, cmd_fz_priv, "privileged", SHELL_CMD_PRIV);

static void check(const struct shell *sh)
{
	if (sh->len >= CONFIG_SHELL_LINE_MAX || sh->cur > sh->len ||
	    sh->hist_count > CONFIG_SHELL_HISTORY || sh->hist_pos >= (int)sh->hist_count ||
	    sh->hist_pos < -1) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shell sh;
	size_t chunk;

	if (size < 1) {
		return 0;
	}
	shell_init(&sh, sink, NULL);
	shell_set_privileged(&sh, data[0] & 1);
	shell_set_crlf(&sh, (data[0] & 2) != 0);
	chunk = (size_t)(data[0] >> 2) + 1; /* 1..64 bytes per call */
	data++;
	size--;
	shell_start(&sh);
	while (size > 0) {
		size_t n = size < chunk ? size : chunk;
		shell_input(&sh, data, n);
		check(&sh);
		data += n;
		size -= n;
	}
	return 0;
}
