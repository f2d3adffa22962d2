/*
 * iperf: an iperf3-compatible TCP server (forward and -R reverse), enough
 * of the iperf3 control protocol for `iperf3 -c DEVICE [-R] [-P n]` from
 * Debian's iperf3 3.12 to run a test and print its result.
 *
 * The control protocol (TCP, port 5201; docs/iperf.md): the client sends a
 * 37-byte cookie; the server drives the test with one-byte states
 * (PARAM_EXCHANGE 9, CREATE_STREAMS 10, TEST_START 1, TEST_RUNNING 2,
 * EXCHANGE_RESULTS 13, DISPLAY_RESULTS 14, SERVER_ERROR -2, ACCESS_DENIED
 * -1); the client answers with JSON messages prefixed by a 4-byte
 * big-endian length (parameters, then its results) and the states
 * TEST_END 4, IPERF_DONE 16 or CLIENT_TERMINATE 12. Data streams are
 * further connections to the same port, each opening with the cookie.
 *
 * Pure parts (apps/iperf/iperf_json.c, iperf_ctrl.c; no kernel, fuzzed):
 * a bounded JSON reader for the parameters, the results writer, and the
 * control state machine, which consumes control bytes and produces the
 * bytes to send. Glue (iperf.c): the server task.
 */
#ifndef KESTREL_APPS_IPERF_H
#define KESTREL_APPS_IPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

#define IPERF_DEFAULT_PORT 5201
#define IPERF_COOKIE_SIZE  37 /* 36 characters and a NUL */

/* iperf3 state bytes (signed on the wire). */
#define IPERF_TEST_START       1
#define IPERF_TEST_RUNNING     2
#define IPERF_TEST_END	       4
#define IPERF_PARAM_EXCHANGE   9
#define IPERF_CREATE_STREAMS   10
#define IPERF_SERVER_TERMINATE 11
#define IPERF_CLIENT_TERMINATE 12
#define IPERF_EXCHANGE_RESULTS 13
#define IPERF_DISPLAY_RESULTS  14
#define IPERF_IPERF_DONE       16
#define IPERF_ACCESS_DENIED    (-1)
#define IPERF_SERVER_ERROR     (-2)

/* Data streams per test (-P). */
#ifndef CONFIG_IPERF_STREAMS
#define CONFIG_IPERF_STREAMS 4
#endif
/* Longest JSON message accepted from the client. */
#ifndef CONFIG_IPERF_JSON_MAX
#define CONFIG_IPERF_JSON_MAX 2048
#endif
/* Send/receive buffer of the server task (bytes, static). */
#ifndef CONFIG_IPERF_BUF
#define CONFIG_IPERF_BUF 4096
#endif
#ifndef CONFIG_IPERF_PRIO
#define CONFIG_IPERF_PRIO 22
#endif
#ifndef CONFIG_IPERF_STACK
#define CONFIG_IPERF_STACK 3072
#endif

_Static_assert(CONFIG_IPERF_STREAMS >= 1 && CONFIG_IPERF_STREAMS <= 16, "iperf streams");
_Static_assert(CONFIG_IPERF_JSON_MAX >= 256 && CONFIG_IPERF_JSON_MAX <= 65536, "iperf JSON");

/* Test parameters the server understands (iperf3 send_parameters()). */
struct iperf_params {
	bool tcp, udp, sctp;
	bool reverse, bidirectional;
	int32_t parallel; /* "parallel", default 1 */
	int32_t time;	  /* seconds */
	int32_t omit;
	int32_t len; /* block size */
	uint64_t bytes, blockcount;
};

/*
 * Reads the parameter object (JSON text of len bytes, RFC 8259). Unknown
 * keys are skipped; nesting is limited to 8 levels and numbers to 18
 * digits.
 * @retval -EPROTO not a JSON object, malformed, or a known key of the
 *         wrong type
 */
int iperf_json_params(const char *s, size_t len, struct iperf_params *p);

/* True if s[len] is one well-formed JSON value (bounded as above). */
bool iperf_json_valid(const char *s, size_t len);

/* Control output: state bytes and the results JSON (about 200 bytes per stream). */
#define IPERF_OUT_MAX (192 + 224 * CONFIG_IPERF_STREAMS)

enum iperf_phase {
	IPERF_PH_COOKIE = 0,
	IPERF_PH_PARAMS_LEN,
	IPERF_PH_PARAMS,
	IPERF_PH_STREAMS, /* waiting for the data connections */
	IPERF_PH_RUNNING,
	IPERF_PH_RESULTS_LEN,
	IPERF_PH_RESULTS,
	IPERF_PH_WAIT_DONE,
	IPERF_PH_DONE,	 /* finished normally */
	IPERF_PH_FAILED, /* aborted or refused; close everything */
};

struct iperf_ctrl {
	uint8_t phase; /* enum iperf_phase */
	uint8_t nstreams;
	int error; /* why FAILED */
	char cookie[IPERF_COOKIE_SIZE];
	struct iperf_params params;
	uint32_t need, have; /* bytes of the message being collected */
	uint32_t start_ms, end_ms;
	uint64_t bytes[CONFIG_IPERF_STREAMS]; /* per stream: received (forward) or sent (-R) */
	uint16_t out_len;
	uint8_t out[IPERF_OUT_MAX];
	uint8_t in[CONFIG_IPERF_JSON_MAX];
};

void iperf_ctrl_init(struct iperf_ctrl *c);

/*
 * Feeds control-connection bytes at time now_ms. Output to send (state
 * bytes, JSON) is appended to c->out / c->out_len; the caller sends and
 * clears it. Returns the bytes consumed (all of len unless the test ended).
 * @retval -EPROTO unexpected state byte or malformed JSON (phase FAILED)
 * @retval -EMSGSIZE a JSON message over CONFIG_IPERF_JSON_MAX (FAILED)
 * @retval -ENOTSUP parameters the server cannot run (UDP, SCTP, --bidir,
 *         too many streams): SERVER_ERROR was queued (FAILED)
 */
int iperf_ctrl_input(struct iperf_ctrl *c, const uint8_t *in, size_t len, uint32_t now_ms);

/*
 * A data connection presented cookie (37 bytes). Returns its stream index
 * (0-based) and, once all streams are in, queues TEST_START and
 * TEST_RUNNING. @retval -EACCES wrong cookie or not expecting streams
 */
int iperf_ctrl_stream(struct iperf_ctrl *c, const uint8_t *cookie, uint32_t now_ms);

/*
 * Writes the server's results JSON (iperf3 send_results()) for a test
 * that ran from start_ms to end_ms. Returns its length.
 * @retval -EMSGSIZE cap too small
 */
int iperf_results_json(const struct iperf_ctrl *c, char *buf, size_t cap);

/* iperf3 stream ids: 1, 3, 4, 5, ... (iperf_add_stream()). */
static inline int iperf_stream_id(unsigned idx)
{
	return idx == 0 ? 1 : (int)idx + 2;
}

/* ---- the server (library kestrel_app_iperf) ---- */

struct iperf_stats {
	uint32_t tests, failed;
	uint64_t last_bytes;
	uint32_t last_ms;
	bool last_reverse;
	bool running;
};

/*
 * Starts the server task listening on port (0 = 5201). One test at a time;
 * a client arriving during a test gets ACCESS_DENIED.
 * @retval -EALREADY already started   @retval socket errors
 */
int iperf_start(uint16_t port);

void iperf_get_stats(struct iperf_stats *st);

#endif /* KESTREL_APPS_IPERF_H */
