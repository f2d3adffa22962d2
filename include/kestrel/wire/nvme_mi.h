/*
 * NVMe-MI 1.2 over MCTP: wire constants (NVMe-MI 1.2 §3.1 message format,
 * §4 NVMe-MI commands, §5 control primitives, §6 admin commands).
 *
 * Message header (offsets include the MCTP type byte):
 *   OFFSET SIZE DESCRIPTION
 *   0      1    0x84: IC(7)=1 | message type 0x04
 *   1      1    ROR(7) NMIMT(6:3) rsvd(2:1) CSI(0)
 *   2      2    reserved
 *   4      n    body
 *   4+n    4    MIC: CRC-32C over bytes 0..4+n-1, little-endian
 *
 * NVMe-MI command request body (§4.1): 4 opcode, 5-7 rsvd, 8 DWORD0 LE,
 *   12 DWORD1 LE, 16 request data. Response: 4 status, 5-7 NVMe management
 *   response (LE), 8 response data.
 * Admin command request (§6.1): 4 opcode, 5 flags, 6 CTLID LE, 8 CDW1 ..
 *   24 CDW5, 28 DOFST, 32 DLEN, 36/40 rsvd, 44 CDW10 .. 64 CDW15, 68 data.
 *   Response: 4 status, 5-7 rsvd, 8 CQE DW0, 12 CQE DW1, 16 CQE DW3, 20 data.
 * Control primitive (§5): 4 opcode, 5 tag, 6-7 CPSP LE. Response: 4 status,
 *   5 tag, 6-7 CPSR LE.
 */
#ifndef KESTREL_WIRE_NVME_MI_H
#define KESTREL_WIRE_NVME_MI_H

#define NVME_MI_MSG_TYPE    0x84 /* IC | MCTP type 0x04 */
#define NVME_MI_HDR_SIZE    4
#define NVME_MI_MIC_SIZE    4
#define NVME_MI_ROR	    0x80
#define NVME_MI_NMIMT_SHIFT 3
#define NVME_MI_NMIMT_MASK  0x0F
#define NVME_MI_CSI	    0x01
#define NVME_MI_MAX_DATA    4096

/* NMIMT (message type within NVMe-MI) */
#define NVME_MI_MT_CONTROL 0
#define NVME_MI_MT_MI	   1
#define NVME_MI_MT_ADMIN   2
#define NVME_MI_MT_PCIE	   4

/* Response status (§4.1.2 Figure 29) */
#define NVME_MI_STATUS_SUCCESS		    0x00
#define NVME_MI_STATUS_MORE_PROCESSING	    0x01
#define NVME_MI_STATUS_INTERNAL_ERROR	    0x02
#define NVME_MI_STATUS_INVALID_OPCODE	    0x03
#define NVME_MI_STATUS_INVALID_PARAM	    0x04
#define NVME_MI_STATUS_INVALID_CMD_SIZE	    0x05
#define NVME_MI_STATUS_INVALID_DATA_SIZE    0x06
#define NVME_MI_STATUS_ACCESS_DENIED	    0x07
#define NVME_MI_STATUS_VPD_UPDATES_EXCEEDED 0x20
#define NVME_MI_STATUS_PCIE_INACCESSIBLE    0x21

/* NVMe-MI command opcodes (§4, Figure 67) */
#define NVME_MI_OP_READ_DS	 0x00
#define NVME_MI_OP_SUBSYS_HEALTH 0x01
#define NVME_MI_OP_CTRL_HEALTH	 0x02
#define NVME_MI_OP_CONFIG_SET	 0x03
#define NVME_MI_OP_CONFIG_GET	 0x04
#define NVME_MI_OP_VPD_READ	 0x05
#define NVME_MI_OP_VPD_WRITE	 0x06
#define NVME_MI_OP_RESET	 0x07

/* Read NVMe-MI Data Structure DTYP (§4.6) */
#define NVME_MI_DTYP_SUBSYS_INFO 0x00
#define NVME_MI_DTYP_PORT_INFO	 0x01
#define NVME_MI_DTYP_CTRL_LIST	 0x02
#define NVME_MI_DTYP_CTRL_INFO	 0x03
#define NVME_MI_DTYP_OPT_CMDS	 0x04
#define NVME_MI_DTYP_MEB_CMDS	 0x05

/* Configuration identifiers (§4.3) */
#define NVME_MI_CFG_SMBUS_FREQ	  0x01
#define NVME_MI_CFG_HEALTH_CHANGE 0x02
#define NVME_MI_CFG_MCTP_TU	  0x03

/* Control primitives (§5) */
#define NVME_MI_CP_PAUSE     0x00
#define NVME_MI_CP_RESUME    0x01
#define NVME_MI_CP_ABORT     0x02
#define NVME_MI_CP_GET_STATE 0x03
#define NVME_MI_CP_REPLAY    0x04

/* Admin command header (§6.1) */
#define NVME_MI_ADMIN_REQ_HDR	 68
#define NVME_MI_ADMIN_RESP_HDR	 20
#define NVME_MI_ADMIN_FLAG_DLEN	 0x01
#define NVME_MI_ADMIN_FLAG_DOFST 0x02

/* NVMe admin opcodes (NVMe Base 2.0 Figure 28) */
#define NVME_ADMIN_DELETE_SQ	0x00
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_GET_LOG_PAGE 0x02
#define NVME_ADMIN_DELETE_CQ	0x04
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ADMIN_ABORT	0x08
#define NVME_ADMIN_SET_FEATURES 0x09
#define NVME_ADMIN_GET_FEATURES 0x0A
#define NVME_ADMIN_ASYNC_EVENT	0x0C
#define NVME_ADMIN_KEEP_ALIVE	0x18
#define NVME_ADMIN_MI_SEND	0x1D
#define NVME_ADMIN_MI_RECV	0x1E
#define NVME_ADMIN_DOORBELL_BUF 0x7C

/* Identify CNS values */
#define NVME_ID_CNS_NS		   0x00
#define NVME_ID_CNS_CTRL	   0x01
#define NVME_ID_CNS_NS_ACTIVE_LIST 0x02
#define NVME_ID_CNS_NS_DESC_LIST   0x03
#define NVME_ID_CNS_CTRL_NS_LIST   0x12
#define NVME_ID_CNS_CTRL_LIST	   0x13
#define NVME_IDENTIFY_SIZE	   4096

/* Log page identifiers */
#define NVME_LOG_ERROR		  0x01
#define NVME_LOG_SMART		  0x02
#define NVME_LOG_FW_SLOT	  0x03
#define NVME_LOG_ERROR_ENTRY_SIZE 64
#define NVME_LOG_SMART_SIZE	  512
#define NVME_LOG_FW_SLOT_SIZE	  512

/* Feature identifiers */
#define NVME_FEAT_POWER_MGMT  0x02
#define NVME_FEAT_TEMP_THRESH 0x04
#define NVME_FEAT_NUM_QUEUES  0x07

/* NVMe generic status codes carried in the MI status byte for admin commands */
#define NVME_SC_SUCCESS	       0x00
#define NVME_SC_INVALID_OPCODE 0x01
#define NVME_SC_INVALID_FIELD  0x02
#define NVME_SC_INVALID_NS     0x0B

/* SMART critical warning bits (NVMe Base Figure 207) */
#define NVME_CW_SPARE	     0x01
#define NVME_CW_TEMPERATURE  0x02
#define NVME_CW_RELIABILITY  0x04
#define NVME_CW_READ_ONLY    0x08
#define NVME_CW_VOLATILE_BKP 0x10

#endif /* KESTREL_WIRE_NVME_MI_H */
