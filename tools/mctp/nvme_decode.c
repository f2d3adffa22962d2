/*
 * NVMe-MI 1.2 response decoders for kestrel-mctp (see nvme_decode.h).
 *
 * Layouts (NVMe-MI 1.2 §4, NVMe Base 2.0 §5.17.2.1 and §5.16.1.3):
 *   Subsystem Information  0 NUMP, 1 MJR, 2 MNR, 3 NNSC
 *   Port Information       0 PRTTYP, 1 PRTCAP, 2 MMTUS LE16, 4 MEBS LE32,
 *                          PCIe: 8 MPS 9 SLSV 10 CLS 11 MLW 12 NLW 13 PN;
 *                          2-wire: 8 CVPDADDR 9 MVPDFREQ 10 CMEADDR 11 TWPRT 12 NVMEBM
 *   Controller List        NUMID LE16, IDs LE16
 *   Controller Information 0 PORTID, 5 PRII, 6 PRI LE16, 8 VID, 10 DID, 12 SSVID, 14 SSID
 *   Subsystem health       0 NSS, 1 SW, 2 CTEMP (signed C), 3 PDLU, 4 CCS LE16
 *   Controller health      16 B: 0 CTLID, 2 CSTS, 4 CTEMP (K), 6 PDLU, 7 SPARE,
 *                          8 CWARN, 9 CHSC LE16
 *   Identify Controller    0 VID, 2 SSVID, 4 SN[20], 24 MN[40], 64 FR[8], 77 MDTS,
 *                          78 CNTLID, 80 VER, 256 OACS, 260 ACL.., 516 NN
 *   SMART log              0 CW, 1 CTEMP LE16 (K), 3 AVSP, 4 AVSPT, 5 PUSED,
 *                          32/48 data units read/written, 64/80 host reads/writes,
 *                          96 busy time, 112 power cycles, 128 POH, 144 unsafe
 *                          shutdowns, 160 media errors, 176 error log entries (LE128)
 */
#include <errno.h>
#include <string.h>

#include <kestrel/lib/crc.h>
#include <kestrel/wire/nvme_mi.h>

#include "nvme_decode.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int nvme_mi_check_resp(const uint8_t *m, size_t n, uint8_t nmimt, const uint8_t **data,
		       size_t *dlen)
{
	uint32_t mic;

	if (n < 12) {
		return -EBADMSG;
	}
	mic = le32(m + n - NVME_MI_MIC_SIZE);
	if (crc32c(0, m, n - NVME_MI_MIC_SIZE) != mic) {
		return -EBADMSG;
	}
	if (m[0] != NVME_MI_MSG_TYPE || !(m[1] & NVME_MI_ROR) ||
	    ((m[1] >> NVME_MI_NMIMT_SHIFT) & NVME_MI_NMIMT_MASK) != nmimt) {
		return -EPROTO;
	}
	*data = m + 8;
	*dlen = n - 8 - NVME_MI_MIC_SIZE;
	return m[4];
}

const char *nvme_mi_status_name(uint8_t status)
{
	switch (status) {
	case NVME_MI_STATUS_SUCCESS:
		return "success";
	case NVME_MI_STATUS_MORE_PROCESSING:
		return "more processing required";
	case NVME_MI_STATUS_INTERNAL_ERROR:
		return "internal error";
	case NVME_MI_STATUS_INVALID_OPCODE:
		return "invalid command opcode";
	case NVME_MI_STATUS_INVALID_PARAM:
		return "invalid parameter";
	case NVME_MI_STATUS_INVALID_CMD_SIZE:
		return "invalid command size";
	case NVME_MI_STATUS_INVALID_DATA_SIZE:
		return "invalid command input data size";
	case NVME_MI_STATUS_ACCESS_DENIED:
		return "access denied";
	case NVME_MI_STATUS_VPD_UPDATES_EXCEEDED:
		return "VPD updates exceeded";
	case NVME_MI_STATUS_PCIE_INACCESSIBLE:
		return "PCIe inaccessible";
	default:
		return "unknown";
	}
}

int nvme_admin_status(const uint8_t *d, size_t dl)
{
	if (dl < 12) {
		return -EBADMSG;
	}
	return (int)(le32(d + 8) >> 17);
}

static int print_port(FILE *f, const uint8_t *d, size_t dl)
{
	static const char *const types[] = {"inactive", "PCIe", "2-wire (SMBus/I2C)"};

	if (dl < 16) {
		return -EBADMSG;
	}
	fprintf(f, "  type: %s, capabilities 0x%02x, MCTP MTU %u, MEB size %u\n",
		d[0] < 3 ? types[d[0]] : "reserved", d[1], le16(d + 2), le32(d + 4));
	if (d[0] == 1) {
		fprintf(f,
			"  PCIe: max payload %u B, link speeds 0x%02x, current speed %u, "
			"max width x%u, width x%u, port %u\n",
			128u << (d[8] & 7), d[9], d[10], d[11], d[12], d[13]);
	} else if (d[0] == 2) {
		fprintf(f,
			"  2-wire: VPD addr 0x%02x, VPD freq %u, ME addr 0x%02x, "
			"port 0x%02x, basic mgmt %u\n",
			d[8], d[9], d[10], d[11], d[12]);
	}
	return 0;
}

