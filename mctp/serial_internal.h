/* Private to mctp/: the serial deframer's FCS routine (serial_fcs.c). */
#ifndef MCTP_SERIAL_INTERNAL_H
#define MCTP_SERIAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC-16/MCRF4XX (start 0xFFFF) over len bytes, slice-by-4. */
uint16_t mctp_serial_fcs(uint16_t crc, const uint8_t *p, size_t len);
/* The FCS of a frame: over [revision 0x01, count, packet]. */
uint16_t mctp_serial_fcs_frame(uint8_t count, const uint8_t *pkt, size_t len);

#endif
