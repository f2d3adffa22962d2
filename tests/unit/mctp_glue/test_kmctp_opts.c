/*
 * kestrel-mctp option parsing (tools/mctp/opts.c): global options, the
 * command split, echo/bench options and size suffixes, each with
 * table-driven good and bad rows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmctp.h"
#include "ktest.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* sparse table rows */

struct opt_row {
	const char *name;
	const char *argv[8];
	int rc;
	const char *serial, *usb, *cmd;
	int eid, mtu;
};

static const struct opt_row opt_rows[] = {
	{"serial setup", {"k", "--serial", "/dev/pts/3", "setup"}, 0, "/dev/pts/3", NULL, "setup"},
	{"usb eid mtu",
	 {"k", "--usb", "/s", "--eid", "9", "--mtu", "247", "info"},
	 0,
	 NULL,
	 "/s",
	 "info",
	 9,
	 247},
	{"command options stay", {"k", "--serial", "p", "echo", "-n", "3"}, 0, "p", NULL, "echo"},
	{"no command", {"k", "--serial", "p"}, -EINVAL},
	{"both links", {"k", "--serial", "p", "--usb", "u", "setup"}, -EINVAL},
	{"eid 7 reserved", {"k", "--eid", "7", "setup"}, -EINVAL},
	{"eid 255 broadcast", {"k", "--eid", "255", "setup"}, -EINVAL},
	{"eid not a number", {"k", "--eid", "9x", "setup"}, -EINVAL},
	{"mtu 63", {"k", "--mtu", "63", "setup"}, -EINVAL},
	{"mtu 252", {"k", "--mtu", "252", "setup"}, -EINVAL},
	{"unknown option", {"k", "--frob", "setup"}, -EINVAL},
	{"missing argument", {"k", "setup", "--serial"}, 0, NULL, NULL, "setup"},
	{"help", {"k", "--help"}, 1},
};

static int argc_of(const char *const *v)
{
	int n = 0;

	while (n < 8 && v[n] != NULL) {
		n++;
	}
	return n;
}

static void test_global_opts(void)
{
	FILE *null = fopen("/dev/null", "w");
	FILE *saved = stdout;

	for (size_t i = 0; i < sizeof(opt_rows) / sizeof(opt_rows[0]); i++) {
		const struct opt_row *r = &opt_rows[i];
		char *argv[9] = {0};
		struct kmctp_opts o;
		int rc;

		KT_ROW(r->name);
		memcpy(argv, r->argv, sizeof(r->argv));
		stdout = null; /* --help prints */
		rc = kmctp_parse_opts(argc_of(r->argv), argv, &o, null);
		stdout = saved;
		KT_EQ(rc, r->rc);
		if (rc != 0) {
			continue;
		}
		KT_ASSERT((o.serial == NULL) == (r->serial == NULL));
		KT_ASSERT(o.serial == NULL || strcmp(o.serial, r->serial) == 0);
		KT_ASSERT((o.usb == NULL) == (r->usb == NULL));
		KT_STREQ(o.argv[0], r->cmd);
		KT_EQ(o.eid, r->eid);
		KT_EQ(o.mtu, r->mtu);
		KT_EQ(o.tries, 4);
		KT_EQ(o.assign, KMCTP_DEFAULT_EID);
	}
	fclose(null);
}

struct echo_row {
	const char *name;
	const char *argv[6];
	int rc;
	long count, size;
};

static const struct echo_row echo_rows[] = {
	{"defaults", {"echo"}, 0, 1, 1},
	{"count and size", {"echo", "-n", "10000", "-s", "100"}, 0, 10000, 100},
	{"random", {"echo", "-s", "random"}, 0, 1, -1},
	{"64k suffix", {"echo", "-s", "63k"}, 0, 1, 63 * 1024},
	{"max size", {"echo", "-s", "65532"}, 0, 1, 65532},
	{"too big", {"echo", "-s", "65533"}, -EINVAL},
	{"zero count", {"echo", "-n", "0"}, -EINVAL},
	{"dangling -n", {"echo", "-n"}, -EINVAL},
	{"junk", {"echo", "--fast"}, -EINVAL},
};

static void test_echo_opts(void)
{
	FILE *null = fopen("/dev/null", "w");

	for (size_t i = 0; i < sizeof(echo_rows) / sizeof(echo_rows[0]); i++) {
		const struct echo_row *r = &echo_rows[i];
		struct kmctp_echo_args a;
		char *argv[7] = {0};
		int n = 0, rc;

		KT_ROW(r->name);
		while (n < 6 && r->argv[n]) {
			argv[n] = (char *)r->argv[n];
			n++;
		}
		rc = kmctp_parse_echo(n, argv, &a, null);
		KT_EQ(rc, r->rc);
		if (rc == 0) {
			KT_EQ(a.count, r->count);
			KT_EQ(a.size, r->size);
		}
	}
	fclose(null);
}

static void test_bench_opts(void)
{
	FILE *null = fopen("/dev/null", "w");
	char *a1[] = {"bench", NULL};
	char *a2[] = {"bench", "-n", "500", "-s", "3951", NULL};
	char *a3[] = {"bench", "-s", "8", NULL};
	char *a4[] = {"bench", "-t", "0", NULL};
	char *a5[] = {"bench", "-n", "5", "-t", "2", NULL};
	struct kmctp_bench_args b;

	KT_EQ(kmctp_parse_bench(1, a1, &b, null), 0);
	KT_EQ(b.size, 100);
	KT_EQ(b.seconds, 5);
	KT_EQ(b.count, 0);
	KT_EQ(kmctp_parse_bench(5, a2, &b, null), 0);
	KT_EQ(b.count, 500);
	KT_EQ(b.size, 3951);
	KT_EQ(b.seconds, 0);
	KT_EQ(kmctp_parse_bench(3, a3, &b, null), -EINVAL);
	KT_EQ(kmctp_parse_bench(3, a4, &b, null), -EINVAL);
	KT_EQ(kmctp_parse_bench(5, a5, &b, null), 0);
	KT_EQ(b.seconds, 2);
	fclose(null);
}

static void test_size_suffix(void)
{
	long v;

	KT_EQ(kmctp_parse_size("4k", 0, 65536, &v), 0);
	KT_EQ(v, 4096);
	KT_EQ(kmctp_parse_size("64K", 0, 65536, &v), 0);
	KT_EQ(v, 65536);
	KT_EQ(kmctp_parse_size("65k", 0, 65536, &v), -EINVAL);
	KT_EQ(kmctp_parse_size("k", 0, 65536, &v), -EINVAL);
	KT_EQ(kmctp_parse_size("", 0, 65536, &v), -EINVAL);
	KT_EQ(kmctp_parse_size("-1", 0, 65536, &v), -EINVAL);
	KT_EQ(kmctp_parse_size("8", 9, 65536, &v), -EINVAL);
}

KT_MAIN_STATE;

static const struct kt_case cases[] = {
	KT_CASE(test_global_opts),
	KT_CASE(test_echo_opts),
	KT_CASE(test_bench_opts),
	KT_CASE(test_size_suffix),
};

int main(void)
{
	return KT_RUN("kmctp_opts", cases, NULL);
}
