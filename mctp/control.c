/*
 * MCTP control protocol responder and requester codec, DSP0236 1.3 §11
 * (message format) and §12 (commands).
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      1    message type 0x00, IC = 0
 *   1      1    Rq(7) D(6) rsvd(5) instance ID(4:0)
 *   2      1    command code
 *   3      1    response: completion code; request: first data byte
 *
 * Per command (data after the cc in responses):
 *   01 Set EID   (§12.3) req: op, eid          resp: status, eid, pool size
 *   02 Get EID   (§12.4) req: -                resp: eid, type, medium specific
 *   03 Get UUID  (§12.5) req: -                resp: uuid[16]
 *   04 Get Ver.  (§12.6) req: type             resp: count, count x u32 (BE)
 *   05 Get Types (§12.7) req: -                resp: count, types
 *   06 Get VDM   (§12.8) req: selector         resp: next, format, id, cmd set
 *
 * Request lengths are checked exactly (ERROR_INVALID_LENGTH); unknown
 * commands get ERROR_UNSUPPORTED_CMD. Datagrams (D = 1) are processed
 * but never answered.
 */
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/mctp/control.h>

#define CTRL_REQ_HDR  3
#define CTRL_RESP_HDR 4

static const uint32_t ctrl_versions[] = {0xF1F0FF00u, 0xF1F1FF00u, 0xF1F2FF00u,
					 MCTP_CTRL_VERSION_1_3_3};

static bool eid_valid(uint8_t eid)
{
	return eid >= MCTP_EID_FIRST && eid <= MCTP_EID_LAST;
}

static uint8_t ctrl_set_eid(struct mctp_endpoint *ep, struct rd_cursor *rq, struct wr_cursor *w)
{
	uint8_t op = rd_u8(rq) & MCTP_SET_EID_OP_MASK;
	uint8_t eid = rd_u8(rq);

	switch (op) {
	case MCTP_SET_EID_OP_SET:
	case MCTP_SET_EID_OP_FORCE:
		if (!eid_valid(eid)) {
			return MCTP_CC_INVALID_DATA;
		}
		ep->eid = eid;
		break;
	case MCTP_SET_EID_OP_RESET:
		/* only meaningful with a static EID to return to */
		if (ep->static_eid == 0) {
			return MCTP_CC_INVALID_DATA;
		}
		ep->eid = ep->static_eid;
		break;
	default: /* set discovered flag; EID ignored */
		ep->discovered = true;
		break;
	}
	wr_u8(w, MCTP_SET_EID_ACCEPTED | MCTP_SET_EID_NO_POOL);
	wr_u8(w, ep->eid);
	wr_u8(w, 0);
	return MCTP_CC_SUCCESS;
}

static uint8_t ctrl_get_eid(const struct mctp_endpoint *ep, struct wr_cursor *w)
{
	uint8_t type = MCTP_EID_TYPE_SIMPLE | MCTP_EID_TYPE_DYNAMIC;

	if (ep->static_eid != 0) {
		type = ep->eid == ep->static_eid ? MCTP_EID_TYPE_STATIC_MATCH
						 : MCTP_EID_TYPE_STATIC_MISMATCH;
	}
	wr_u8(w, ep->eid);
	wr_u8(w, type);
	wr_u8(w, 0);
	return MCTP_CC_SUCCESS;
}

static uint8_t ctrl_get_version(const struct mctp_endpoint *ep, uint8_t type, struct wr_cursor *w)
{
	const struct mctp_handler *h;

	if (type == 0xFF || type == MCTP_TYPE_CONTROL) {
		wr_u8(w, (uint8_t)(sizeof(ctrl_versions) / sizeof(ctrl_versions[0])));
		for (size_t i = 0; i < sizeof(ctrl_versions) / sizeof(ctrl_versions[0]); i++) {
			wr_be32(w, ctrl_versions[i]);
		}
		return MCTP_CC_SUCCESS;
	}
	h = (type & MCTP_MSG_IC) ? NULL : mctp_find_handler(ep, type);
	if (h == NULL) {
		return MCTP_CC_VERSION_UNSUPP;
	}
	wr_u8(w, 1);
	wr_be32(w, h->version);
	return MCTP_CC_SUCCESS;
}

