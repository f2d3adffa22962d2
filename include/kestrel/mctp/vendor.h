/*
 * Code Construct vendor-defined messages (type 0x7E, PCI VID 0xCCDE):
 * echo (CC DE F0) and bench (CC DE F1) as used by mctp-req/mctp-echo and
 * mctp-bench. All functions take whole messages, type byte first.
 */
#ifndef KESTREL_MCTP_VENDOR_H
#define KESTREL_MCTP_VENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/core.h>

/* Bench receiver: counts sequence gaps and validates data. */
struct mctp_bench_rx {
	bool started;
	uint32_t next_seq;
	uint64_t msgs, bytes;
	uint64_t drops;	    /* messages missing from the sequence */
	uint64_t reordered; /* seq behind the expected one */
	uint64_t bad_data;  /* wrong magic, short or corrupt pattern */
	uint32_t period_start_ms;
	uint64_t period_bytes;
};

/* Bench command (0x22DD) request. */
struct mctp_bench_cmd {
	uint8_t command;
	uint32_t iid;
	uint32_t flags;
	uint16_t payload_size;
	uint64_t message_count;
};

/* Bench sender: streams data messages to a peer with one held tag, TO=1. */
struct mctp_bench_tx {
	bool active;
	uint8_t peer;
	uint8_t tag;
	uint16_t payload_size; /* bytes after the type byte */
	uint32_t seq;
	uint64_t remaining;
	uint64_t sent;
};

/*
 * Builds a bench data message of 1 + payload_size bytes (payload_size >= 9).
 * @retval length @retval -EINVAL payload_size < 9 @retval -EMSGSIZE cap.
 */
int mctp_bench_data_build(uint8_t *buf, size_t cap, uint32_t seq, size_t payload_size);

void mctp_bench_rx_init(struct mctp_bench_rx *rx, uint32_t now_ms);
/*
 * Accounts one bench data message. @retval 0 in sequence @retval n > 0 n
 * messages were lost before it @retval -EBADMSG malformed/corrupt data.
 */
int mctp_bench_rx_msg(struct mctp_bench_rx *rx, const uint8_t *msg, size_t len, uint32_t now_ms);
/*
 * Every 2 s: returns 1 and the throughput in kB/s (kB = 1024 B) since the
 * last report, and starts a new period; 0 otherwise.
 */
int mctp_bench_rx_report(struct mctp_bench_rx *rx, uint32_t now_ms, uint32_t *kbps);

/*
 * Parses a bench command request.
 * @retval status MCTP_BENCH_STATUS_OK / _UNKNOWN / _BAD_ARG (iid is valid)
 * @retval -EBADMSG not a well-formed bench command (no response possible).
 */
int mctp_bench_cmd_parse(const uint8_t *msg, size_t len, struct mctp_bench_cmd *cmd);
/* Encodes a request (for tools). @retval length or -EMSGSIZE. */
int mctp_bench_cmd_build(uint8_t *buf, size_t cap, const struct mctp_bench_cmd *cmd);
/* Encodes a response: 7E cc de f1 dd 22 01 00 iid(4) status pad(2). @retval length. */
int mctp_bench_resp_build(uint8_t *buf, size_t cap, uint32_t iid, uint8_t status);

/* Starts streaming to `peer`. @retval 0 @retval -EBUSY/-ENOMEM no tag @retval -EINVAL size. */
int mctp_bench_tx_start(struct mctp_bench_tx *tx, struct mctp_endpoint *ep, uint8_t peer,
			uint16_t payload_size, uint64_t count, uint32_t now_ms);
/*
 * Sends up to `budget` messages using `scratch` (>= payload_size + 1 bytes).
 * @retval messages sent (0 when finished) @retval -EIO/-EHOSTUNREACH send failed.
 */
int mctp_bench_tx_step(struct mctp_bench_tx *tx, struct mctp_endpoint *ep, uint8_t *scratch,
		       size_t cap, unsigned budget);
void mctp_bench_tx_stop(struct mctp_bench_tx *tx, struct mctp_endpoint *ep);

/* The vendor service: echo responder, bench receiver and bench command. */
struct mctp_vendor {
	struct mctp_bench_rx rx;
	struct mctp_bench_tx tx;
	uint32_t now_ms; /* set by the owner before feeding packets */
	uint32_t echoes;
	uint32_t unknown; /* dropped: not CC DE or unknown sub-type */
};

/* Registers type 0x7E on `ep` and adds the Get VDM Support entry (PCI, 0xCCDE). */
int mctp_vendor_register(struct mctp_endpoint *ep, struct mctp_vendor *v);

#endif /* KESTREL_MCTP_VENDOR_H */
