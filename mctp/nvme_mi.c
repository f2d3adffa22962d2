/*
 * NVMe-MI 1.2 responder: message framing and integrity (§3.1), NVMe-MI
 * commands (§4), control primitives (§5). Admin commands are in
 * nvme_admin.c.
 *
 * Message (offsets include the MCTP type byte):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    0x84 (IC | type 4); IC clear -> dropped silently
 *   1      1    ROR(7) NMIMT(6:3) CSI(0); requests have ROR = 0
 *   2      2    reserved
 *   4      n    body
 *   4+n    4    MIC: CRC-32C of bytes 0..3+n, LE; mismatch -> dropped silently
 *
 * NVMe-MI command (NMIMT 1) request body: 4 opcode, 8 DW0, 12 DW1, 16 data.
 * Response: 4 status, 5-7 management response (LE), 8 data, padded with
 * zeros to a dword (libnvme rejects responses that are not a multiple of 4).
 * Control primitive (NMIMT 0): 4 opcode, 5 tag, 6 CPSP (LE); response
 * 4 status, 5 tag, 6 CPSR.
 * Error response: header, status, three reserved bytes, MIC.
 *
 * Read NVMe-MI Data Structure payloads (§4.6):
 *   subsystem info (32 B): 0 NUMP, 1 MJR, 2 MNR, 3 NNSC
 *   port info (32 B): 0 PRTTYP, 1 PRTCAP, 2 MMTUS, 4 MEBS, 8.. type specific
 *   controller list: NUMID u16 + IDs
 *   controller info (32 B): 0 PORTID, 5 PRII, 6 PRI, 8 VID, 10 DID, 12 SSVID, 14 SSID
 */
#include <kestrel/errno.h>
#include <kestrel/lib/crc.h>

#include "nvme_mi_internal.h"

#define MI_REQ_MIN    (NVME_MI_HDR_SIZE + 12 + NVME_MI_MIC_SIZE) /* opcode..DW1 */
#define MI_CP_SIZE    (NVME_MI_HDR_SIZE + 4 + NVME_MI_MIC_SIZE)
#define MI_DATA_OFF   8
#define MI_PORT_PCIE  0
#define MI_PORT_SMBUS 1
#define MI_NUM_PORTS  2

void nvme_mi_init(struct nvme_mi_responder *r, struct nvme_model *model)
{
	memset(r, 0, sizeof(*r));
	r->model = model;
	r->mctp_tu[0] = MCTP_BTU;
	r->mctp_tu[1] = MCTP_BTU;
	r->smbus_freq = 1;
}

/* Writes header and MIC around `body` bytes already at resp + 4; pads to a dword. */
static int mi_finish(struct nvme_mi_responder *r, uint8_t hdr1, size_t body)
{
	size_t len = NVME_MI_HDR_SIZE + body;
	uint32_t mic;

	while (len & 3) {
		r->resp[len++] = 0;
	}
	r->resp[0] = NVME_MI_MSG_TYPE;
	r->resp[1] = (uint8_t)(NVME_MI_ROR | (hdr1 & 0x79));
	r->resp[2] = 0;
	r->resp[3] = 0;
	mic = crc32c(0, r->resp, len);
	r->resp[len++] = (uint8_t)mic;
	r->resp[len++] = (uint8_t)(mic >> 8);
	r->resp[len++] = (uint8_t)(mic >> 16);
	r->resp[len++] = (uint8_t)(mic >> 24);
	r->stats.tx++;
	return (int)len;
}

static int mi_error(struct nvme_mi_responder *r, uint8_t hdr1, uint8_t status)
{
	r->resp[4] = status;
	r->resp[5] = r->resp[6] = r->resp[7] = 0;
	r->stats.errors++;
	return mi_finish(r, hdr1, 4);
}

static size_t ds_port_info(const struct nvme_mi_responder *r, uint8_t port, uint8_t *d)
{
	memset(d, 0, 32);
	if (port == MI_PORT_PCIE) {
		d[0] = 1;    /* PCIe */
		d[1] = 0x01; /* CIAPS */
		d[8] = 1;    /* MPS: 256 B */
		d[9] = 0x07; /* SLSV: 2.5-8 GT/s */
		d[10] = 3;   /* CLS: 8 GT/s */
		d[11] = 4;   /* MLW x4 */
		d[12] = 4;   /* NLW x4 */
		d[13] = 0;   /* port number */
	} else {
		d[0] = 2;     /* SMBus/2-wire */
		d[8] = 0xA6;  /* CVPDADDR */
		d[9] = 1;     /* MVPDFREQ 100 kHz */
		d[10] = 0x1D; /* CMEADDR */
		d[11] = r->smbus_freq & 3;
	}
	d[2] = (uint8_t)r->mctp_tu[port];
	d[3] = (uint8_t)(r->mctp_tu[port] >> 8);
	return 32;
}