static uint8_t ctrl_get_types(const struct mctp_endpoint *ep, struct wr_cursor *w)
{
	uint8_t *count = wr_reserve(w, 1);
	uint8_t n = 0;

	if (count == NULL) {
		return MCTP_CC_ERROR;
	}
	/* control first, then the other handlers in registration order */
	wr_u8(w, MCTP_TYPE_CONTROL);
	n++;
	for (int i = 0; i < CONFIG_MCTP_MAX_HANDLERS; i++) {
		const struct mctp_handler *h = &ep->handlers[i];

		if (h->fn != NULL && h->type != MCTP_TYPE_CONTROL) {
			wr_u8(w, h->type);
			n++;
		}
	}
	*count = n;
	return MCTP_CC_SUCCESS;
}

static uint8_t ctrl_get_vdm(const struct mctp_endpoint *ep, uint8_t sel, struct wr_cursor *w)
{
	const struct mctp_vdm_entry *v;

	if (sel >= ep->n_vdm) {
		return MCTP_CC_INVALID_DATA;
	}
	v = &ep->vdm[sel];
	wr_u8(w, sel + 1 < ep->n_vdm ? (uint8_t)(sel + 1) : MCTP_VDM_SELECTOR_END);
	wr_u8(w, v->format);
	if (v->format == MCTP_VDM_FORMAT_PCI) {
		wr_be16(w, (uint16_t)v->vendor_id);
	} else {
		wr_be32(w, v->vendor_id);
	}
	wr_be16(w, v->cmd_set);
	return MCTP_CC_SUCCESS;
}

/* Request data length each command takes, or -1 for unsupported commands. */
static int ctrl_req_len(uint8_t cmd)
{
	switch (cmd) {
	case MCTP_CTRL_SET_EID:
		return 2;
	case MCTP_CTRL_GET_VERSION:
	case MCTP_CTRL_GET_VDM_SUPPORT:
		return 1;
	case MCTP_CTRL_GET_EID:
	case MCTP_CTRL_GET_UUID:
	case MCTP_CTRL_GET_MSG_TYPES:
		return 0;
	default:
		return -1;
	}
}

static uint8_t ctrl_dispatch(struct mctp_endpoint *ep, uint8_t cmd, struct rd_cursor *rq,
			     struct wr_cursor *w)
{
	int want = ctrl_req_len(cmd);

	if (want < 0) {
		return MCTP_CC_UNSUPPORTED_CMD;
	}
	if (rd_left(rq) != (size_t)want) {
		return MCTP_CC_INVALID_LENGTH;
	}
	switch (cmd) {
	case MCTP_CTRL_SET_EID:
		return ctrl_set_eid(ep, rq, w);
	case MCTP_CTRL_GET_EID:
		return ctrl_get_eid(ep, w);
	case MCTP_CTRL_GET_UUID:
		if (!ep->has_uuid) {
			return MCTP_CC_UNSUPPORTED_CMD;
		}
		wr_bytes(w, ep->uuid, MCTP_UUID_SIZE);
		return MCTP_CC_SUCCESS;
	case MCTP_CTRL_GET_VERSION:
		return ctrl_get_version(ep, rd_u8(rq), w);
	case MCTP_CTRL_GET_MSG_TYPES:
		return ctrl_get_types(ep, w);
	default:
		return ctrl_get_vdm(ep, rd_u8(rq), w);
	}
}

int mctp_ctrl_respond(struct mctp_endpoint *ep, const struct mctp_msg *req, uint8_t *resp,
		      size_t cap)
{
	struct rd_cursor rq = rd_init(req->data, req->len);
	struct wr_cursor w;
	uint8_t type = rd_u8(&rq), rqd = rd_u8(&rq), cmd = rd_u8(&rq), cc;

	if (!rd_ok(&rq) || type != MCTP_TYPE_CONTROL || !(rqd & MCTP_CTRL_RQ)) {
		return -EPROTO;
	}
	if (cap < MCTP_BTU) {
		return -EMSGSIZE;
	}
	w = wr_init(resp + CTRL_RESP_HDR, cap - CTRL_RESP_HDR);
	cc = ctrl_dispatch(ep, cmd, &rq, &w);
	if (rqd & MCTP_CTRL_D) {
		return 0;
	}
	resp[0] = MCTP_TYPE_CONTROL;
	resp[1] = rqd & MCTP_CTRL_IID_MASK;
	resp[2] = cmd;
	resp[3] = cc;
	if (cc != MCTP_CC_SUCCESS || !wr_ok(&w)) {
		return CTRL_RESP_HDR;
	}
	return (int)(CTRL_RESP_HDR + w.len);
}

