/*
 * USB device descriptors for an MCTP-over-USB device (DSP0283 1.0 §5,
 * USB 2.0 §9.6, CDC 1.2 §5.2.3 / PSTN 1.2 §5.3, IAD ECN).
 *
 * Configuration descriptor set built here:
 *   OFFSET SIZE DESCRIPTION
 *   0      9    configuration: 1 or 3 interfaces, bus powered, 100 mA
 *   9      9    interface 0: class 0x14 MCTP, subclass 0x00, protocol 0x01
 *   18     7    endpoint 0x01 bulk OUT, 512 (HS) / 64 (FS)
 *   25     7    endpoint 0x81 bulk IN
 *   -- only with cdc_acm --
 *   32     8    interface association: interfaces 1-2, class 02/02/00
 *   40     9    interface 1: CDC communication, ACM, one interrupt endpoint
 *   49     5    CDC header functional descriptor, bcdCDC 1.10
 *   54     5    call management: no call management, data interface 2
 *   59     4    ACM: line coding supported (bmCapabilities 0x02)
 *   63     5    union: control 1, subordinate 2
 *   68     7    endpoint 0x83 interrupt IN, 8 bytes
 *   75     9    interface 2: CDC data
 *   84     7    endpoint 0x02 bulk OUT
 *   91     7    endpoint 0x82 bulk IN                         total 98
 *
 * The device descriptor uses class EF/02/01 (IAD) when CDC-ACM is present.
 * The serial-number string is the first 12 hex digits of the UUID, so a
 * host can match the USB device to the endpoint's Get Endpoint UUID.
 */
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/mctp/usb.h>

static void desc_endpoint(struct wr_cursor *w, uint8_t addr, uint8_t attr, uint16_t mps,
			  uint8_t interval)
{
	wr_u8(w, 7);
	wr_u8(w, 5); /* ENDPOINT */
	wr_u8(w, addr);
	wr_u8(w, attr);
	wr_le16(w, mps);
	wr_u8(w, interval);
}

static void desc_interface(struct wr_cursor *w, uint8_t num, uint8_t neps, uint8_t cls, uint8_t sub,
			   uint8_t proto, uint8_t istr)
{
	wr_u8(w, 9);
	wr_u8(w, 4); /* INTERFACE */
	wr_u8(w, num);
	wr_u8(w, 0); /* alternate setting */
	wr_u8(w, neps);
	wr_u8(w, cls);
	wr_u8(w, sub);
	wr_u8(w, proto);
	wr_u8(w, istr);
}

static void desc_cdc_acm(struct wr_cursor *w, uint16_t mps)
{
	static const uint8_t functional[] = {
		5, 0x24, 0x00, 0x10, 0x01, /* header, CDC 1.10 */
		5, 0x24, 0x01, 0x00, 2,	   /* call management */
		4, 0x24, 0x02, 0x02,	   /* ACM: line coding */
		5, 0x24, 0x06, 1,    2,	   /* union 1 -> 2 */
	};

	wr_u8(w, 8);
	wr_u8(w, 0x0B); /* INTERFACE ASSOCIATION */
	wr_u8(w, MCTP_USB_IFACE_CDC);
	wr_u8(w, 2);
	wr_u8(w, 0x02);
	wr_u8(w, 0x02);
	wr_u8(w, 0x00);
	wr_u8(w, 5);
	desc_interface(w, MCTP_USB_IFACE_CDC, 1, 0x02, 0x02, 0x00, 5);
	wr_bytes(w, functional, sizeof(functional));
	desc_endpoint(w, MCTP_USB_EP_CDC_INT, 0x03, 8, 8);
	desc_interface(w, MCTP_USB_IFACE_CDC + 1, 2, 0x0A, 0x00, 0x00, 0);
	desc_endpoint(w, MCTP_USB_EP_CDC_OUT, 0x02, mps, 0);
	desc_endpoint(w, MCTP_USB_EP_CDC_IN, 0x02, mps, 0);
}

static bool str_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL) {
		return false;
	}
	while (s[n] != '\0') {
		if ((uint8_t)s[n] >= 0x80 || ++n > (MCTP_USB_STR_MAX - 2) / 2) {
			return false;
		}
	}
	return true;
}

