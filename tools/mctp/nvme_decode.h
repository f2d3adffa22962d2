/*
 * Decoders of NVMe-MI responses for kestrel-mctp (and its fuzzer). Every
 * function reads only the bytes it is given and checks each length first.
 */
#ifndef KMCTP_NVME_DECODE_H
#define KMCTP_NVME_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Checks a response message (type byte first, MIC last): length >= 12 and a
 * multiple of 4 is not required (we accept any >= 12), MIC, type 0x84, ROR
 * set, NMIMT as asked. *data / *dlen: the bytes from offset 8 up to the MIC.
 * @retval status byte (0 success) @retval -EBADMSG short or bad MIC
 * @retval -EPROTO not an NVMe-MI response of that NMIMT.
 */
int nvme_mi_check_resp(const uint8_t *m, size_t n, uint8_t nmimt, const uint8_t **data,
		       size_t *dlen);
const char *nvme_mi_status_name(uint8_t status);
/* NVMe status (CQE DW3 bits 31:17) of an admin response; d = offset 8. @retval -EBADMSG short. */
int nvme_admin_status(const uint8_t *d, size_t dl);
/* Read NVMe-MI Data Structure payloads. @retval NUMP for subsystem info, 0, or -EBADMSG. */
int nvme_print_ds(FILE *f, uint8_t dtyp, const uint8_t *d, size_t dl);
int nvme_print_subsys_health(FILE *f, const uint8_t *d, size_t dl);
int nvme_print_ctrl_health(FILE *f, uint8_t entries, const uint8_t *d, size_t dl);
int nvme_print_id_ctrl(FILE *f, const uint8_t *d, size_t dl);
int nvme_print_smart(FILE *f, const uint8_t *d, size_t dl);

#endif
