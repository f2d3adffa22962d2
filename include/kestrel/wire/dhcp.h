/*
 * DHCP message (RFC 2131 §2, options RFC 2132).
 *
 * OFFSET SIZE DESCRIPTION
 *   0     1   op (1 BOOTREQUEST, 2 BOOTREPLY)
 *   1     1   htype (1 Ethernet)
 *   2     1   hlen (6)
 *   3     1   hops
 *   4     4   xid
 *   8     2   secs
 *  10     2   flags (bit 15 broadcast)
 *  12     4   ciaddr
 *  16     4   yiaddr
 *  20     4   siaddr
 *  24     4   giaddr
 *  28    16   chaddr
 *  44    64   sname
 * 108   128   file
 * 236     4   magic cookie 99.130.83.99
 * 240   ...   options: code (1), length (1), value; 0 pad, 255 end
 */
#ifndef KESTREL_WIRE_DHCP_H
#define KESTREL_WIRE_DHCP_H

#define DHCP_OFF_OPTIONS 240
#define DHCP_OFF_CHADDR	 28
#define DHCP_MAGIC	 0x63825363u
#define DHCP_MIN_LEN	 300 /* BOOTP minimum message */
#define DHCP_FLAG_BCAST	 0x8000
#define DHCP_BOOTREQUEST 1
#define DHCP_BOOTREPLY	 2

#define DHCP_DISCOVER 1
#define DHCP_OFFER    2
#define DHCP_REQUEST  3
#define DHCP_DECLINE  4
#define DHCP_ACK      5
#define DHCP_NAK      6
#define DHCP_RELEASE  7
#define DHCP_INFORM   8

#define DHCP_OPT_PAD	   0
#define DHCP_OPT_MASK	   1
#define DHCP_OPT_ROUTER	   3
#define DHCP_OPT_DNS	   6
#define DHCP_OPT_HOSTNAME  12
#define DHCP_OPT_NTP	   42
#define DHCP_OPT_REQ_IP	   50
#define DHCP_OPT_LEASE	   51
#define DHCP_OPT_MSGTYPE   53
#define DHCP_OPT_SERVER	   54
#define DHCP_OPT_PARAMS	   55
#define DHCP_OPT_MAXSIZE   57
#define DHCP_OPT_T1	   58
#define DHCP_OPT_T2	   59
#define DHCP_OPT_CLIENT_ID 61
#define DHCP_OPT_END	   255

#endif /* KESTREL_WIRE_DHCP_H */
