/*
 * Code Construct vendor-defined messages over MCTP type 0x7E (PCI vendor
 * ID 0xCCDE); the format follows the public mctp tools (mctp-req,
 * mctp-echo, mctp-bench). Multi-byte fields are little-endian.
 *
 * Echo:
 *   OFFSET SIZE DESCRIPTION
 *   0      1    0x7E
 *   1      3    CC DE F0
 *   4      n    payload; the response repeats the message byte for byte
 *
 * Bench data (sent with TO=1, never answered):
 *   0      1    0x7E
 *   1      3    CC DE F1
 *   4      2    magic 0xBECA (CA BE)
 *   6      4    sequence number, starts at 0xFFFFFFFA to exercise wrap
 *   10     n    data: byte at body offset i (i >= 9) is i & 0xFF
 *
 * Bench command request (25 B body) / response:
 *   4      2    magic 0x22DD (DD 22)
 *   6      1    version 01
 *   7      1    command: 01 REQUEST_BENCH (request), 00 RESPONSE
 *   8      4    iid
 *   request:  12 flags u32 (0), 16 payload_size u16, 18 message_count u64
 *   response: 12 status (0 ok, 1 error, 2 unknown command, 3 bad argument), 13 2 pad
 */
#include <kestrel/errno.h>
#include <kestrel/lib/cursor.h>
#include <kestrel/mctp/control.h>
#include <kestrel/mctp/vendor.h>

#define VENDOR_PREFIX	4 /* 7E CC DE xx */
#define BENCH_PERIOD_MS 2000

static void wr_prefix(struct wr_cursor *w, uint8_t sub)
{
	wr_u8(w, MCTP_TYPE_VENDOR_PCI);
	wr_be16(w, MCTP_VENDOR_CC_VID);
	wr_u8(w, sub);
}

int mctp_bench_data_build(uint8_t *buf, size_t cap, uint32_t seq, size_t payload_size)
{
	struct wr_cursor w = wr_init(buf, cap);

	if (payload_size < MCTP_BENCH_DATA_HDR) {
		return -EINVAL;
	}
	if (cap < payload_size + 1) {
		return -EMSGSIZE;
	}
	wr_prefix(&w, MCTP_VENDOR_CC_BENCH);
	wr_le16(&w, MCTP_BENCH_DATA_MAGIC);
	wr_le32(&w, seq);
	for (size_t i = MCTP_BENCH_DATA_HDR; i < payload_size; i++) {
		buf[1 + i] = (uint8_t)i;
	}
	return (int)(payload_size + 1);
}

void mctp_bench_rx_init(struct mctp_bench_rx *rx, uint32_t now_ms)
{
	memset(rx, 0, sizeof(*rx));
	rx->period_start_ms = now_ms;
}

int mctp_bench_rx_msg(struct mctp_bench_rx *rx, const uint8_t *msg, size_t len, uint32_t now_ms)
{
	struct rd_cursor c = rd_init(msg, len);
	uint32_t seq, gap;

	rd_skip(&c, VENDOR_PREFIX);
	if (rd_le16(&c) != MCTP_BENCH_DATA_MAGIC || !rd_ok(&c)) {
		rx->bad_data++;
		return -EBADMSG;
	}
	seq = rd_le32(&c);
	if (!rd_ok(&c)) {
		rx->bad_data++;
		return -EBADMSG;
	}
	for (size_t i = MCTP_BENCH_DATA_HDR; i + 1 < len; i++) {
		if (msg[i + 1] != (uint8_t)i) {
			rx->bad_data++;
			return -EBADMSG;
		}
	}
	if (!rx->started) {
		rx->started = true;
		rx->next_seq = seq;
		rx->period_start_ms = now_ms;
	}
	gap = seq - rx->next_seq;
	rx->msgs++;
	rx->bytes += len - 1;
	rx->period_bytes += len - 1;
	if (gap >= 0x80000000u) {
		rx->reordered++;
		return 0;
	}
	rx->drops += gap;
	rx->next_seq = seq + 1;
	return (int)(gap > 0x7FFFFFFF ? 0x7FFFFFFF : gap);
}

