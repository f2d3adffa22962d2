/*
 * Network shell commands that talk to other hosts: ping (ICMP echo),
 * nslookup (DNS A record) and ntpdate (SNTP, sets the wall clock).
 */
#include <string.h>

#include <kestrel/lib/timeconv.h>

#include "netsh_internal.h"

OS_MUTEX_DEFINE(netsh_lock);

#define PING_TIMEOUT_MS 1000u
#define PING_MAX_COUNT	10000u
#define PING_MAX_SIZE	8000u /* the reassembly limit (CONFIG_NET_REASS_MAX_BYTES) bounds replies */

/* ---- shared helpers --------------------------------------------------------------- */

int netsh_parse_uint(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint32_t v = 0;

	if (s == NULL || *s == '\0') {
		return -EINVAL;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT32_MAX - 9u) / 10u) {
			return -EINVAL;
		}
		v = v * 10u + (uint32_t)(*s - '0');
	}
	if (v < lo || v > hi) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int netsh_usage(struct shell *sh, const char *name)
{
	const struct shell_cmd *cmd = shell_cmd_find(name);

	if (cmd != NULL) {
		shell_print_help(sh, cmd);
	}
	return -EINVAL;
}

struct netsh_resolve_req {
	const char *name;
	uint32_t addr;
	int status;
	struct os_sem done;
};

static void resolve_cb(void *ctx, const char *name, int status, uint32_t addr)
{
	struct netsh_resolve_req *r = ctx;

	(void)name;
	r->status = status;
	r->addr = addr;
	os_sem_give(&r->done);
}

static int do_resolve(struct net_stack *st, void *arg)
{
	struct netsh_resolve_req *r = arg;

	return dns_gethostbyname(st, r->name, &r->addr, resolve_cb, r);
}

int netsh_resolve(const char *name, uint32_t *addr)
{
	struct netsh_resolve_req r = {name, 0, 0, {{{NULL, NULL}}, 0, 1}};
	int ret;

	if (net_parse_ipv4(name, addr) == 0) {
		return 0;
	}
	os_sem_init(&r.done, 0, 1);
	ret = net_call(do_resolve, &r);
	if (ret == -EINPROGRESS) {
		/* the resolver always answers, at worst after its last retry */
		(void)os_sem_take(&r.done, OS_WAIT_FOREVER);
		ret = r.status;
	}
	if (ret == 0) {
		*addr = r.addr;
	}
	return ret;
}

/* ---- ping ------------------------------------------------------------------------- */

struct ping_req {
	uint32_t dst;
	uint16_t id, seq, len;
	struct ping_result res;
	struct os_sem done;
};

static void ping_done(void *ctx, const struct ping_result *r)
{
	struct ping_req *p = ctx;

	p->res = *r;
	os_sem_give(&p->done);
}

static int do_ping(struct net_stack *st, void *arg)
{
	struct ping_req *p = arg;

	return icmp_ping(st, p->dst, p->id, p->seq, p->len, PING_TIMEOUT_MS, ping_done, p);
}

struct ping_opts {
	uint32_t count, size, interval;
	const char *host;
};

static int ping_args(struct shell *sh, int argc, char **argv, struct ping_opts *o)
{
	o->count = 4;
	o->size = 56;
	o->interval = 1000;
	o->host = NULL;
	for (int i = 1; i < argc; i++) {
		uint32_t *dst = NULL, hi = 0, lo = 0;

		if (strcmp(argv[i], "-c") == 0) {
			dst = &o->count, lo = 1, hi = PING_MAX_COUNT;
		} else if (strcmp(argv[i], "-s") == 0) {
			dst = &o->size, hi = PING_MAX_SIZE;
		} else if (strcmp(argv[i], "-i") == 0) {
			dst = &o->interval, lo = 10, hi = 60000;
		} else if (argv[i][0] != '-' && o->host == NULL) {
			o->host = argv[i];
			continue;
		}
		if (dst == NULL || i + 1 >= argc || netsh_parse_uint(argv[++i], lo, hi, dst) < 0) {
			return netsh_usage(sh, argv[0]);
		}
	}
	return o->host == NULL ? netsh_usage(sh, argv[0]) : 0;
}

