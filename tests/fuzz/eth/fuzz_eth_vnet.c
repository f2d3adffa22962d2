/*
 * libFuzzer target for the virtio-net header helpers of the TAP offloads
 * (kestrel/drivers/eth_vnet.h): what the kernel sends (header + frame) and
 * what the driver builds for frames the stack marked.
 *
 * Input: [0] bit 0 = PBUF_F_CSUM_PARTIAL for the TX side; [1..2] gso_size
 * (little-endian); [3..12] a virtio-net header; the rest is the frame.
 * Checks: decode/encode round trip; an accepted RX header never points
 * the checksum field outside the frame, and a software fill leaves a
 * checksum that verifies (with the pseudo-header sum the field held) and
 * every other byte untouched, without leaking pool blocks; a TX header that was built points inside the frame.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/drivers/eth_vnet.h>
#include <kestrel/errno.h>
#include <kestrel/lib/inet_csum.h>

#define FILL_MAX 4096 /* frames checked through a pbuf chain */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pbuf_pool pool;
static int pool_ready;
static uint8_t back[FILL_MAX];

static void check_fill(const struct eth_vnet_hdr *h, const uint8_t *f, size_t len)
{
	struct pbuf_stats st;
	struct pbuf *p;
	size_t field = (size_t)h->csum_start + h->csum_offset;

	if (len > FILL_MAX) {
		return;
	}
	p = pbuf_from(&pool, PBUF_RAW, f, (uint16_t)len);
	if (p == NULL) {
		__builtin_trap();
	}
	if (eth_vnet_csum_fill(p, h->csum_start, h->csum_offset) != 0) {
		__builtin_trap();
	}
	pbuf_copy_out(p, 0, back, (uint16_t)len);
	pbuf_free(p);
	/*
	 * The field held the pseudo-header sum P; a receiver adds P (as the
	 * pseudo-header) to the completed range and must get 0xffff. With
	 * an even csum_offset P sits word-aligned, so add it first.
	 */
	if ((h->csum_offset & 1u) == 0) {
		struct inet_csum c;

		inet_csum_init(&c);
		inet_csum_add16(&c, (uint16_t)((f[field] << 8) | f[field + 1]));
		inet_csum_update(&c, back + h->csum_start, len - h->csum_start);
		if (inet_csum_final(&c) != 0) {
			__builtin_trap();
		}
	}
	if (memcmp(back, f, field) != 0 ||
	    memcmp(back + field + 2, f + field + 2, len - field - 2)) {
		__builtin_trap();
	}
	pbuf_pool_stats(&pool, &st);
	if (st.used != 0) {
		__builtin_trap();
	}
}

static void check_rx(const uint8_t *hdr, const uint8_t *f, size_t len)
{
	struct eth_vnet_hdr h;
	uint8_t again[ETH_VNET_HDR_LEN];
	int rc;

	eth_vnet_hdr_decode(hdr, &h);
	eth_vnet_hdr_encode(&h, again);
	if (memcmp(again, hdr, sizeof(again)) != 0) {
		__builtin_trap();
	}
	rc = eth_vnet_rx_check(&h, f, len < ETH_VNET_PEEK ? len : ETH_VNET_PEEK, len);
	if (rc != ETH_VNET_RX_PLAIN && rc != ETH_VNET_RX_CSUM_OK && rc != ETH_VNET_RX_CSUM_FILL &&
	    rc != -EBADMSG) {
		__builtin_trap();
	}
	if (rc >= 0 && (h.flags & ETH_VNET_F_NEEDS_CSUM) &&
	    (size_t)h.csum_start + h.csum_offset + 2 > len) {
		__builtin_trap();
	}
	if (rc == ETH_VNET_RX_CSUM_FILL) {
		check_fill(&h, f, len);
	}
}

static void check_tx(uint8_t sel, uint16_t gso_size, const uint8_t *f, size_t len)
{
	uint16_t flags = (sel & 1u) ? PBUF_F_CSUM_PARTIAL : 0;
	struct eth_vnet_hdr h;
	int rc = eth_vnet_tx_hdr(f, len < ETH_VNET_PEEK ? len : ETH_VNET_PEEK, len, flags, gso_size,
				 &h);

	if (rc != 0 && rc != -EINVAL) {
		__builtin_trap();
	}
	if (rc != 0 || flags == 0) {
		return;
	}
	if (h.flags != ETH_VNET_F_NEEDS_CSUM || h.csum_start < 34 ||
	    (size_t)h.csum_start + h.csum_offset + 2 > len || h.hdr_len > len ||
	    h.hdr_len <= h.csum_start || (gso_size != 0 && h.gso_type != ETH_VNET_GSO_TCPV4)) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;

	if (!pool_ready) {
		pbuf_pool_init(&pool);
		pool_ready = 1;
	}
	if (size < 3 + ETH_VNET_HDR_LEN) {
		return 0;
	}
	len = size - 3 - ETH_VNET_HDR_LEN;
	if (len > 0xffff) {
		return 0;
	}
	check_rx(data + 3, data + 3 + ETH_VNET_HDR_LEN, len);
	check_tx(data[0], (uint16_t)(data[1] | (data[2] << 8)), data + 3 + ETH_VNET_HDR_LEN, len);
	return 0;
}