int mctp_bench_rx_report(struct mctp_bench_rx *rx, uint32_t now_ms, uint32_t *kbps)
{
	uint32_t dt = now_ms - rx->period_start_ms;

	if (dt < BENCH_PERIOD_MS) {
		return 0;
	}
	*kbps = (uint32_t)(rx->period_bytes * 1000 / 1024 / dt);
	rx->period_bytes = 0;
	rx->period_start_ms = now_ms;
	return 1;
}

/* A bench payload (9..MAX_MSG-1); size_t so a 64 KiB MAX_MSG does not make it always true. */
static bool bench_size_ok(size_t n)
{
	return n >= MCTP_BENCH_DATA_HDR && n < CONFIG_MCTP_MAX_MSG;
}

int mctp_bench_cmd_parse(const uint8_t *msg, size_t len, struct mctp_bench_cmd *cmd)
{
	struct rd_cursor c = rd_init(msg, len);

	memset(cmd, 0, sizeof(*cmd));
	if (rd_u8(&c) != MCTP_TYPE_VENDOR_PCI || rd_be16(&c) != MCTP_VENDOR_CC_VID ||
	    rd_u8(&c) != MCTP_VENDOR_CC_BENCH || rd_le16(&c) != MCTP_BENCH_CMD_MAGIC ||
	    rd_u8(&c) != MCTP_BENCH_CMD_VERSION) {
		return -EBADMSG;
	}
	cmd->command = rd_u8(&c);
	cmd->iid = rd_le32(&c);
	if (!rd_ok(&c)) {
		return -EBADMSG;
	}
	if (cmd->command != MCTP_BENCH_CMD_REQUEST) {
		return MCTP_BENCH_STATUS_UNKNOWN;
	}
	cmd->flags = rd_le32(&c);
	cmd->payload_size = rd_le16(&c);
	cmd->message_count = rd_le64(&c);
	if (!rd_ok(&c) || rd_left(&c) != 0) {
		return MCTP_BENCH_STATUS_BAD_ARG;
	}
	if (!bench_size_ok(cmd->payload_size)) {
		return MCTP_BENCH_STATUS_BAD_ARG;
	}
	return MCTP_BENCH_STATUS_OK;
}

