/*
 * datalink record codec and stream framer.
 *
 * A record (all fields big-endian; docs/datalink.md):
 *
 *   OFFSET  SIZE  DESCRIPTION
 *   0       2     magic 0x4B44 ("KD")
 *   2       1     version (1)
 *   3       1     type: 1 HELLO, 2 DATA, 3 ACK
 *   4       4     seq: DATA 1, 2, ... per direction; 0 for HELLO and ACK
 *   8       4     ack: highest seq of the peer's DATA delivered (cumulative)
 *   12      2     len: payload bytes (<= CONFIG_DATALINK_PAYLOAD_MAX; 0 for ACK)
 *   14      2     flags (0)
 *   16      len   payload
 *   16+len  4     CRC-32 (IEEE 802.3) of bytes 0 .. 16+len-1
 *
 * The decoder checks the header (magic, version, type, flags, seq and len
 * rules per type) before it trusts len, and len against what remains.
 */
#include <kestrel/apps/datalink.h>
#include <kestrel/lib/crc.h>
#include <kestrel/lib/cursor.h>

#include <string.h>

static bool dl_type_ok(uint8_t type, uint32_t seq, uint16_t len)
{
	switch (type) {
	case DL_HELLO:
		return seq == 0 && len >= 4;
	case DL_DATA:
		return seq != 0;
	case DL_ACK:
		return seq == 0 && len == 0;
	default:
		return false;
	}
}

int dl_encode(const struct dl_record *r, void *buf, size_t cap)
{
	struct wr_cursor w = wr_init(buf, cap);

	if (r->len > CONFIG_DATALINK_PAYLOAD_MAX) {
		return -EMSGSIZE;
	}
	if (!dl_type_ok(r->type, r->seq, r->len) || r->flags != 0) {
		return -EINVAL;
	}
	wr_be16(&w, DL_MAGIC);
	wr_u8(&w, DL_VERSION);
	wr_u8(&w, r->type);
	wr_be32(&w, r->seq);
	wr_be32(&w, r->ack);
	wr_be16(&w, r->len);
	wr_be16(&w, 0);
	wr_bytes(&w, r->payload, r->len);
	if (!wr_ok(&w)) {
		return -EMSGSIZE;
	}
	wr_be32(&w, crc32_ieee(0, buf, w.len));
	return wr_ok(&w) ? (int)w.len : -EMSGSIZE;
}

/* Checks the fixed header; returns the whole record length or an error. */
static int dl_header(const uint8_t *p, size_t len, struct dl_record *r)
{
	struct rd_cursor c = rd_init(p, len);
	uint16_t magic = rd_be16(&c);
	uint8_t version = rd_u8(&c);
	uint16_t flags;

	r->type = rd_u8(&c);
	r->seq = rd_be32(&c);
	r->ack = rd_be32(&c);
	r->len = rd_be16(&c);
	flags = rd_be16(&c);
	if (!rd_ok(&c)) {
		return -EAGAIN;
	}
	r->flags = 0;
	if (magic != DL_MAGIC || version != DL_VERSION || flags != 0) {
		return -EPROTO;
	}
	if (r->len > CONFIG_DATALINK_PAYLOAD_MAX) {
		return -EMSGSIZE;
	}
	if (!dl_type_ok(r->type, r->seq, r->len)) {
		return -EPROTO;
	}
	return (int)(DL_HDR_LEN + r->len + DL_CRC_LEN);
}

int dl_decode(const void *buf, size_t len, struct dl_record *r)
{
	const uint8_t *p = buf;
	int total = dl_header(p, len, r);
	struct rd_cursor c;
	uint32_t crc;

	if (total < 0) {
		return total;
	}
	c = rd_init(p, len);
	if (!rd_skip(&c, DL_HDR_LEN)) {
		return -EAGAIN;
	}
	r->payload = rd_bytes(&c, r->len);
	crc = rd_be32(&c);
	if (!rd_ok(&c)) {
		return -EAGAIN;
	}
	if (crc != crc32_ieee(0, p, DL_HDR_LEN + r->len)) {
		return -EBADMSG;
	}
	return total;
}

void dl_framer_init(struct dl_framer *f)
{
	f->have = 0;
}

int dl_framer_feed(struct dl_framer *f, const uint8_t *in, size_t len, size_t *used,
		   struct dl_record *r)
{
	size_t want = DL_HDR_LEN, n;
	int rc;

	*used = 0;
	for (;;) {
		if (f->have >= DL_HDR_LEN) {
			rc = dl_header(f->buf, f->have, r);
			if (rc < 0) {
				return rc;
			}
			want = (size_t)rc;
		}
		if (f->have == want) {
			f->have = 0;
			rc = dl_decode(f->buf, want, r);
			return rc < 0 ? rc : 1;
		}
		n = want - f->have;
		if (n > len - *used) {
			n = len - *used;
		}
		if (n == 0) {
			return 0;
		}
		memcpy(f->buf + f->have, in + *used, n);
		f->have = (uint16_t)(f->have + n);
		*used += n;
	}
}
