/*
 * lwip_ref: a reference "device" for the network benchmark. It runs
 * Debian's lwIP 2.1.3 (liblwip, the unix port's sys_arch, NO_SYS = 0 with
 * core locking) on a TAP interface and serves TCP echo (7), discard (9)
 * and chargen (19) through lwIP's raw (callback) API, so the benchmark can
 * drive it with exactly the same clients as the Kestrel hosted device.
 *
 *   lwip_ref --tap IFNAME --ip A.B.C.D/P [--gw A.B.C.D]
 *
 * The TAP is opened here rather than with the port's tapif: Debian's tapif
 * receives into PBUF_POOL buffers that are sized for a 512-byte TCP_MSS in
 * some translation units and corrupts the heap on frames over 592 bytes.
 * This program reads each frame into a PBUF_RAM pbuf of exactly the frame's
 * length and passes it to ethernet_input() under the core lock; lwIP's
 * timers run in its tcpip thread. Prints "lwip_ref: up" once it is
 * serving; runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#define FRAME_MAX      2048
#define LINE_LEN       74	       /* chargen: 72 characters + CR LF */
#define CHARGEN_PERIOD (95 * LINE_LEN) /* the stream repeats after 95 lines */

enum svc { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN };

struct conn {
	enum svc svc;
	uint32_t pos; /* chargen: stream offset of the next byte */
};

static int tap_fd = -1;
static struct netif nif;
static sem_t ready;
/* Two periods back to back: any window of up to one period is contiguous. */
static char chargen_pat[2 * CHARGEN_PERIOD];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		die("/dev/net/tun");
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		die("TUNSETIFF");
	}
	return fd;
}

/* ---- netif ------------------------------------------------------------ */

static err_t tap_linkoutput(struct netif *n, struct pbuf *p)
{
	uint8_t frame[FRAME_MAX];
	const void *data = p->payload;
	ssize_t r;

	(void)n;
	if (p->tot_len > sizeof(frame)) {
		return ERR_BUF;
	}
	if (p->next != NULL) {
		pbuf_copy_partial(p, frame, p->tot_len, 0);
		data = frame;
	}
	r = write(tap_fd, data, p->tot_len);
	return r == (ssize_t)p->tot_len ? ERR_OK : ERR_IF;
}

static err_t tap_netif_init(struct netif *n)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x4c, 0x57, 0x00, 0x02};

	n->name[0] = 't';
	n->name[1] = 'p';
	n->output = etharp_output;
	n->linkoutput = tap_linkoutput;
	n->mtu = 1500;
	n->hwaddr_len = 6;
	memcpy(n->hwaddr, mac, 6);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

/* Receive thread: one read() per frame, one exactly sized pbuf per frame. */
static void *rx_thread(void *arg)
{
	uint8_t frame[FRAME_MAX];

	(void)arg;
	for (;;) {
		ssize_t len = read(tap_fd, frame, sizeof(frame));
		struct pbuf *p;

		if (len < 0) {
			if (errno == EINTR) {
				continue;
			}
			die("read tap");
		}
		if (len < 14) {
			continue;
		}
		p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
		if (p == NULL) {
			continue;
		}
		memcpy(p->payload, frame, (size_t)len);
		LOCK_TCPIP_CORE();
		if (nif.input(p, &nif) != ERR_OK) {
			pbuf_free(p);
		}
		UNLOCK_TCPIP_CORE();
	}
	return NULL;
}

/* ---- services ----------------------------------------------------------- */

static void conn_err(void *arg, err_t err)
{
	(void)err;
	free(arg); /* the pcb is already gone */
}

static void conn_close(struct tcp_pcb *pcb, struct conn *c)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	free(c);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
	}
}

