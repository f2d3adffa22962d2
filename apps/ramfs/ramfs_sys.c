/*
 * The device's RAM filesystem and its shell commands: ls, cat, rm, df.
 *
 * One static struct ramfs (CONFIG_RAMFS_BYTES of arena plus the directory)
 * shared by every shell session and by wget; a mutex serialises them.
 */
#include <kestrel/apps/ramfs.h>
#include <kestrel/os/kernel.h>
#include <kestrel/os/shell.h>

static struct ramfs ramfs_fs;
static bool ramfs_ready;
static OS_MUTEX_DEFINE(ramfs_mutex);

struct ramfs *ramfs_root(void)
{
	if (!ramfs_ready) {
		ramfs_init(&ramfs_fs);
		ramfs_ready = true;
	}
	return &ramfs_fs;
}

void ramfs_lock(void)
{
	(void)os_mutex_lock(&ramfs_mutex, OS_WAIT_FOREVER);
}

void ramfs_unlock(void)
{
	(void)os_mutex_unlock(&ramfs_mutex);
}

static int cmd_ls(struct shell *sh, int argc, char **argv)
{
	struct ramfs_info info;
	unsigned i;

	(void)argv;
	if (argc != 1) {
		return -EINVAL;
	}
	ramfs_lock(); /* the directory stays still while we print it */
	for (i = 0; ramfs_list(ramfs_root(), i, &info) == 0; i++) {
		shell_printf(sh, "%10u  %s\n", (unsigned)info.size, info.name);
	}
	ramfs_unlock();
	return 0;
}

/* Text output: printable ASCII, LF and TAB pass, everything else is '.'. */
static void cat_chunk(struct shell *sh, char *buf, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < ' ' && c != '\n' && c != '\t') || c >= 0x7f) {
			buf[i] = '.';
		}
	}
	shell_write(sh, buf, (size_t)n);
}

static int cmd_cat(struct shell *sh, int argc, char **argv)
{
	char buf[64];
	uint32_t off = 0;
	int n, rc = 0;
	bool nl = true;

	if (argc != 2) {
		return -EINVAL;
	}
	ramfs_lock(); /* the file must not move while we copy out of it */
	for (;;) {
		n = ramfs_read(ramfs_root(), argv[1], off, buf, sizeof(buf));
		if (n <= 0) {
			rc = n;
			break;
		}
		cat_chunk(sh, buf, n);
		nl = buf[n - 1] == '\n';
		off += (uint32_t)n;
	}
	ramfs_unlock();
	if (rc == 0 && !nl) {
		shell_puts(sh, "\n");
	}
	return rc;
}

static int cmd_rm(struct shell *sh, int argc, char **argv)
{
	int rc = 0;

	(void)sh;
	if (argc < 2) {
		return -EINVAL;
	}
	ramfs_lock();
	for (int i = 1; i < argc && rc == 0; i++) {
		rc = ramfs_delete(ramfs_root(), argv[i]);
	}
	ramfs_unlock();
	return rc;
}

static int cmd_df(struct shell *sh, int argc, char **argv)
{
	struct ramfs_usage u;

	(void)argv;
	if (argc != 1) {
		return -EINVAL;
	}
	ramfs_lock();
	ramfs_usage(ramfs_root(), &u);
	ramfs_unlock();
	shell_printf(sh, "ramfs: %u/%u bytes used, %u free, %u/%u files\n", (unsigned)u.used,
		     (unsigned)u.total, (unsigned)(u.total - u.used), (unsigned)u.files,
		     (unsigned)u.max_files);
	return 0;
}

SHELL_CMD(ls, cmd_ls, "list the files of the RAM filesystem\nusage: ls", 0);
SHELL_CMD(cat, cmd_cat, "print a RAM file as text\nusage: cat FILE", 0);
SHELL_CMD(rm, cmd_rm, "delete RAM files\nusage: rm FILE...", 0);
SHELL_CMD(df, cmd_df, "RAM filesystem usage\nusage: df", 0);
