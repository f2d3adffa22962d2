/*
 * datalink: the device's TCP data link to a PC server (the uC/OS-II + LwIP
 * STM32F107 application: the device connects as a client to HOST:8087 and
 * both sides exchange data). Records, sequence numbers and cumulative
 * acknowledgements make the exchange survive reconnects: a record leaves
 * the sender's queue only when the peer acknowledged it, unacknowledged
 * records are sent again after a reconnect, and a receiver drops every
 * record whose sequence number it already delivered. So, as the protocol
 * defines it, no record is lost or delivered twice while both ends keep
 * their state. Wire format and rules: docs/datalink.md.
 *
 * Pure parts (apps/datalink/dl_codec.c, dl_session.c): the record codec
 * with a streaming framer (fuzzed), the session (queue, ack, resume,
 * duplicate suppression) and the back-off schedule. Glue (datalink.c):
 * the client task, periodic samples, counters and the `datalink` command.
 */
#ifndef KESTREL_APPS_DATALINK_H
#define KESTREL_APPS_DATALINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* Default server port (the paper's PC server listens on 8087). */
#define DATALINK_DEFAULT_PORT 8087

/* Largest record payload. */
#ifndef CONFIG_DATALINK_PAYLOAD_MAX
#define CONFIG_DATALINK_PAYLOAD_MAX 256
#endif
/* Unacknowledged records the device keeps for resending. */
#ifndef CONFIG_DATALINK_TXQ
#define CONFIG_DATALINK_TXQ 16
#endif
/* Period of the sample records (ms); 0 = none. */
#ifndef CONFIG_DATALINK_SAMPLE_MS
#define CONFIG_DATALINK_SAMPLE_MS 1000
#endif
/* Reconnect back-off bounds (ms). */
#ifndef CONFIG_DATALINK_BACKOFF_MIN_MS
#define CONFIG_DATALINK_BACKOFF_MIN_MS 1000
#endif
#ifndef CONFIG_DATALINK_BACKOFF_MAX_MS
#define CONFIG_DATALINK_BACKOFF_MAX_MS 30000
#endif
/* Task priority and stack. */
#ifndef CONFIG_DATALINK_PRIO
#define CONFIG_DATALINK_PRIO 18
#endif
#ifndef CONFIG_DATALINK_STACK
#define CONFIG_DATALINK_STACK 3072
#endif

_Static_assert(CONFIG_DATALINK_PAYLOAD_MAX >= 16 && CONFIG_DATALINK_PAYLOAD_MAX <= 65535,
	       "datalink payload");
_Static_assert(CONFIG_DATALINK_TXQ >= 1 && CONFIG_DATALINK_TXQ <= 1024, "datalink queue");
_Static_assert(CONFIG_DATALINK_BACKOFF_MIN_MS >= 1 &&
		       CONFIG_DATALINK_BACKOFF_MIN_MS <= CONFIG_DATALINK_BACKOFF_MAX_MS,
	       "datalink back-off");

/* ---- wire format (docs/datalink.md) -------------------------------------- */

#define DL_MAGIC   0x4B44u /* "KD" */
#define DL_VERSION 1u
#define DL_HDR_LEN 16u
#define DL_CRC_LEN 4u
#define DL_REC_MAX (DL_HDR_LEN + CONFIG_DATALINK_PAYLOAD_MAX + DL_CRC_LEN)

enum dl_type {
	DL_HELLO = 1, /* first record of a connection: payload u32 session + name */
	DL_DATA = 2,  /* application payload, numbered */
	DL_ACK = 3,   /* acknowledgement only, no payload */
};

struct dl_record {
	uint8_t type;  /* enum dl_type */
	uint8_t flags; /* 0 */
	uint32_t seq;  /* DATA: 1, 2, ... per direction; HELLO/ACK: 0 */
	uint32_t ack;  /* highest peer seq delivered, cumulative */
	uint16_t len;  /* payload bytes */
	const uint8_t *payload;
};

/*
 * Encodes r into buf. Returns the record length.
 * @retval -EMSGSIZE cap too small or payload over CONFIG_DATALINK_PAYLOAD_MAX
 * @retval -EINVAL unknown type
 */
int dl_encode(const struct dl_record *r, void *buf, size_t cap);

/*
 * Decodes one whole record of len bytes; r->payload points into buf.
 * Returns the bytes used.
 * @retval -EAGAIN incomplete (len shorter than the record)
 * @retval -EPROTO bad magic, version, type, flags or seq/len for the type
 * @retval -EMSGSIZE length over CONFIG_DATALINK_PAYLOAD_MAX
 * @retval -EBADMSG CRC mismatch
 */
int dl_decode(const void *buf, size_t len, struct dl_record *r);

/* Reassembles records from a byte stream. */
struct dl_framer {
	uint16_t have;
	uint8_t buf[DL_REC_MAX];
};

