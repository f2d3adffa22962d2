/*
 * kestrel-mctp `nvme-mi`: NVMe-MI 1.2 requests over MCTP (type 0x84, MIC =
 * CRC-32C little-endian at the end) and decoders for what comes back.
 *
 * Response layout (offsets include the type byte):
 *   NVMe-MI command (NMIMT 1): 0 0x84, 1 ROR|NMIMT<<3, 4 status, 5-7
 *     management response (LE), 8.. data, MIC.
 *   Admin command (NMIMT 2): 4 status, 8 CQE DW0, 12 DW1, 16 DW3, 20.. data.
 * Every response is checked: length >= 8, MIC, ROR set, same NMIMT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/lib/crc.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/wire/nvme_mi.h>

#include "kmctp.h"
#include "nvme_decode.h"

static uint8_t req_buf[NVME_MI_ADMIN_REQ_HDR + NVME_MI_MAX_DATA + 8];
static uint8_t resp_buf[CONFIG_MCTP_MAX_MSG];

static size_t add_mic(uint8_t *m, size_t n)
{
	uint32_t mic = crc32c(0, m, n);

	m[n] = (uint8_t)mic;
	m[n + 1] = (uint8_t)(mic >> 8);
	m[n + 2] = (uint8_t)(mic >> 16);
	m[n + 3] = (uint8_t)(mic >> 24);
	return n + NVME_MI_MIC_SIZE;
}

static int nvme_exchange(struct kmctp *k, uint8_t eid, size_t len, uint8_t nmimt,
			 const uint8_t **data, size_t *dlen)
{
	int timeout = k->opts->timeout_ms ? k->opts->timeout_ms : 5000;
	int n = kmctp_request(k, eid, req_buf, add_mic(req_buf, len), resp_buf, sizeof(resp_buf),
			      timeout, 1);

	if (n < 0) {
		fprintf(stderr, "kestrel-mctp: NVMe-MI request: %s\n", strerror(-n));
		return n;
	}
	n = nvme_mi_check_resp(resp_buf, (size_t)n, nmimt, data, dlen);
	if (n < 0) {
		fprintf(stderr, "kestrel-mctp: bad NVMe-MI response: %s\n", strerror(-n));
		return n;
	}
	if (n != NVME_MI_STATUS_SUCCESS) {
		printf("status: 0x%02x (%s)\n", n, nvme_mi_status_name((uint8_t)n));
	}
	return n;
}

static size_t mi_req(uint8_t op, uint32_t dw0, uint32_t dw1)
{
	struct wr_cursor w = wr_init(req_buf, sizeof(req_buf));

	wr_u8(&w, NVME_MI_MSG_TYPE);
	wr_u8(&w, NVME_MI_MT_MI << NVME_MI_NMIMT_SHIFT);
	wr_zero(&w, 2);
	wr_u8(&w, op);
	wr_zero(&w, 3);
	wr_le32(&w, dw0);
	wr_le32(&w, dw1);
	return w.len;
}

static size_t admin_req(uint8_t op, uint32_t nsid, uint32_t dlen, uint32_t cdw10, uint32_t cdw11)
{
	struct wr_cursor w = wr_init(req_buf, sizeof(req_buf));

	wr_u8(&w, NVME_MI_MSG_TYPE);
	wr_u8(&w, NVME_MI_MT_ADMIN << NVME_MI_NMIMT_SHIFT);
	wr_zero(&w, 2);
	wr_u8(&w, op);
	wr_u8(&w, NVME_MI_ADMIN_FLAG_DLEN);
	wr_le16(&w, 0); /* CTLID */
	wr_le32(&w, nsid);
	wr_zero(&w, 16); /* CDW2..CDW5 */
	wr_le32(&w, 0);	 /* DOFST */
	wr_le32(&w, dlen);
	wr_zero(&w, 8);
	wr_le32(&w, cdw10);
	wr_le32(&w, cdw11);
	wr_zero(&w, 16); /* CDW12..CDW15 */
	return w.len;
}