int nvme_print_ds(FILE *f, uint8_t dtyp, const uint8_t *d, size_t dl)
{
	switch (dtyp) {
	case NVME_MI_DTYP_SUBSYS_INFO:
		if (dl < 4) {
			return -EBADMSG;
		}
		fprintf(f, "NVM subsystem: %u port(s), NVMe-MI %u.%u, NNSC 0x%02x\n", d[0] + 1u,
			d[1], d[2], d[3]);
		return d[0];
	case NVME_MI_DTYP_PORT_INFO:
		return print_port(f, d, dl);
	case NVME_MI_DTYP_CTRL_LIST: {
		uint16_t n;

		if (dl < 2) {
			return -EBADMSG;
		}
		n = le16(d);
		fprintf(f, "controllers: %u:", n);
		for (size_t i = 0; i < n && 2 + 2 * i + 2 <= dl; i++) {
			fprintf(f, " %u", le16(d + 2 + 2 * i));
		}
		fprintf(f, "\n");
		return 0;
	}
	case NVME_MI_DTYP_CTRL_INFO:
		if (dl < 16) {
			return -EBADMSG;
		}
		fprintf(f, "  port %u, PCIe routing id %s%02x:%02x.%u\n", d[0],
			(d[5] & 1) ? "" : "(invalid) ", le16(d + 6) >> 8, (le16(d + 6) >> 3) & 31,
			le16(d + 6) & 7);
		fprintf(f, "  vid 0x%04x did 0x%04x ssvid 0x%04x ssid 0x%04x\n", le16(d + 8),
			le16(d + 10), le16(d + 12), le16(d + 14));
		return 0;
	default:
		return -EINVAL;
	}
}

int nvme_print_subsys_health(FILE *f, const uint8_t *d, size_t dl)
{
	uint16_t ccs;

	if (dl < 8) {
		return -EBADMSG;
	}
	ccs = le16(d + 4);
	fprintf(f, "subsystem status (NSS): 0x%02x%s%s\n", d[0], (d[0] & 0x20) ? " functional" : "",
		(d[0] & 0x10) ? "" : " reset-required");
	fprintf(f, "smart warnings (SW, 1 = ok): 0x%02x%s%s%s%s\n", d[1],
		(d[1] & 0x01) ? "" : " SPARE-LOW", (d[1] & 0x02) ? "" : " TEMPERATURE",
		(d[1] & 0x04) ? "" : " RELIABILITY", (d[1] & 0x08) ? "" : " READ-ONLY");
	fprintf(f, "composite temperature: %d C\n", (int)(int8_t)d[2]);
	fprintf(f, "percentage used: %u%%\n", d[3]);
	fprintf(f, "composite controller status: 0x%04x%s%s%s%s\n", ccs,
		(ccs & 0x0100) ? " temperature-changed" : "", (ccs & 0x0200) ? " used-changed" : "",
		(ccs & 0x0400) ? " spare-changed" : "", (ccs & 0x0800) ? " warning-changed" : "");
	return 0;
}

int nvme_print_ctrl_health(FILE *f, uint8_t entries, const uint8_t *d, size_t dl)
{
	fprintf(f, "controller health entries: %u\n", entries);
	for (size_t i = 0; i < entries && (i + 1) * 16 <= dl; i++) {
		const uint8_t *e = d + 16 * i;

		fprintf(f,
			"controller %u: csts 0x%04x, temperature %u K (%d C), used %u%%, "
			"spare %u%%, critical warning 0x%02x, changed 0x%04x\n",
			le16(e), le16(e + 2), le16(e + 4), (int)le16(e + 4) - 273, e[6], e[7], e[8],
			le16(e + 9));
	}
	return 0;
}

static void print_str(FILE *f, const char *label, const uint8_t *s, size_t n)
{
	size_t end = n;

	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\0')) {
		end--;
	}
	fprintf(f, "%-6s: ", label);
	for (size_t i = 0; i < end; i++) {
		fputc(s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '.', f);
	}
	fputc('\n', f);
}

int nvme_print_id_ctrl(FILE *f, const uint8_t *d, size_t dl)
{
	if (dl < 520) {
		return -EBADMSG;
	}
	fprintf(f, "vid   : 0x%04x\nssvid : 0x%04x\n", le16(d), le16(d + 2));
	print_str(f, "sn", d + 4, 20);
	print_str(f, "mn", d + 24, 40);
	print_str(f, "fr", d + 64, 8);
	fprintf(f, "mdts  : %u\ncntlid: 0x%04x\nver   : %u.%u.%u\n", d[77], le16(d + 78),
		le16(d + 82), d[81], d[80]);
	fprintf(f, "oacs  : 0x%04x\nnn    : %u\n", le16(d + 256), le32(d + 516));
	return 0;
}

int nvme_print_smart(FILE *f, const uint8_t *d, size_t dl)
{
	uint16_t k;

	if (dl < 192) {
		return -EBADMSG;
	}
	k = le16(d + 1);
	fprintf(f, "critical_warning        : 0x%02x\n", d[0]);
	fprintf(f, "temperature             : %u K (%d C)\n", k, (int)k - 273);
	fprintf(f, "available_spare         : %u%%\n", d[3]);
	fprintf(f, "available_spare_threshold: %u%%\n", d[4]);
	fprintf(f, "percentage_used         : %u%%\n", d[5]);
	fprintf(f, "data_units_read         : %llu\n", (unsigned long long)le64(d + 32));
	fprintf(f, "data_units_written      : %llu\n", (unsigned long long)le64(d + 48));
	fprintf(f, "host_read_commands      : %llu\n", (unsigned long long)le64(d + 64));
	fprintf(f, "host_write_commands     : %llu\n", (unsigned long long)le64(d + 80));
	fprintf(f, "power_cycles            : %llu\n", (unsigned long long)le64(d + 112));
	fprintf(f, "power_on_hours          : %llu\n", (unsigned long long)le64(d + 128));
	fprintf(f, "unsafe_shutdowns        : %llu\n", (unsigned long long)le64(d + 144));
	fprintf(f, "media_errors            : %llu\n", (unsigned long long)le64(d + 160));
	fprintf(f, "num_err_log_entries     : %llu\n", (unsigned long long)le64(d + 176));
	return 0;
}
