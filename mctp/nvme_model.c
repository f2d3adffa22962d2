/*
 * Simulated NVM subsystem behind the NVMe-MI responder: health state,
 * namespaces, identity strings and VPD.
 *
 * The VPD is an IPMI Platform Management FRU Information Storage
 * Definition v1.0 image (§8 common header, §11 product info area):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    common header format version 0x01
 *   1      1    internal use area offset (x8), 0 = absent
 *   2      1    chassis info area offset, 0
 *   3      1    board info area offset, 0
 *   4      1    product info area offset (x8) = 1
 *   5      1    multirecord area offset, 0
 *   6      1    pad
 *   7      1    checksum (header bytes sum to 0)
 *   8      n    product info area: version 01, length (x8), language 0,
 *               type/length (0xC0 | len) + ASCII fields: manufacturer,
 *               product name, part/model, version, serial, asset tag, FRU
 *               file ID; C1 end marker; zero pad; area checksum.
 */
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/mctp/nvme_mi.h>

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t i = 0;

	for (; src != NULL && src[i] != '\0' && i + 1 < cap; i++) {
		dst[i] = src[i];
	}
	dst[i] = '\0';
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--) {
		s = (uint8_t)(s + *p++);
	}
	return (uint8_t)(0 - s);
}

static size_t fru_field(uint8_t *p, const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && n < 63) {
		p[1 + n] = (uint8_t)s[n];
		n++;
	}
	p[0] = (uint8_t)(0xC0 | n);
	return n + 1;
}

static void vpd_build(struct nvme_model *m)
{
	uint8_t *v = m->vpd;
	size_t o = 11;
	size_t area;

	memset(v, 0, sizeof(m->vpd));
	v[0] = 0x01;
	v[4] = 1;
	v[7] = checksum(v, 7);
	v[8] = 0x01; /* area format version */
	v[10] = 0;   /* English */
	o += fru_field(v + o, "Kestrel");
	o += fru_field(v + o, m->mn);
	o += fru_field(v + o, "KSTL-NVME-01");
	o += fru_field(v + o, m->fr);
	o += fru_field(v + o, m->sn);
	o += fru_field(v + o, "");
	o += fru_field(v + o, "");
	v[o++] = 0xC1;
	area = (o - 8 + 1 + 7) & ~(size_t)7; /* + checksum, rounded up to 8 */
	v[9] = (uint8_t)(area / 8);
	v[8 + area - 1] = checksum(v + 8, area - 1);
	m->vpd_len = CONFIG_NVME_MI_VPD_SIZE;
}

void nvme_model_init(struct nvme_model *m, const char *sn)
{
	memset(m, 0, sizeof(*m));
	m->vid = 0xCCDE;
	m->ssvid = 0xCCDE;
	m->did = 0x0001;
	m->ssid = 0x0001;
	copy_str(m->sn, sizeof(m->sn), sn != NULL ? sn : "KSTL0000000001");
	copy_str(m->mn, sizeof(m->mn), "Kestrel simulated NVMe");
	copy_str(m->fr, sizeof(m->fr), "0.1.0");
	m->cntlid = 0;
	m->temp_k = 273 + 35;
	m->temp_thresh_k = 273 + 70;
	m->spare = 100;
	m->spare_thresh = 10;
	m->power_cycles = 1;
	m->nr_queues = 4;
	m->vpd_writes_left = CONFIG_NVME_MI_VPD_WRITES;
	(void)nvme_model_add_ns(m, (1u << 30) >> 12, 12);
	vpd_build(m);
}

int nvme_model_add_ns(struct nvme_model *m, uint64_t blocks, uint8_t lbads)
{
	struct nvme_ns_model *ns;

	if (m->n_ns >= CONFIG_NVME_MODEL_MAX_NS) {
		return -ENOMEM;
	}
	ns = &m->ns[m->n_ns++];
	ns->nsze = blocks;
	ns->lbads = lbads;
	memset(ns->nguid, 0, sizeof(ns->nguid));
	ns->nguid[0] = 0xCC;
	ns->nguid[1] = 0xDE;
	ns->nguid[15] = (uint8_t)m->n_ns;
	return m->n_ns;
}

void nvme_model_set_temp(struct nvme_model *m, uint16_t kelvin)
{
	bool over = kelvin >= m->temp_thresh_k;

	if (kelvin != m->temp_k) {
		m->ccs |= NVME_MI_CCS_CTEMP;
	}
	m->temp_k = kelvin;
	if (over != ((m->cwarn & NVME_CW_TEMPERATURE) != 0)) {
		m->cwarn ^= NVME_CW_TEMPERATURE;
		m->ccs |= NVME_MI_CCS_CCWARN;
	}
}

void nvme_model_set_spare(struct nvme_model *m, uint8_t pct)
{
	bool low = pct < m->spare_thresh;

	if (pct != m->spare) {
		m->ccs |= NVME_MI_CCS_SPARE;
	}
	m->spare = pct;
	if (low != ((m->cwarn & NVME_CW_SPARE) != 0)) {
		m->cwarn ^= NVME_CW_SPARE;
		m->ccs |= NVME_MI_CCS_CCWARN;
	}
}

void nvme_model_set_pct_used(struct nvme_model *m, uint8_t pct)
{
	if (pct != m->pct_used) {
		m->ccs |= NVME_MI_CCS_PDLU;
	}
	m->pct_used = pct;
}
