/* Private to mctp/: NVMe-MI responder pieces shared by nvme_mi.c and nvme_admin.c. */
#ifndef MCTP_NVME_MI_INTERNAL_H
#define MCTP_NVME_MI_INTERNAL_H

#include <kestrel/lib/cursor.h>
#include <kestrel/mctp/nvme_mi.h>

/* A parsed admin request (NVMe-MI 1.2 §6.1, Figure 136). */
struct nvme_admin_req {
	uint8_t opcode, flags;
	uint16_t ctlid;
	uint32_t nsid, dofst, dlen;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/*
 * Runs an admin command. Writes the CQE words and the response data (after
 * DOFST/DLEN) into r->resp + 20. @retval data length @retval < 0 -(MI status).
 */
int nvme_admin_handle(struct nvme_mi_responder *r, const struct nvme_admin_req *a, uint32_t cqe[3]);

#endif /* MCTP_NVME_MI_INTERNAL_H */
