/*
 * NVMe admin commands over NVMe-MI (NVMe-MI 1.2 §6; data layouts from the
 * NVMe Base Specification 2.0: Identify §5.17, Get Log Page §5.16, Get
 * Features §5.15 / §5.27.1).
 *
 * The full data of a command is built at r->resp + 20 (where admin
 * response data goes), then the window [DOFST, DOFST + DLEN) is moved to
 * the front. Without the DLEN-valid flag no data is returned.
 *
 * Identify Controller (CNS 01h), fields filled:
 *   OFFSET SIZE DESCRIPTION
 *   0      2    VID              2   2  SSVID
 *   4      20   SN (ASCII, space padded)
 *   24     40   MN               64  8  FR
 *   72     1    RAB              73  3  IEEE OUI
 *   77     1    MDTS             78  2  CNTLID
 *   80     4    VER (1.4.0)      111 1  CNTRLTYPE (1 I/O controller)
 *   256    2    OACS             258 1  ACL   259 1 AERL
 *   260    1    FRMW             261 1  LPA   262 1 ELPE  263 1 NPSS
 *   266    2    WCTEMP           268 2  CCTEMP
 *   512    1    SQES             513 1  CQES
 *   516    4    NN               520 2  ONCS
 *   768    256  SUBNQN           2048 32 power state 0 descriptor
 * Identify Namespace (CNS 00h): 0 NSZE, 8 NCAP, 16 NUSE, 25 NLBAF, 26 FLBAS,
 *   104 NGUID, 128 LBAF0 (MS u16, LBADS u8, RP u8).
 * SMART / Health log (02h): 0 CW, 1 temp (K), 3 spare, 4 threshold, 5 used,
 *   128 power-on hours (u128), 112 power cycles (u128).
 * Firmware Slot log (03h): 0 AFI, 8 FRS1.
 */
#include <kestrel/errno.h>

#include "nvme_mi_internal.h"

#define NVME_SC_SHIFT 17 /* status field position in CQE DW3 */

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static void put_str(uint8_t *p, const char *s, size_t n)
{
	size_t i = 0;

	for (; i < n && s[i] != '\0'; i++) {
		p[i] = (uint8_t)s[i];
	}
	memset(p + i, ' ', n - i);
}

static void id_ctrl(const struct nvme_model *m, uint8_t *d)
{
	static const char nqn[] = "nqn.2014-08.org.nvmexpress:kestrel:";

	put_le16(d + 0, m->vid);
	put_le16(d + 2, m->ssvid);
	put_str(d + 4, m->sn, 20);
	put_str(d + 24, m->mn, 40);
	put_str(d + 64, m->fr, 8);
	d[72] = 0; /* RAB */
	d[76] = 0; /* CMIC */
	d[77] = 5; /* MDTS: 2^5 pages */
	put_le16(d + 78, m->cntlid);
	put_le32(d + 80, 0x00010400); /* 1.4.0 */
	d[111] = 1;		      /* I/O controller */
	put_le16(d + 256, 0x0000);    /* OACS: no optional admin commands */
	d[258] = 3;		      /* ACL */
	d[259] = 3;		      /* AERL */
	d[260] = 0x02;		      /* FRMW: one slot */
	d[261] = 0x02;		      /* LPA: command effects not supported, ext data */
	d[262] = 63;		      /* ELPE: 64 error log entries */
	d[263] = 0;		      /* NPSS: one power state */
	put_le16(d + 266, m->temp_thresh_k);
	put_le16(d + 268, (uint16_t)(m->temp_thresh_k + 10));
	d[512] = 0x66;
	d[513] = 0x44;
	put_le32(d + 516, CONFIG_NVME_MODEL_MAX_NS);
	memcpy(d + 768, nqn, sizeof(nqn) - 1);
	for (size_t i = 0; i < 20 && m->sn[i] != '\0'; i++) {
		d[768 + sizeof(nqn) - 1 + i] = (uint8_t)m->sn[i];
	}
	put_le16(d + 2048, 900); /* PSD0: 9.00 W max */
}

