/*
 * libslirp driver: the hostfwd rule parser (table-driven, with negative
 * rows) and, when libslirp is built in, a live exchange: the device's ARP
 * request for the gateway 10.0.2.2 goes to the slirp thread and slirp's
 * reply comes back through the ring and IRQ to net_task_input().
 */
#include <kestrel/drivers/host/eth_slirp.h>

#include "eth_test.h"
#include "kernel_test.h"

struct fwd_row {
	const char *name, *in;
	int rc;
	bool udp;
	uint32_t haddr;
	uint16_t hport;
	uint32_t gaddr;
	uint16_t gport;
};

static const struct fwd_row fwd_rows[] = {
	{"http", "tcp:127.0.0.1:8080-:80", 0, false, 0x7F000001u, 8080, 0, 80},
	{"udp full", "udp:0.0.0.0:5353-10.0.2.15:53", 0, true, 0, 5353, 0x0A00020Fu, 53},
	{"empty proto", ":127.0.0.1:2323-:23", 0, false, 0x7F000001u, 2323, 0, 23},
	{"any host addr", "tcp::65535-:1", 0, false, 0, 65535, 0, 1},
	{"no proto colon", "127.0.0.1:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"unknown proto", "sctp:127.0.0.1:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"port 0", "tcp:127.0.0.1:0-:80", -EINVAL, false, 0, 0, 0, 0},
	{"port 65536", "tcp:127.0.0.1:65536-:80", -EINVAL, false, 0, 0, 0, 0},
	{"guest port 0", "tcp:127.0.0.1:80-:0", -EINVAL, false, 0, 0, 0, 0},
	{"six digits", "tcp:127.0.0.1:080800-:80", -EINVAL, false, 0, 0, 0, 0},
	{"octet 256", "tcp:127.0.0.256:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"three octets", "tcp:127.0.1:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"five octets", "tcp:1.2.3.4.5:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"missing dash", "tcp:127.0.0.1:8080:80", -EINVAL, false, 0, 0, 0, 0},
	{"missing guest port", "tcp:127.0.0.1:8080-:", -EINVAL, false, 0, 0, 0, 0},
	{"missing host port", "tcp:127.0.0.1:-:80", -EINVAL, false, 0, 0, 0, 0},
	{"trailing junk", "tcp:127.0.0.1:8080-:80x", -EINVAL, false, 0, 0, 0, 0},
	{"hostname", "tcp:localhost:8080-:80", -EINVAL, false, 0, 0, 0, 0},
	{"empty", "", -EINVAL, false, 0, 0, 0, 0},
	{"sign", "tcp:127.0.0.1:+80-:80", -EINVAL, false, 0, 0, 0, 0},
};

static void test_fwd_parse(void)
{
	for (size_t i = 0; i < sizeof(fwd_rows) / sizeof(fwd_rows[0]); i++) {
		const struct fwd_row *r = &fwd_rows[i];
		struct eth_slirp_fwd f;

		KT_ROW(r->name);
		memset(&f, 0xA5, sizeof(f));
		KT_EQ(eth_slirp_fwd_parse(r->in, &f), r->rc);
		if (r->rc < 0) {
			KT_EQ(f.host_port, 0xA5A5); /* untouched */
			continue;
		}
		KT_EQ(f.udp, r->udp);
		KT_EQ(f.host_addr, r->haddr);
		KT_EQ(f.host_port, r->hport);
		KT_EQ(f.guest_addr, r->gaddr);
		KT_EQ(f.guest_port, r->gport);
	}
}

#ifdef KESTREL_HAVE_SLIRP
static struct eth_slirp sl;
static struct netif nif;
static struct os_sem got;

static void ts_signal(void)
{
	os_sem_give_isr(&got);
}

/* ARP who-has 10.0.2.2 from 10.0.2.15 (RFC 826), 42 bytes. */
static const uint8_t arp_req[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0,  0, 1, 0x08, 0x06, /* Ethernet */
	0,    1,    0x08, 0,	6,    4,    0,	  1,	    /* htype ptype hlen plen op */
	0x02, 0,    0,	  0,	0,    1,    10,	  0, 2, 15, /* sender */
	0,    0,    0,	  0,	0,    0,    10,	  0, 2, 2,  /* target */
};

static const uint8_t gw_ip[4] = {10, 0, 2, 2};

static void test_live_arp_to_gateway(void)
{
	struct pbuf *p;
	struct eth_host_stats st;

	et_reset();
	et_on_input = ts_signal;
	os_sem_init(&got, 0, 100);
	memset(&nif, 0, sizeof(nif));
	nif.drv = &sl;
	KT_EQ(eth_slirp_init(&sl), 0);
	KT_EQ(eth_slirp_add_hostfwd(&sl, "tcp:127.0.0.1:0-:80"), -EINVAL);
	KT_EQ(eth_slirp_ops.init(&nif), 0);
	KT_EQ(eth_slirp_add_hostfwd(&sl, "tcp:127.0.0.1:18080-:80"), -EBUSY);
	p = pbuf_from(&et_pool, PBUF_RAW, arp_req, sizeof(arp_req));
	KT_EQ(eth_slirp_ops.output(&nif, p), 0);
	pbuf_free(p);
	KT_EQ(os_sem_take(&got, OS_WAIT_FOREVER), 0);
	KT_ASSERT(et_len[0] >= 42);
	KT_EQ(et_frames[0][12], 0x08); /* ARP */
	KT_EQ(et_frames[0][13], 0x06);
	KT_EQ(et_frames[0][21], 2);		    /* reply */
	KT_MEMEQ(&et_frames[0][28], gw_ip, 4);	    /* sender = gateway */
	KT_MEMEQ(&et_frames[0][0], &arp_req[6], 6); /* to us */
	eth_slirp_get_stats(&sl, &st);
	KT_EQ(st.tx_frames, 1);
	KT_ASSERT(st.rx_frames >= 1);
	eth_slirp_close(&sl);
	KT_EQ(et_pool_used(), 0);
}
#endif

static const struct kt_case cases[] = {
	KT_CASE(test_fwd_parse),
#ifdef KESTREL_HAVE_SLIRP
	KT_CASE(test_live_arp_to_gateway),
#endif
};

KERNEL_TEST_MAIN("eth_slirp", cases)