void dl_framer_init(struct dl_framer *f);

/*
 * Consumes bytes from in[len] into the framer; *used says how many. Returns
 * 1 with r filled (valid until the next call) when a record is complete,
 * 0 when all input went in without completing one, or a dl_decode() error
 * (the stream is then unusable: reconnect).
 */
int dl_framer_feed(struct dl_framer *f, const uint8_t *in, size_t len, size_t *used,
		   struct dl_record *r);

/* ---- session (resume, duplicate suppression) ------------------------------ */

struct dl_txent {
	uint32_t seq;
	uint16_t len;
	uint8_t data[CONFIG_DATALINK_PAYLOAD_MAX];
};

struct dl_counters {
	uint32_t tx_bytes, rx_bytes;
	uint32_t tx_records, rx_records;       /* DATA sent (incl. resends) / delivered */
	uint32_t resent, duplicates;	       /* records sent again / received again and dropped */
	uint32_t errors, reconnects, overruns; /* protocol errors, reconnects, samples not queued */
};

typedef void (*dl_deliver_fn)(void *ctx, uint32_t seq, const uint8_t *data, size_t len);

struct dl_session {
	uint32_t session_id;  /* random per boot: the server keys its state on it */
	uint32_t next_seq;    /* seq the next queued record gets */
	uint32_t peer_acked;  /* highest own seq the peer acknowledged */
	uint32_t delivered;   /* highest peer seq delivered */
	uint32_t ack_sent;    /* `delivered` as last sent to the peer */
	uint32_t max_sent;    /* highest own seq ever sent (to count resends) */
	uint16_t head, count; /* queue of unacknowledged records */
	uint16_t sent;	      /* of those, sent on this connection */
	bool hello_due;
	struct dl_txent q[CONFIG_DATALINK_TXQ];
	struct dl_counters cnt;
	dl_deliver_fn deliver;
	void *ctx;
	char name[24]; /* device name for HELLO */
};

void dl_session_init(struct dl_session *s, uint32_t session_id, const char *name,
		     dl_deliver_fn deliver, void *ctx);

/*
 * Queues a DATA record (caller keeps data). Returns its seq (> 0).
 * @retval -ENOSPC CONFIG_DATALINK_TXQ records await acknowledgement
 * @retval -EMSGSIZE len over CONFIG_DATALINK_PAYLOAD_MAX
 */
int dl_session_queue(struct dl_session *s, const void *data, size_t len);

/* A new connection is up: HELLO first, then every unacknowledged record again. */
void dl_session_connected(struct dl_session *s);

/*
 * Encodes the next record to send on this connection into buf (HELLO,
 * then queued DATA not yet sent, then an ACK if one is owed). Returns its
 * length, 0 when nothing is due. @retval -EMSGSIZE cap < DL_REC_MAX
 */
int dl_session_next(struct dl_session *s, uint8_t *buf, size_t cap);

/*
 * Processes a received record: its ack releases queued records; DATA with
 * seq == delivered + 1 is delivered, seq <= delivered is a duplicate
 * (dropped, still acknowledged).
 * @retval -EPROTO a gap in the peer's seq, or an ack of a record never sent
 */
int dl_session_input(struct dl_session *s, const struct dl_record *r);

/*
 * Next reconnect delay: doubles prev_ms (0 = first failure) within
 * CONFIG_DATALINK_BACKOFF_MIN_MS..MAX_MS, then jitters it by up to -25%
 * using rnd. Pure; the caller supplies the randomness.
 */
uint32_t dl_backoff_next(uint32_t prev_ms, uint32_t rnd, uint32_t *base_ms);

/* ---- the client (library kestrel_app_datalink) ------------------------------ */

enum dl_link_state { DL_STOPPED = 0, DL_RESOLVING, DL_CONNECTING, DL_UP, DL_BACKOFF };

struct datalink_status {
	uint8_t state; /* enum dl_link_state */
	char host[64];
	uint16_t port;
	uint32_t queued; /* records awaiting acknowledgement */
	uint32_t next_seq, peer_acked, delivered;
	uint32_t backoff_ms;
	struct dl_counters cnt;
};

/*
 * Starts (or retargets) the client: connect to host:port (port 0 = 8087),
 * resend/resume, sample every CONFIG_DATALINK_SAMPLE_MS, reconnect with
 * back-off. The queue and sequence numbers survive stop/start.
 * @retval -EINVAL empty or overlong host   @retval task creation errors
 */
int datalink_start(const char *host, uint16_t port);

/* Stops the client (closes the connection); waits up to 2 s. */
int datalink_stop(void);

/* Queues user data (as dl_session_queue()). */
int datalink_send(const void *data, size_t len);

void datalink_get_status(struct datalink_status *st);

#endif /* KESTREL_APPS_DATALINK_H */
