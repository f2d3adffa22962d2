/*
 * MCTP transport core (DSP0236 1.3 clause 8): one endpoint, its links,
 * routes, fragmentation, reassembly, dispatch by message type, and owned
 * tags with request/response matching.
 *
 * Pure code: no kernel calls, no heap. The owner (a task, a test, a fuzzer)
 * feeds received packets with mctp_rx_packet(), calls mctp_poll() for
 * timeouts, and supplies time as now_ms on every call that needs it.
 * Bindings (serial, USB) deliver whole MCTP packets (transport header
 * first) and send through the per-link tx callback.
 *
 * Buffers: received messages are handed to handlers by pointer, valid only
 * during the call (the caller keeps them). Outgoing messages are copied
 * packet by packet into the link's tx callback; the caller keeps `msg`.
 */
#ifndef KESTREL_MCTP_CORE_H
#define KESTREL_MCTP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/mctp/config.h>
#include <kestrel/wire/mctp.h>

struct mctp_endpoint;

/* Decoded transport header (DSP0236 §8.1). */
struct mctp_hdr {
	uint8_t dest;
	uint8_t src;
	uint8_t flags; /* SOM/EOM/seq/TO/tag exactly as on the wire */
};

/* A complete received message. `data` starts at the IC|type byte. */
struct mctp_msg {
	uint8_t src;
	uint8_t dest;
	uint8_t tag;  /* 0..7 */
	bool to;      /* tag owner: set on requests */
	uint8_t link; /* link index it arrived on */
	const uint8_t *data;
	size_t len;
};

/* Hands one packet (transport header first) to the binding. */
typedef int (*mctp_link_tx_fn)(void *ctx, const uint8_t *pkt, size_t len);
/* Receives a complete message of a registered type; `msg` is valid during the call. */
typedef void (*mctp_rx_fn)(struct mctp_endpoint *ep, const struct mctp_msg *msg, void *arg);
/* Response (status 0) or timeout (msg NULL, status -EAGAIN) for mctp_request(). */
typedef void (*mctp_resp_fn)(struct mctp_endpoint *ep, const struct mctp_msg *msg, int status,
			     void *arg);

struct mctp_counters {
	uint32_t rx_pkts, rx_msgs, tx_pkts, tx_msgs;
	uint32_t drop_short;	  /* packet shorter than header + 1 */
	uint32_t drop_version;	  /* header version != 1 */
	uint32_t drop_bcast_src;  /* source EID 0xFF */
	uint32_t drop_not_for_us; /* destination is another EID */
	uint32_t drop_no_som;	  /* middle/end packet without a context */
	uint32_t drop_seq;	  /* sequence gap: context discarded */
	uint32_t drop_frag_len;	  /* non-final fragment of a different size */
	uint32_t drop_oversize;	  /* message beyond CONFIG_MCTP_MAX_MSG */
	uint32_t drop_timeout;	  /* reassembly expired */
	uint32_t drop_no_ctx;	  /* all reassembly contexts busy */
	uint32_t drop_restart;	  /* SOM for an open context discarded the old one */
	uint32_t drop_no_handler; /* no handler for the message type */
	uint32_t drop_unmatched;  /* response (TO=0) with no outstanding request */
	uint32_t req_timeouts;	  /* requests that got no response in time */
	uint32_t tx_no_route;	  /* no link for the destination */
	uint32_t tx_errors;	  /* link tx callback failed */
};

struct mctp_link {
	mctp_link_tx_fn tx;
	void *ctx;
	uint16_t mtu; /* payload bytes per packet, 64..CONFIG_MCTP_MAX_MTU */
	uint8_t seq;  /* next tx packet sequence number */
	bool used;
};

struct mctp_route {
	uint8_t first, last; /* inclusive EID range */
	uint8_t link;
	bool used;
};

struct mctp_handler {
	uint8_t type;	  /* message type without IC */
	uint32_t version; /* Get MCTP Version Support entry, e.g. 0xF1F0FF00 */
	mctp_rx_fn fn;
	void *arg;
};

struct mctp_vdm_entry {
	uint8_t format; /* MCTP_VDM_FORMAT_PCI or _IANA */
	uint32_t vendor_id;
	uint16_t cmd_set;
};

struct mctp_reasm_ctx {
	bool active;
	uint8_t src, dest, tag, link;
	bool to;
	uint8_t next_seq;
	uint16_t frag_len; /* payload size of the first fragment */
	uint32_t start_ms;
	size_t len;
	uint8_t buf[CONFIG_MCTP_MAX_MSG];
};

struct mctp_req_slot {
	bool active;
	uint8_t peer, tag;
	bool expires;
	uint32_t deadline_ms;
	mctp_resp_fn cb;
	void *arg;
};

struct mctp_endpoint {
	uint8_t eid;	    /* 0 until assigned */
	uint8_t static_eid; /* 0: dynamic only */
	bool discovered;
	bool has_uuid;
	uint8_t uuid[MCTP_UUID_SIZE];
	uint8_t next_tag;
	uint8_t n_vdm;
	struct mctp_vdm_entry vdm[CONFIG_MCTP_MAX_VDM];
	struct mctp_link links[CONFIG_MCTP_MAX_LINKS];
	struct mctp_route routes[CONFIG_MCTP_MAX_ROUTES];
	struct mctp_handler handlers[CONFIG_MCTP_MAX_HANDLERS];
	struct mctp_req_slot reqs[CONFIG_MCTP_MAX_REQS];
	struct mctp_reasm_ctx reasm[CONFIG_MCTP_REASM_CONTEXTS];
	struct mctp_counters stats;
};