static void ping_summary(struct shell *sh, const char *host, uint32_t sent, uint32_t got,
			 uint32_t ms, const uint32_t rtt[3])
{
	shell_printf(sh, "\n--- %s ping statistics ---\n", host);
	shell_printf(sh, "%u packets transmitted, %u received, %u%% packet loss, time %ums\n",
		     (unsigned)sent, (unsigned)got,
		     (unsigned)(sent ? (sent - got) * 100u / sent : 0), (unsigned)ms);
	if (got > 0) {
		shell_printf(sh, "rtt min/avg/max = %u/%u/%u ms\n", (unsigned)rtt[0],
			     (unsigned)(rtt[2] / got), (unsigned)rtt[1]);
	}
}

static int cmd_ping(struct shell *sh, int argc, char **argv)
{
	static uint16_t next_id = 0x4b00;
	struct ping_opts o;
	struct ping_req p;
	uint32_t got = 0, sent = 0, rtt[3] = {UINT32_MAX, 0, 0}; /* min, max, sum */
	uint64_t t0 = os_time_ns();
	char ip[16];
	int err = ping_args(sh, argc, argv, &o);

	if (err < 0) {
		return err;
	}
	err = netsh_resolve(o.host, &p.dst);
	if (err < 0) {
		shell_printf(sh, "ping: %s: cannot resolve\n", o.host);
		return err;
	}
	p.id = next_id++;
	p.len = (uint16_t)o.size;
	shell_printf(sh, "PING %s (%s) %u(%u) bytes of data.\n", o.host, net_ntoa(p.dst, ip),
		     (unsigned)o.size, (unsigned)o.size + 28u);
	for (uint32_t i = 1; i <= o.count; i++) {
		p.seq = (uint16_t)i;
		os_sem_init(&p.done, 0, 1);
		err = net_call(do_ping, &p);
		if (err < 0) {
			shell_printf(sh, "ping: sendmsg: %s\n", shell_strerror(err));
			break;
		}
		sent++;
		(void)os_sem_take(&p.done, OS_WAIT_FOREVER);
		if (p.res.status == 0) {
			got++;
			rtt[0] = p.res.rtt_ms < rtt[0] ? p.res.rtt_ms : rtt[0];
			rtt[1] = p.res.rtt_ms > rtt[1] ? p.res.rtt_ms : rtt[1];
			rtt[2] += p.res.rtt_ms;
			shell_printf(sh, "%u bytes from %s: icmp_seq=%u ttl=%u time=%u ms\n",
				     (unsigned)p.res.len + 8u, net_ntoa(p.res.from, ip),
				     (unsigned)i, (unsigned)p.res.ttl, (unsigned)p.res.rtt_ms);
		}
		if (i < o.count) {
			os_sleep_ms(o.interval > p.res.rtt_ms ? o.interval - p.res.rtt_ms : 0);
		}
	}
	ping_summary(sh, o.host, sent, got, (uint32_t)((os_time_ns() - t0) / 1000000u), rtt);
	return got == 0 && err == 0 ? -EHOSTUNREACH : err < 0 ? err : 0;
}

SHELL_CMD(ping, cmd_ping,
	  "send ICMP echo requests\n"
	  "usage: ping HOST [-c COUNT] [-s SIZE] [-i INTERVAL_MS]\n"
	  "  HOST is an address or a DNS name; defaults: 4 requests of 56 bytes, 1000 ms apart",
	  0);

/* ---- nslookup --------------------------------------------------------------------- */

static int do_dns_server(struct net_stack *st, void *arg)
{
	*(uint32_t *)arg = st->dns.server[0];
	return 0;
}