int mctp_bench_cmd_build(uint8_t *buf, size_t cap, const struct mctp_bench_cmd *cmd)
{
	struct wr_cursor w = wr_init(buf, cap);

	wr_prefix(&w, MCTP_VENDOR_CC_BENCH);
	wr_le16(&w, MCTP_BENCH_CMD_MAGIC);
	wr_u8(&w, MCTP_BENCH_CMD_VERSION);
	wr_u8(&w, cmd->command);
	wr_le32(&w, cmd->iid);
	wr_le32(&w, cmd->flags);
	wr_le16(&w, cmd->payload_size);
	wr_le64(&w, cmd->message_count);
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

int mctp_bench_resp_build(uint8_t *buf, size_t cap, uint32_t iid, uint8_t status)
{
	struct wr_cursor w = wr_init(buf, cap);

	wr_prefix(&w, MCTP_VENDOR_CC_BENCH);
	wr_le16(&w, MCTP_BENCH_CMD_MAGIC);
	wr_u8(&w, MCTP_BENCH_CMD_VERSION);
	wr_u8(&w, MCTP_BENCH_CMD_RESPONSE);
	wr_le32(&w, iid);
	wr_u8(&w, status);
	wr_zero(&w, 2);
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

int mctp_bench_tx_start(struct mctp_bench_tx *tx, struct mctp_endpoint *ep, uint8_t peer,
			uint16_t payload_size, uint64_t count, uint32_t now_ms)
{
	int tag;

	if (!bench_size_ok(payload_size)) {
		return -EINVAL;
	}
	mctp_bench_tx_stop(tx, ep);
	tag = mctp_tag_alloc(ep, peer, now_ms, 0, NULL, NULL);
	if (tag < 0) {
		return tag;
	}
	tx->active = true;
	tx->peer = peer;
	tx->tag = (uint8_t)tag;
	tx->payload_size = payload_size;
	tx->seq = MCTP_BENCH_SEQ_START;
	tx->remaining = count;
	tx->sent = 0;
	return 0;
}

void mctp_bench_tx_stop(struct mctp_bench_tx *tx, struct mctp_endpoint *ep)
{
	if (tx->active) {
		mctp_tag_release(ep, tx->peer, tx->tag);
	}
	tx->active = false;
}

int mctp_bench_tx_step(struct mctp_bench_tx *tx, struct mctp_endpoint *ep, uint8_t *scratch,
		       size_t cap, unsigned budget)
{
	int len, n = 0;

	if (!tx->active) {
		return 0;
	}
	len = mctp_bench_data_build(scratch, cap, tx->seq, tx->payload_size);
	if (len < 0) {
		return len;
	}
	while (n < (int)budget && tx->remaining > 0) {
		int rc;

		scratch[6] = (uint8_t)tx->seq;
		scratch[7] = (uint8_t)(tx->seq >> 8);
		scratch[8] = (uint8_t)(tx->seq >> 16);
		scratch[9] = (uint8_t)(tx->seq >> 24);
		rc = mctp_send(ep, tx->peer, (uint8_t)(tx->tag | MCTP_HDR_FLAG_TO), scratch,
			       (size_t)len);
		if (rc < 0) {
			return rc;
		}
		tx->seq++;
		tx->remaining--;
		tx->sent++;
		n++;
	}
	if (tx->remaining == 0) {
		mctp_bench_tx_stop(tx, ep);
	}
	return n;
}

static void vendor_bench(struct mctp_endpoint *ep, struct mctp_vendor *v,
			 const struct mctp_msg *msg)
{
	struct mctp_bench_cmd cmd;
	uint8_t resp[MCTP_BENCH_CMD_RESP_SIZE + 1];
	int st, n;

	if (msg->len >= 6 && get_be16(msg->data + 4) == 0xCABE) {
		(void)mctp_bench_rx_msg(&v->rx, msg->data, msg->len, v->now_ms);
		return;
	}
	st = mctp_bench_cmd_parse(msg->data, msg->len, &cmd);
	if (st < 0) {
		v->unknown++;
		return;
	}
	if (st == MCTP_BENCH_STATUS_OK &&
	    mctp_bench_tx_start(&v->tx, ep, msg->src, cmd.payload_size, cmd.message_count,
				v->now_ms) < 0) {
		st = MCTP_BENCH_STATUS_ERROR;
	}
	n = mctp_bench_resp_build(resp, sizeof(resp), cmd.iid, (uint8_t)st);
	if (n > 0) {
		(void)mctp_reply(ep, msg, resp, (size_t)n);
	}
}

static void vendor_handler(struct mctp_endpoint *ep, const struct mctp_msg *msg, void *arg)
{
	struct mctp_vendor *v = (struct mctp_vendor *)arg;

	if (msg->len < VENDOR_PREFIX || (msg->data[0] & MCTP_MSG_IC) ||
	    get_be16(msg->data + 1) != MCTP_VENDOR_CC_VID) {
		v->unknown++;
		return;
	}
	switch (msg->data[3]) {
	case MCTP_VENDOR_CC_ECHO:
		v->echoes++;
		(void)mctp_reply(ep, msg, msg->data, msg->len);
		break;
	case MCTP_VENDOR_CC_BENCH:
		vendor_bench(ep, v, msg);
		break;
	default:
		v->unknown++;
		break;
	}
}

int mctp_vendor_register(struct mctp_endpoint *ep, struct mctp_vendor *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = mctp_register_handler(ep, MCTP_TYPE_VENDOR_PCI, MCTP_VERSION_1_0, vendor_handler, v);
	if (rc < 0) {
		return rc;
	}
	return mctp_add_vdm(ep, MCTP_VDM_FORMAT_PCI, MCTP_VENDOR_CC_VID, 0x0000);
}
