/*
 * MCTP over USB (DSP0283 1.0): bulk-transfer deframer and packer, the
 * device-side descriptor set (MCTP function + optional CDC-ACM debug log)
 * and the device-controller ops an OTG driver implements.
 *
 * Pure parts only: the transfers themselves travel through whatever the
 * board provides (an STM32 OTG driver, or a Unix socket on hosted).
 */
#ifndef KESTREL_MCTP_USB_H
#define KESTREL_MCTP_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/wire/mctp.h>

struct mctp_usb_stats {
	uint32_t xfers;	   /* transfers parsed */
	uint32_t pkts;	   /* packets delivered */
	uint32_t bad_id;   /* DMTF ID != 0x1AB4 or reserved byte != 0 */
	uint32_t bad_len;  /* len < 5 (no MCTP header + byte) */
	uint32_t trunc;	   /* len runs past the end of the transfer */
	uint32_t oversize; /* transfer longer than 512 bytes */
};

typedef void (*mctp_usb_pkt_fn)(void *arg, const uint8_t *pkt, size_t len);

/*
 * Parses one bulk OUT transfer of up to 512 bytes holding one or more
 * `1A B4 00 len` packets; calls `fn` for every MCTP packet (header first,
 * pointing into `xfer`). Parsing stops at the first malformed header
 * (there is no way to resynchronise inside a transfer).
 * @retval n packets delivered @retval -EBADMSG bad ID or len (after
 * delivering the packets before it) @retval -EMSGSIZE transfer > 512 bytes.
 */
int mctp_usb_rx_xfer(struct mctp_usb_stats *st, const uint8_t *xfer, size_t len, mctp_usb_pkt_fn fn,
		     void *arg);

/* Fills IN transfers: packets are appended until the next would not fit. */
struct mctp_usb_tx {
	uint16_t len;
	uint16_t cap; /* transfer size, <= MCTP_USB_XFER_SIZE */
	uint8_t buf[MCTP_USB_XFER_SIZE];
};

/* @retval -EINVAL cap 0 or > 512 */
int mctp_usb_tx_init(struct mctp_usb_tx *tx, uint16_t cap);
/*
 * Appends one MCTP packet (5..251 bytes) with its USB header.
 * @retval 0 appended @retval -EBUSY does not fit: send tx->buf (tx->len bytes),
 * call mctp_usb_tx_reset() and retry @retval -EMSGSIZE packet can never fit.
 */
int mctp_usb_tx_add(struct mctp_usb_tx *tx, const uint8_t *pkt, size_t len);
void mctp_usb_tx_reset(struct mctp_usb_tx *tx);

/* ---- device side: descriptors ---- */

struct mctp_usb_dev_config {
	uint16_t vid, pid, bcd_device;
	const char *manufacturer; /* ASCII, <= 31 chars */
	const char *product;
	uint8_t uuid[MCTP_UUID_SIZE]; /* serial number = first 12 hex digits */
	bool cdc_acm;		      /* add the CDC-ACM debug-log function */
	bool high_speed;	      /* bulk wMaxPacketSize 512 (else 64) */
};

/* Endpoint addresses used by the descriptor set. */
#define MCTP_USB_EP_MCTP_OUT 0x01
#define MCTP_USB_EP_MCTP_IN  0x81
#define MCTP_USB_EP_CDC_OUT  0x02
#define MCTP_USB_EP_CDC_IN   0x82
#define MCTP_USB_EP_CDC_INT  0x83

#define MCTP_USB_IFACE_MCTP 0
#define MCTP_USB_IFACE_CDC  1 /* CDC control; data interface is 2 */

#define MCTP_USB_DESC_MAX 160 /* configuration descriptor set, worst case */
#define MCTP_USB_STR_MAX  66

struct mctp_usb_desc {
	uint8_t device[18];
	uint8_t config[MCTP_USB_DESC_MAX];
	uint16_t config_len;
	char serial[13];
	const char *manufacturer, *product;
};

/* Builds the descriptor set. @retval -EINVAL bad strings. */
int mctp_usb_desc_build(struct mctp_usb_desc *d, const struct mctp_usb_dev_config *cfg);

/*
 * Answers GET_DESCRIPTOR (wValue = type << 8 | index): device (1),
 * configuration (2), string (3: 0 LANGID, 1 manufacturer, 2 product,
 * 3 serial, 4 "MCTP", 5 "Debug log"). Copies at most `cap` bytes.
 * @retval bytes written @retval -ENOENT no such descriptor (STALL).
 */
int mctp_usb_get_descriptor(const struct mctp_usb_desc *d, uint16_t wvalue, uint8_t *out,
			    size_t cap);

/*
 * Device-controller operations, implemented by a USB device driver (STM32
 * OTG, the hosted socket transport). All return 0 or a negative errno.
 * Completion is reported back by the driver calling the stack's handlers.
 */
struct usb_dc_ops {
	int (*connect)(void *ctx, bool on);
	int (*set_address)(void *ctx, uint8_t addr);
	/* type: 0 control, 2 bulk, 3 interrupt; ep = address with direction bit */
	int (*ep_enable)(void *ctx, uint8_t ep, uint8_t type, uint16_t mps);
	int (*ep_disable)(void *ctx, uint8_t ep);
	int (*ep_stall)(void *ctx, uint8_t ep, bool stall);
	/* Queue an IN transfer; the driver owns `buf` until it reports completion. */
	int (*ep_write)(void *ctx, uint8_t ep, const uint8_t *buf, size_t len);
	/* Arm an OUT transfer into `buf` of `cap` bytes. */
	int (*ep_read)(void *ctx, uint8_t ep, uint8_t *buf, size_t cap);
};

#endif /* KESTREL_MCTP_USB_H */
