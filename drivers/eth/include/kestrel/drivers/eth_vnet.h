/*
 * The virtio-net header (virtio 1.x §5.1.6 "struct virtio_net_hdr"; Linux
 * include/uapi/linux/virtio_net.h) that a Linux TAP opened with
 * IFF_VNET_HDR puts in front of every frame, in both directions, to carry
 * checksum offload and segmentation offload (GSO) information:
 *
 *   OFFSET SIZE DESCRIPTION
 *        0    1 flags: NEEDS_CSUM (1) the checksum field at csum_start +
 *               csum_offset holds the pseudo-header sum only; the Internet
 *               checksum over [csum_start, end of frame) completes it.
 *               DATA_VALID (2) (RX) the checksum was verified.
 *        1    1 gso_type: NONE (0), TCPV4 (1), UDP (3), TCPV6 (4), with
 *               ECN (0x80) or'ed in when the segments carry CWR
 *        2    2 hdr_len: bytes of Ethernet + IP + L4 header (GSO: copied in
 *               front of every segment)
 *        4    2 gso_size: L4 payload bytes per segment (GSO)
 *        6    2 csum_start: offset of the L4 header from the frame start
 *        8    2 csum_offset: offset of the checksum field from csum_start
 *               (TCP 16, UDP 6)
 *
 * 16-bit fields are little-endian (virtio 1.0; the TAP driver asks the
 * kernel for that with TUNSETVNETLE, which is also the native order of
 * every little-endian host).
 *
 * Pure functions over buffers (no host calls): the TAP driver builds and
 * checks headers with them; they are unit-tested and fuzzed on their own.
 */
#ifndef KESTREL_DRIVERS_ETH_VNET_H
#define KESTREL_DRIVERS_ETH_VNET_H

#include <stddef.h>
#include <stdint.h>

#include <kestrel/net/pbuf.h>

#define ETH_VNET_HDR_LEN 10

#define ETH_VNET_F_NEEDS_CSUM 0x01u
#define ETH_VNET_F_DATA_VALID 0x02u

#define ETH_VNET_GSO_NONE  0x00u
#define ETH_VNET_GSO_TCPV4 0x01u
#define ETH_VNET_GSO_UDP   0x03u
#define ETH_VNET_GSO_TCPV6 0x04u
#define ETH_VNET_GSO_ECN   0x80u

/* Bytes of a frame's start the functions below look at: Ethernet + IPv4 + TCP, each at most. */
#define ETH_VNET_PEEK (14 + 60 + 60)

/* The header, decoded (host byte order). */
struct eth_vnet_hdr {
	uint8_t flags;	  /* ETH_VNET_F_* */
	uint8_t gso_type; /* ETH_VNET_GSO_* */
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

/* Writes h as the 10 wire bytes. */
void eth_vnet_hdr_encode(const struct eth_vnet_hdr *h, uint8_t out[ETH_VNET_HDR_LEN]);

/* Reads the 10 wire bytes (any values; eth_vnet_rx_check judges them). */
void eth_vnet_hdr_decode(const uint8_t in[ETH_VNET_HDR_LEN], struct eth_vnet_hdr *h);

/*
 * TX: the header for a frame the stack marked. head holds the first
 * head_len bytes of the frame (min(frame_len, ETH_VNET_PEEK) is enough),
 * frame_len is its length. pbuf_flags & PBUF_F_CSUM_PARTIAL: NEEDS_CSUM
 * with csum_start = the L4 header, csum_offset 16 (TCP) or 6 (UDP).
 * gso_size != 0: GSO TCPV4 segments of gso_size payload bytes (needs
 * PBUF_F_CSUM_PARTIAL: the link completes every segment's checksum).
 * hdr_len is the Ethernet + IP + L4 header length whenever the frame is
 * marked. An unmarked frame gets an all-zero header.
 * @retval -EINVAL marked, but not IPv4 TCP/UDP (GSO: TCP), an IP fragment,
 *         headers cut short or gso_size without PBUF_F_CSUM_PARTIAL
 */
int eth_vnet_tx_hdr(const uint8_t *head, size_t head_len, size_t frame_len, uint16_t pbuf_flags,
		    uint16_t gso_size, struct eth_vnet_hdr *h);

/* What eth_vnet_rx_check() found. */
enum eth_vnet_rx {
	ETH_VNET_RX_PLAIN = 0,	   /* nothing known: the stack checks the checksum */
	ETH_VNET_RX_CSUM_OK = 1,   /* set PBUF_F_CSUM_OK (TCP/UDP checksum trusted) */
	ETH_VNET_RX_CSUM_FILL = 2, /* NEEDS_CSUM on other data: eth_vnet_csum_fill() */
};

/*
 * RX: checks header h of a received frame (head/head_len: its first
 * bytes, as for eth_vnet_tx_hdr; frame_len: its length) and says how to
 * treat the transport checksum. DATA_VALID, or NEEDS_CSUM on IPv4 TCP/UDP
 * at the expected offsets: CSUM_OK (the data came from the host kernel
 * and never crossed a wire). GSO frames (TCPV4 only) are accepted as one
 * large frame.
 * @retval ETH_VNET_RX_PLAIN, ETH_VNET_RX_CSUM_OK or ETH_VNET_RX_CSUM_FILL
 * @retval -EBADMSG checksum field beyond the frame, or a GSO type other
 *         than TCPV4 (never negotiated), or GSO on anything but IPv4 TCP
 */
int eth_vnet_rx_check(const struct eth_vnet_hdr *h, const uint8_t *head, size_t head_len,
		      size_t frame_len);

/*
 * Completes a partial checksum in place (what a NIC does for NEEDS_CSUM):
 * the Internet checksum of p from csum_start to the end, field included,
 * stored big-endian at csum_start + csum_offset.
 * @retval -EBADMSG the field does not lie within p
 */
int eth_vnet_csum_fill(struct pbuf *p, uint16_t csum_start, uint16_t csum_offset);

#endif /* KESTREL_DRIVERS_ETH_VNET_H */