/* Read NVMe-MI Data Structure (§4.6). Returns data length or -(status). */
static int mi_read_ds(struct nvme_mi_responder *r, uint32_t dw0, uint8_t *d, size_t cap)
{
	const struct nvme_model *m = r->model;
	uint16_t ctrlid = (uint16_t)dw0;
	uint8_t portid = (uint8_t)(dw0 >> 16);

	switch (dw0 >> 24) {
	case NVME_MI_DTYP_SUBSYS_INFO:
		memset(d, 0, 32);
		d[0] = MI_NUM_PORTS - 1;
		d[1] = 1;
		d[2] = 2;
		return 32;
	case NVME_MI_DTYP_PORT_INFO:
		if (portid >= MI_NUM_PORTS) {
			return -NVME_MI_STATUS_INVALID_PARAM;
		}
		return (int)ds_port_info(r, portid, d);
	case NVME_MI_DTYP_CTRL_LIST:
		/* one controller; list the IDs >= CTRLID */
		d[0] = ctrlid <= m->cntlid ? 1 : 0;
		d[1] = 0;
		d[2] = (uint8_t)m->cntlid;
		d[3] = (uint8_t)(m->cntlid >> 8);
		return ctrlid <= m->cntlid ? 4 : 2;
	case NVME_MI_DTYP_CTRL_INFO:
		if (ctrlid != m->cntlid) {
			return -NVME_MI_STATUS_INVALID_PARAM;
		}
		memset(d, 0, 32);
		d[0] = MI_PORT_PCIE;
		d[5] = 1;    /* PRII: PCIe routing ID valid */
		d[6] = 0x00; /* bus 1, device 0, function 0: PRI = 0x0100 */
		d[7] = 0x01;
		d[8] = (uint8_t)m->vid;
		d[9] = (uint8_t)(m->vid >> 8);
		d[10] = (uint8_t)m->did;
		d[11] = (uint8_t)(m->did >> 8);
		d[12] = (uint8_t)m->ssvid;
		d[13] = (uint8_t)(m->ssvid >> 8);
		d[14] = (uint8_t)m->ssid;
		d[15] = (uint8_t)(m->ssid >> 8);
		return 32;
	case NVME_MI_DTYP_OPT_CMDS:
	case NVME_MI_DTYP_MEB_CMDS:
		d[0] = d[1] = 0; /* NUMCMD = 0: nothing optional supported */
		return 2;
	default:
		(void)cap;
		return -NVME_MI_STATUS_INVALID_PARAM;
	}
}

static int8_t temp_celsius(uint16_t k)
{
	int t = (int)k - 273;

	return (int8_t)(t > 127 ? 127 : (t < -127 ? -127 : t));
}

static int mi_subsys_health(struct nvme_mi_responder *r, uint32_t dw1, uint8_t *d)
{
	struct nvme_model *m = r->model;

	d[0] = 0x38; /* NSS: drive functional, reset not required, port 0 link active */
	d[1] = (uint8_t)(~m->cwarn & 0x1F);
	d[2] = (uint8_t)temp_celsius(m->temp_k);
	d[3] = m->pct_used;
	d[4] = (uint8_t)(m->ccs | NVME_MI_CCS_RDY);
	d[5] = (uint8_t)(m->ccs >> 8);
	d[6] = d[7] = 0;
	if (dw1 & 0x80000000u) {
		m->ccs = 0; /* CS: clear the changed status */
	}
	return 8;
}

static int mi_ctrl_health(struct nvme_mi_responder *r, uint32_t dw0, uint32_t dw1, uint8_t *d,
			  uint8_t *rent)
{
	struct nvme_model *m = r->model;
	uint16_t sctlid = (uint16_t)dw0;

	*rent = 0;
	if (sctlid > m->cntlid) {
		return 0;
	}
	memset(d, 0, 16);
	d[0] = (uint8_t)m->cntlid;
	d[1] = (uint8_t)(m->cntlid >> 8);
	d[2] = 0x01; /* CSTS.RDY */
	d[4] = (uint8_t)m->temp_k;
	d[5] = (uint8_t)(m->temp_k >> 8);
	d[6] = m->pct_used;
	d[7] = m->spare;
	d[8] = m->cwarn;
	d[9] = (uint8_t)m->ccs;
	d[10] = (uint8_t)(m->ccs >> 8);
	if (dw1 & 0x80000000u) {
		m->ccs = 0;
	}
	*rent = 1;
	return 16;
}

