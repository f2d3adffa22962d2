/*
 * kestrel-mctp link layer: the pty or SOCK_SEQPACKET socket, the binding
 * framers/deframers, the capture file and request/response waiting.
 *
 * Capture format (libpcap, LINKTYPE_LINUX_SLL = 113), one record per MCTP
 * packet, as Linux captures an mctp interface:
 *   OFFSET SIZE DESCRIPTION
 *   0      2    packet type: 0 to us, 4 sent by us (big-endian)
 *   2      2    ARPHRD_MCTP 290
 *   4      2    link-layer address length 0
 *   6      8    link-layer address (zero)
 *   14     2    protocol ETH_P_MCTP 0x00FA
 *   16     n    MCTP packet, transport header first
 *
 * Physical addressing: a request to EID 0 is answered from whatever EID
 * the device has (Set EID answers from the new one). The core matches
 * responses on (peer, tag), so while such a request is outstanding, a
 * response carrying its tag has its source rewritten to 0 before it is
 * fed to the endpoint: the same job Linux's neighbour table does for mctpd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kmctp.h"

struct kreq_wait {
	struct kmctp *k;
	bool done;
	int status;
	uint8_t *resp;
	size_t cap, len;
};

uint32_t kmctp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

uint64_t kmctp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void pcap_write(struct kmctp *k, bool out, const uint8_t *pkt, size_t len)
{
	struct timespec ts;
	uint32_t rec[4];
	uint8_t sll[16] = {0};

	if (k->pcap == NULL) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = rec[3] = (uint32_t)(len + sizeof(sll));
	put16(sll, out ? 4 : 0);
	put16(sll + 2, 290);
	put16(sll + 14, 0x00FA);
	fwrite(rec, sizeof(rec), 1, k->pcap);
	fwrite(sll, sizeof(sll), 1, k->pcap);
	fwrite(pkt, 1, len, k->pcap);
}

static int pcap_open(struct kmctp *k, const char *path)
{
	/* magic, version 2.4, thiszone, sigfigs, snaplen, linktype (host order) */
	uint32_t hdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 113};

	k->pcap = fopen(path, "wb");
	if (k->pcap == NULL) {
		return -errno;
	}
	fwrite(hdr, sizeof(hdr), 1, k->pcap);
	return 0;
}

int kmctp_flush(struct kmctp *k)
{
	const uint8_t *buf = k->usb ? k->utx.buf : k->txbuf;
	size_t len = k->usb ? k->utx.len : k->txlen;
	size_t off = 0;

	while (off < len) {
		ssize_t n = k->usb ? send(k->fd, buf, len, MSG_NOSIGNAL)
				   : write(k->fd, buf + off, len - off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return -errno;
		}
		off += k->usb ? len : (size_t)n;
	}
	k->txlen = 0;
	mctp_usb_tx_reset(&k->utx);
	return 0;
}

static int kmctp_link_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct kmctp *k = ctx;
	int rc;

	pcap_write(k, true, pkt, len);
	if (k->usb) {
		rc = mctp_usb_tx_add(&k->utx, pkt, len);
		if (rc == -EBUSY) {
			rc = kmctp_flush(k);
			if (rc == 0) {
				rc = mctp_usb_tx_add(&k->utx, pkt, len);
			}
		}
		return rc;
	}
	if (k->txlen + MCTP_SERIAL_FRAME_MAX(len) > sizeof(k->txbuf)) {
		rc = kmctp_flush(k);
		if (rc < 0) {
			return rc;
		}
	}
	rc = mctp_serial_frame(pkt, len, k->txbuf + k->txlen, sizeof(k->txbuf) - k->txlen);
	if (rc < 0) {
		return rc;
	}
	k->txlen += (size_t)rc;
	return 0;
}