/* Queues chargen data while the send buffer has room. */
static void chargen_fill(struct tcp_pcb *pcb, struct conn *c)
{
	for (;;) {
		u16_t room = tcp_sndbuf(pcb);
		u16_t n = room < CHARGEN_PERIOD ? room : CHARGEN_PERIOD;

		if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN / 2) {
			break;
		}
		if (tcp_write(pcb, chargen_pat + c->pos % CHARGEN_PERIOD, n, TCP_WRITE_FLAG_COPY) !=
		    ERR_OK) {
			break;
		}
		c->pos += n;
	}
	tcp_output(pcb);
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)len;
	if (c != NULL && c->svc == SVC_CHARGEN) {
		chargen_fill(pcb, c);
	}
	return ERR_OK;
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	if (p == NULL) { /* FIN from the peer: close our side too */
		conn_close(pcb, c);
		return ERR_OK;
	}
	if (err != ERR_OK || c == NULL) {
		pbuf_free(p);
		return ERR_OK;
	}
	if (c->svc == SVC_ECHO) {
		struct pbuf *q;

		/* Refuse (lwIP keeps and redelivers it) until all of it fits. */
		if (tcp_sndbuf(pcb) < p->tot_len) {
			return ERR_MEM;
		}
		for (q = p; q != NULL; q = q->next) {
			if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK) {
				return ERR_MEM; /* nothing lost: p is redelivered */
			}
		}
		tcp_output(pcb);
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t svc_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c;

	if (err != ERR_OK || pcb == NULL) {
		return ERR_VAL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->svc = (enum svc)(uintptr_t)arg;
	tcp_arg(pcb, c);
	tcp_recv(pcb, conn_recv);
	tcp_sent(pcb, conn_sent);
	tcp_err(pcb, conn_err);
	if (c->svc == SVC_CHARGEN) {
		chargen_fill(pcb, c);
	}
	return ERR_OK;
}

static void listen_on(u16_t port, enum svc svc)
{
	struct tcp_pcb *pcb = tcp_new();

	if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
		fprintf(stderr, "lwip_ref: cannot bind port %u\n", port);
		exit(1);
	}
	pcb = tcp_listen(pcb);
	tcp_arg(pcb, (void *)(uintptr_t)svc);
	tcp_accept(pcb, svc_accept);
}

/* ---- start-up ------------------------------------------------------------ */

static void tcpip_ready(void *arg)
{
	(void)arg;
	sem_post(&ready);
}

static void usage(void)
{
	fprintf(stderr, "usage: lwip_ref --tap IFNAME --ip A.B.C.D/P [--gw A.B.C.D]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *tap = NULL, *ipstr = NULL, *gwstr = NULL;
	ip4_addr_t ip, mask, gw;
	char addr[32];
	char *slash;
	int prefix, i;
	pthread_t rx;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tap") == 0 && i + 1 < argc) {
			tap = argv[++i];
		} else if (strcmp(argv[i], "--ip") == 0 && i + 1 < argc) {
			ipstr = argv[++i];
		} else if (strcmp(argv[i], "--gw") == 0 && i + 1 < argc) {
			gwstr = argv[++i];
		} else {
			usage();
		}
	}
	if (tap == NULL || ipstr == NULL || strlen(ipstr) >= sizeof(addr)) {
		usage();
	}
	strcpy(addr, ipstr);
	slash = strchr(addr, '/');
	prefix = slash != NULL ? atoi(slash + 1) : 24;
	if (slash != NULL) {
		*slash = '\0';
	}
	if (!ip4addr_aton(addr, &ip) || prefix < 1 || prefix > 32) {
		usage();
	}
	ip4_addr_set_u32(&mask, htonl(0xffffffffu << (32 - prefix)));
	ip4_addr_set_zero(&gw);
	if (gwstr != NULL && !ip4addr_aton(gwstr, &gw)) {
		usage();
	}

	for (i = 0; i < (int)sizeof(chargen_pat); i++) {
		int line = (i % CHARGEN_PERIOD) / LINE_LEN, col = i % LINE_LEN;

		chargen_pat[i] = col == 72   ? '\r'
				 : col == 73 ? '\n'
					     : (char)(32 + (line + col) % 95);
	}

	tap_fd = tap_open(tap);
	sem_init(&ready, 0, 0);
	tcpip_init(tcpip_ready, NULL);
	sem_wait(&ready);

	LOCK_TCPIP_CORE();
	if (netif_add(&nif, &ip, &mask, &gw, NULL, tap_netif_init, ethernet_input) == NULL) {
		fprintf(stderr, "lwip_ref: netif_add failed\n");
		return 1;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	netif_set_link_up(&nif);
	listen_on(7, SVC_ECHO);
	listen_on(9, SVC_DISCARD);
	listen_on(19, SVC_CHARGEN);
	UNLOCK_TCPIP_CORE();

	if (pthread_create(&rx, NULL, rx_thread, NULL) != 0) {
		die("pthread_create");
	}
	printf("lwip_ref: up, lwIP %s on %s, %s\n", LWIP_VERSION_STRING, tap, ipstr);
	fflush(stdout);
	pthread_join(rx, NULL);
	return 0;
}
