/*
 * NVMe-MI 1.2 responder over MCTP (type 0x04 with IC) and the simulated
 * NVM subsystem model behind it.
 *
 * The model is plain state a shell or test can change (temperature, spare,
 * wear, namespaces, strings, VPD); health polls report the current values
 * and the "changed" bits accumulated since they were last cleared.
 */
#ifndef KESTREL_MCTP_NVME_MI_H
#define KESTREL_MCTP_NVME_MI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/core.h>
#include <kestrel/wire/nvme_mi.h>

/* Namespaces in the model. */
#ifndef CONFIG_NVME_MODEL_MAX_NS
#define CONFIG_NVME_MODEL_MAX_NS 4
#endif
/* VPD (IPMI FRU) bytes. */
#ifndef CONFIG_NVME_MI_VPD_SIZE
#define CONFIG_NVME_MI_VPD_SIZE 256
#endif
/* VPD Write commands accepted before status 0x20 (VPD Updates Exceeded). */
#ifndef CONFIG_NVME_MI_VPD_WRITES
#define CONFIG_NVME_MI_VPD_WRITES 16
#endif
_Static_assert(CONFIG_NVME_MODEL_MAX_NS >= 1 && CONFIG_NVME_MODEL_MAX_NS <= 1024, "bad NS count");
_Static_assert(CONFIG_NVME_MI_VPD_SIZE >= 64 && CONFIG_NVME_MI_VPD_SIZE <= 65535, "bad VPD size");

/* Composite Controller Status change bits (NVMe-MI 1.2 §4.2.1, Figure 94). */
#define NVME_MI_CCS_RDY	   0x0001
#define NVME_MI_CCS_CTEMP  0x0100
#define NVME_MI_CCS_PDLU   0x0200
#define NVME_MI_CCS_SPARE  0x0400
#define NVME_MI_CCS_CCWARN 0x0800

struct nvme_ns_model {
	uint64_t nsze; /* size in logical blocks */
	uint8_t lbads; /* log2 of the block size: 9 or 12 */
	uint8_t nguid[16];
};

struct nvme_model {
	uint16_t vid, ssvid, did, ssid;
	char sn[21], mn[41], fr[9]; /* NUL-terminated, space-padded on the wire */
	uint16_t cntlid;
	uint16_t temp_k;	/* composite temperature, kelvin */
	uint16_t temp_thresh_k; /* over-temperature threshold */
	uint8_t spare;		/* available spare, % */
	uint8_t spare_thresh;
	uint8_t pct_used;
	uint8_t cwarn; /* critical warning bits, NVME_CW_* */
	uint16_t ccs;  /* changed-status bits, NVME_MI_CCS_* */
	uint8_t power_state;
	uint16_t nr_queues; /* I/O queues allocated (each direction) */
	uint64_t power_on_hours, power_cycles;
	uint16_t n_ns;
	struct nvme_ns_model ns[CONFIG_NVME_MODEL_MAX_NS];
	uint16_t vpd_len;
	uint16_t vpd_writes_left;
	uint8_t vpd[CONFIG_NVME_MI_VPD_SIZE];
};

/* A plausible default drive: Code Construct VID, one 1 GiB namespace. */
void nvme_model_init(struct nvme_model *m, const char *sn);
/* State changes that set the matching CCS bits and critical warnings. */
void nvme_model_set_temp(struct nvme_model *m, uint16_t kelvin);
void nvme_model_set_spare(struct nvme_model *m, uint8_t pct);
void nvme_model_set_pct_used(struct nvme_model *m, uint8_t pct);
/* Adds a namespace (NSID = index + 1). @retval nsid @retval -ENOMEM full. */
int nvme_model_add_ns(struct nvme_model *m, uint64_t blocks, uint8_t lbads);

struct nvme_mi_stats {
	uint32_t rx, tx;
	uint32_t drop_short, drop_ic, drop_mic, drop_ror;
	uint32_t errors; /* error responses sent */
};

#define NVME_MI_RESP_MAX (NVME_MI_ADMIN_RESP_HDR + NVME_MI_MAX_DATA + NVME_MI_MIC_SIZE)

struct nvme_mi_responder {
	struct nvme_model *model;
	uint16_t mctp_tu[2]; /* per port */
	uint8_t smbus_freq;  /* 1 = 100 kHz */
	bool paused;
	struct nvme_mi_stats stats;
	uint8_t resp[NVME_MI_RESP_MAX];
};

void nvme_mi_init(struct nvme_mi_responder *r, struct nvme_model *model);
/*
 * Handles one NVMe-MI request message (type byte first, MIC last).
 * @retval n > 0 response of n bytes in r->resp (MIC included)
 * @retval 0 dropped silently (short, IC clear, bad MIC, not a request)
 */
int nvme_mi_handle(struct nvme_mi_responder *r, const uint8_t *req, size_t len);
/* Registers the responder as the type 0x04 handler of `ep`. */
int nvme_mi_register(struct mctp_endpoint *ep, struct nvme_mi_responder *r);

#endif /* KESTREL_MCTP_NVME_MI_H */