static bool ns_valid(const struct nvme_model *m, uint32_t nsid)
{
	return nsid >= 1 && nsid <= m->n_ns;
}

static int admin_identify(struct nvme_mi_responder *r, const struct nvme_admin_req *a, uint8_t *d)
{
	const struct nvme_model *m = r->model;
	uint8_t cns = (uint8_t)a->cdw10;
	uint16_t cntid = (uint16_t)(a->cdw10 >> 16);
	size_t k = 0;

	memset(d, 0, NVME_IDENTIFY_SIZE);
	switch (cns) {
	case NVME_ID_CNS_NS:
		if (!ns_valid(m, a->nsid)) {
			return -(int)(NVME_SC_INVALID_NS << 8);
		}
		put_le64(d + 0, m->ns[a->nsid - 1].nsze);
		put_le64(d + 8, m->ns[a->nsid - 1].nsze);
		put_le64(d + 16, m->ns[a->nsid - 1].nsze);
		memcpy(d + 104, m->ns[a->nsid - 1].nguid, 16);
		d[130] = m->ns[a->nsid - 1].lbads;
		break;
	case NVME_ID_CNS_CTRL:
		id_ctrl(m, d);
		break;
	case NVME_ID_CNS_NS_ACTIVE_LIST:
		for (uint32_t id = a->nsid + 1; id <= m->n_ns && k < 1024; id++) {
			put_le32(d + 4 * k++, id);
		}
		break;
	case NVME_ID_CNS_NS_DESC_LIST:
		if (!ns_valid(m, a->nsid)) {
			return -(int)(NVME_SC_INVALID_NS << 8);
		}
		d[0] = 2; /* NIDT: NGUID */
		d[1] = 16;
		memcpy(d + 4, m->ns[a->nsid - 1].nguid, 16);
		break;
	case NVME_ID_CNS_CTRL_NS_LIST:
	case NVME_ID_CNS_CTRL_LIST:
		if (cns == NVME_ID_CNS_CTRL_NS_LIST && !ns_valid(m, a->nsid)) {
			return -(int)(NVME_SC_INVALID_NS << 8);
		}
		if (cntid <= m->cntlid) {
			put_le16(d, 1);
			put_le16(d + 2, m->cntlid);
		}
		break;
	default:
		return -(int)(NVME_SC_INVALID_FIELD << 8);
	}
	return NVME_IDENTIFY_SIZE;
}

static void log_smart(const struct nvme_model *m, uint8_t *d)
{
	memset(d, 0, NVME_LOG_SMART_SIZE);
	d[0] = m->cwarn;
	put_le16(d + 1, m->temp_k);
	d[3] = m->spare;
	d[4] = m->spare_thresh;
	d[5] = m->pct_used;
	put_le64(d + 112, m->power_cycles);
	put_le64(d + 128, m->power_on_hours);
	put_le16(d + 200, m->temp_k); /* temperature sensor 1 */
}

static int admin_get_log(struct nvme_mi_responder *r, const struct nvme_admin_req *a, uint8_t *d)
{
	uint8_t lid = (uint8_t)a->cdw10;
	uint32_t numd = ((a->cdw10 >> 16) | ((a->cdw11 & 0xFFFF) << 16)) + 1;
	uint64_t off = a->cdw12 | ((uint64_t)a->cdw13 << 32);
	size_t size, len = (size_t)numd * 4;

	/* the whole log is built at d; the requested window is moved to d */
	switch (lid) {
	case NVME_LOG_ERROR:
		size = NVME_LOG_ERROR_ENTRY_SIZE * 64; /* 64 entries, none logged */
		memset(d, 0, size);
		break;
	case NVME_LOG_SMART:
		size = NVME_LOG_SMART_SIZE;
		log_smart(r->model, d);
		break;
	case NVME_LOG_FW_SLOT:
		size = NVME_LOG_FW_SLOT_SIZE;
		memset(d, 0, size);
		d[0] = 0x01; /* AFI: slot 1 active */
		put_str(d + 8, r->model->fr, 8);
		break;
	default:
		return -(int)(NVME_SC_INVALID_FIELD << 8);
	}
	if ((off & 3) || off >= size || len > NVME_MI_MAX_DATA) {
		return -(int)(NVME_SC_INVALID_FIELD << 8);
	}
	memmove(d, d + off, size - (size_t)off);
	if (len > size - off) {
		memset(d + (size - off), 0, len - (size - (size_t)off));
	}
	return (int)len;
}

