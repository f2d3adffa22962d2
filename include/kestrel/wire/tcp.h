/*
 * TCP wire format: header layout, flags and option kinds (RFC 9293 §3.1,
 * RFC 7323 §2.2 and §3.2). Constants only; the parser is net/tcp_opt.c.
 *
 * OFFSET  SIZE  DESCRIPTION
 *      0     2  source port
 *      2     2  destination port
 *      4     4  sequence number
 *      8     4  acknowledgment number
 *     12     1  data offset (high nibble, in 32-bit words, 5..15), reserved
 *     13     1  flags: CWR ECE URG ACK PSH RST SYN FIN (bit 7..0)
 *     14     2  window (scaled by the peer's shift unless SYN is set)
 *     16     2  checksum over the pseudo-header, header and data
 *     18     2  urgent pointer
 *     20  0-40  options: kind 0 end, kind 1 no-op, else kind, length, value
 *
 * Options used (kind, length, value):
 *      2, 4, MSS (16 bit)                       SYN only
 *      3, 3, window shift count (8 bit, <= 14)  SYN only
 *      4, 2, SACK permitted                     SYN only (ignored)
 *      8, 10, TSval (32 bit), TSecr (32 bit)
 */
#ifndef KESTREL_WIRE_TCP_H
#define KESTREL_WIRE_TCP_H

#define TCP_HDR_LEN	20 /* header without options */
#define TCP_HDR_MAX_LEN 60 /* data offset 15 */
#define TCP_OPT_MAX_LEN 40

#define TCP_OFF_SPORT 0
#define TCP_OFF_DPORT 2
#define TCP_OFF_SEQ   4
#define TCP_OFF_ACK   8
#define TCP_OFF_DOFF  12
#define TCP_OFF_FLAGS 13
#define TCP_OFF_WND   14
#define TCP_OFF_CSUM  16
#define TCP_OFF_URP   18

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

#define TCP_OPT_EOL	0
#define TCP_OPT_NOP	1
#define TCP_OPT_MSS	2
#define TCP_OPT_WS	3
#define TCP_OPT_SACK_OK 4
#define TCP_OPT_SACK	5
#define TCP_OPT_TS	8

#define TCP_OPTLEN_MSS	   4
#define TCP_OPTLEN_WS	   3
#define TCP_OPTLEN_SACK_OK 2
#define TCP_OPTLEN_TS	   10

#define TCP_MAX_WSCALE	14  /* RFC 7323 §2.3 */
#define TCP_DEFAULT_MSS 536 /* RFC 9293 §3.7.1, assumed without the option */
#ifndef IP_PROTO_TCP
#define IP_PROTO_TCP 6
#endif

#endif /* KESTREL_WIRE_TCP_H */
