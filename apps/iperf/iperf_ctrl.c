/*
 * iperf3 control protocol, server side, as a pure state machine.
 *
 *   client                                server (this)
 *   connect :5201, cookie (37 bytes)  ->
 *                                     <-  PARAM_EXCHANGE (9)
 *   u32 len + JSON parameters         ->
 *                                     <-  CREATE_STREAMS (10)   (or SERVER_ERROR -2, i_errno, errno)
 *   P data connections, each: cookie  ->
 *                                     <-  TEST_START (1), TEST_RUNNING (2)
 *   ... data (client->server, or server->client with -R) ...
 *   TEST_END (4)                      ->
 *                                     <-  EXCHANGE_RESULTS (13)
 *   u32 len + JSON client results     ->
 *                                     <-  u32 len + JSON server results, DISPLAY_RESULTS (14)
 *   IPERF_DONE (16)                   ->
 *
 * CLIENT_TERMINATE (12) at any point aborts the test. State bytes are one
 * signed byte; lengths are 32-bit big-endian. (Message order as in
 * iperf3's iperf_server_api.c / iperf_api.c, written from the protocol.)
 */
#include <kestrel/apps/iperf.h>
#include <kestrel/lib/cursor.h>

#include <string.h>

/* iperf3 i_errno values sent with SERVER_ERROR. */
#define IPERF_IE_UNSUPPORTED 3 /* "IEPROTOCOL"-like: cannot run these parameters */

void iperf_ctrl_init(struct iperf_ctrl *c)
{
	memset(c, 0, sizeof(*c));
	c->phase = IPERF_PH_COOKIE;
	c->need = IPERF_COOKIE_SIZE;
}

static void out_bytes(struct iperf_ctrl *c, const void *p, size_t n)
{
	if (n <= sizeof(c->out) - c->out_len) {
		memcpy(c->out + c->out_len, p, n);
		c->out_len = (uint16_t)(c->out_len + n);
	}
}

static void out_state(struct iperf_ctrl *c, int state)
{
	uint8_t b = (uint8_t)(int8_t)state;

	out_bytes(c, &b, 1);
}

static int fail(struct iperf_ctrl *c, int err)
{
	c->phase = IPERF_PH_FAILED;
	c->error = err;
	return err;
}

static int refuse(struct iperf_ctrl *c)
{
	uint8_t e[8];

	out_state(c, IPERF_SERVER_ERROR);
	put_be32(e, IPERF_IE_UNSUPPORTED);
	put_be32(e + 4, 95); /* EOPNOTSUPP */
	out_bytes(c, e, sizeof(e));
	return fail(c, -ENOTSUP);
}

static int on_params(struct iperf_ctrl *c)
{
	struct iperf_params *p = &c->params;

	if (iperf_json_params((const char *)c->in, c->have, p) < 0) {
		return fail(c, -EPROTO);
	}
	if (p->udp || p->sctp || p->bidirectional || p->parallel < 1 ||
	    p->parallel > CONFIG_IPERF_STREAMS) {
		return refuse(c);
	}
	c->phase = IPERF_PH_STREAMS;
	out_state(c, IPERF_CREATE_STREAMS);
	return 0;
}

static int on_client_results(struct iperf_ctrl *c)
{
	size_t room = sizeof(c->out) - c->out_len;
	int n;

	if (!iperf_json_valid((const char *)c->in, c->have)) {
		return fail(c, -EPROTO);
	}
	/* u32 length, then the JSON written in place, then DISPLAY_RESULTS */
	if (room < 6) {
		return fail(c, -EMSGSIZE);
	}
	n = iperf_results_json(c, (char *)c->out + c->out_len + 4, room - 5);
	if (n < 0) {
		return fail(c, -EMSGSIZE);
	}
	put_be32(c->out + c->out_len, (uint32_t)n);
	c->out_len = (uint16_t)(c->out_len + 4 + n);
	out_state(c, IPERF_DISPLAY_RESULTS);
	c->phase = IPERF_PH_WAIT_DONE;
	return 0;
}

