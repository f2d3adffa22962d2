/*
 * NTP/SNTP packet (RFC 5905 §7.3, RFC 4330 §4).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   LI (2 bits) | VN (3 bits) | Mode (3 bits)
 *   1     1   stratum (0 = kiss-o'-death, 1 primary, 2..15 secondary)
 *   2     1   poll (log2 s)
 *   3     1   precision (log2 s, signed)
 *   4     4   root delay (16.16)
 *   8     4   root dispersion (16.16)
 *  12     4   reference ID (ASCII kiss code when stratum 0)
 *  16     8   reference timestamp
 *  24     8   originate timestamp (T1, the client's transmit time echoed)
 *  32     8   receive timestamp (T2)
 *  40     8   transmit timestamp (T3)
 */
#ifndef KESTREL_WIRE_NTP_H
#define KESTREL_WIRE_NTP_H

#define NTP_LEN		48
#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4
#define NTP_MODE_BCAST	5
#define NTP_VERSION	4
#define NTP_LI_ALARM	3
#define NTP_OFF_ORIG	24
#define NTP_OFF_RX	32
#define NTP_OFF_TX	40
#define NTP_KISS_DENY	0x44454e59u /* "DENY" */
#define NTP_KISS_RSTR	0x52535452u /* "RSTR" */
#define NTP_KISS_RATE	0x52415445u /* "RATE" */

#endif /* KESTREL_WIRE_NTP_H */
