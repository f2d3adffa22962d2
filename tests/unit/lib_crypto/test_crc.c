/*
 * CRC check values (Greg Cook's CRC catalogue, "123456789") and the
 * MCTP-specific vectors from docs/reference: DSP0253 frame FCS and the
 * NVMe-MI message integrity check.
 */
#include <kestrel/lib/crc.h>

#include "ktest.h"

KT_MAIN_STATE;

static const uint8_t check_str[] = "123456789";

static void test_check_values(void)
{
	KT_EQ(crc16_mcrf4xx(CRC16_MCRF4XX_INIT, check_str, 9), 0x6F91);
	KT_EQ(crc32c(0, check_str, 9), 0xE3069283u);
	KT_EQ(crc32_ieee(0, check_str, 9), 0xCBF43926u);
}

static void test_empty(void)
{
	KT_EQ(crc16_mcrf4xx(CRC16_MCRF4XX_INIT, "", 0), 0xFFFF);
	KT_EQ(crc32c(0, "", 0), 0);
	KT_EQ(crc32_ieee(0, "", 0), 0);
}

/* Chaining in arbitrary splits gives the same value as one call. */
static void test_chaining(void)
{
	for (size_t split = 0; split <= 9; split++) {
		uint16_t c16 = crc16_mcrf4xx(CRC16_MCRF4XX_INIT, check_str, split);
		uint32_t c32c = crc32c(0, check_str, split);
		uint32_t c32 = crc32_ieee(0, check_str, split);

		c16 = crc16_mcrf4xx(c16, check_str + split, 9 - split);
		c32c = crc32c(c32c, check_str + split, 9 - split);
		c32 = crc32_ieee(c32, check_str + split, 9 - split);
		KT_EQ(c16, 0x6F91);
		KT_EQ(c32c, 0xE3069283u);
		KT_EQ(c32, 0xCBF43926u);
	}
	uint16_t b = CRC16_MCRF4XX_INIT;
	for (size_t i = 0; i < 9; i++) {
		b = crc16_mcrf4xx_byte(b, check_str[i]);
	}
	KT_EQ(b, 0x6F91);
}

/* DSP0253 FCS over [revision, byte_count, packet] for the reference frames. */
static void test_serial_fcs_vectors(void)
{
	static const struct {
		const char *name;
		uint8_t data[32];
		size_t len;
		uint16_t fcs;
	} rows[] = {
		{"get eid 8->9", {0x01, 0x07, 0x01, 0x09, 0x08, 0xc8, 0x00, 0x81, 0x02}, 9, 0x176a},
		{"get eid phys", {0x01, 0x07, 0x01, 0x00, 0x08, 0xc8, 0x00, 0x80, 0x02}, 9, 0x2bc1},
		{"echo (escaped bytes)",
		 {0x01, 0x09, 0x01, 0x09, 0x08, 0xc8, 0x7e, 0xcc, 0xde, 0xf0, 0x7d},
		 11,
		 0x6a55},
		{"get uuid cc05",
		 {0x01, 0x08, 0x01, 0x08, 0x09, 0xf3, 0x00, 0x04, 0x03, 0x05},
		 10,
		 0x2984},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].name);
		KT_EQ(crc16_mcrf4xx(CRC16_MCRF4XX_INIT, rows[i].data, rows[i].len), rows[i].fcs);
	}
}

/* NVMe-MI MIC: CRC-32C over the message, stored little-endian. */
static void test_nvme_mi_mic_vectors(void)
{
	static const uint8_t rd_ds[] = {0x84, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t cfg_resp[] = {0x84, 0x88, 0, 0, 0x00, 0x40, 0, 0};
	static const uint8_t err_resp[] = {0x84, 0x88, 0, 0, 0x03, 0, 0, 0};

	KT_EQ(crc32c(0, rd_ds, sizeof(rd_ds)), 0x070600e2u);
	KT_EQ(crc32c(0, cfg_resp, sizeof(cfg_resp)), 0xe512d5fdu);
	KT_EQ(crc32c(0, err_resp, sizeof(err_resp)), 0x4055dc1du);
}

static void test_large_buffer(void)
{
	static uint8_t buf[4096];

	memset(buf, 0xFF, sizeof(buf));
	/* 32 bytes of 0xFF: CRC-32C test pattern from RFC 3720 B.4 */
	KT_EQ(crc32c(0, buf, 32), 0x62a8ab43u);
	memset(buf, 0, sizeof(buf));
	KT_EQ(crc32c(0, buf, 32), 0x8a9136aau);
}

static const struct kt_case cases[] = {
	KT_CASE(test_check_values),
	KT_CASE(test_empty),
	KT_CASE(test_chaining),
	KT_CASE(test_serial_fcs_vectors),
	KT_CASE(test_nvme_mi_mic_vectors),
	KT_CASE(test_large_buffer),
};

int main(void)
{
	return KT_RUN("crc", cases, NULL);
}