static int open_serial(struct kmctp *k, const char *path)
{
	struct termios t;

	k->fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (k->fd < 0) {
		return -errno;
	}
	if (tcgetattr(k->fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		(void)tcsetattr(k->fd, TCSANOW, &t);
		(void)tcflush(k->fd, TCIFLUSH); /* stale frames from before we attached */
	}
	return 0;
}

static int open_usb(struct kmctp *k, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	k->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (k->fd < 0) {
		return -errno;
	}
	if (connect(k->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(k->fd);
		k->fd = -1;
		return rc;
	}
	k->usb = true;
	return 0;
}

int kmctp_open(struct kmctp *k, const struct kmctp_opts *o)
{
	const char *serial = o->serial, *usb = o->usb;
	int rc, mtu;

	memset(k, 0, sizeof(*k));
	k->opts = o;
	k->fd = -1;
	k->tag_phys = -1;
	if (serial == NULL && usb == NULL) {
		serial = getenv("KESTREL_MCTP_SERIAL");
		usb = serial == NULL ? getenv("KESTREL_MCTP_USB") : NULL;
	}
	if (serial == NULL && usb == NULL) {
		fprintf(stderr, "kestrel-mctp: no link: give --serial PTY or --usb SOCKPATH\n");
		return -EINVAL;
	}
	rc = serial != NULL ? open_serial(k, serial) : open_usb(k, usb);
	if (rc < 0) {
		fprintf(stderr, "kestrel-mctp: %s: %s\n", serial ? serial : usb, strerror(-rc));
		return rc;
	}
	if (o->pcap != NULL && (rc = pcap_open(k, o->pcap)) < 0) {
		fprintf(stderr, "kestrel-mctp: %s: %s\n", o->pcap, strerror(-rc));
		return rc;
	}
	mtu = o->mtu ? o->mtu : (k->usb ? MCTP_USB_MAX_PAYLOAD : MCTP_BTU);
	mctp_init(&k->ep, KMCTP_OWN_EID, 0);
	(void)mctp_serial_rx_init(&k->srx, CONFIG_MCTP_MAX_MTU);
	(void)mctp_usb_tx_init(&k->utx, MCTP_USB_XFER_SIZE);
	k->link = mctp_add_link(&k->ep, (uint16_t)mtu, kmctp_link_tx, k);
	if (k->link < 0 || mctp_add_route(&k->ep, 0, 0xFE, (uint8_t)k->link) < 0 ||
	    mctp_vendor_register(&k->ep, &k->vendor) < 0) {
		return -EINVAL;
	}
	return 0;
}

void kmctp_close(struct kmctp *k)
{
	if (k->pcap != NULL) {
		fclose(k->pcap);
		k->pcap = NULL;
	}
	if (k->fd >= 0) {
		close(k->fd);
		k->fd = -1;
	}
}

static void on_packet(void *arg, const uint8_t *pkt, size_t len)
{
	struct kmctp *k = arg;
	uint8_t copy[MCTP_HDR_SIZE + CONFIG_MCTP_MAX_MTU];

	pcap_write(k, false, pkt, len);
	if (k->tag_phys >= 0 && len > MCTP_HDR_SIZE && len <= sizeof(copy) &&
	    !(pkt[3] & MCTP_HDR_FLAG_TO) && (pkt[3] & MCTP_HDR_TAG_MASK) == k->tag_phys) {
		memcpy(copy, pkt, len);
		copy[2] = MCTP_EID_NULL;
		pkt = copy;
	}
	k->vendor.now_ms = kmctp_now_ms();
	(void)mctp_rx_packet(&k->ep, (uint8_t)k->link, pkt, len, k->vendor.now_ms);
}

int kmctp_pump(struct kmctp *k, int timeout_ms)
{
	struct pollfd p = {.fd = k->fd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);

	if (n < 0 && errno != EINTR) {
		return -errno;
	}
	if (n > 0 && (p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN)) {
		return -ECONNRESET;
	}
	/* drain everything that is ready without blocking */
	while (n > 0) {
		ssize_t got = k->usb ? recv(k->fd, k->rxbuf, sizeof(k->rxbuf), MSG_DONTWAIT)
				     : read(k->fd, k->rxbuf, sizeof(k->rxbuf));

		if (got <= 0) {
			if (got == 0 && k->usb) {
				return -ECONNRESET;
			}
			break;
		}
		if (k->usb) {
			(void)mctp_usb_rx_xfer(&k->ustats, k->rxbuf, (size_t)got, on_packet, k);
		} else {
			(void)mctp_serial_rx_feed(&k->srx, k->rxbuf, (size_t)got, on_packet, k);
		}
		n = poll(&p, 1, 0);
	}
	mctp_poll(&k->ep, kmctp_now_ms());
	return 0;
}

static void req_done(struct mctp_endpoint *ep, const struct mctp_msg *msg, int status, void *arg)
{
	struct kreq_wait *w = arg;

	(void)ep;
	w->done = true;
	w->status = status;
	if (status == 0 && w->k->bench_armed) {
		/* bench data after this response belongs to the new stream */
		w->k->bench_armed = false;
		w->k->bench_start_us = kmctp_now_us();
		mctp_bench_rx_init(&w->k->vendor.rx, kmctp_now_ms());
	}
	if (status == 0) {
		if (msg->len > w->cap) {
			w->status = -EMSGSIZE;
			return;
		}
		memcpy(w->resp, msg->data, msg->len);
		w->len = msg->len;
	}
}

static int request_once(struct kmctp *k, uint8_t dest, const uint8_t *msg, size_t len,
			struct kreq_wait *w, int timeout_ms)
{
	int tag, rc = 0;

	w->done = false;
	tag = mctp_request(&k->ep, dest, msg, len, kmctp_now_ms(), (uint32_t)timeout_ms, req_done,
			   w);
	if (tag < 0) {
		return tag;
	}
	k->tag_phys = dest == MCTP_EID_NULL ? tag : -1;
	rc = kmctp_flush(k);
	while (rc == 0 && !w->done) {
		rc = kmctp_pump(k, 20);
	}
	k->tag_phys = -1;
	if (rc < 0) {
		mctp_tag_release(&k->ep, dest, (uint8_t)tag);
		return rc;
	}
	return w->status;
}

int kmctp_request(struct kmctp *k, uint8_t dest, const uint8_t *msg, size_t len, uint8_t *resp,
		  size_t cap, int timeout_ms, int tries)
{
	struct kreq_wait w = {.k = k, .resp = resp, .cap = cap};
	int rc = -EAGAIN;

	for (int i = 0; i < tries; i++) {
		rc = request_once(k, dest, msg, len, &w, timeout_ms);
		if (rc != -EAGAIN) {
			break;
		}
		if (k->opts->verbose) {
			fprintf(stderr, "kestrel-mctp: no response from EID %u (try %d of %d)\n",
				dest, i + 1, tries);
		}
	}
	return rc == 0 ? (int)w.len : rc;
}
