/*
 * Table-driven CRCs used by wire formats.
 *
 * Every function continues a running CRC: pass the value returned by the
 * previous call (or the documented start value) and the next bytes. The
 * start values and final XORs are handled so that chaining works:
 *
 *   crc16_mcrf4xx(CRC16_MCRF4XX_INIT, "123456789", 9) == 0x6F91
 *   crc32c(0, "123456789", 9)                          == 0xE3069283
 *   crc32_ieee(0, "123456789", 9)                      == 0xCBF43926
 *
 * Users: DSP0253 MCTP serial FCS (CRC-16/MCRF4XX), NVMe-MI message
 * integrity check (CRC-32C, Castagnoli), Ethernet/zlib-style checks
 * (CRC-32 IEEE 802.3).
 */
#ifndef KESTREL_LIB_CRC_H
#define KESTREL_LIB_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-16/MCRF4XX: reflected poly 0x1021 (0x8408), init 0xFFFF, no final XOR. */
#define CRC16_MCRF4XX_INIT 0xFFFFu

/* Continues a CRC-16/MCRF4XX over len bytes; start with CRC16_MCRF4XX_INIT. */
uint16_t crc16_mcrf4xx(uint16_t crc, const void *buf, size_t len);

/* Feeds one byte; the inline form keeps byte-at-a-time callers fast. */
uint16_t crc16_mcrf4xx_byte(uint16_t crc, uint8_t b);

/*
 * CRC-32C (Castagnoli): reflected poly 0x1EDC6F41 (0x82F63B78), init and
 * final XOR 0xFFFFFFFF. Start with 0; pass the previous result to continue.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

/* CRC-32 (IEEE 802.3, zlib): reflected 0xEDB88320, init/final XOR ~0. Start with 0. */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#endif /* KESTREL_LIB_CRC_H */
