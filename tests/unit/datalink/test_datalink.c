/*
 * datalink pure parts: the record codec (good and corrupt records, table
 * driven), the stream framer over every split, the session's resume rules
 * (duplicates dropped, nothing lost) across simulated connection cuts, and
 * the back-off schedule.
 */
#include "ktest.h"

#include <kestrel/apps/datalink.h>
#include <kestrel/lib/crc.h>
#include <kestrel/lib/cursor.h>

KT_MAIN_STATE;

static int enc(uint8_t type, uint32_t seq, uint32_t ack, const char *pl, uint8_t *buf)
{
	struct dl_record r = {
		type, 0, seq, ack, (uint16_t)(pl ? strlen(pl) : 0), (const uint8_t *)pl};

	return dl_encode(&r, buf, DL_REC_MAX);
}

static void test_codec_roundtrip(void)
{
	uint8_t buf[DL_REC_MAX];
	struct dl_record r;
	int n = enc(DL_DATA, 7, 3, "hello", buf);

	KT_EQ(n, 16 + 5 + 4);
	/* the documented layout */
	static const uint8_t hdr[16] = {0x4b, 0x44, 1, 2, 0, 0, 0, 7, 0, 0, 0, 3, 0, 5, 0, 0};
	KT_MEMEQ(buf, hdr, 16);
	KT_EQ(get_be32(buf + 21), crc32_ieee(0, buf, 21));
	KT_EQ(dl_decode(buf, (size_t)n, &r), n);
	KT_EQ(r.type, DL_DATA);
	KT_EQ(r.seq, 7);
	KT_EQ(r.ack, 3);
	KT_EQ(r.len, 5);
	KT_MEMEQ(r.payload, "hello", 5);
	KT_EQ(dl_decode(buf, (size_t)n - 1, &r), -EAGAIN);
	KT_EQ(enc(DL_ACK, 0, 9, NULL, buf), 20);
	KT_EQ(dl_decode(buf, 20, &r), 20);
	KT_EQ(r.ack, 9);
}

static void test_codec_encode_bad(void)
{
	static uint8_t big[CONFIG_DATALINK_PAYLOAD_MAX + 1];
	uint8_t buf[DL_REC_MAX];
	struct dl_record r = {DL_DATA, 0, 1, 0, sizeof(big), big};

	KT_EQ(dl_encode(&r, buf, sizeof(buf)), -EMSGSIZE);
	KT_EQ(enc(DL_DATA, 0, 0, "x", buf), -EINVAL);	/* DATA needs seq */
	KT_EQ(enc(DL_ACK, 1, 0, NULL, buf), -EINVAL);	/* ACK has no seq */
	KT_EQ(enc(DL_ACK, 0, 0, "x", buf), -EINVAL);	/* nor payload */
	KT_EQ(enc(DL_HELLO, 0, 0, "ab", buf), -EINVAL); /* needs the session id */
	KT_EQ(enc(9, 0, 0, NULL, buf), -EINVAL);
	r.len = 4;
	KT_EQ(dl_encode(&r, buf, 23), -EMSGSIZE);
}

static void test_codec_decode_bad(void)
{
	static const struct {
		const char *row;
		size_t off; /* byte to change */
		uint8_t val;
		bool fix_crc;
		int want;
	} rows[] = {
		{"magic", 0, 0x00, true, -EPROTO},
		{"version", 2, 2, true, -EPROTO},
		{"type 0", 3, 0, true, -EPROTO},
		{"type 4", 3, 4, true, -EPROTO},
		{"flags", 15, 1, true, -EPROTO},
		{"seq 0 for DATA", 7, 0, true, -EPROTO},
		{"len over max", 12, 0xff, true, -EMSGSIZE},
		{"len beyond buffer", 13, 9, true, -EAGAIN},
		{"payload bit flip", 16, 'H', false, -EBADMSG},
		{"crc bit flip", 22, 0, false, -EBADMSG},
		{"ack bit flip", 11, 4, false, -EBADMSG},
	};
	uint8_t buf[DL_REC_MAX];
	struct dl_record r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int n = enc(DL_DATA, 1, 3, "hello", buf);

		KT_ROW(rows[i].row);
		buf[rows[i].off] = rows[i].val;
		if (rows[i].fix_crc) {
			put_be32(buf + 21, crc32_ieee(0, buf, 21));
		}
		KT_EQ(dl_decode(buf, (size_t)n, &r), rows[i].want);
	}
}

