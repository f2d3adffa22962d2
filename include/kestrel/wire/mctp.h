/*
 * MCTP wire constants: DSP0236 1.3 transport and control protocol,
 * DSP0253 serial binding, DSP0283 USB binding, DSP0239 message types and
 * Code Construct vendor-defined messages. Constants only; the code that
 * reads and writes these fields lives in mctp/.
 *
 * Transport header (DSP0236 §8.1):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    [7:4] reserved, [3:0] header version (0001b)
 *   1      1    destination EID
 *   2      1    source EID
 *   3      1    SOM(7) EOM(6) PktSeq(5:4) TO(3) MsgTag(2:0)
 *   4      1    (SOM packet only) IC(7) | message type(6:0)
 */
#ifndef KESTREL_WIRE_MCTP_H
#define KESTREL_WIRE_MCTP_H

/* DSP0236 §8.1 transport header */
#define MCTP_HDR_SIZE	   4
#define MCTP_HDR_VERSION   0x01
#define MCTP_HDR_VER_MASK  0x0F
#define MCTP_HDR_FLAG_SOM  0x80
#define MCTP_HDR_FLAG_EOM  0x40
#define MCTP_HDR_SEQ_SHIFT 4
#define MCTP_HDR_SEQ_MASK  0x03
#define MCTP_HDR_FLAG_TO   0x08
#define MCTP_HDR_TAG_MASK  0x07
#define MCTP_BTU	   64 /* baseline transmission unit (payload bytes) */

/* DSP0236 §8.2 EIDs */
#define MCTP_EID_NULL	   0x00
#define MCTP_EID_FIRST	   0x08 /* first assignable unicast EID */
#define MCTP_EID_LAST	   0xFE
#define MCTP_EID_BROADCAST 0xFF

/* DSP0239 message types (first payload byte of a message) */
#define MCTP_MSG_IC	      0x80
#define MCTP_MSG_TYPE_MASK    0x7F
#define MCTP_TYPE_CONTROL     0x00
#define MCTP_TYPE_PLDM	      0x01
#define MCTP_TYPE_NCSI	      0x02
#define MCTP_TYPE_ETHERNET    0x03
#define MCTP_TYPE_NVME_MI     0x04
#define MCTP_TYPE_SPDM	      0x05
#define MCTP_TYPE_SECURED     0x06
#define MCTP_TYPE_VENDOR_PCI  0x7E
#define MCTP_TYPE_VENDOR_IANA 0x7F

/* Physical transport binding IDs (DSP0239 Table 2) */
#define MCTP_BINDING_SMBUS  0x01
#define MCTP_BINDING_PCIE   0x02
#define MCTP_BINDING_USB    0x03
#define MCTP_BINDING_KCS    0x04
#define MCTP_BINDING_SERIAL 0x05
#define MCTP_BINDING_I3C    0x06

/*
 * Control message header (DSP0236 §11.5):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    message type 0x00 (IC = 0)
 *   1      1    Rq(7) D(6) rsvd(5) instance ID(4:0)
 *   2      1    command code
 *   3      1    (response only) completion code
 */
#define MCTP_CTRL_RQ	   0x80
#define MCTP_CTRL_D	   0x40
#define MCTP_CTRL_IID_MASK 0x1F

/* Control command codes (DSP0236 Table 12) */
#define MCTP_CTRL_SET_EID	     0x01
#define MCTP_CTRL_GET_EID	     0x02
#define MCTP_CTRL_GET_UUID	     0x03
#define MCTP_CTRL_GET_VERSION	     0x04
#define MCTP_CTRL_GET_MSG_TYPES	     0x05
#define MCTP_CTRL_GET_VDM_SUPPORT    0x06
#define MCTP_CTRL_RESOLVE_EID	     0x07
#define MCTP_CTRL_ALLOCATE_EIDS	     0x08
#define MCTP_CTRL_ROUTING_UPDATE     0x09
#define MCTP_CTRL_GET_ROUTING_TABLE  0x0A
#define MCTP_CTRL_PREPARE_DISCOVERY  0x0B
#define MCTP_CTRL_ENDPOINT_DISCOVERY 0x0C
#define MCTP_CTRL_DISCOVERY_NOTIFY   0x0D
#define MCTP_CTRL_GET_NETWORK_ID     0x0E

/* Completion codes (DSP0236 Table 13) */
#define MCTP_CC_SUCCESS		0x00
#define MCTP_CC_ERROR		0x01
#define MCTP_CC_INVALID_DATA	0x02
#define MCTP_CC_INVALID_LENGTH	0x03
#define MCTP_CC_NOT_READY	0x04
#define MCTP_CC_UNSUPPORTED_CMD 0x05
#define MCTP_CC_VERSION_UNSUPP	0x80 /* Get MCTP Version Support: type not supported */

/* Set Endpoint ID (DSP0236 §12.3) */
#define MCTP_SET_EID_OP_MASK	   0x03
#define MCTP_SET_EID_OP_SET	   0x00
#define MCTP_SET_EID_OP_FORCE	   0x01
#define MCTP_SET_EID_OP_RESET	   0x02
#define MCTP_SET_EID_OP_DISCOVERED 0x03
#define MCTP_SET_EID_ACCEPTED	   0x00
#define MCTP_SET_EID_REJECTED	   0x10
#define MCTP_SET_EID_NO_POOL	   0x00