static int cmd_nslookup(struct shell *sh, int argc, char **argv)
{
	uint32_t addr = 0, server = 0;
	char ip[16];
	int err;

	if (argc != 2) {
		return netsh_usage(sh, argv[0]);
	}
	(void)net_call(do_dns_server, &server);
	shell_printf(sh, "Server:\t\t%s\n\n", server ? net_ntoa(server, ip) : "(none)");
	err = netsh_resolve(argv[1], &addr);
	if (err == -ENOENT) {
		shell_printf(sh, "** server can't find %s: NXDOMAIN\n", argv[1]);
		return err;
	}
	if (err < 0) {
		shell_printf(sh, ";; connection timed out; no servers could be reached\n");
		return err;
	}
	shell_printf(sh, "Name:\t%s\nAddress: %s\n", argv[1], net_ntoa(addr, ip));
	return 0;
}

SHELL_CMD(nslookup, cmd_nslookup,
	  "resolve a host name (DNS A record)\n"
	  "usage: nslookup NAME",
	  0);

/* ---- ntpdate ---------------------------------------------------------------------- */

struct ntp_req {
	uint32_t server;
	struct sntp_result res;
	bool have;
	struct os_sem done;
};

static void ntp_done(void *ctx, const struct sntp_result *r)
{
	struct ntp_req *q = ctx;

	if (!q->have) {
		q->have = true;
		q->res = *r;
		os_sem_give(&q->done);
	}
}

static int do_ntp_start(struct net_stack *st, void *arg)
{
	struct ntp_req *q = arg;

	return sntp_start(st, q->server, CONFIG_NET_SNTP_MIN_POLL_MS, ntp_done, q);
}

static int do_ntp_stop(struct net_stack *st, void *arg)
{
	(void)arg;
	sntp_stop(st);
	return 0;
}

static int cmd_ntpdate(struct shell *sh, int argc, char **argv)
{
	struct ntp_req q = {0};
	char ip[16], when[40];
	int64_t off;
	int err;

	if (argc != 2) {
		return netsh_usage(sh, argv[0]);
	}
	err = netsh_resolve(argv[1], &q.server);
	if (err < 0) {
		shell_printf(sh, "ntpdate: cannot resolve %s\n", argv[1]);
		return err;
	}
	os_sem_init(&q.done, 0, 1);
	err = net_call(do_ntp_start, &q);
	if (err < 0) {
		return err;
	}
	err = os_sem_take(&q.done, OS_MS(3u * CONFIG_NET_SNTP_TIMEOUT_MS));
	(void)net_call(do_ntp_stop, NULL); /* no callback after this returns */
	if (err < 0 || q.res.status < 0) {
		shell_printf(sh, "ntpdate: no server suitable for synchronization found (%s)\n",
			     net_ntoa(q.server, ip));
		return err < 0 || q.res.status == -EAGAIN ? -ETIMEDOUT : q.res.status;
	}
	os_wallclock_set((int64_t)q.res.unix_ms * 1000000);
	(void)tc_format_iso8601(when, sizeof(when), (int64_t)(q.res.unix_ms / 1000u),
				(uint32_t)(q.res.unix_ms % 1000u) * 1000000u, 3);
	off = q.res.offset_us;
	shell_printf(sh, "%s ntpdate: adjust time server %s stratum %u offset %s%lld.%06lld sec\n",
		     when, net_ntoa(q.server, ip), (unsigned)q.res.stratum, off < 0 ? "-" : "+",
		     (long long)((off < 0 ? -off : off) / 1000000),
		     (long long)((off < 0 ? -off : off) % 1000000));
	return 0;
}

SHELL_CMD_NAMED(ntpdate, "ntpdate", cmd_ntpdate,
		"set the clock from an SNTP server\n"
		"usage: ntpdate SERVER",
		SHELL_CMD_PRIV);
