/*
 * The `passwd` shell command: provisions the telnet login password. It is
 * privileged (the console, or a logged-in telnet session), and the typed
 * password is only ever kept as its hash.
 *
 * Link kestrel_app_telnetd as a whole archive for the command to exist
 * (docs/shell.md).
 */
#include <string.h>

#include <kestrel/apps/telnetd.h>
#include <kestrel/os/shell.h>

static int cmd_passwd(struct shell *sh, int argc, char **argv)
{
	char hash[TELNETD_HASH_MAX];
	int rc;

	if (argc != 2) {
		shell_puts(sh, "usage: passwd PASSWORD | passwd -d | passwd --hash\n");
		return -EINVAL;
	}
	if (strcmp(argv[1], "-d") == 0) {
		telnetd_set_password(NULL);
		shell_puts(sh, "telnet password removed; telnet logins are disabled\n");
		return 0;
	}
	if (strcmp(argv[1], "--hash") == 0) {
		rc = telnetd_get_password_hash(hash, sizeof(hash));
		if (rc < 0) {
			return rc;
		}
		shell_printf(sh, "%s\n", hash[0] ? hash : "(no password set)");
		return 0;
	}
	rc = telnetd_set_password(argv[1]);
	if (rc == -EINVAL) {
		shell_printf(sh, "passwd: the password must have 4..%d characters\n",
			     TELNETD_PW_MAX);
		return rc;
	}
	memset(argv[1], 0, strlen(argv[1]));
	shell_puts(sh, rc == 0 ? "telnet password set\n" : "");
	return rc;
}

SHELL_CMD(passwd, cmd_passwd,
	  "set the telnet login password\n"
	  "usage: passwd PASSWORD   set it (stored as a salted PBKDF2-SHA256 hash)\n"
	  "       passwd -d         remove it (telnet logins are then refused)\n"
	  "       passwd --hash     print the stored hash (for telnetd_set_password_hash)",
	  SHELL_CMD_PRIV);