/* Packs/unpacks the 4-byte transport header. @retval -EBADMSG short or bad version. */
void mctp_hdr_encode(uint8_t out[MCTP_HDR_SIZE], const struct mctp_hdr *h);
int mctp_hdr_decode(const uint8_t *pkt, size_t len, struct mctp_hdr *h);

/* Resets `ep`; eid 0 = unassigned (dynamic), static_eid 0 = none. */
void mctp_init(struct mctp_endpoint *ep, uint8_t eid, uint8_t static_eid);
void mctp_set_uuid(struct mctp_endpoint *ep, const uint8_t uuid[MCTP_UUID_SIZE]);

/*
 * Adds a link; returns its index. @retval -EINVAL mtu outside
 * 64..CONFIG_MCTP_MAX_MTU or no tx. @retval -ENOMEM link table full.
 */
int mctp_add_link(struct mctp_endpoint *ep, uint16_t mtu, mctp_link_tx_fn tx, void *ctx);
/* Routes EIDs first..last to `link`. @retval -EINVAL bad range/link, -ENOMEM table full. */
int mctp_add_route(struct mctp_endpoint *ep, uint8_t first, uint8_t last, uint8_t link);
/* Link index for `eid`, or -EHOSTUNREACH. */
int mctp_route_lookup(const struct mctp_endpoint *ep, uint8_t eid);

/* Registers `fn` for message type `type` (IC bit ignored). @retval -EEXIST, -ENOMEM. */
int mctp_register_handler(struct mctp_endpoint *ep, uint8_t type, uint32_t version, mctp_rx_fn fn,
			  void *arg);
const struct mctp_handler *mctp_find_handler(const struct mctp_endpoint *ep, uint8_t type);
/* Adds a Get VDM Support entry. @retval -ENOMEM table full. */
int mctp_add_vdm(struct mctp_endpoint *ep, uint8_t format, uint32_t vendor_id, uint16_t cmd_set);

/*
 * Feeds one received packet (transport header first) from `link`.
 * Complete messages are dispatched before this returns.
 * @retval 0 accepted (fragment stored or message delivered)
 * @retval -EBADMSG short packet or bad header version
 * @retval -EPROTO broadcast source, sequence gap, missing SOM, bad fragment size
 * @retval -EADDRNOTAVAIL not addressed to this endpoint
 * @retval -EMSGSIZE message larger than CONFIG_MCTP_MAX_MSG
 * @retval -ENOMEM no free reassembly context
 * @retval -EAGAIN reassembly timed out before this packet
 * @retval -ENOENT no handler / no matching request (message dropped)
 */
int mctp_rx_packet(struct mctp_endpoint *ep, uint8_t link, const uint8_t *pkt, size_t len,
		   uint32_t now_ms);

/* Expires reassemblies and requests whose time has come. */
void mctp_poll(struct mctp_endpoint *ep, uint32_t now_ms);

/*
 * Sends `msg` (IC|type byte first) to `dest` with tag/TO `tag_flags`
 * (tag | MCTP_HDR_FLAG_TO), fragmented to the link MTU. The caller keeps msg.
 * mctp_send() routes by EID; mctp_send_link() uses `link` directly.
 * @retval 0 sent  @retval -EHOSTUNREACH no route  @retval -EMSGSIZE empty or > CONFIG_MCTP_MAX_MSG
 * @retval -EIO link tx callback failed (its error is counted)
 */
int mctp_send(struct mctp_endpoint *ep, uint8_t dest, uint8_t tag_flags, const uint8_t *msg,
	      size_t len);
int mctp_send_link(struct mctp_endpoint *ep, uint8_t link, uint8_t dest, uint8_t tag_flags,
		   const uint8_t *msg, size_t len);
/* Answers `req` on the link it came in on (same tag, TO clear). */
int mctp_reply(struct mctp_endpoint *ep, const struct mctp_msg *req, const uint8_t *msg,
	       size_t len);

/*
 * Allocates an owned tag to `peer`. timeout_ms 0: held until released, no
 * callback timeout. Otherwise `cb` gets the response or -EAGAIN.
 * @retval tag 0..7  @retval -EBUSY all 8 tags to peer in use  @retval -ENOMEM no slot
 */
int mctp_tag_alloc(struct mctp_endpoint *ep, uint8_t peer, uint32_t now_ms, uint32_t timeout_ms,
		   mctp_resp_fn cb, void *arg);
void mctp_tag_release(struct mctp_endpoint *ep, uint8_t peer, uint8_t tag);
/* Allocates a tag, sends `msg` with TO=1 and waits for the response via cb. Returns the tag. */
int mctp_request(struct mctp_endpoint *ep, uint8_t dest, const uint8_t *msg, size_t len,
		 uint32_t now_ms, uint32_t timeout_ms, mctp_resp_fn cb, void *arg);

#endif /* KESTREL_MCTP_CORE_H */
