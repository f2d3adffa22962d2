/*
 * DNS message (RFC 1035 §4.1).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   ID
 *   2     2   QR(1) Opcode(4) AA TC RD RA Z(3) RCODE(4)
 *   4     2   QDCOUNT
 *   6     2   ANCOUNT
 *   8     2   NSCOUNT
 *  10     2   ARCOUNT
 *  12   ...   questions: QNAME, QTYPE (2), QCLASS (2)
 *       ...   resource records: NAME, TYPE (2), CLASS (2), TTL (4),
 *             RDLENGTH (2), RDATA
 * Names are length-prefixed labels (<= 63) ending in 0, or ending in a
 * compression pointer: two bytes 11xxxxxx xxxxxxxx = offset in the message.
 */
#ifndef KESTREL_WIRE_DNS_H
#define KESTREL_WIRE_DNS_H

#define DNS_HLEN	   12
#define DNS_UDP_MAX	   512
#define DNS_LABEL_MAX	   63
#define DNS_NAME_MAX	   255
#define DNS_F_QR	   0x8000
#define DNS_F_TC	   0x0200
#define DNS_F_RD	   0x0100
#define DNS_RCODE_MASK	   0x000f
#define DNS_RCODE_NXDOMAIN 3
#define DNS_TYPE_A	   1
#define DNS_TYPE_CNAME	   5
#define DNS_CLASS_IN	   1
#define DNS_PTR_MASK	   0xc0

#endif /* KESTREL_WIRE_DNS_H */