int mctp_usb_desc_build(struct mctp_usb_desc *d, const struct mctp_usb_dev_config *cfg)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t mps = cfg->high_speed ? 512 : 64;
	struct wr_cursor w = wr_init(d->device, sizeof(d->device));

	if (!str_ok(cfg->manufacturer) || !str_ok(cfg->product)) {
		return -EINVAL;
	}
	d->manufacturer = cfg->manufacturer;
	d->product = cfg->product;
	for (int i = 0; i < 6; i++) {
		d->serial[2 * i] = hex[cfg->uuid[i] >> 4];
		d->serial[2 * i + 1] = hex[cfg->uuid[i] & 15];
	}
	d->serial[12] = '\0';

	wr_u8(&w, 18);
	wr_u8(&w, 1); /* DEVICE */
	wr_le16(&w, 0x0200);
	wr_u8(&w, cfg->cdc_acm ? 0xEF : 0x00);
	wr_u8(&w, cfg->cdc_acm ? 0x02 : 0x00);
	wr_u8(&w, cfg->cdc_acm ? 0x01 : 0x00);
	wr_u8(&w, 64); /* bMaxPacketSize0 */
	wr_le16(&w, cfg->vid);
	wr_le16(&w, cfg->pid);
	wr_le16(&w, cfg->bcd_device);
	wr_u8(&w, 1);
	wr_u8(&w, 2);
	wr_u8(&w, 3);
	wr_u8(&w, 1);

	w = wr_init(d->config, sizeof(d->config));
	wr_u8(&w, 9);
	wr_u8(&w, 2);	/* CONFIGURATION */
	wr_le16(&w, 0); /* wTotalLength, patched below */
	wr_u8(&w, cfg->cdc_acm ? 3 : 1);
	wr_u8(&w, 1);
	wr_u8(&w, 0);
	wr_u8(&w, 0x80);
	wr_u8(&w, 50);
	desc_interface(&w, MCTP_USB_IFACE_MCTP, 2, MCTP_USB_CLASS, MCTP_USB_SUBCLASS_EP,
		       MCTP_USB_PROTOCOL_1, 4);
	desc_endpoint(&w, MCTP_USB_EP_MCTP_OUT, 0x02, mps, 0);
	desc_endpoint(&w, MCTP_USB_EP_MCTP_IN, 0x02, mps, 0);
	if (cfg->cdc_acm) {
		desc_cdc_acm(&w, mps);
	}
	if (!wr_ok(&w)) {
		return -EMSGSIZE;
	}
	d->config_len = (uint16_t)w.len;
	d->config[2] = (uint8_t)w.len;
	d->config[3] = (uint8_t)(w.len >> 8);
	return 0;
}

static int desc_string(const char *s, uint8_t *out, size_t cap)
{
	uint8_t tmp[MCTP_USB_STR_MAX];
	size_t n = 2;

	while (*s != '\0' && n + 2 <= sizeof(tmp)) {
		tmp[n++] = (uint8_t)*s++;
		tmp[n++] = 0;
	}
	tmp[0] = (uint8_t)n;
	tmp[1] = 3; /* STRING */
	if (n > cap) {
		n = cap;
	}
	memcpy(out, tmp, n);
	return (int)n;
}

int mctp_usb_get_descriptor(const struct mctp_usb_desc *d, uint16_t wvalue, uint8_t *out,
			    size_t cap)
{
	static const uint8_t langid[] = {4, 3, 0x09, 0x04}; /* en-US */
	const uint8_t *src;
	size_t n;

	switch (wvalue >> 8) {
	case 1:
		src = d->device;
		n = sizeof(d->device);
		break;
	case 2:
		src = d->config;
		n = d->config_len;
		break;
	case 3:
		switch (wvalue & 0xFF) {
		case 0:
			src = langid;
			n = sizeof(langid);
			break;
		case 1:
			return desc_string(d->manufacturer, out, cap);
		case 2:
			return desc_string(d->product, out, cap);
		case 3:
			return desc_string(d->serial, out, cap);
		case 4:
			return desc_string("MCTP", out, cap);
		case 5:
			return desc_string("Debug log", out, cap);
		default:
			return -ENOENT;
		}
		break;
	default:
		return -ENOENT;
	}
	if (n > cap) {
		n = cap;
	}
	memcpy(out, src, n);
	return (int)n;
}
