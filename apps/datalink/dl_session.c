/*
 * datalink session: what makes the link lossless across reconnects.
 *
 * Each direction numbers its DATA records 1, 2, 3, ... and every record
 * carries `ack`, the highest seq of the other direction delivered so far
 * (cumulative, like TCP's). The sender keeps each record in a queue until
 * an ack covers it. On a new connection both sides send HELLO (with their
 * ack) and then everything still unacknowledged, oldest first. The
 * receiver delivers DATA with seq == delivered + 1, drops seq <= delivered
 * as a duplicate (it arrived before the old connection died, but the ack
 * did not make it back) and still acknowledges it. Because TCP keeps order
 * within a connection and every connection restarts from the oldest
 * unacknowledged record, seq > delivered + 1 cannot happen between correct
 * peers and is a protocol error.
 *
 * Sequence numbers are 32-bit and never wrap in practice (4 billion
 * records); the session id (random per boot) lets the server tell a
 * rebooted device, which starts again at 1, from a reconnecting one.
 */
#include <kestrel/apps/datalink.h>

#include <string.h>

void dl_session_init(struct dl_session *s, uint32_t session_id, const char *name,
		     dl_deliver_fn deliver, void *ctx)
{
	size_t n = strlen(name);

	memset(s, 0, sizeof(*s));
	s->session_id = session_id;
	s->next_seq = 1;
	s->deliver = deliver;
	s->ctx = ctx;
	if (n >= sizeof(s->name)) {
		n = sizeof(s->name) - 1;
	}
	memcpy(s->name, name, n);
}

int dl_session_queue(struct dl_session *s, const void *data, size_t len)
{
	struct dl_txent *e;

	if (len > CONFIG_DATALINK_PAYLOAD_MAX) {
		return -EMSGSIZE;
	}
	if (s->count >= CONFIG_DATALINK_TXQ) {
		return -ENOSPC;
	}
	e = &s->q[(s->head + s->count) % CONFIG_DATALINK_TXQ];
	e->seq = s->next_seq++;
	e->len = (uint16_t)len;
	memcpy(e->data, data, len);
	s->count++;
	return (int)e->seq;
}

void dl_session_connected(struct dl_session *s)
{
	s->hello_due = true;
	s->sent = 0;
}

int dl_session_next(struct dl_session *s, uint8_t *buf, size_t cap)
{
	struct dl_record r = {0};
	uint8_t hello[4 + sizeof(s->name)];
	int n;

	if (cap < DL_REC_MAX) {
		return -EMSGSIZE;
	}
	r.ack = s->delivered;
	if (s->hello_due) {
		size_t nl = strlen(s->name);

		hello[0] = (uint8_t)(s->session_id >> 24);
		hello[1] = (uint8_t)(s->session_id >> 16);
		hello[2] = (uint8_t)(s->session_id >> 8);
		hello[3] = (uint8_t)s->session_id;
		memcpy(hello + 4, s->name, nl);
		r.type = DL_HELLO;
		r.len = (uint16_t)(4 + nl);
		r.payload = hello;
		s->hello_due = false;
	} else if (s->sent < s->count) {
		const struct dl_txent *e = &s->q[(s->head + s->sent) % CONFIG_DATALINK_TXQ];

		r.type = DL_DATA;
		r.seq = e->seq;
		r.len = e->len;
		r.payload = e->data;
		s->sent++;
		s->cnt.tx_records++;
		if (e->seq <= s->max_sent) {
			s->cnt.resent++;
		} else {
			s->max_sent = e->seq;
		}
	} else if (s->ack_sent != s->delivered) {
		r.type = DL_ACK;
	} else {
		return 0;
	}
	n = dl_encode(&r, buf, cap);
	if (n > 0) {
		s->ack_sent = s->delivered;
		s->cnt.tx_bytes += (uint32_t)n;
	}
	return n;
}

/* Releases every queued record with seq <= ack. */
static int dl_session_acked(struct dl_session *s, uint32_t ack)
{
	if (ack >= s->next_seq) {
		return -EPROTO; /* acknowledges a record never sent */
	}
	while (s->count > 0 && s->q[s->head].seq <= ack) {
		s->head = (uint16_t)((s->head + 1) % CONFIG_DATALINK_TXQ);
		s->count--;
		if (s->sent > 0) {
			s->sent--;
		}
	}
	if (ack > s->peer_acked) {
		s->peer_acked = ack;
	}
	return 0;
}

int dl_session_input(struct dl_session *s, const struct dl_record *r)
{
	int rc = dl_session_acked(s, r->ack);

	if (rc < 0) {
		s->cnt.errors++;
		return rc;
	}
	if (r->type == DL_HELLO) {
		s->ack_sent = s->delivered - 1; /* answer with our ack once */
		return 0;
	}
	if (r->type != DL_DATA) {
		return 0;
	}
	if (r->seq <= s->delivered) {
		s->cnt.duplicates++;
		s->ack_sent = s->delivered - 1; /* the peer lost our ack: repeat it */
		return 0;
	}
	if (r->seq != s->delivered + 1) {
		s->cnt.errors++;
		return -EPROTO;
	}
	s->delivered = r->seq;
	s->cnt.rx_records++;
	if (s->deliver != NULL) {
		s->deliver(s->ctx, r->seq, r->payload, r->len);
	}
	return 0;
}

uint32_t dl_backoff_next(uint32_t prev_ms, uint32_t rnd, uint32_t *base_ms)
{
	uint32_t base = prev_ms == 0 ? CONFIG_DATALINK_BACKOFF_MIN_MS : prev_ms * 2u;

	if (prev_ms > CONFIG_DATALINK_BACKOFF_MAX_MS / 2u ||
	    base > CONFIG_DATALINK_BACKOFF_MAX_MS) {
		base = CONFIG_DATALINK_BACKOFF_MAX_MS;
	}
	if (base < CONFIG_DATALINK_BACKOFF_MIN_MS) {
		base = CONFIG_DATALINK_BACKOFF_MIN_MS;
	}
	*base_ms = base;
	/* jitter: wait base - up to base/4, never below the minimum */
	uint32_t d = base - (uint32_t)(((uint64_t)rnd % (base / 4u + 1u)));

	return d < CONFIG_DATALINK_BACKOFF_MIN_MS ? CONFIG_DATALINK_BACKOFF_MIN_MS : d;
}
