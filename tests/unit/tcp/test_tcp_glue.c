/* TCP through the real IPv4 stack: a connection over the loopback interface. */
#include <kestrel/net/stack.h>
#include <kestrel/net/tcp.h>
#include <kestrel/errno.h>

#include "ktest.h"

KT_MAIN_STATE;

static struct net_stack ns;
static uint32_t now;
static struct tcp_pcb *server;
static char got[64];
static int got_len;
static bool eof_seen;

static int on_accept(void *arg, struct tcp_pcb *newpcb);

static void on_recv(void *arg, struct tcp_pcb *pcb, size_t avail, bool eof)
{
	int n = tcp_read(pcb, got + got_len, sizeof(got) - 1 - (size_t)got_len);

	if (n > 0) {
		got_len += n;
	}
	eof_seen = eof;
}

static int on_accept(void *arg, struct tcp_pcb *newpcb)
{
	server = newpcb;
	tcp_set_callbacks(newpcb, on_recv, NULL, NULL);
	return 0;
}

static void run(uint32_t ms)
{
	for (uint32_t end = now + ms; now != end; now++) {
		net_poll(&ns);
		net_timer(&ns, now);
	}
}

static void test_loopback_connection(void)
{
	struct tcp_stack *tcp;
	struct tcp_pcb *l, *c;
	struct pbuf_stats ps;

	net_init(&ns, NULL, NULL, 0);
	tcp = tcp_net(&ns);
	KT_ASSERT(tcp != NULL);
	KT_ASSERT(tcp_net(&ns) == tcp);
	l = tcp_new(tcp);
	KT_EQ(tcp_bind(l, 0, 80), 0);
	KT_EQ(tcp_listen(l, 4), 0);
	tcp_set_accept(l, on_accept);
	c = tcp_new(tcp);
	KT_EQ(tcp_connect(c, IP_ADDR(127, 0, 0, 1), 80), 0);
	run(50);
	KT_ASSERT(server != NULL);
	KT_EQ(tcp_get_state(c), TCP_ESTABLISHED);
	KT_EQ(tcp_write(c, "hello, kestrel", 14), 14);
	tcp_output(c);
	run(300);
	KT_EQ(got_len, 14);
	KT_MEMEQ(got, "hello, kestrel", 14);
	tcp_close(c);
	run(50);
	KT_ASSERT(eof_seen);
	tcp_close(server);
	tcp_close(l);
	run(2u * CONFIG_TCP_MSL_MS + 1000u);
	KT_EQ(tcp_pcbs_in_use(tcp), 0);
	KT_EQ(tcp_bufs_in_use(tcp), 0);
	net_pool_stats(&ns, &ps);
	KT_EQ(ps.used, 0);
	KT_EQ(tcp_get_stats(tcp)->bad_csum, 0);
}

int main(void)
{
	static const struct kt_case cases[] = {
		KT_CASE(test_loopback_connection),
	};

	return KT_RUN("tcp_glue", cases, NULL);
}
