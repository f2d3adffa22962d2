/*
 * iperf3 server core: the JSON parameter reader (good and malformed, table
 * driven), the results writer, and the control state machine driven with
 * canned client messages as iperf3 3.12 sends them (forward, -R, -P 2,
 * wrong cookie, UDP refused, CLIENT_TERMINATE, oversized JSON).
 */
#include "ktest.h"

#include <kestrel/apps/iperf.h>

KT_MAIN_STATE;

static const char cookie[IPERF_COOKIE_SIZE] = "abcdefghijklmnopqrstuvwxyz0123456789";

static void test_json_params(void)
{
	struct iperf_params p;
	const char *s = "{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,"
			"\"parallel\":2,\"len\":131072,\"reverse\":true,\"pacing_timer\":1000,"
			"\"client_version\":\"3.12\",\"extra\":{\"a\":[1,2.5e3,null,\"\\u00e9\"]}}";

	KT_EQ(iperf_json_params(s, strlen(s), &p), 0);
	KT_EQ(p.tcp, 1);
	KT_EQ(p.reverse, 1);
	KT_EQ(p.parallel, 2);
	KT_EQ(p.len, 131072);
	KT_EQ(p.time, 10);
	KT_EQ(p.udp, 0);
	KT_EQ(iperf_json_params(" { } ", 5, &p), 0);
	KT_EQ(p.parallel, 1);
}

static void test_json_bad(void)
{
	static char deep[64];
	static const struct {
		const char *row, *in;
	} rows[] = {
		{"empty", ""},
		{"array", "[1]"},
		{"unterminated", "{\"tcp\":true"},
		{"trailing comma", "{\"tcp\":true,}"},
		{"missing colon", "{\"tcp\" true}"},
		{"bad literal", "{\"tcp\":tru}"},
		{"bad escape", "{\"a\":\"\\x\"}"},
		{"short unicode", "{\"a\":\"\\u12\"}"},
		{"control in string", "{\"a\":\"\x01\"}"},
		{"leading zero", "{\"time\":010}"},
		{"bare minus", "{\"a\":-}"},
		{"bad fraction", "{\"a\":1.}"},
		{"bad exponent", "{\"a\":1e}"},
		{"huge number for int", "{\"time\":12345678901234567890}"},
		{"string for int", "{\"time\":\"10\"}"},
		{"negative parallel", "{\"parallel\":-1}"},
		{"fraction for int", "{\"len\":1.5}"},
		{"object for bool", "{\"reverse\":{}}"},
		{"garbage after", "{} x"},
		{"too deep", deep},
	};
	struct iperf_params p;

	strcpy(deep, "{\"a\":");
	for (int i = 0; i < 12; i++) {
		strcat(deep, "[");
	}
	for (int i = 0; i < 12; i++) {
		strcat(deep, "]");
	}
	strcat(deep, "}");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		KT_EQ(iperf_json_params(rows[i].in, strlen(rows[i].in), &p), -EPROTO);
	}
	KT_ROW("valid checks");
	KT_EQ(iperf_json_valid("{\"a\":[1,{}]}", 12), 1);
	KT_EQ(iperf_json_valid("{\"a\":[1,{}]", 11), 0);
	KT_EQ(iperf_json_valid(deep, strlen(deep)), 0);
}

/* iperf3 3.12 -R client results: -1 written as an unsigned 64-bit number. */
static void test_json_iperf312_results(void)
{
	static const char res[] =
		"{\"cpu_util_total\":19.56154268029929,\"cpu_util_user\":1.3732028832216869,"
		"\"cpu_util_system\":18.188290829317978,"
		"\"sender_has_retransmits\":18446744073709551615,\"congestion_used\":\"bbr\","
		"\"streams\":[{\"id\":1,\"bytes\":83389384,\"retransmits\":18446744073709551615,"
		"\"jitter\":0,\"errors\":0,\"packets\":0,\"start_time\":0,\"end_time\":2.000031}]}";
	struct iperf_params p;

	KT_EQ(iperf_json_valid(res, strlen(res)), 1);
	KT_EQ(iperf_json_params("{\"tcp\":true,\"x\":99999999999999999999999}", 40, &p), 0);
	KT_EQ(p.tcp, 1);
}