static void test_framer_splits(void)
{
	uint8_t stream[3 * DL_REC_MAX];
	size_t total = 0;
	struct dl_framer f;
	struct dl_record r;

	struct dl_record hello = {DL_HELLO, 0, 0, 0, 7, (const uint8_t *)"\0\0\0\1dev"};

	total += (size_t)dl_encode(&hello, stream, DL_REC_MAX);
	total += (size_t)enc(DL_DATA, 1, 0, "abc", stream + total);
	total += (size_t)enc(DL_ACK, 0, 5, NULL, stream + total);
	for (size_t step = 1; step <= total; step++) {
		unsigned got = 0;
		uint8_t types[3] = {0};

		dl_framer_init(&f);
		for (size_t i = 0; i < total;) {
			size_t n = total - i < step ? total - i : step, used = 0;

			while (n > 0) {
				int rc = dl_framer_feed(&f, stream + i, n, &used, &r);

				KT_ASSERT(rc >= 0);
				i += used;
				n -= used;
				if (rc == 1) {
					KT_ASSERT(got < 3);
					types[got++] = r.type;
				}
			}
		}
		KT_EQ(got, 3);
		KT_EQ(types[0], DL_HELLO);
		KT_EQ(types[1], DL_DATA);
		KT_EQ(types[2], DL_ACK);
	}
	/* garbage is refused before the length is trusted */
	dl_framer_init(&f);
	size_t used;
	KT_EQ(dl_framer_feed(&f, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, &used, &r),
	      -EPROTO);
}

/* ---- resume across reconnects ---- */

#define N_RECORDS 200

struct end {
	struct dl_session s;
	struct dl_framer f;
	uint32_t got[N_RECORDS + 1];
	uint32_t ngot;
};

static struct end dev, srv;
static uint32_t rng = 1;

static uint32_t rnd(void)
{
	rng = rng * 1664525u + 1013904223u;
	return rng >> 8;
}

static void on_deliver(void *ctx, uint32_t seq, const uint8_t *data, size_t len)
{
	struct end *e = ctx;
	uint32_t v;

	(void)len;
	memcpy(&v, data, sizeof(v));
	if (e->ngot < N_RECORDS) {
		e->got[e->ngot] = v;
	}
	e->ngot++;
	(void)seq;
}

/*
 * Moves bytes from one end to the other over a "connection" that may die:
 * a cut loses whatever is in flight after a random point of the chunk.
 * Returns false if the connection was cut.
 */
static bool pump_one(struct end *from, struct end *to, bool cut)
{
	uint8_t buf[DL_REC_MAX];
	int n = dl_session_next(&from->s, buf, sizeof(buf));
	size_t deliver, off = 0, used;
	struct dl_record r;

	if (n <= 0) {
		return true;
	}
	deliver = cut ? rnd() % (size_t)n : (size_t)n;
	while (off < deliver) {
		int rc = dl_framer_feed(&to->f, buf + off, deliver - off, &used, &r);

		off += used;
		if (rc == 1 && dl_session_input(&to->s, &r) != 0) {
			return false;
		}
		if (rc < 0) {
			return false;
		}
	}
	return !cut;
}

/* Sends 1..4 records (a sender does not wait for the peer between records). */
static bool pump(struct end *from, struct end *to, bool cut)
{
	unsigned n = 1 + rnd() % 4;

	for (unsigned i = 0; i < n; i++) {
		if (!pump_one(from, to, cut && i + 1 == n)) {
			return false;
		}
	}
	return true;
}