/* Get Endpoint ID (DSP0236 §12.4) type byte */
#define MCTP_EID_TYPE_SIMPLE	      0x00
#define MCTP_EID_TYPE_BUS_OWNER	      0x10
#define MCTP_EID_TYPE_DYNAMIC	      0x00
#define MCTP_EID_TYPE_STATIC_SUPP     0x01
#define MCTP_EID_TYPE_STATIC_MATCH    0x02
#define MCTP_EID_TYPE_STATIC_MISMATCH 0x03

/* Get Vendor Defined Message Support (DSP0236 §12.8) */
#define MCTP_VDM_FORMAT_PCI   0x00
#define MCTP_VDM_FORMAT_IANA  0x01
#define MCTP_VDM_SELECTOR_END 0xFF

#define MCTP_UUID_SIZE 16

/*
 * DSP0253 serial frame:
 *   OFFSET SIZE DESCRIPTION
 *   0      1    flag 0x7E
 *   1      1    serial revision 0x01
 *   2      1    byte_count: unescaped MCTP packet length
 *   3      n    MCTP packet, escaped (7E -> 7D 5E, 7D -> 7D 5D)
 *   3+n'   2    FCS, CRC-16/MCRF4XX over revision..packet, MSB first, not escaped
 *   5+n'   1    flag 0x7E
 */
#define MCTP_SERIAL_FLAG     0x7E
#define MCTP_SERIAL_ESC	     0x7D
#define MCTP_SERIAL_ESC_XOR  0x20
#define MCTP_SERIAL_REVISION 0x01
#define MCTP_SERIAL_MAX_PKT  255 /* byte_count is one byte */
#define MCTP_SERIAL_OVERHEAD 6	 /* flag, rev, count, fcs x2, flag */

/*
 * DSP0283 USB packet header (one per MCTP packet inside a bulk transfer):
 *   OFFSET SIZE DESCRIPTION
 *   0      2    DMTF ID 0x1AB4 (big-endian)
 *   2      1    reserved 0
 *   3      1    length: 4 + MCTP packet length
 */
#define MCTP_USB_DMTF_ID     0x1AB4
#define MCTP_USB_HDR_SIZE    4
#define MCTP_USB_MAX_LEN     255
#define MCTP_USB_MAX_PKT     (MCTP_USB_MAX_LEN - MCTP_USB_HDR_SIZE) /* 251 */
#define MCTP_USB_MAX_PAYLOAD (MCTP_USB_MAX_PKT - MCTP_HDR_SIZE)	    /* 247 */
#define MCTP_USB_XFER_SIZE   512
#define MCTP_USB_CLASS	     0x14
#define MCTP_USB_SUBCLASS_EP 0x00 /* management controller / managed device endpoint */
#define MCTP_USB_SUBCLASS_HI 0x01 /* host interface endpoint */
#define MCTP_USB_PROTOCOL_1  0x01

/*
 * Code Construct vendor messages (type 0x7E), body after the type byte;
 * multi-byte fields little-endian:
 *   OFFSET SIZE DESCRIPTION
 *   0      2    PCI vendor ID 0xCCDE, sent CC DE
 *   2      1    sub-type: F0 echo, F1 bench
 * Bench data: 3 magic u16 0xBECA, 5 seq u32, 9.. data[i] = i & 0xFF
 * Bench command: 3 magic u16 0x22DD, 5 version 01, 6 command, 7 iid u32,
 *   11 flags u32, 15 payload_size u16, 17 message_count u64 (25 bytes)
 * Bench response: 3 magic, 5 version, 6 command 00, 7 iid u32, 11 status (12 bytes
 *   after the vendor ID... 14 with the "cc de f1" prefix counted as in the reference)
 */
#define MCTP_VENDOR_CC_VID	  0xCCDE
#define MCTP_VENDOR_CC_ECHO	  0xF0
#define MCTP_VENDOR_CC_BENCH	  0xF1
#define MCTP_BENCH_DATA_MAGIC	  0xBECA
#define MCTP_BENCH_CMD_MAGIC	  0x22DD
#define MCTP_BENCH_CMD_VERSION	  0x01
#define MCTP_BENCH_CMD_RESPONSE	  0x00
#define MCTP_BENCH_CMD_REQUEST	  0x01
#define MCTP_BENCH_DATA_HDR	  9
#define MCTP_BENCH_SEQ_START	  0xFFFFFFFAu
#define MCTP_BENCH_CMD_REQ_SIZE	  25
#define MCTP_BENCH_CMD_RESP_SIZE  14
#define MCTP_BENCH_STATUS_OK	  0
#define MCTP_BENCH_STATUS_ERROR	  1
#define MCTP_BENCH_STATUS_UNKNOWN 2
#define MCTP_BENCH_STATUS_BAD_ARG 3

#endif /* KESTREL_WIRE_MCTP_H */
