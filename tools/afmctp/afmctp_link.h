/* libafmctp's link: the Kestrel serial (pty) or USB (SOCK_SEQPACKET) binding. */
#ifndef AFMCTP_LINK_H
#define AFMCTP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/serial.h>
#include <kestrel/mctp/usb.h>

struct afm_link {
	int fd;
	bool usb;
	struct mctp_serial_rx srx;
	struct mctp_usb_stats ust;
	struct mctp_usb_tx utx;
	size_t txlen;
	uint8_t txbuf[16384];
	uint8_t rxbuf[65536];
};

/* Opens serial (if set) or usb. @retval 0 or -errno (-ENOENT: neither given). */
int afm_link_open(struct afm_link *l, const char *serial, const char *usb);
/* Waits up to ms for receive data. @retval 1 ready, 0 timeout, -errno. */
int afm_link_wait(struct afm_link *l, int ms);
/* Reads what is ready and calls fn for every MCTP packet. */
void afm_link_rx(struct afm_link *l, void (*fn)(void *arg, const uint8_t *pkt, size_t len),
		 void *arg);
/* Buffers one packet (framed for serial, packed for USB). */
int afm_link_tx(struct afm_link *l, const uint8_t *pkt, size_t len);
/* Writes the buffered data. @retval 0 or -errno. */
int afm_link_flush(struct afm_link *l);
uint32_t afm_now_ms(void);

#endif