static void test_resume_no_loss_no_dup(void)
{
	uint32_t next_dev = 0, next_srv = 0, cuts = 0;

	dl_session_init(&dev.s, 0x1234, "dev", on_deliver, &srv); /* dev delivers srv's records */
	dl_session_init(&srv.s, 0, "srv", on_deliver, &dev);
	dev.ngot = srv.ngot = 0;
	for (int conn = 0; conn < 400 && (dev.ngot < N_RECORDS || srv.ngot < N_RECORDS); conn++) {
		dl_framer_init(&dev.f);
		dl_framer_init(&srv.f);
		dl_session_connected(&dev.s);
		dl_session_connected(&srv.s);
		for (int step = 0; step < 40; step++) {
			uint32_t v;
			bool cut = rnd() % 8 == 0;

			if (next_dev < N_RECORDS && rnd() % 2) {
				v = next_dev;
				if (dl_session_queue(&dev.s, &v, sizeof(v)) > 0) {
					next_dev++;
				}
			}
			if (next_srv < N_RECORDS && rnd() % 2) {
				v = next_srv;
				if (dl_session_queue(&srv.s, &v, sizeof(v)) > 0) {
					next_srv++;
				}
			}
			if (!pump(&dev, &srv, cut) || !pump(&srv, &dev, rnd() % 8 == 0)) {
				cuts++;
				break;
			}
		}
	}
	KT_ASSERT(cuts > 10);
	KT_EQ(dev.ngot, N_RECORDS); /* srv's records, delivered by dev.s into dev */
	KT_EQ(srv.ngot, N_RECORDS);
	for (uint32_t i = 0; i < N_RECORDS; i++) {
		KT_EQ(dev.got[i], i);
		KT_EQ(srv.got[i], i);
	}
	KT_ASSERT(dev.s.cnt.resent > 0);
	KT_ASSERT(srv.s.cnt.duplicates + dev.s.cnt.duplicates > 0);
	KT_EQ(dev.s.cnt.errors, 0);
}

static void test_session_rules(void)
{
	struct dl_session s;
	struct dl_record r = {DL_DATA, 0, 1, 0, 1, (const uint8_t *)"x"};
	static uint8_t big[CONFIG_DATALINK_PAYLOAD_MAX + 1];

	dl_session_init(&s, 1, "d", NULL, NULL);
	KT_EQ(dl_session_input(&s, &r), 0);
	KT_EQ(s.delivered, 1);
	KT_EQ(dl_session_input(&s, &r), 0); /* duplicate */
	KT_EQ(s.cnt.duplicates, 1);
	r.seq = 3;
	KT_EQ(dl_session_input(&s, &r), -EPROTO); /* gap */
	r.seq = 2;
	r.ack = 5;
	KT_EQ(dl_session_input(&s, &r), -EPROTO); /* acks what we never sent */
	KT_EQ(dl_session_queue(&s, big, sizeof(big)), -EMSGSIZE);
	for (int i = 0; i < CONFIG_DATALINK_TXQ; i++) {
		KT_EQ(dl_session_queue(&s, "q", 1), i + 1);
	}
	KT_EQ(dl_session_queue(&s, "q", 1), -ENOSPC);
	r.seq = 2;
	r.ack = 3;
	KT_EQ(dl_session_input(&s, &r), 0);
	KT_EQ(s.count, CONFIG_DATALINK_TXQ - 3);
	KT_EQ(s.peer_acked, 3);
	KT_EQ(dl_session_queue(&s, "q", 1), CONFIG_DATALINK_TXQ + 1);
}

static void test_backoff(void)
{
	uint32_t prev = 0, base, d;
	static const uint32_t want[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		d = dl_backoff_next(prev, 0, &base);
		KT_EQ(base, want[i]);
		KT_EQ(d, want[i]);
		prev = base;
	}
	for (uint32_t r = 0; r < 5000; r += 7) {
		d = dl_backoff_next(16000, r * 2654435761u, &base);
		KT_EQ(base, 30000);
		KT_ASSERT(d >= 22500 && d <= 30000);
		d = dl_backoff_next(0, r * 2654435761u, &base);
		KT_EQ(d, 1000);
	}
	KT_EQ(dl_backoff_next(0xffffffffu, 0, &base), 30000);
}

static const struct kt_case cases[] = {
	KT_CASE(test_codec_roundtrip),
	KT_CASE(test_codec_encode_bad),
	KT_CASE(test_codec_decode_bad),
	KT_CASE(test_framer_splits),
	KT_CASE(test_resume_no_loss_no_dup),
	KT_CASE(test_session_rules),
	KT_CASE(test_backoff),
};

int main(void)
{
	return KT_RUN("datalink", cases, NULL);
}