static int read_ds(struct kmctp *k, uint8_t eid, uint8_t dtyp, uint8_t port, uint16_t ctrl,
		   const uint8_t **d, size_t *dl)
{
	uint32_t dw0 = (uint32_t)dtyp << 24 | (uint32_t)port << 16 | ctrl;
	int rc = nvme_exchange(k, eid, mi_req(NVME_MI_OP_READ_DS, dw0, 0), NVME_MI_MT_MI, d, dl);
	size_t rdl = (size_t)(resp_buf[5] | resp_buf[6] << 8);

	if (rc == 0 && rdl < *dl) {
		*dl = rdl; /* the rest is padding to a multiple of 4 */
	}
	return rc;
}

static int cmd_subsys(struct kmctp *k, uint8_t eid)
{
	const uint8_t *d;
	size_t dl;
	int rc = read_ds(k, eid, NVME_MI_DTYP_SUBSYS_INFO, 0, 0, &d, &dl);
	int nump;

	if (rc != 0) {
		return rc < 0 ? rc : -EPROTO;
	}
	nump = nvme_print_ds(stdout, NVME_MI_DTYP_SUBSYS_INFO, d, dl);
	for (int p = 0; p <= nump && p < 8; p++) {
		if (read_ds(k, eid, NVME_MI_DTYP_PORT_INFO, (uint8_t)p, 0, &d, &dl) == 0) {
			printf("port %d:\n", p);
			(void)nvme_print_ds(stdout, NVME_MI_DTYP_PORT_INFO, d, dl);
		}
	}
	if (read_ds(k, eid, NVME_MI_DTYP_CTRL_LIST, 0, 0, &d, &dl) == 0) {
		(void)nvme_print_ds(stdout, NVME_MI_DTYP_CTRL_LIST, d, dl);
	}
	if (read_ds(k, eid, NVME_MI_DTYP_CTRL_INFO, 0, 0, &d, &dl) == 0) {
		printf("controller 0:\n");
		(void)nvme_print_ds(stdout, NVME_MI_DTYP_CTRL_INFO, d, dl);
	}
	return 0;
}

static int cmd_health(struct kmctp *k, uint8_t eid, bool clear, bool ctrl)
{
	const uint8_t *d;
	size_t dl;
	uint32_t dw0 = ctrl ? 0x00FF0000u : 0; /* SCTLID 0, MAXRENT 255 */
	uint32_t dw1 = clear ? 0x80000000u : 0;
	uint8_t op = ctrl ? NVME_MI_OP_CTRL_HEALTH : NVME_MI_OP_SUBSYS_HEALTH;
	int rc = nvme_exchange(k, eid, mi_req(op, dw0, dw1), NVME_MI_MT_MI, &d, &dl);

	if (rc != 0) {
		return rc < 0 ? rc : -EPROTO;
	}
	if (ctrl) {
		return nvme_print_ctrl_health(stdout, resp_buf[7], d, dl);
	}
	return nvme_print_subsys_health(stdout, d, dl);
}

static int cmd_config_get(struct kmctp *k, uint8_t eid, const char *what)
{
	const uint8_t *d;
	size_t dl;
	bool tu = what == NULL || strcmp(what, "tu") == 0;
	int rc;

	if (!tu && strcmp(what, "freq") != 0) {
		fprintf(stderr, "usage: nvme-mi config-get [tu|freq]\n");
		return -EINVAL;
	}
	/* the 2-wire port is port 1 in the model; the MCTP unit size is asked of port 0 */
	rc = nvme_exchange(k, eid,
			   mi_req(NVME_MI_OP_CONFIG_GET,
				  tu ? NVME_MI_CFG_MCTP_TU : (NVME_MI_CFG_SMBUS_FREQ | 1u << 24),
				  0),
			   NVME_MI_MT_MI, &d, &dl);
	if (rc != 0) {
		return rc < 0 ? rc : -EPROTO;
	}
	if (tu) {
		printf("MCTP transmission unit size (port 0): %u bytes\n",
		       resp_buf[5] | resp_buf[6] << 8);
	} else {
		static const char *const f[] = {"?", "100 kHz", "400 kHz", "1 MHz"};

		printf("SMBus/I2C frequency (port 1): %s\n", f[resp_buf[5] & 3]);
	}
	return 0;
}