static int mi_config(struct nvme_mi_responder *r, bool set, uint32_t dw0, uint32_t dw1,
		     uint8_t resp[3])
{
	uint8_t port = (uint8_t)(dw0 >> 24);

	switch (dw0 & 0xFF) {
	case NVME_MI_CFG_SMBUS_FREQ:
		if (port != MI_PORT_SMBUS) {
			return -NVME_MI_STATUS_INVALID_PARAM;
		}
		if (set) {
			uint8_t f = (dw0 >> 8) & 0xF;

			if (f != 1) { /* only 100 kHz is supported by this model */
				return -NVME_MI_STATUS_INVALID_PARAM;
			}
			r->smbus_freq = f;
		}
		resp[0] = set ? 0 : r->smbus_freq;
		return 0;
	case NVME_MI_CFG_HEALTH_CHANGE:
		if (!set) {
			return -NVME_MI_STATUS_INVALID_PARAM;
		}
		r->model->ccs &= (uint16_t)~dw1;
		return 0;
	case NVME_MI_CFG_MCTP_TU:
		if (port >= MI_NUM_PORTS) {
			return -NVME_MI_STATUS_INVALID_PARAM;
		}
		if (set) {
			uint16_t tu = (uint16_t)dw1;

			if (tu < MCTP_BTU || tu > NVME_MI_MAX_DATA) {
				return -NVME_MI_STATUS_INVALID_PARAM;
			}
			r->mctp_tu[port] = tu;
		} else {
			resp[0] = (uint8_t)r->mctp_tu[port];
			resp[1] = (uint8_t)(r->mctp_tu[port] >> 8);
		}
		return 0;
	default:
		return -NVME_MI_STATUS_INVALID_PARAM;
	}
}

static int mi_vpd(struct nvme_mi_responder *r, bool write, uint32_t dw0, uint32_t dw1,
		  struct rd_cursor *data, uint8_t *d)
{
	struct nvme_model *m = r->model;
	uint16_t off = (uint16_t)dw0, len = (uint16_t)dw1;

	if ((uint32_t)off + len > m->vpd_len) {
		return -NVME_MI_STATUS_INVALID_PARAM;
	}
	if (!write) {
		memcpy(d, m->vpd + off, len);
		return len;
	}
	if (rd_left(data) != len) {
		return -NVME_MI_STATUS_INVALID_DATA_SIZE;
	}
	if (m->vpd_writes_left == 0) {
		return -NVME_MI_STATUS_VPD_UPDATES_EXCEEDED;
	}
	m->vpd_writes_left--;
	rd_copy(data, m->vpd + off, len);
	return 0;
}

static int mi_command(struct nvme_mi_responder *r, uint8_t hdr1, struct rd_cursor *c)
{
	uint8_t op = rd_u8(c), mr[3] = {0, 0, 0};
	uint8_t *d = r->resp + MI_DATA_OFF;
	uint32_t dw0, dw1;
	int n;

	rd_skip(c, 3);
	dw0 = rd_le32(c);
	dw1 = rd_le32(c);
	switch (op) {
	case NVME_MI_OP_READ_DS:
		n = mi_read_ds(r, dw0, d, NVME_MI_MAX_DATA);
		if (n >= 0) {
			mr[0] = (uint8_t)n;
			mr[1] = (uint8_t)(n >> 8);
		}
		break;
	case NVME_MI_OP_SUBSYS_HEALTH:
		n = mi_subsys_health(r, dw1, d);
		break;
	case NVME_MI_OP_CTRL_HEALTH:
		n = mi_ctrl_health(r, dw0, dw1, d, &mr[2]);
		break;
	case NVME_MI_OP_CONFIG_SET:
	case NVME_MI_OP_CONFIG_GET:
		n = mi_config(r, op == NVME_MI_OP_CONFIG_SET, dw0, dw1, mr);
		break;
	case NVME_MI_OP_VPD_READ:
	case NVME_MI_OP_VPD_WRITE:
		n = mi_vpd(r, op == NVME_MI_OP_VPD_WRITE, dw0, dw1, c, d);
		break;
	default:
		n = -NVME_MI_STATUS_INVALID_OPCODE;
		break;
	}
	if (n < 0) {
		return mi_error(r, hdr1, (uint8_t)-n);
	}
	r->resp[4] = NVME_MI_STATUS_SUCCESS;
	memcpy(r->resp + 5, mr, 3);
	return mi_finish(r, hdr1, 4 + (size_t)n);
}

static int mi_control(struct nvme_mi_responder *r, uint8_t hdr1, struct rd_cursor *c)
{
	uint8_t op = rd_u8(c), tag = rd_u8(c);
	uint16_t cpsr = 0;

	(void)rd_le16(c);
	switch (op) {
	case NVME_MI_CP_PAUSE:
		r->paused = true;
		break;
	case NVME_MI_CP_RESUME:
		r->paused = false;
		break;
	case NVME_MI_CP_ABORT:
		r->paused = false;
		break;
	case NVME_MI_CP_GET_STATE:
		/* CPSR: bit 3 paused; no command slot busy; no error flags */
		cpsr = r->paused ? 0x0008 : 0;
		break;
	case NVME_MI_CP_REPLAY:
		/* responses are never lost inside this responder: nothing to replay */
		break;
	default:
		return mi_error(r, hdr1, NVME_MI_STATUS_INVALID_OPCODE);
	}
	r->resp[4] = NVME_MI_STATUS_SUCCESS;
	r->resp[5] = tag;
	r->resp[6] = (uint8_t)cpsr;
	r->resp[7] = (uint8_t)(cpsr >> 8);
	return mi_finish(r, hdr1, 4);
}