/* A state byte from the client. */
static int on_state(struct iperf_ctrl *c, int8_t s, uint32_t now_ms)
{
	if (s == IPERF_CLIENT_TERMINATE) {
		return fail(c, -ECONNABORTED);
	}
	if (c->phase == IPERF_PH_RUNNING && s == IPERF_TEST_END) {
		c->end_ms = now_ms;
		c->phase = IPERF_PH_RESULTS_LEN;
		c->need = 4;
		c->have = 0;
		out_state(c, IPERF_EXCHANGE_RESULTS);
		return 0;
	}
	if (c->phase == IPERF_PH_WAIT_DONE && s == IPERF_IPERF_DONE) {
		c->phase = IPERF_PH_DONE;
		return 0;
	}
	return fail(c, -EPROTO);
}

/* A whole message (cookie, length or JSON) has been collected in c->in. */
static int on_message(struct iperf_ctrl *c)
{
	uint32_t n;

	switch (c->phase) {
	case IPERF_PH_COOKIE:
		memcpy(c->cookie, c->in, IPERF_COOKIE_SIZE);
		c->cookie[IPERF_COOKIE_SIZE - 1] = '\0';
		c->phase = IPERF_PH_PARAMS_LEN;
		c->need = 4;
		out_state(c, IPERF_PARAM_EXCHANGE);
		return 0;
	case IPERF_PH_PARAMS_LEN:
	case IPERF_PH_RESULTS_LEN:
		n = get_be32(c->in);
		if (n == 0 || n > sizeof(c->in)) {
			return fail(c, -EMSGSIZE);
		}
		c->phase = c->phase == IPERF_PH_PARAMS_LEN ? IPERF_PH_PARAMS : IPERF_PH_RESULTS;
		c->need = n;
		return 0;
	case IPERF_PH_PARAMS:
		return on_params(c);
	case IPERF_PH_RESULTS:
		return on_client_results(c);
	default:
		return fail(c, -EPROTO);
	}
}

static bool collecting(const struct iperf_ctrl *c)
{
	return c->phase == IPERF_PH_COOKIE || c->phase == IPERF_PH_PARAMS_LEN ||
	       c->phase == IPERF_PH_PARAMS || c->phase == IPERF_PH_RESULTS_LEN ||
	       c->phase == IPERF_PH_RESULTS;
}

int iperf_ctrl_input(struct iperf_ctrl *c, const uint8_t *in, size_t len, uint32_t now_ms)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		if (c->phase == IPERF_PH_DONE || c->phase == IPERF_PH_FAILED) {
			break;
		}
		if (!collecting(c)) {
			rc = on_state(c, (int8_t)in[i++], now_ms);
			if (rc < 0) {
				return rc;
			}
			continue;
		}
		size_t n = c->need - c->have;
		if (n > len - i) {
			n = len - i;
		}
		memcpy(c->in + c->have, in + i, n);
		c->have += (uint32_t)n;
		i += n;
		if (c->have == c->need) {
			rc = on_message(c); /* reads c->in[0 .. have) */
			c->have = 0;
			if (rc < 0) {
				return rc;
			}
		}
	}
	return (int)i;
}

int iperf_ctrl_stream(struct iperf_ctrl *c, const uint8_t *cookie, uint32_t now_ms)
{
	int idx;

	if (c->phase != IPERF_PH_STREAMS || memcmp(cookie, c->cookie, IPERF_COOKIE_SIZE - 1) != 0) {
		return -EACCES;
	}
	idx = c->nstreams++;
	c->bytes[idx] = 0;
	if (c->nstreams == c->params.parallel) {
		c->start_ms = now_ms;
		c->phase = IPERF_PH_RUNNING;
		out_state(c, IPERF_TEST_START);
		out_state(c, IPERF_TEST_RUNNING);
	}
	return idx;
}