static int cmd_admin(struct kmctp *k, uint8_t eid, bool smart)
{
	const uint8_t *d;
	size_t dl;
	size_t len =
		smart ? admin_req(NVME_ADMIN_GET_LOG_PAGE, 0xFFFFFFFFu, NVME_LOG_SMART_SIZE,
				  (uint32_t)(NVME_LOG_SMART_SIZE / 4 - 1) << 16 | NVME_LOG_SMART, 0)
		      : admin_req(NVME_ADMIN_IDENTIFY, 0, NVME_IDENTIFY_SIZE, NVME_ID_CNS_CTRL, 0);
	int rc = nvme_exchange(k, eid, len, NVME_MI_MT_ADMIN, &d, &dl);

	if (rc != 0) {
		return rc < 0 ? rc : -EPROTO;
	}
	rc = nvme_admin_status(d, dl);
	if (rc < 0) {
		return rc;
	}
	if (rc != 0) {
		printf("NVMe status: 0x%03x\n", rc);
		return -EPROTO;
	}
	return smart ? nvme_print_smart(stdout, d + 12, dl - 12)
		     : nvme_print_id_ctrl(stdout, d + 12, dl - 12);
}

/* Sends hex bytes as given (--no-mic: without appending a MIC). */
static int cmd_raw(struct kmctp *k, uint8_t eid, int argc, char **argv)
{
	bool mic = true;
	size_t n = 0;
	int got, timeout = k->opts->timeout_ms ? k->opts->timeout_ms : 1000;

	for (int i = 2; i < argc; i++) {
		char *end;
		unsigned long v;

		if (strcmp(argv[i], "--no-mic") == 0) {
			mic = false;
			continue;
		}
		v = strtoul(argv[i], &end, 16);
		if (*end != '\0' || v > 0xFF || n + 8 > sizeof(req_buf)) {
			fprintf(stderr, "nvme-mi raw: bad byte '%s'\n", argv[i]);
			return -EINVAL;
		}
		req_buf[n++] = (uint8_t)v;
	}
	if (n == 0) {
		fprintf(stderr, "usage: nvme-mi raw [--no-mic] HEX...\n");
		return -EINVAL;
	}
	got = kmctp_request(k, eid, req_buf, mic ? add_mic(req_buf, n) : n, resp_buf,
			    sizeof(resp_buf), timeout, 1);
	if (got < 0) {
		printf("no response (%s)\n", strerror(-got));
		return got;
	}
	printf("response (%d bytes):", got);
	for (int i = 0; i < got; i++) {
		printf(" %02x", resp_buf[i]);
	}
	printf("\n");
	return 0;
}

int kmctp_cmd_nvme(struct kmctp *k, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	int eid;

	if (argc < 2) {
		fprintf(stderr, "usage: nvme-mi subsys|health [--clear]|ctrl-health [--clear]|"
				"config-get [tu|freq]|identify|smart|raw [--no-mic] HEX...\n");
		return -EINVAL;
	}
	eid = kmctp_target(k);
	if (eid < 0) {
		return eid;
	}
	if (strcmp(sub, "subsys") == 0) {
		return cmd_subsys(k, (uint8_t)eid);
	}
	if (strcmp(sub, "health") == 0 || strcmp(sub, "ctrl-health") == 0) {
		bool clear = argc > 2 && strcmp(argv[2], "--clear") == 0;

		return cmd_health(k, (uint8_t)eid, clear, sub[0] == 'c');
	}
	if (strcmp(sub, "config-get") == 0) {
		return cmd_config_get(k, (uint8_t)eid, argc > 2 ? argv[2] : NULL);
	}
	if (strcmp(sub, "identify") == 0 || strcmp(sub, "smart") == 0) {
		return cmd_admin(k, (uint8_t)eid, sub[0] == 's');
	}
	if (strcmp(sub, "raw") == 0) {
		return cmd_raw(k, (uint8_t)eid, argc, argv);
	}
	fprintf(stderr, "kestrel-mctp: unknown nvme-mi command '%s'\n", sub);
	return -EINVAL;
}
