/*
 * UDP header (RFC 768).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   source port
 *   2     2   destination port
 *   4     2   length (header + data, >= 8)
 *   6     2   checksum over pseudo-header + UDP (0 = none; 0 computed -> 0xffff)
 */
#ifndef KESTREL_WIRE_UDP_H
#define KESTREL_WIRE_UDP_H

#define UDP_HLEN	 8
#define UDP_PORT_DNS	 53
#define UDP_PORT_DHCP_S	 67
#define UDP_PORT_DHCP_C	 68
#define UDP_PORT_NTP	 123
#define UDP_EPHEMERAL_LO 49152u
#define UDP_EPHEMERAL_HI 65535u

#endif /* KESTREL_WIRE_UDP_H */
