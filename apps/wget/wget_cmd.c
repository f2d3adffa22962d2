/*
 * The `wget` shell command: wget URL [-O file] [-q].
 * Without -O the body is discarded and its SHA-256 printed:
 *   sha256 <64 hex>  <n> bytes
 */
#include <kestrel/apps/wget.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/os/shell.h>

#include <stdarg.h>
#include <string.h>

static void wget_print(void *ctx, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0) {
		shell_write(ctx, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
}

static int cmd_wget(struct shell *sh, int argc, char **argv)
{
	static struct wget_result res; /* ~600 bytes: off the shell stack */
	struct wget_opts o = {NULL, false, wget_print, sh};
	const char *url = NULL;
	char hex[65];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0) {
			o.quiet = true;
		} else if (strcmp(argv[i], "-O") == 0 && i + 1 < argc) {
			o.out_name = argv[++i];
		} else if (url == NULL && argv[i][0] != '-') {
			url = argv[i];
		} else {
			url = NULL;
			break;
		}
	}
	if (url == NULL) {
		shell_puts(sh, "usage: wget URL [-O file] [-q]\n");
		return -EINVAL;
	}
	rc = wget_fetch(url, &o, &res);
	if (rc < 0) {
		if (res.status != 0) {
			shell_printf(sh, "wget: HTTP status %u\n", res.status);
		}
		return rc;
	}
	if (o.out_name != NULL) {
		shell_printf(sh, "saved %s: %llu bytes in %u ms\n", o.out_name,
			     (unsigned long long)res.bytes, (unsigned)res.ms);
	} else {
		for (int i = 0; i < 32; i++) {
			kfmt_snprintf(hex + 2 * i, 3, "%02x", res.sha256[i]);
		}
		shell_printf(sh, "sha256 %s  %llu bytes\n", hex, (unsigned long long)res.bytes);
	}
	return 0;
}

SHELL_CMD(wget, cmd_wget,
	  "fetch an http:// URL into a RAM file, or hash it\n"
	  "usage: wget URL [-O file] [-q]\n"
	  "  -O file  store the body in the RAM filesystem (see ls, cat)\n"
	  "  -q       no progress lines\n"
	  "without -O prints: sha256 <hex>  <n> bytes",
	  0);
