/* The `datalink` shell command: status | start HOST[:PORT] | stop | send TEXT. */
#include <kestrel/apps/datalink.h>
#include <kestrel/os/shell.h>

#include <string.h>

static const char *const dl_state_names[] = {"stopped", "resolving", "connecting", "up", "backoff"};

static void dl_print_status(struct shell *sh)
{
	static struct datalink_status st; /* keep it off the shell stack */

	datalink_get_status(&st);
	shell_printf(sh, "state %s  server %s:%u  backoff %u ms\n",
		     st.state < 5 ? dl_state_names[st.state] : "?", st.host[0] ? st.host : "-",
		     st.port, (unsigned)st.backoff_ms);
	shell_printf(sh, "tx: next seq %u, acked %u, queued %u  rx: delivered %u\n",
		     (unsigned)st.next_seq, (unsigned)st.peer_acked, (unsigned)st.queued,
		     (unsigned)st.delivered);
	shell_printf(sh,
		     "bytes tx %u rx %u  records tx %u rx %u  resent %u dup %u  errors %u "
		     "reconnects %u overruns %u\n",
		     (unsigned)st.cnt.tx_bytes, (unsigned)st.cnt.rx_bytes,
		     (unsigned)st.cnt.tx_records, (unsigned)st.cnt.rx_records,
		     (unsigned)st.cnt.resent, (unsigned)st.cnt.duplicates, (unsigned)st.cnt.errors,
		     (unsigned)st.cnt.reconnects, (unsigned)st.cnt.overruns);
}

static int dl_start_cmd(char *arg)
{
	char *colon = strrchr(arg, ':');
	unsigned port = 0;

	if (colon != NULL) {
		*colon = '\0';
		for (const char *p = colon + 1; *p; p++) {
			if (*p < '0' || *p > '9' || port > 6553) {
				return -EINVAL;
			}
			port = port * 10 + (unsigned)(*p - '0');
		}
		if (port == 0 || port > 65535) {
			return -EINVAL;
		}
	}
	return datalink_start(arg, (uint16_t)port);
}

static int cmd_datalink(struct shell *sh, int argc, char **argv)
{
	int rc;

	if (argc == 1 || strcmp(argv[1], "status") == 0) {
		dl_print_status(sh);
		return 0;
	}
	if (strcmp(argv[1], "start") == 0 && argc == 3) {
		return dl_start_cmd(argv[2]);
	}
	if (strcmp(argv[1], "stop") == 0 && argc == 2) {
		return datalink_stop();
	}
	if (strcmp(argv[1], "send") == 0 && argc == 3) {
		rc = datalink_send(argv[2], strlen(argv[2]));
		if (rc > 0) {
			shell_printf(sh, "queued seq %d\n", rc);
			rc = 0;
		}
		return rc;
	}
	shell_puts(sh, "usage: datalink status|start HOST[:PORT]|stop|send TEXT\n");
	return -EINVAL;
}

SHELL_CMD(datalink, cmd_datalink,
	  "TCP data link to a PC server (default port 8087)\n"
	  "usage: datalink status|start HOST[:PORT]|stop|send TEXT",
	  0);
