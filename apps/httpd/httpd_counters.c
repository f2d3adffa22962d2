/*
 * httpd_stack_counters(): the network counters /api/status shows, read
 * from the network task's stack (kestrel/net/nettask.h). Boards install it
 * with httpd_set_net_counters_hook(); httpd itself never reaches into the
 * stack.
 */
#include <kestrel/apps/httpd.h>
#include <kestrel/net/nettask.h>

struct counters_req {
	struct httpd_counter *out;
	int max;
};

/* Runs in the network task: copies the stack's counters. */
static int counters_in_net(struct net_stack *st, void *arg)
{
	struct counters_req *r = arg;
	struct net_stats s;
	const struct {
		const char *name;
		const uint32_t *v;
	} rows[] = {
		{"eth_rx", &s.eth_rx},	 {"ip_rx", &s.ip_rx},	    {"ip_tx", &s.ip_tx},
		{"ip_drop", &s.ip_drop}, {"icmp_rx", &s.icmp_rx},   {"udp_rx", &s.udp_rx},
		{"udp_tx", &s.udp_tx},	 {"reass_ok", &s.reass_ok},
	};
	int n = 0;

	net_get_stats(st, &s);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && n < r->max; i++, n++) {
		r->out[n].name = rows[i].name;
		r->out[n].value = *rows[i].v;
	}
	return n;
}

int httpd_stack_counters(struct httpd_counter *out, int max)
{
	struct counters_req r = {out, max};

	return net_call(counters_in_net, &r);
}
