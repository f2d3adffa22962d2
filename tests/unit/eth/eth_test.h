/*
 * Test fixtures for the Ethernet drivers: a pbuf pool standing in for the
 * network task's (net_rx_alloc), a net_task_input() that records every
 * frame it is given, and a leak check. Include from exactly one .c per
 * test program (it defines the fakes).
 */
#ifndef ETH_TEST_H
#define ETH_TEST_H

#include <stdint.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/net/nettask.h>
#include <kestrel/net/pbuf.h>

#include "ktest.h"

#define ET_MAX_FRAMES 64
#define ET_FRAME_MAX  2100

static struct pbuf_pool et_pool;
static uint8_t et_frames[ET_MAX_FRAMES][ET_FRAME_MAX];
static uint16_t et_len[ET_MAX_FRAMES];
static uint16_t et_flags[ET_MAX_FRAMES];
static unsigned et_nframes;
static int et_input_rc;		  /* what net_task_input returns (0 or -ENOMEM) */
static int et_alloc_fail;	  /* net_rx_alloc returns NULL while set */
static void (*et_on_input)(void); /* called after each recorded frame */

struct pbuf *net_rx_alloc(size_t len)
{
	if (et_alloc_fail || len > 0xFFFFu) {
		return NULL;
	}
	return pbuf_alloc(&et_pool, PBUF_RAW, (uint16_t)len);
}

int net_task_input(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	if (et_input_rc < 0) {
		pbuf_free(p);
		return et_input_rc;
	}
	if (et_nframes < ET_MAX_FRAMES && p->tot_len <= ET_FRAME_MAX) {
		et_len[et_nframes] = pbuf_copy_out(p, 0, et_frames[et_nframes], p->tot_len);
		et_flags[et_nframes] = p->flags;
		et_nframes++;
	}
	pbuf_free(p);
	if (et_on_input != NULL) {
		et_on_input();
	}
	return 0;
}

static inline void et_reset(void)
{
	pbuf_pool_init(&et_pool);
	et_nframes = 0;
	et_input_rc = 0;
	et_alloc_fail = 0;
	et_on_input = NULL;
}

/* Blocks of the fake pool still handed out. */
static inline unsigned et_pool_used(void)
{
	struct pbuf_stats s;

	pbuf_pool_stats(&et_pool, &s);
	return s.used;
}

/* A frame whose bytes are (seed + i) & 0xff, with an Ethernet header. */
static inline void et_fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		buf[i] = (uint8_t)(seed + i);
	}
}

#endif /* ETH_TEST_H */
