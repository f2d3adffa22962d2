/*
 * NVMe-MI responder: reference vectors byte-exact, every NVMe-MI command,
 * control primitives, admin commands, silent drops and error statuses.
 */
#include <kestrel/errno.h>
#include <kestrel/lib/crc.h>
#include <kestrel/mctp/nvme_mi.h>

#include "ktest.h"
#include "mctp_test_util.h"

KT_MAIN_STATE;

static struct nvme_model model;
static struct nvme_mi_responder r;

static void setup(void)
{
	nvme_model_init(&model, "SN0123456789");
	nvme_mi_init(&r, &model);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Appends the MIC to a message of n bytes; returns n + 4. */
static size_t seal(uint8_t *m, size_t n)
{
	put32(m + n, crc32c(0, m, n));
	return n + 4;
}

/* NVMe-MI command request with opcode, DW0, DW1 and optional data. */
static size_t mi_req(uint8_t *m, uint8_t op, uint32_t dw0, uint32_t dw1, const uint8_t *data,
		     size_t dlen)
{
	memset(m, 0, 16);
	m[0] = 0x84;
	m[1] = 0x08;
	m[4] = op;
	put32(m + 8, dw0);
	put32(m + 12, dw1);
	if (dlen) {
		memcpy(m + 16, data, dlen);
	}
	return seal(m, 16 + dlen);
}

static size_t admin_req(uint8_t *m, uint8_t op, uint8_t flags, uint32_t nsid, uint32_t dofst,
			uint32_t dlen, uint32_t cdw10, uint32_t cdw11, uint32_t cdw12)
{
	memset(m, 0, 68);
	m[0] = 0x84;
	m[1] = 0x10;
	m[4] = op;
	m[5] = flags;
	put32(m + 8, nsid);
	put32(m + 28, dofst);
	put32(m + 32, dlen);
	put32(m + 44, cdw10);
	put32(m + 48, cdw11);
	put32(m + 52, cdw12);
	return seal(m, 68);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* Every response: type 84, ROR, MIC valid, length a multiple of 4 and >= 12. */
static int check_resp(int n)
{
	if (n < 12 || (n & 3) || r.resp[0] != 0x84 || !(r.resp[1] & 0x80)) {
		return 0;
	}
	return crc32c(0, r.resp, (size_t)n - 4) == get32(r.resp + n - 4);
}

static void test_reference_vectors(void)
{
	static const struct {
		const char *name;
		const char *req;
		const char *resp;
	} rows[] = {
		{"read ds subsystem info",
		 "84 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 e2 00 06 07",
		 "84 88 00 00 00 20 00 00 01 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
		 "00 00 00 00 00 00 00 00 00 00 00 00 3c f8 db 52"},
		{"config get mctp tu",
		 "84 08 00 00 04 00 00 00 03 00 00 00 00 00 00 00 4b d7 85 19",
		 "84 88 00 00 00 40 00 00 fd d5 12 e5"},
		{"invalid opcode", "84 08 00 00 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		 "84 88 00 00 03 00 00 00 1d dc 55 40"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t req[64], want[64];
		size_t ql = hex(rows[i].req, req, sizeof(req));
		size_t wl = hex(rows[i].resp, want, sizeof(want));

		KT_ROW(rows[i].name);
		setup();
		if (i == 2) {
			ql = seal(req, ql - 4);
		}
		KT_EQ(nvme_mi_handle(&r, req, ql), (int)wl);
		KT_MEMEQ(r.resp, want, wl);
	}
	/* health poll request vector: MIC matches our encoder and is accepted */
	uint8_t hp[20], mine[20];
	hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00 d2 d4 77 36", hp, sizeof(hp));
	KT_EQ(mi_req(mine, 1, 0, 0, NULL, 0), 20);
	KT_MEMEQ(mine, hp, 20);
	KT_EQ(nvme_mi_handle(&r, hp, 20), 20);
}

static void test_identify_controller_vector(void)
{
	uint8_t req[72], mine[72];
	const char *v =
		"84 10 00 00 06 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
		"00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 "
		"00 00 00 00 00 00 00 00 00 00 00 00 00 00 d9 74 b5 69";
	int n;

	setup();
	KT_EQ(hex(v, req, sizeof(req)), 72);
	KT_EQ(admin_req(mine, 6, 1, 0, 0, 4096, 1, 0, 0), 72);
	KT_MEMEQ(mine, req, 72);
	n = nvme_mi_handle(&r, req, 72);
	KT_EQ(n, 20 + 4096 + 4);
	KT_ASSERT(check_resp(n));
	KT_EQ(r.resp[1], 0x90);
	KT_EQ(r.resp[4], 0);
	KT_EQ(get32(r.resp + 16), 0); /* CQE DW3 status: success */
	const uint8_t *id = r.resp + 20;
	KT_EQ(id[0] | (id[1] << 8), 0xCCDE);
	KT_MEMEQ(id + 4, "SN0123456789        ", 20);
	KT_MEMEQ(id + 24, "Kestrel simulated NVMe", 22);
	KT_EQ(id[24 + 39], ' ');
	KT_MEMEQ(id + 64, "0.1.0   ", 8);
	KT_EQ(get32(id + 80), 0x00010400);
	KT_EQ(get32(id + 516), CONFIG_NVME_MODEL_MAX_NS);
	KT_EQ(id[512], 0x66);
}

static void test_silent_drops(void)
{
	uint8_t m[32];
	size_t n;

	setup();
	n = mi_req(m, 1, 0, 0, NULL, 0);
	m[n - 1] ^= 1;
	KT_EQ(nvme_mi_handle(&r, m, n), 0);
	KT_EQ(r.stats.drop_mic, 1);
	n = mi_req(m, 1, 0, 0, NULL, 0);
	m[0] = 0x04; /* IC clear */
	seal(m, n - 4);
	KT_EQ(nvme_mi_handle(&r, m, n), 0);
	KT_EQ(r.stats.drop_ic, 1);
	KT_EQ(nvme_mi_handle(&r, m, 11), 0);
	KT_EQ(r.stats.drop_short, 1);
	n = mi_req(m, 1, 0, 0, NULL, 0);
	m[1] |= 0x80; /* a response */
	seal(m, n - 4);
	KT_EQ(nvme_mi_handle(&r, m, n), 0);
	KT_EQ(r.stats.drop_ror, 1);
}

static void test_error_sizes(void)
{
	uint8_t m[80];
	size_t n;
	int rc;

	setup();
	/* MI command with only opcode + DW0: invalid command size */
	memset(m, 0, sizeof(m));
	m[0] = 0x84;
	m[1] = 0x08;
	n = seal(m, 12);
	rc = nvme_mi_handle(&r, m, n);
	KT_EQ(rc, 12);
	KT_EQ(r.resp[4], NVME_MI_STATUS_INVALID_CMD_SIZE);
	/* admin command cut short */
	m[1] = 0x10;
	m[4] = 6;
	n = seal(m, 40);
	rc = nvme_mi_handle(&r, m, n);
	KT_EQ(rc, 12);
	KT_EQ(r.resp[1], 0x90);
	KT_EQ(r.resp[4], NVME_MI_STATUS_INVALID_CMD_SIZE);
	/* unknown NMIMT */
	m[1] = 0x38;
	n = seal(m, 16);
	KT_EQ(nvme_mi_handle(&r, m, n), 12);
	KT_EQ(r.resp[4], NVME_MI_STATUS_INVALID_OPCODE);
}

static void test_read_ds(void)
{
	static const struct {
		const char *name;
		uint32_t dw0;
		int status;
		int rdl;
		int byte, value; /* one checked data byte */
	} rows[] = {
		{"subsystem", 0x00000000, 0, 32, 0, 1},
		{"port 0 pcie", 0x01000000, 0, 32, 0, 1},
		{"port 1 smbus", 0x01010000, 0, 32, 0, 2},
		{"port 2 invalid", 0x01020000, 4, 0, 0, 0},
		{"ctrl list from 0", 0x02000000, 0, 4, 0, 1},
		{"ctrl list from 1", 0x02000001, 0, 2, 0, 0},
		{"ctrl info 0", 0x03000000, 0, 32, 8, 0xDE},
		{"ctrl info 5", 0x03000005, 4, 0, 0, 0},
		{"optional cmds", 0x04000000, 0, 2, 0, 0},
		{"bad dtyp", 0x09000000, 4, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t m[32];
		int n;

		KT_ROW(rows[i].name);
		setup();
		n = nvme_mi_handle(&r, m, mi_req(m, 0, rows[i].dw0, 0, NULL, 0));
		KT_ASSERT(check_resp(n));
		KT_EQ(r.resp[4], rows[i].status);
		if (rows[i].status == 0) {
			KT_EQ(r.resp[5] | (r.resp[6] << 8), rows[i].rdl);
			KT_EQ(n, 8 + ((rows[i].rdl + 3) & ~3) + 4);
			KT_EQ(r.resp[8 + rows[i].byte], rows[i].value);
		}
	}
}

static void test_health_polls(void)
{
	uint8_t m[32];
	int n;

	setup();
	n = nvme_mi_handle(&r, m, mi_req(m, 1, 0, 0, NULL, 0));
	KT_EQ(n, 20);
	KT_EQ(r.resp[8 + 1], 0x1F); /* no warnings */
	KT_EQ(r.resp[8 + 2], 35);   /* degC */
	KT_EQ(r.resp[8 + 5], 0);    /* no changes */
	/* the shell makes the drive hot and worn: changes reported */
	nvme_model_set_temp(&model, 273 + 80);
	nvme_model_set_spare(&model, 5);
	nvme_model_set_pct_used(&model, 42);
	n = nvme_mi_handle(&r, m, mi_req(m, 1, 0, 0x80000000u, NULL, 0)); /* CS=1 */
	KT_EQ(r.resp[8 + 1], 0x1F & ~(NVME_CW_TEMPERATURE | NVME_CW_SPARE));
	KT_EQ(r.resp[8 + 2], 80);
	KT_EQ(r.resp[8 + 3], 42);
	KT_EQ(r.resp[8 + 4] | (r.resp[8 + 5] << 8), NVME_MI_CCS_RDY | NVME_MI_CCS_CTEMP |
							    NVME_MI_CCS_SPARE | NVME_MI_CCS_PDLU |
							    NVME_MI_CCS_CCWARN);
	n = nvme_mi_handle(&r, m, mi_req(m, 1, 0, 0, NULL, 0));
	KT_EQ(r.resp[8 + 5], 0); /* cleared by CS */
	/* controller health */
	nvme_model_set_temp(&model, 300);
	n = nvme_mi_handle(&r, m, mi_req(m, 2, 0, 0, NULL, 0));
	KT_EQ(n, 8 + 16 + 4);
	KT_EQ(r.resp[7], 1); /* one entry */
	KT_EQ(r.resp[8 + 4] | (r.resp[8 + 5] << 8), 300);
	KT_EQ(r.resp[8 + 7], 5);
	n = nvme_mi_handle(&r, m, mi_req(m, 2, 1, 0, NULL, 0));
	KT_EQ(n, 12);
	KT_EQ(r.resp[7], 0);
}

static void test_config(void)
{
	static const struct {
		const char *name;
		uint8_t op;
		uint32_t dw0, dw1;
		int status;
		int resp16; /* bytes 5-6, -1: unchecked */
	} rows[] = {
		{"get tu port 0", 4, 0x00000003, 0, 0, 64},
		{"set tu port 0", 3, 0x00000003, 128, 0, -1},
		{"get tu port 5", 4, 0x05000003, 0, 4, -1},
		{"set tu too small", 3, 0x00000003, 32, 4, -1},
		{"get smbus freq", 4, 0x01000001, 0, 0, 1},
		{"get smbus freq on pcie port", 4, 0x00000001, 0, 4, -1},
		{"set smbus 400k unsupported", 3, 0x01000201, 0, 4, -1},
		{"set smbus 100k", 3, 0x01000101, 0, 0, -1},
		{"get health change (set only)", 4, 0x00000002, 0, 4, -1},
		{"set health change", 3, 0x00000002, 0xFFFFFFFF, 0, -1},
		{"bad identifier", 4, 0x00000009, 0, 4, -1},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t m[32];
		int n;

		KT_ROW(rows[i].name);
		setup();
		model.ccs = 0x0F00;
		n = nvme_mi_handle(&r, m, mi_req(m, rows[i].op, rows[i].dw0, rows[i].dw1, NULL, 0));
		KT_EQ(n, 12);
		KT_EQ(r.resp[4], rows[i].status);
		if (rows[i].resp16 >= 0) {
			KT_EQ(r.resp[5] | (r.resp[6] << 8), rows[i].resp16);
		}
	}
	/* set then get sticks */
	uint8_t m[32];
	setup();
	nvme_mi_handle(&r, m, mi_req(m, 3, 0x00000003, 250, NULL, 0));
	nvme_mi_handle(&r, m, mi_req(m, 4, 0x00000003, 0, NULL, 0));
	KT_EQ(r.resp[5], 250);
	model.ccs = 0x0F00;
	nvme_mi_handle(&r, m, mi_req(m, 3, 0x00000002, 0x0100, NULL, 0));
	KT_EQ(model.ccs, 0x0E00);
}

static void test_vpd(void)
{
	uint8_t m[128], data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t sum = 0;
	int n;

	setup();
	/* IPMI FRU common header checksums to zero */
	n = nvme_mi_handle(&r, m, mi_req(m, 5, 0, 8, NULL, 0));
	KT_EQ(n, 8 + 8 + 4);
	KT_EQ(r.resp[8], 0x01);
	for (int i = 0; i < 8; i++) {
		sum = (uint8_t)(sum + r.resp[8 + i]);
	}
	KT_EQ(sum, 0);
	n = nvme_mi_handle(&r, m, mi_req(m, 5, 250, 3, NULL, 0));
	KT_EQ(n, 8 + 4 + 4); /* 3 bytes padded to 4 */
	KT_EQ(r.resp[5], 0);
	n = nvme_mi_handle(&r, m, mi_req(m, 5, 250, 7, NULL, 0));
	KT_EQ(r.resp[4], NVME_MI_STATUS_INVALID_PARAM);
	/* write, then read back */
	n = nvme_mi_handle(&r, m, mi_req(m, 6, 100, 8, data, 8));
	KT_EQ(r.resp[4], 0);
	KT_MEMEQ(model.vpd + 100, data, 8);
	n = nvme_mi_handle(&r, m, mi_req(m, 6, 100, 8, data, 4));
	KT_EQ(r.resp[4], NVME_MI_STATUS_INVALID_DATA_SIZE);
	for (int i = 1; i < CONFIG_NVME_MI_VPD_WRITES; i++) {
		nvme_mi_handle(&r, m, mi_req(m, 6, 0, 1, data, 1));
		KT_EQ(r.resp[4], 0);
	}
	nvme_mi_handle(&r, m, mi_req(m, 6, 0, 1, data, 1));
	KT_EQ(r.resp[4], NVME_MI_STATUS_VPD_UPDATES_EXCEEDED);
	(void)n;
}

static void test_control_primitives(void)
{
	static const struct {
		const char *name;
		uint8_t op;
		int status;
		int cpsr;
	} rows[] = {
		{"pause", 0, 0, 0},	 {"get state paused", 3, 0, 8},
		{"resume", 1, 0, 0},	 {"get state", 3, 0, 0},
		{"abort", 2, 0, 0},	 {"replay", 4, 0, 0},
		{"bad opcode", 9, 3, 0},
	};
	setup();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t m[16] = {0x84, 0x00, 0, 0, rows[i].op, 0x5A, 0, 0};
		int n;

		KT_ROW(rows[i].name);
		n = nvme_mi_handle(&r, m, seal(m, 8));
		KT_EQ(n, 12);
		KT_ASSERT(check_resp(n));
		KT_EQ(r.resp[1], 0x80);
		KT_EQ(r.resp[4], rows[i].status);
		if (rows[i].status == 0) {
			KT_EQ(r.resp[5], 0x5A);
			KT_EQ(r.resp[6], rows[i].cpsr);
		}
	}
}

static void test_admin(void)
{
	static const struct {
		const char *name;
		uint8_t op, flags;
		uint32_t nsid, dofst, dlen, cdw10, cdw11, cdw12;
		int mi_status; /* status byte */
		int nvme_sc;   /* CQE DW3 >> 17 */
		int data_len;  /* response data bytes */
		int check_off, check_val;
	} rows[] = {
		{"identify ns 1", 6, 1, 1, 0, 4096, 0, 0, 0, 0, 0, 4096, 130, 12},
		{"identify ns 9 invalid", 6, 1, 9, 0, 4096, 0, 0, 0, 0, 0x0B, 0, -1, 0},
		{"identify partial (probe)", 6, 3, 0, 64, 8, 1, 0, 0, 0, 0, 8, 0, '0'},
		{"identify active ns list", 6, 1, 0, 0, 4096, 2, 0, 0, 0, 0, 4096, 0, 1},
		{"identify ns desc list", 6, 1, 1, 0, 4096, 3, 0, 0, 0, 0, 4096, 0, 2},
		{"identify ctrl list", 6, 1, 0, 0, 4096, 0x13, 0, 0, 0, 0, 4096, 0, 1},
		{"identify ns ctrl list", 6, 1, 1, 0, 4096, 0x12, 0, 0, 0, 0, 4096, 0, 1},
		{"identify bad cns", 6, 1, 0, 0, 4096, 0x55, 0, 0, 0, 0x02, 0, -1, 0},
		{"identify no dlen", 6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0},
		{"identify dlen too big", 6, 1, 0, 0, 8192, 1, 0, 0, 4, 0, 0, -1, 0},
		{"identify dofst past end", 6, 3, 0, 4096, 4, 1, 0, 0, 4, 0, 0, -1, 0},
		{"smart log", 2, 1, 0xFFFFFFFF, 0, 512, 0x007F0002, 0, 0, 0, 0, 512, 1, 0x34},
		{"smart log offset 4", 2, 1, 0, 0, 8, 0x00010002, 0, 4, 0, 0, 8, 1, 0},
		{"smart offset past end", 2, 1, 0, 0, 8, 0x00010002, 0, 512, 0, 0x02, 0, -1, 0},
		{"error log", 2, 1, 0, 0, 64, 0x000F0001, 0, 0, 0, 0, 64, 0, 0},
		{"fw slot log", 2, 1, 0, 0, 16, 0x00030003, 0, 0, 0, 0, 16, 0, 1},
		{"bad log id", 2, 1, 0, 0, 16, 0x00030077, 0, 0, 0, 0x02, 0, -1, 0},
		{"features temp", 10, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, -1, 0},
		{"features bad fid", 10, 0, 0, 0, 0, 0x7F, 0, 0, 0, 0x02, 0, -1, 0},
		{"create sq prohibited", 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, -1, 0},
		{"keep alive prohibited", 0x18, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, -1, 0},
		{"abort prohibited", 0x08, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, -1, 0},
		{"unknown admin", 0x80, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, -1, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t m[80];
		int n;

		KT_ROW(rows[i].name);
		setup();
		n = nvme_mi_handle(&r, m,
				   admin_req(m, rows[i].op, rows[i].flags, rows[i].nsid,
					     rows[i].dofst, rows[i].dlen, rows[i].cdw10,
					     rows[i].cdw11, rows[i].cdw12));
		KT_ASSERT(check_resp(n));
		KT_EQ(r.resp[4], rows[i].mi_status);
		if (rows[i].mi_status != 0) {
			KT_EQ(n, 12);
			continue;
		}
		KT_EQ(get32(r.resp + 16) >> 17, rows[i].nvme_sc);
		KT_EQ(n, 20 + rows[i].data_len + 4);
		if (rows[i].check_off >= 0) {
			KT_EQ(r.resp[20 + rows[i].check_off], rows[i].check_val);
		}
	}
}

static void test_features_values(void)
{
	uint8_t m[80];

	setup();
	nvme_mi_handle(&r, m, admin_req(m, 10, 0, 0, 0, 0, 0x04, 0, 0));
	KT_EQ(get32(r.resp + 8), 273 + 70);
	nvme_mi_handle(&r, m, admin_req(m, 10, 0, 0, 0, 0, 0x07, 0, 0));
	KT_EQ(get32(r.resp + 8), 0x00030003);
	model.power_state = 2;
	nvme_mi_handle(&r, m, admin_req(m, 10, 0, 0, 0, 0, 0x02, 0, 0));
	KT_EQ(get32(r.resp + 8), 2);
	/* the SMART log follows the model */
	nvme_model_set_temp(&model, 350);
	nvme_mi_handle(&r, m, admin_req(m, 2, 1, 0, 0, 8, 0x00010002, 0, 0));
	KT_EQ(r.resp[21] | (r.resp[22] << 8), 350);
}

/* Through an endpoint: bad MIC gets no reply; a good request is answered. */
static int ep_tx_n;
static int ep_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	(void)len;
	ep_tx_n++;
	return 0;
}

static void test_over_endpoint(void)
{
	static struct mctp_endpoint ep;
	uint8_t p[40];
	size_t n;

	setup();
	mctp_init(&ep, 9, 0);
	mctp_add_link(&ep, 64, ep_tx, NULL);
	KT_EQ(nvme_mi_register(&ep, &r), 0);
	p[0] = 1;
	p[1] = 9;
	p[2] = 8;
	p[3] = 0xC8;
	n = mi_req(p + 4, 0, 0, 0, NULL, 0);
	ep_tx_n = 0;
	KT_EQ(mctp_rx_packet(&ep, 0, p, n + 4, 0), 0);
	KT_EQ(ep_tx_n, 1);
	p[n + 3] ^= 0xFF;
	KT_EQ(mctp_rx_packet(&ep, 0, p, n + 4, 0), 0);
	KT_EQ(ep_tx_n, 1);
	KT_EQ(r.stats.drop_mic, 1);
}

static const struct kt_case cases[] = {
	KT_CASE(test_reference_vectors),
	KT_CASE(test_identify_controller_vector),
	KT_CASE(test_silent_drops),
	KT_CASE(test_error_sizes),
	KT_CASE(test_read_ds),
	KT_CASE(test_health_polls),
	KT_CASE(test_config),
	KT_CASE(test_vpd),
	KT_CASE(test_control_primitives),
	KT_CASE(test_admin),
	KT_CASE(test_features_values),
	KT_CASE(test_over_endpoint),
};

int main(void)
{
	return KT_RUN("nvme_mi", cases, NULL);
}
