/*
 * MCTP control protocol (type 0x00, DSP0236 1.3 §11-12): the endpoint's
 * responder and a requester-side encoder/decoder for host tools.
 */
#ifndef KESTREL_MCTP_CONTROL_H
#define KESTREL_MCTP_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/core.h>

/* Versions reported for the base spec and the control protocol (1.0 .. 1.3.3). */
#define MCTP_CTRL_VERSION_1_3_3 0xF1F3F300u
#define MCTP_VERSION_1_0	0xF1F0FF00u
#define MCTP_VERSION_1_2	0xF1F2FF00u

/*
 * Builds the response to control request `req` into `resp` (cap >= 64).
 * May change ep->eid (Set EID): send the response after this returns so it
 * leaves from the new EID.
 * @retval n > 0 response length @retval 0 no response (datagram)
 * @retval -EPROTO not a control request (IC set, Rq clear, too short): drop
 * @retval -EMSGSIZE cap too small
 */
int mctp_ctrl_respond(struct mctp_endpoint *ep, const struct mctp_msg *req, uint8_t *resp,
		      size_t cap);

/* Registers the control responder as the type 0x00 handler of `ep`. */
int mctp_ctrl_register(struct mctp_endpoint *ep);

/* ---- requester side ---- */

/*
 * Encodes a request: 00 | Rq | iid | cmd | data. @retval length
 * @retval -EMSGSIZE does not fit.
 */
int mctp_ctrl_encode_req(uint8_t *buf, size_t cap, uint8_t iid, uint8_t cmd, const uint8_t *data,
			 size_t dlen);

/*
 * Checks a response header against the request (iid, cmd) and returns the
 * completion code; *body / *blen receive the bytes after the cc.
 * @retval cc >= 0 @retval -EPROTO not a response to (iid, cmd)
 * @retval -EBADMSG too short
 */
int mctp_ctrl_decode_resp(const uint8_t *msg, size_t len, uint8_t iid, uint8_t cmd,
			  const uint8_t **body, size_t *blen);

struct mctp_ctrl_eid_info {
	uint8_t eid;
	uint8_t type;
	uint8_t medium;
};

struct mctp_ctrl_set_eid_result {
	uint8_t status;
	uint8_t eid;
	uint8_t pool_size;
};

struct mctp_ctrl_vdm_info {
	uint8_t next;
	uint8_t format;
	uint32_t vendor_id;
	uint16_t cmd_set;
};

/* Decoders of the data after a SUCCESS cc. @retval 0 @retval -EBADMSG bad length. */
int mctp_ctrl_parse_get_eid(const uint8_t *b, size_t n, struct mctp_ctrl_eid_info *out);
int mctp_ctrl_parse_set_eid(const uint8_t *b, size_t n, struct mctp_ctrl_set_eid_result *out);
int mctp_ctrl_parse_uuid(const uint8_t *b, size_t n, uint8_t uuid[MCTP_UUID_SIZE]);
/* Returns the number of entries (up to max copied into out). */
int mctp_ctrl_parse_version(const uint8_t *b, size_t n, uint32_t *out, size_t max);
int mctp_ctrl_parse_msg_types(const uint8_t *b, size_t n, uint8_t *out, size_t max);
int mctp_ctrl_parse_vdm(const uint8_t *b, size_t n, struct mctp_ctrl_vdm_info *out);

#endif /* KESTREL_MCTP_CONTROL_H */
