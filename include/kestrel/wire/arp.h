/*
 * ARP for IPv4 over Ethernet (RFC 826).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     2   hardware type (1 = Ethernet)
 *   2     2   protocol type (0x0800)
 *   4     1   hardware address length (6)
 *   5     1   protocol address length (4)
 *   6     2   operation (1 request, 2 reply)
 *   8     6   sender hardware address
 *  14     4   sender protocol address
 *  18     6   target hardware address
 *  24     4   target protocol address
 */
#ifndef KESTREL_WIRE_ARP_H
#define KESTREL_WIRE_ARP_H

#define ARP_LEN	       28
#define ARP_HTYPE_ETH  1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2
#define ARP_OFF_OP     6
#define ARP_OFF_SHA    8
#define ARP_OFF_SPA    14
#define ARP_OFF_THA    18
#define ARP_OFF_TPA    24

#endif /* KESTREL_WIRE_ARP_H */