static int admin_get_features(struct nvme_mi_responder *r, const struct nvme_admin_req *a,
			      uint32_t *dw0)
{
	const struct nvme_model *m = r->model;

	switch ((uint8_t)a->cdw10) {
	case NVME_FEAT_TEMP_THRESH:
		if (((a->cdw11 >> 16) & 0xF) > 1) { /* TMPSEL: composite or sensor 1 */
			return -(int)(NVME_SC_INVALID_FIELD << 8);
		}
		/* THSEL 0: over-temperature threshold; 1: under (0 K: none) */
		*dw0 = ((a->cdw11 >> 20) & 3) == 0 ? m->temp_thresh_k : 0;
		return 0;
	case NVME_FEAT_POWER_MGMT:
		*dw0 = m->power_state;
		return 0;
	case NVME_FEAT_NUM_QUEUES:
		*dw0 = ((uint32_t)(m->nr_queues - 1) << 16) | (uint16_t)(m->nr_queues - 1);
		return 0;
	default:
		return -(int)(NVME_SC_INVALID_FIELD << 8);
	}
}

static bool admin_prohibited(uint8_t op)
{
	switch (op) {
	case NVME_ADMIN_DELETE_SQ:
	case NVME_ADMIN_CREATE_SQ:
	case NVME_ADMIN_DELETE_CQ:
	case NVME_ADMIN_CREATE_CQ:
	case NVME_ADMIN_ABORT:
	case NVME_ADMIN_ASYNC_EVENT:
	case NVME_ADMIN_KEEP_ALIVE:
	case NVME_ADMIN_MI_SEND:
	case NVME_ADMIN_MI_RECV:
	case NVME_ADMIN_DOORBELL_BUF:
		return true;
	default:
		return false;
	}
}

/* Applies DOFST/DLEN to `n` bytes of full data at d. */
static int admin_window(const struct nvme_admin_req *a, uint8_t *d, int n)
{
	uint32_t off = 0, len = 0;

	if (n < 0) {
		return n;
	}
	if (a->flags & NVME_MI_ADMIN_FLAG_DOFST) {
		off = a->dofst;
	}
	if (a->flags & NVME_MI_ADMIN_FLAG_DLEN) {
		len = a->dlen;
	}
	if (len == 0 || n == 0) {
		return 0;
	}
	if ((off & 3) || (len & 3) || len > NVME_MI_MAX_DATA || off > (uint32_t)n ||
	    len > (uint32_t)n - off) {
		return -NVME_MI_STATUS_INVALID_PARAM;
	}
	memmove(d, d + off, len);
	return (int)len;
}

int nvme_admin_handle(struct nvme_mi_responder *r, const struct nvme_admin_req *a, uint32_t cqe[3])
{
	uint8_t *d = r->resp + NVME_MI_ADMIN_RESP_HDR;
	int n;

	if (admin_prohibited(a->opcode)) {
		return -NVME_MI_STATUS_INVALID_OPCODE;
	}
	if (a->ctlid != r->model->cntlid) {
		return -NVME_MI_STATUS_INVALID_PARAM;
	}
	switch (a->opcode) {
	case NVME_ADMIN_IDENTIFY:
		n = admin_identify(r, a, d);
		break;
	case NVME_ADMIN_GET_LOG_PAGE:
		n = admin_get_log(r, a, d);
		break;
	case NVME_ADMIN_GET_FEATURES:
		n = admin_get_features(r, a, &cqe[0]);
		break;
	default:
		return -NVME_MI_STATUS_INVALID_OPCODE;
	}
	if (n < 0 && n <= -256) {
		/* an NVMe-level error: MI success, status in CQE DW3 */
		cqe[2] = (uint32_t)((-n) >> 8) << NVME_SC_SHIFT;
		return 0;
	}
	return admin_window(a, d, n);
}
