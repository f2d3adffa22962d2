/*
 * Ethernet II framing (IEEE 802.3 clause 3, DIX type field).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     6   destination MAC
 *   6     6   source MAC
 *  12     2   EtherType (>= 0x0600), big-endian
 *  14   46..1500 payload (FCS stripped by the MAC)
 */
#ifndef KESTREL_WIRE_ETH_H
#define KESTREL_WIRE_ETH_H

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_OFF_DST   0
#define ETH_OFF_SRC   6
#define ETH_OFF_TYPE  12
#define ETH_MIN_FRAME 60 /* without FCS; shorter frames are padded */
#define ETH_MAX_FRAME 1514
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP  0x0806
#define ETH_TYPE_VLAN 0x8100

#endif /* KESTREL_WIRE_ETH_H */