/* Feeds bytes; returns the state bytes/JSON produced. */
static struct iperf_ctrl c;
static uint8_t out[1024];
static size_t out_len;

static int feed(const void *p, size_t n, uint32_t now)
{
	int rc = iperf_ctrl_input(&c, p, n, now);

	memcpy(out, c.out, c.out_len);
	out_len = c.out_len;
	c.out_len = 0;
	return rc;
}

static int feed_json(const char *json, uint32_t now)
{
	uint8_t b[4];
	size_t n = strlen(json);
	int rc;

	b[0] = (uint8_t)(n >> 24);
	b[1] = (uint8_t)(n >> 16);
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	rc = feed(b, 4, now);
	if (rc < 0) {
		return rc;
	}
	return feed(json, n, now);
}

static const char client_results[] =
	"{\"cpu_util_total\":1.5,\"cpu_util_user\":0.5,\"cpu_util_system\":1,"
	"\"sender_has_retransmits\":1,\"congestion_used\":\"cubic\",\"streams\":[{\"id\":1,"
	"\"bytes\":1000,\"retransmits\":0,\"jitter\":0,\"errors\":0,\"omitted_errors\":0,"
	"\"packets\":0,\"omitted_packets\":0,\"start_time\":0,\"end_time\":10.0001}]}";

static void run_test(bool reverse, int parallel)
{
	char params[200];
	int idx;

	iperf_ctrl_init(&c);
	KT_EQ(feed(cookie, 10, 0), 10); /* split cookie */
	KT_EQ(out_len, 0);
	KT_EQ(feed(cookie + 10, sizeof(cookie) - 10, 0), 27);
	KT_EQ(out_len, 1);
	KT_EQ(out[0], IPERF_PARAM_EXCHANGE);
	snprintf(params, sizeof(params),
		 "{\"tcp\":true,\"omit\":0,\"time\":10,\"parallel\":%d,\"len\":131072%s,"
		 "\"client_version\":\"3.12\"}",
		 parallel, reverse ? ",\"reverse\":true" : "");
	KT_ASSERT(feed_json(params, 0) > 0);
	KT_EQ(out_len, 1);
	KT_EQ(out[0], IPERF_CREATE_STREAMS);
	KT_EQ(c.phase, IPERF_PH_STREAMS);
	KT_EQ(iperf_ctrl_stream(&c, (const uint8_t *)"wrong cookie wrong cookie wrong cook", 0),
	      -EACCES);
	for (int i = 0; i < parallel; i++) {
		idx = iperf_ctrl_stream(&c, (const uint8_t *)cookie, 100);
		KT_EQ(idx, i);
	}
	KT_EQ(c.out_len, 2);
	KT_EQ(c.out[0], IPERF_TEST_START);
	KT_EQ(c.out[1], IPERF_TEST_RUNNING);
	c.out_len = 0;
	KT_EQ(c.phase, IPERF_PH_RUNNING);
	for (int i = 0; i < parallel; i++) {
		c.bytes[i] = 1000000u * (unsigned)(i + 1);
	}
	uint8_t end = IPERF_TEST_END;
	KT_EQ(feed(&end, 1, 10100), 1);
	KT_EQ(out_len, 1);
	KT_EQ(out[0], IPERF_EXCHANGE_RESULTS);
	KT_ASSERT(feed_json(client_results, 10100) > 0);
	/* u32 length + JSON + DISPLAY_RESULTS */
	KT_ASSERT(out_len > 5);
	uint32_t jl = ((uint32_t)out[0] << 24) | ((uint32_t)out[1] << 16) |
		      ((uint32_t)out[2] << 8) | out[3];
	KT_EQ(jl + 5, out_len);
	KT_EQ(out[out_len - 1], IPERF_DISPLAY_RESULTS);
	KT_ASSERT(iperf_json_valid((const char *)out + 4, jl));
	out[4 + jl] = '\0';
	KT_ASSERT(strstr((char *)out + 4, "\"sender_has_retransmits\":") != NULL);
	KT_ASSERT(strstr((char *)out + 4, "\"cpu_util_total\":0") != NULL);
	KT_ASSERT(strstr((char *)out + 4, "\"id\":1,\"bytes\":1000000,") != NULL);
	KT_ASSERT(strstr((char *)out + 4, "\"end_time\":10.000}") != NULL);
	KT_ASSERT(strstr((char *)out + 4, reverse ? "\"retransmits\":0" : "\"retransmits\":-1") !=
		  NULL);
	if (parallel > 1) {
		KT_ASSERT(strstr((char *)out + 4, "\"id\":3,\"bytes\":2000000,") != NULL);
	}
	uint8_t done = IPERF_IPERF_DONE;
	KT_EQ(feed(&done, 1, 10200), 1);
	KT_EQ(c.phase, IPERF_PH_DONE);
}

