/*
 * Shell command `mctp`: the endpoint's EID and UUID, its links, routes and
 * counters. The numbers are copied into a snapshot inside the MCTP task
 * (mctp_task_call) and printed by the shell's own task, so MCTP state is
 * never read from two tasks and the shell output never blocks the stack.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/mctp/task.h>
#include <kestrel/os/shell.h>

struct link_snap {
	uint8_t kind;
	const char *name;
	uint16_t mtu;
	uint32_t rx_bytes, tx_bytes, tx_drops;
	struct mctp_serial_stats ss;
	struct mctp_usb_stats us;
};

struct mctp_snap {
	uint8_t eid, static_eid;
	bool has_uuid;
	uint8_t uuid[MCTP_UUID_SIZE];
	uint8_t n_links;
	struct link_snap links[CONFIG_MCTP_MAX_LINKS];
	struct mctp_route routes[CONFIG_MCTP_MAX_ROUTES];
	struct mctp_counters st;
	uint32_t drops, echoes, vendor_unknown, bench_aborted;
	uint64_t bench_sent;
	bool bench_active;
};

static int mctp_take_snap(struct mctp_glue *g, void *arg)
{
	struct mctp_snap *s = arg;

	s->eid = g->ep.eid;
	s->static_eid = g->ep.static_eid;
	s->has_uuid = g->ep.has_uuid;
	memcpy(s->uuid, g->ep.uuid, sizeof(s->uuid));
	s->n_links = g->n_links;
	for (int i = 0; i < g->n_links; i++) {
		const struct mctp_glue_link *l = &g->links[i];
		struct link_snap *d = &s->links[i];

		d->kind = (uint8_t)l->kind;
		d->name = l->name;
		d->mtu = l->mtu;
		d->rx_bytes = l->rx_bytes;
		d->tx_bytes = l->tx_bytes;
		d->tx_drops = l->tx_drops;
		d->ss = l->srx.stats;
		d->us = l->ustats;
	}
	memcpy(s->routes, g->ep.routes, sizeof(s->routes));
	s->st = g->ep.stats;
	s->drops = mctp_glue_drops(g);
	s->echoes = g->vendor.echoes;
	s->vendor_unknown = g->vendor.unknown;
	s->bench_aborted = g->bench_aborted;
	s->bench_sent = g->vendor.tx.sent;
	s->bench_active = g->vendor.tx.active;
	return 0;
}

static void print_links(struct shell *sh, const struct mctp_snap *s)
{
	shell_printf(sh, "links:\n");
	for (int i = 0; i < s->n_links; i++) {
		const struct link_snap *l = &s->links[i];

		shell_printf(sh, "  %d %-6s %s mtu %u rx %u B tx %u B tx-drops %u\n", i,
			     l->kind == MCTP_LINK_SERIAL ? "serial" : "usb",
			     l->name ? l->name : "-", (unsigned)(l->mtu), (unsigned)(l->rx_bytes),
			     (unsigned)(l->tx_bytes), (unsigned)(l->tx_drops));
		if (l->kind == MCTP_LINK_SERIAL) {
			shell_printf(sh,
				     "    frames %u bad-fcs %u bad-rev %u bad-esc %u esc-end %u "
				     "overlong %u short %u long %u noise %u\n",
				     (unsigned)(l->ss.frames), (unsigned)(l->ss.bad_fcs),
				     (unsigned)(l->ss.bad_rev), (unsigned)(l->ss.bad_escape),
				     (unsigned)(l->ss.esc_at_end), (unsigned)(l->ss.overlong),
				     (unsigned)(l->ss.count_short), (unsigned)(l->ss.count_long),
				     (unsigned)(l->ss.noise));
		} else {
			shell_printf(sh,
				     "    xfers %u pkts %u bad-id %u bad-len %u trunc %u "
				     "oversize %u\n",
				     (unsigned)(l->us.xfers), (unsigned)(l->us.pkts),
				     (unsigned)(l->us.bad_id), (unsigned)(l->us.bad_len),
				     (unsigned)(l->us.trunc), (unsigned)(l->us.oversize));
		}
	}
}

static void print_routes(struct shell *sh, const struct mctp_snap *s)
{
	shell_printf(sh, "routes:\n");
	for (int i = 0; i < CONFIG_MCTP_MAX_ROUTES; i++) {
		const struct mctp_route *r = &s->routes[i];

		if (r->used) {
			shell_printf(sh, "  eid %u-%u via link %u\n", (unsigned)(r->first),
				     (unsigned)(r->last), (unsigned)(r->link));
		}
	}
}

static void print_counters(struct shell *sh, const struct mctp_snap *s)
{
	const struct mctp_counters *c = &s->st;

	shell_printf(sh, "counters:\n  rx %u pkts %u msgs, tx %u pkts %u msgs, drops %u\n",
		     (unsigned)(c->rx_pkts), (unsigned)(c->rx_msgs), (unsigned)(c->tx_pkts),
		     (unsigned)(c->tx_msgs), (unsigned)(s->drops));
	shell_printf(sh,
		     "  drop: short %u version %u bcast-src %u not-for-us %u no-som %u seq %u "
		     "frag-len %u\n",
		     (unsigned)(c->drop_short), (unsigned)(c->drop_version),
		     (unsigned)(c->drop_bcast_src), (unsigned)(c->drop_not_for_us),
		     (unsigned)(c->drop_no_som), (unsigned)(c->drop_seq),
		     (unsigned)(c->drop_frag_len));
	shell_printf(sh,
		     "  drop: oversize %u timeout %u no-ctx %u restart %u no-handler %u "
		     "unmatched %u\n",
		     (unsigned)(c->drop_oversize), (unsigned)(c->drop_timeout),
		     (unsigned)(c->drop_no_ctx), (unsigned)(c->drop_restart),
		     (unsigned)(c->drop_no_handler), (unsigned)(c->drop_unmatched));
	shell_printf(sh, "  tx: no-route %u errors %u; echo %u vendor-unknown %u\n",
		     (unsigned)(c->tx_no_route), (unsigned)(c->tx_errors), (unsigned)(s->echoes),
		     (unsigned)(s->vendor_unknown));
	shell_printf(sh, "  bench: %s, sent %u msgs, aborted %u\n",
		     s->bench_active ? "streaming" : "idle", (unsigned)s->bench_sent,
		     (unsigned)(s->bench_aborted));
}

static void print_head(struct shell *sh, const struct mctp_snap *s)
{
	const uint8_t *u = s->uuid;

	shell_printf(sh, "eid %u (%s)\n", (unsigned)(s->eid),
		     s->static_eid ? "static" : (s->eid ? "dynamic, assigned" : "unassigned"));
	if (s->has_uuid) {
		shell_printf(sh,
			     "uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			     "%02x%02x%02x%02x%02x%02x\n",
			     (unsigned)(u[0]), (unsigned)(u[1]), (unsigned)(u[2]), (unsigned)(u[3]),
			     (unsigned)(u[4]), (unsigned)(u[5]), (unsigned)(u[6]), (unsigned)(u[7]),
			     (unsigned)(u[8]), (unsigned)(u[9]), (unsigned)(u[10]),
			     (unsigned)(u[11]), (unsigned)(u[12]), (unsigned)(u[13]),
			     (unsigned)(u[14]), (unsigned)(u[15]));
	} else {
		shell_printf(sh, "uuid none\n");
	}
}

static int cmd_mctp(struct shell *sh, int argc, char **argv)
{
	static struct mctp_snap snap; /* off the shell stack; one shell at a time */
	const char *what = argc > 1 ? argv[1] : "all";
	bool all = strcmp(what, "all") == 0;
	int rc;

	if (argc > 2 || (!all && strcmp(what, "links") != 0 && strcmp(what, "routes") != 0 &&
			 strcmp(what, "counters") != 0)) {
		shell_printf(sh, "usage: mctp [all|links|routes|counters]\n");
		return -EINVAL;
	}
	rc = mctp_task_call(mctp_take_snap, &snap);
	if (rc < 0) {
		return rc;
	}
	if (all) {
		print_head(sh, &snap);
	}
	if (all || strcmp(what, "links") == 0) {
		print_links(sh, &snap);
	}
	if (all || strcmp(what, "routes") == 0) {
		print_routes(sh, &snap);
	}
	if (all || strcmp(what, "counters") == 0) {
		print_counters(sh, &snap);
	}
	return 0;
}

SHELL_CMD(mctp, cmd_mctp,
	  "MCTP endpoint: EID, UUID, links, routes, counters\n"
	  "usage: mctp [all|links|routes|counters]",
	  0);