static int mi_admin(struct nvme_mi_responder *r, uint8_t hdr1, struct rd_cursor *c)
{
	struct nvme_admin_req a;
	uint32_t cqe[3] = {0, 0, 0};
	int n;

	a.opcode = rd_u8(c);
	a.flags = rd_u8(c);
	a.ctlid = rd_le16(c);
	a.nsid = rd_le32(c);
	rd_skip(c, 16); /* CDW2..CDW5 */
	a.dofst = rd_le32(c);
	a.dlen = rd_le32(c);
	rd_skip(c, 8);
	a.cdw10 = rd_le32(c);
	a.cdw11 = rd_le32(c);
	a.cdw12 = rd_le32(c);
	a.cdw13 = rd_le32(c);
	a.cdw14 = rd_le32(c);
	a.cdw15 = rd_le32(c);
	if (!rd_ok(c)) {
		return mi_error(r, hdr1, NVME_MI_STATUS_INVALID_CMD_SIZE);
	}
	n = nvme_admin_handle(r, &a, cqe);
	if (n < 0) {
		return mi_error(r, hdr1, (uint8_t)-n);
	}
	r->resp[4] = NVME_MI_STATUS_SUCCESS;
	r->resp[5] = r->resp[6] = r->resp[7] = 0;
	for (int i = 0; i < 3; i++) {
		uint8_t *p = r->resp + 8 + 4 * i;

		p[0] = (uint8_t)cqe[i];
		p[1] = (uint8_t)(cqe[i] >> 8);
		p[2] = (uint8_t)(cqe[i] >> 16);
		p[3] = (uint8_t)(cqe[i] >> 24);
	}
	return mi_finish(r, hdr1, NVME_MI_ADMIN_RESP_HDR - NVME_MI_HDR_SIZE + (size_t)n);
}

int nvme_mi_handle(struct nvme_mi_responder *r, const uint8_t *req, size_t len)
{
	struct rd_cursor c;
	uint32_t mic;
	uint8_t hdr1;

	r->stats.rx++;
	if (len < MI_CP_SIZE) {
		r->stats.drop_short++;
		return 0;
	}
	if (req[0] != NVME_MI_MSG_TYPE) {
		r->stats.drop_ic++;
		return 0;
	}
	mic = (uint32_t)req[len - 4] | ((uint32_t)req[len - 3] << 8) |
	      ((uint32_t)req[len - 2] << 16) | ((uint32_t)req[len - 1] << 24);
	if (crc32c(0, req, len - NVME_MI_MIC_SIZE) != mic) {
		r->stats.drop_mic++;
		return 0;
	}
	hdr1 = req[1];
	if (hdr1 & NVME_MI_ROR) {
		r->stats.drop_ror++;
		return 0;
	}
	c = rd_init(req + NVME_MI_HDR_SIZE, len - NVME_MI_HDR_SIZE - NVME_MI_MIC_SIZE);
	switch ((hdr1 >> NVME_MI_NMIMT_SHIFT) & NVME_MI_NMIMT_MASK) {
	case NVME_MI_MT_CONTROL:
		return mi_control(r, hdr1, &c);
	case NVME_MI_MT_MI:
		if (len < MI_REQ_MIN) {
			return mi_error(r, hdr1, NVME_MI_STATUS_INVALID_CMD_SIZE);
		}
		return mi_command(r, hdr1, &c);
	case NVME_MI_MT_ADMIN:
		return mi_admin(r, hdr1, &c);
	default:
		return mi_error(r, hdr1, NVME_MI_STATUS_INVALID_OPCODE);
	}
}

static void nvme_mi_handler(struct mctp_endpoint *ep, const struct mctp_msg *msg, void *arg)
{
	struct nvme_mi_responder *r = (struct nvme_mi_responder *)arg;
	int n = nvme_mi_handle(r, msg->data, msg->len);

	if (n > 0) {
		(void)mctp_reply(ep, msg, r->resp, (size_t)n);
	}
}

int nvme_mi_register(struct mctp_endpoint *ep, struct nvme_mi_responder *r)
{
	return mctp_register_handler(ep, MCTP_TYPE_NVME_MI, 0xF1F2FF00u, nvme_mi_handler, r);
}
