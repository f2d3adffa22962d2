/*
 * ICMP for IPv4 (RFC 792).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   type
 *   1     1   code
 *   2     2   checksum (RFC 1071 over the whole message)
 *   4     4   echo: identifier (2) + sequence (2); unreachable: unused (0)
 *   8     ... echo: data; errors: original IP header + first 8 data bytes
 */
#ifndef KESTREL_WIRE_ICMP_H
#define KESTREL_WIRE_ICMP_H

#define ICMP_HLEN	      8
#define ICMP_ECHO_REPLY	      0
#define ICMP_DEST_UNREACH     3
#define ICMP_ECHO_REQUEST     8
#define ICMP_TIME_EXCEEDED    11
#define ICMP_UNREACH_NET      0
#define ICMP_UNREACH_HOST     1
#define ICMP_UNREACH_PROTO    2
#define ICMP_UNREACH_PORT     3
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_TIMX_REASS	      1 /* time exceeded: fragment reassembly */
#define ICMP_ERR_DATA	      8 /* data bytes of the offending datagram quoted */

#endif /* KESTREL_WIRE_ICMP_H */
