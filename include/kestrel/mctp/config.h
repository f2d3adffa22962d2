/*
 * MCTP subsystem configuration: every knob with its documented default.
 * A board overrides any of them in its kestrel_config.h.
 */
#ifndef KESTREL_MCTP_CONFIG_H
#define KESTREL_MCTP_CONFIG_H

#include <kestrel_config.h>

/* Largest reassembled message (type byte included). The default holds an
 * NVMe-MI admin request (68 B header + 4096 B data + 4 B MIC) with room. */
#ifndef CONFIG_MCTP_MAX_MSG
#define CONFIG_MCTP_MAX_MSG 4224
#endif

/* Concurrent reassemblies, each CONFIG_MCTP_MAX_MSG bytes of RAM. */
#ifndef CONFIG_MCTP_REASM_CONTEXTS
#define CONFIG_MCTP_REASM_CONTEXTS 2
#endif

/* A reassembly not completed within this time is discarded (DSP0236 §8.8). */
#ifndef CONFIG_MCTP_REASM_TIMEOUT_MS
#define CONFIG_MCTP_REASM_TIMEOUT_MS 6000
#endif

/* Links (bindings) an endpoint can have. */
#ifndef CONFIG_MCTP_MAX_LINKS
#define CONFIG_MCTP_MAX_LINKS 2
#endif

/* Routing table entries (EID range -> link). */
#ifndef CONFIG_MCTP_MAX_ROUTES
#define CONFIG_MCTP_MAX_ROUTES 4
#endif

/* Registered message-type handlers. */
#ifndef CONFIG_MCTP_MAX_HANDLERS
#define CONFIG_MCTP_MAX_HANDLERS 6
#endif

/* Outstanding owned tags (requests awaiting a response, or held tags). */
#ifndef CONFIG_MCTP_MAX_REQS
#define CONFIG_MCTP_MAX_REQS 4
#endif

/* Vendor-defined message support entries answered by Get VDM Support. */
#ifndef CONFIG_MCTP_MAX_VDM
#define CONFIG_MCTP_MAX_VDM 2
#endif

/* Largest packet payload any link may use (USB: 247, serial: up to 251). */
#ifndef CONFIG_MCTP_MAX_MTU
#define CONFIG_MCTP_MAX_MTU 251
#endif

_Static_assert(CONFIG_MCTP_MAX_MSG >= 64, "CONFIG_MCTP_MAX_MSG below the baseline MTU");
_Static_assert(CONFIG_MCTP_MAX_MSG <= 65536, "CONFIG_MCTP_MAX_MSG too large");
_Static_assert(CONFIG_MCTP_REASM_CONTEXTS >= 1, "need at least one reassembly context");
_Static_assert(CONFIG_MCTP_MAX_LINKS >= 1 && CONFIG_MCTP_MAX_LINKS <= 255, "bad link count");
_Static_assert(CONFIG_MCTP_MAX_MTU >= 64 && CONFIG_MCTP_MAX_MTU <= 251,
	       "MTU must be 64..251 (serial byte_count and USB length are one byte)");
_Static_assert(CONFIG_MCTP_MAX_HANDLERS >= 1, "need a handler slot for control");
_Static_assert(CONFIG_MCTP_MAX_REQS >= 1, "need at least one request slot");

#endif /* KESTREL_MCTP_CONFIG_H */