static void test_ctrl_forward(void)
{
	run_test(false, 1);
}

static void test_ctrl_reverse_parallel(void)
{
	run_test(true, 2);
}

static void test_ctrl_refusals(void)
{
	static const struct {
		const char *row, *params;
		int want;
	} rows[] = {
		{"udp", "{\"udp\":true,\"parallel\":1}", -ENOTSUP},
		{"bidir", "{\"tcp\":true,\"bidirectional\":true}", -ENOTSUP},
		{"too many streams", "{\"tcp\":true,\"parallel\":99}", -ENOTSUP},
		{"zero streams", "{\"tcp\":true,\"parallel\":0}", -ENOTSUP},
		{"malformed", "{\"tcp\":", -EPROTO},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		iperf_ctrl_init(&c);
		KT_EQ(feed(cookie, sizeof(cookie), 0), (int)sizeof(cookie));
		KT_EQ(feed_json(rows[i].params, 0), rows[i].want);
		KT_EQ(c.phase, IPERF_PH_FAILED);
		if (rows[i].want == -ENOTSUP) {
			KT_EQ(out_len, 9);
			KT_EQ((int8_t)out[0], IPERF_SERVER_ERROR);
		}
	}
}

static void test_ctrl_protocol_errors(void)
{
	uint8_t b[4] = {0, 0x10, 0, 0}; /* 1 MiB JSON */
	uint8_t term = IPERF_CLIENT_TERMINATE, end = IPERF_TEST_END;

	KT_ROW("oversized json");
	iperf_ctrl_init(&c);
	feed(cookie, sizeof(cookie), 0);
	KT_EQ(feed(b, 4, 0), -EMSGSIZE);
	KT_ROW("zero-length json");
	iperf_ctrl_init(&c);
	feed(cookie, sizeof(cookie), 0);
	memset(b, 0, 4);
	KT_EQ(feed(b, 4, 0), -EMSGSIZE);
	KT_ROW("terminate while streams pending");
	iperf_ctrl_init(&c);
	feed(cookie, sizeof(cookie), 0);
	feed_json("{\"tcp\":true}", 0);
	KT_EQ(feed(&term, 1, 0), -ECONNABORTED);
	KT_EQ(c.phase, IPERF_PH_FAILED);
	KT_ROW("TEST_END before running");
	iperf_ctrl_init(&c);
	feed(cookie, sizeof(cookie), 0);
	feed_json("{\"tcp\":true}", 0);
	KT_EQ(feed(&end, 1, 0), -EPROTO);
	KT_ROW("stream after start");
	KT_EQ(iperf_ctrl_stream(&c, (const uint8_t *)cookie, 0), -EACCES);
	KT_ROW("bad client results");
	iperf_ctrl_init(&c);
	feed(cookie, sizeof(cookie), 0);
	feed_json("{\"tcp\":true}", 0);
	iperf_ctrl_stream(&c, (const uint8_t *)cookie, 0);
	feed(&end, 1, 5);
	KT_EQ(feed_json("{\"streams\":[", 5), -EPROTO);
}

static const struct kt_case cases[] = {
	KT_CASE(test_json_params),	     KT_CASE(test_json_bad),
	KT_CASE(test_json_iperf312_results), KT_CASE(test_ctrl_forward),
	KT_CASE(test_ctrl_reverse_parallel), KT_CASE(test_ctrl_refusals),
	KT_CASE(test_ctrl_protocol_errors),
};

int main(void)
{
	return KT_RUN("iperf", cases, NULL);
}