static void ctrl_handler(struct mctp_endpoint *ep, const struct mctp_msg *msg, void *arg)
{
	uint8_t resp[MCTP_BTU];
	int n = mctp_ctrl_respond(ep, msg, resp, sizeof(resp));

	(void)arg;
	if (n > 0) {
		(void)mctp_reply(ep, msg, resp, (size_t)n);
	}
}

int mctp_ctrl_register(struct mctp_endpoint *ep)
{
	return mctp_register_handler(ep, MCTP_TYPE_CONTROL, MCTP_CTRL_VERSION_1_3_3, ctrl_handler,
				     NULL);
}

int mctp_ctrl_encode_req(uint8_t *buf, size_t cap, uint8_t iid, uint8_t cmd, const uint8_t *data,
			 size_t dlen)
{
	struct wr_cursor w = wr_init(buf, cap);

	wr_u8(&w, MCTP_TYPE_CONTROL);
	wr_u8(&w, MCTP_CTRL_RQ | (iid & MCTP_CTRL_IID_MASK));
	wr_u8(&w, cmd);
	wr_bytes(&w, data, dlen);
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

int mctp_ctrl_decode_resp(const uint8_t *msg, size_t len, uint8_t iid, uint8_t cmd,
			  const uint8_t **body, size_t *blen)
{
	struct rd_cursor c = rd_init(msg, len);
	uint8_t type = rd_u8(&c), rqd = rd_u8(&c), rcmd = rd_u8(&c), cc = rd_u8(&c);

	if (!rd_ok(&c)) {
		return -EBADMSG;
	}
	if (type != MCTP_TYPE_CONTROL || (rqd & MCTP_CTRL_RQ) ||
	    (rqd & MCTP_CTRL_IID_MASK) != (iid & MCTP_CTRL_IID_MASK) || rcmd != cmd) {
		return -EPROTO;
	}
	*body = c.p;
	*blen = rd_left(&c);
	return cc;
}

int mctp_ctrl_parse_get_eid(const uint8_t *b, size_t n, struct mctp_ctrl_eid_info *out)
{
	if (n < 3) {
		return -EBADMSG;
	}
	out->eid = b[0];
	out->type = b[1];
	out->medium = b[2];
	return 0;
}

int mctp_ctrl_parse_set_eid(const uint8_t *b, size_t n, struct mctp_ctrl_set_eid_result *out)
{
	if (n < 3) {
		return -EBADMSG;
	}
	out->status = b[0];
	out->eid = b[1];
	out->pool_size = b[2];
	return 0;
}

int mctp_ctrl_parse_uuid(const uint8_t *b, size_t n, uint8_t uuid[MCTP_UUID_SIZE])
{
	if (n < MCTP_UUID_SIZE) {
		return -EBADMSG;
	}
	memcpy(uuid, b, MCTP_UUID_SIZE);
	return 0;
}

int mctp_ctrl_parse_version(const uint8_t *b, size_t n, uint32_t *out, size_t max)
{
	struct rd_cursor c = rd_init(b, n);
	uint8_t count = rd_u8(&c);

	if (!rd_ok(&c) || rd_left(&c) != (size_t)count * 4) {
		return -EBADMSG;
	}
	for (size_t i = 0; i < count; i++) {
		uint32_t v = rd_be32(&c);

		if (i < max) {
			out[i] = v;
		}
	}
	return count;
}

int mctp_ctrl_parse_msg_types(const uint8_t *b, size_t n, uint8_t *out, size_t max)
{
	struct rd_cursor c = rd_init(b, n);
	uint8_t count = rd_u8(&c);

	if (!rd_ok(&c) || rd_left(&c) != count) {
		return -EBADMSG;
	}
	for (size_t i = 0; i < count; i++) {
		uint8_t t = rd_u8(&c);

		if (i < max) {
			out[i] = t;
		}
	}
	return count;
}

int mctp_ctrl_parse_vdm(const uint8_t *b, size_t n, struct mctp_ctrl_vdm_info *out)
{
	struct rd_cursor c = rd_init(b, n);

	out->next = rd_u8(&c);
	out->format = rd_u8(&c);
	if (out->format == MCTP_VDM_FORMAT_PCI) {
		out->vendor_id = rd_be16(&c);
	} else if (out->format == MCTP_VDM_FORMAT_IANA) {
		out->vendor_id = rd_be32(&c);
	} else {
		return -EBADMSG;
	}
	out->cmd_set = rd_be16(&c);
	return rd_ok(&c) && rd_left(&c) == 0 ? 0 : -EBADMSG;
}
