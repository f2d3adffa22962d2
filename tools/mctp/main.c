/*
 * kestrel-mctp: MCTP bus owner for Kestrel devices (see kmctp.h and
 * `kestrel-mctp --help`). Exit status: 0 success, 1 the command failed,
 * 2 bad usage.
 */
#include <errno.h>
#include <string.h>

#include "kmctp.h"

struct kmctp_cmd {
	const char *name;
	int (*fn)(struct kmctp *k, int argc, char **argv);
};

static const struct kmctp_cmd cmds[] = {
	{"setup", kmctp_cmd_setup}, {"info", kmctp_cmd_info},	 {"echo", kmctp_cmd_echo},
	{"bench", kmctp_cmd_bench}, {"nvme-mi", kmctp_cmd_nvme},
};

int main(int argc, char **argv)
{
	static struct kmctp k; /* large: endpoint reassembly buffers */
	struct kmctp_opts o;
	const struct kmctp_cmd *cmd = NULL;
	int rc;

	rc = kmctp_parse_opts(argc, argv, &o, stderr);
	if (rc != 0) {
		return rc > 0 ? 0 : 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(o.argv[0], cmds[i].name) == 0) {
			cmd = &cmds[i];
		}
	}
	if (cmd == NULL) {
		fprintf(stderr, "kestrel-mctp: unknown command '%s' (try --help)\n", o.argv[0]);
		return 2;
	}
	if (kmctp_open(&k, &o) < 0) {
		return 1;
	}
	rc = cmd->fn(&k, o.argc, o.argv);
	kmctp_flush(&k);
	kmctp_close(&k);
	if (o.verbose) {
		fprintf(stderr,
			"kestrel-mctp: rx %u pkts, tx %u pkts, dropped: seq %u unmatched %u\n",
			k.ep.stats.rx_pkts, k.ep.stats.tx_pkts, k.ep.stats.drop_seq,
			k.ep.stats.drop_unmatched);
	}
	return rc == -EINVAL ? 2 : (rc < 0 ? 1 : 0);
}
