/*
 * IPv4 header (RFC 791 §3.1).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   version (4, high nibble) | IHL in 32-bit words (low nibble, >= 5)
 *   1     1   type of service (DSCP | ECN)
 *   2     2   total length (header + data)
 *   4     2   identification
 *   6     2   flags (bit 14 DF, bit 13 MF) | fragment offset in 8-byte units
 *   8     1   time to live
 *   9     1   protocol
 *  10     2   header checksum (RFC 1071 over the header)
 *  12     4   source address
 *  16     4   destination address
 *  20   0..40 options (skipped)
 */
#ifndef KESTREL_WIRE_IPV4_H
#define KESTREL_WIRE_IPV4_H

#define IPV4_HLEN_MIN  20
#define IPV4_HLEN_MAX  60
#define IPV4_OFF_VHL   0
#define IPV4_OFF_TOS   1
#define IPV4_OFF_LEN   2
#define IPV4_OFF_ID    4
#define IPV4_OFF_FRAG  6
#define IPV4_OFF_TTL   8
#define IPV4_OFF_PROTO 9
#define IPV4_OFF_CSUM  10
#define IPV4_OFF_SRC   12
#define IPV4_OFF_DST   16
#define IPV4_F_DF      0x4000
#define IPV4_F_MF      0x2000
#define IPV4_FRAG_MASK 0x1fff
#define IPV4_MAX_LEN   65535

#endif /* KESTREL_WIRE_IPV4_H */
