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
			     l->name ? l->name : "-", l->mtu, l->rx_bytes, l->tx_bytes,
			     l->tx_drops);
		if (l->kind == MCTP_LINK_SERIAL) {
			shell_printf(sh,
				     "    frames %u bad-fcs %u bad-rev %u bad-esc %u esc-end %u "
				     "overlong %u short %u long %u noise %u\n",
				     l->ss.frames, l->ss.bad_fcs, l->ss.bad_rev, l->ss.bad_escape,
				     l->ss.esc_at_end, l->ss.overlong, l->ss.count_short,
				     l->ss.count_long, l->ss.noise);
		} else {
			shell_printf(sh,
				     "    xfers %u pkts %u bad-id %u bad-len %u trunc %u "
				     "oversize %u\n",
				     l->us.xfers, l->us.pkts, l->us.bad_id, l->us.bad_len,
				     l->us.trunc, l->us.oversize);
		}
	}
}

static void print_routes(struct shell *sh, const struct mctp_snap *s)
{
	shell_printf(sh, "routes:\n");
	for (int i = 0; i < CONFIG_MCTP_MAX_ROUTES; i++) {
		const struct mctp_route *r = &s->routes[i];

		if (r->used) {
			shell_printf(sh, "  eid %u-%u via link %u\n", r->first, r->last, r->link);
		}
	}
}

static void print_counters(struct shell *sh, const struct mctp_snap *s)
{
	const struct mctp_counters *c = &s->st;

	shell_printf(sh, "counters:\n  rx %u pkts %u msgs, tx %u pkts %u msgs, drops %u\n",
		     c->rx_pkts, c->rx_msgs, c->tx_pkts, c->tx_msgs, s->drops);
	shell_printf(sh,
		     "  drop: short %u version %u bcast-src %u not-for-us %u no-som %u seq %u "
		     "frag-len %u\n",
		     c->drop_short, c->drop_version, c->drop_bcast_src, c->drop_not_for_us,
		     c->drop_no_som, c->drop_seq, c->drop_frag_len);
	shell_printf(sh,
		     "  drop: oversize %u timeout %u no-ctx %u restart %u no-handler %u "
		     "unmatched %u\n",
		     c->drop_oversize, c->drop_timeout, c->drop_no_ctx, c->drop_restart,
		     c->drop_no_handler, c->drop_unmatched);
	shell_printf(sh, "  tx: no-route %u errors %u; echo %u vendor-unknown %u\n", c->tx_no_route,
		     c->tx_errors, s->echoes, s->vendor_unknown);
	shell_printf(sh, "  bench: %s, sent %u msgs, aborted %u\n",
		     s->bench_active ? "streaming" : "idle", (unsigned)s->bench_sent,
		     s->bench_aborted);
}

static void print_head(struct shell *sh, const struct mctp_snap *s)
{
	const uint8_t *u = s->uuid;

	shell_printf(sh, "eid %u (%s)\n", s->eid,
		     s->static_eid ? "static" : (s->eid ? "dynamic, assigned" : "unassigned"));
	if (s->has_uuid) {
		shell_printf(sh,
			     "uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			     "%02x%02x%02x%02x%02x%02x\n",
			     u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
			     u[11], u[12], u[13], u[14], u[15]);
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
