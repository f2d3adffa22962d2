/* UDP: bind rules, demultiplexing, checksums, output bytes, PCB table. */
#include "net_test.h"

KT_MAIN_STATE;

static int rx_calls;
static struct udp_pcb *rx_pcb;
static uint16_t rx_sport, rx_len;

static void on_rx(void *ctx, struct udp_pcb *pcb, struct pbuf *p, const struct ip_info *ip,
		  uint16_t sport)
{
	(void)ctx;
	(void)ip;
	rx_calls++;
	rx_pcb = pcb;
	rx_sport = sport;
	rx_len = p->tot_len;
	pbuf_free(p);
}

static void test_bind_rules(void)
{
	struct udp_pcb *a, *b;

	tu_setup();
	a = udp_new(&st);
	b = udp_new(&st);
	KT_EQ(udp_bind(a, 0, 5000), 0);
	KT_EQ(udp_bind(b, 0, 5000), -EADDRINUSE);
	KT_EQ(udp_bind(b, TU_IP, 5000), -EADDRINUSE);
	KT_EQ(udp_bind(b, 0, 0), 0);
	KT_ASSERT(b->local_port >= 49152);
	udp_remove(a);
	udp_remove(b);
}

static void test_pool_of_pcbs(void)
{
	struct udp_pcb *p[CONFIG_NET_UDP_PCBS];

	tu_setup();
	for (int i = 0; i < CONFIG_NET_UDP_PCBS; i++) {
		p[i] = udp_new(&st);
		KT_ASSERT(p[i] != NULL);
	}
	KT_ASSERT(udp_new(&st) == NULL);
	for (int i = 0; i < CONFIG_NET_UDP_PCBS; i++) {
		udp_remove(p[i]);
	}
}

static void test_demux(void)
{
	static const struct {
		const char *name;
		uint32_t src;
		uint16_t sport;
		int which; /* 0 wildcard, 1 connected */
	} rows[] = {
		{"connected peer goes to the connected PCB", TU_PEER, 53, 1},
		{"other port goes to the wildcard", TU_PEER, 54, 0},
		{"other host goes to the wildcard", IP_ADDR(192, 168, 1, 77), 53, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct udp_pcb *w, *c;
		KT_ROW(rows[i].name);
		tu_setup();
		w = udp_new(&st);
		c = udp_new(&st);
		udp_bind(w, 0, 6000);
		udp_recv(w, on_rx, NULL);
		c->local_port = 6000; /* same port, connected (like a SO_REUSEADDR pair) */
		udp_connect(c, TU_PEER, 53);
		udp_recv(c, on_rx, NULL);
		rx_calls = 0;
		tu_rx_udp(rows[i].src, TU_IP, rows[i].sport, 6000, "abc", 3);
		KT_EQ(rx_calls, 1);
		KT_ASSERT(rx_pcb == (rows[i].which ? c : w));
		KT_EQ(rx_len, 3);
		KT_EQ(rx_sport, rows[i].sport);
		udp_remove(w);
		udp_remove(c);
		tu_teardown();
	}
}

static void test_checksums(void)
{
	static const struct {
		const char *name;
		int mode; /* 0 valid, 1 corrupt, 2 zero (none) */
		int delivered;
	} rows[] = {{"valid", 0, 1}, {"corrupt", 1, 0}, {"no checksum", 2, 1}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t u[32], f[128];
		struct udp_pcb *pcb;
		size_t ul;
		KT_ROW(rows[i].name);
		tu_setup();
		pcb = udp_new(&st);
		udp_bind(pcb, 0, 7000);
		udp_recv(pcb, on_rx, NULL);
		rx_calls = 0;
		ul = tu_udp(u, TU_PEER, TU_IP, 1, 7000, "data", 4);
		if (rows[i].mode == 1) {
			u[9] ^= 1;
		} else if (rows[i].mode == 2) {
			u[6] = u[7] = 0;
		}
		tu_rx(f, (uint16_t)tu_ip(f, TU_PEER, TU_IP, IP_PROTO_UDP, 1, 0, u, ul));
		KT_EQ(rx_calls, rows[i].delivered);
		KT_EQ(st.stats.udp_csum_err, rows[i].mode == 1);
		udp_remove(pcb);
		tu_teardown();
	}
}

static void test_bad_length_dropped(void)
{
	uint8_t u[32], f[128];
	struct udp_pcb *pcb;

	tu_setup();
	pcb = udp_new(&st);
	udp_bind(pcb, 0, 7000);
	udp_recv(pcb, on_rx, NULL);
	rx_calls = 0;
	tu_udp(u, TU_PEER, TU_IP, 1, 7000, "data", 4);
	put_be16(u + 4, 40); /* longer than the datagram */
	tu_rx(f, (uint16_t)tu_ip(f, TU_PEER, TU_IP, IP_PROTO_UDP, 1, 0, u, 12));
	put_be16(u + 4, 7); /* shorter than a header */
	tu_rx(f, (uint16_t)tu_ip(f, TU_PEER, TU_IP, IP_PROTO_UDP, 1, 0, u, 12));
	KT_EQ(rx_calls, 0);
	KT_EQ(tu_nframes, 0); /* and no ICMP about garbage */
	udp_remove(pcb);
}

static void test_send_bytes(void)
{
	uint8_t want[12];
	struct udp_pcb *pcb;
	struct udp_info row[2];

	tu_setup();
	tu_learn_peer();
	pcb = udp_new(&st);
	udp_bind(pcb, 0, 4444);
	KT_EQ(udp_send(pcb, pbuf_from(&st.pool, PBUF_TRANSPORT, "ping", 4)), -ENOTCONN);
	udp_connect(pcb, TU_PEER, 5555);
	KT_EQ(udp_send(pcb, pbuf_from(&st.pool, PBUF_TRANSPORT, "ping", 4)), 0);
	KT_EQ(tu_nframes, 1);
	tu_udp(want, TU_IP, TU_PEER, 4444, 5555, "ping", 4);
	KT_MEMEQ(tu_fl4(0), want, 12);
	/* a payload without headroom gets a separate header block */
	KT_EQ(udp_send(pcb, pbuf_from(&st.pool, PBUF_RAW, "ping", 4)), 0);
	KT_MEMEQ(tu_fl4(1), want, 12);
	KT_EQ(udp_table(&st, row, 2), 1);
	KT_EQ(row[0].local_port, 4444);
	KT_EQ(row[0].remote_port, 5555);
	KT_EQ(row[0].tx, 2);
	udp_remove(pcb);
}

static const struct kt_case cases[] = {
	KT_CASE(test_bind_rules), KT_CASE(test_pool_of_pcbs),	    KT_CASE(test_demux),
	KT_CASE(test_checksums),  KT_CASE(test_bad_length_dropped), KT_CASE(test_send_bytes),
};

int main(void)
{
	return KT_RUN("udp", cases, tu_teardown);
}
