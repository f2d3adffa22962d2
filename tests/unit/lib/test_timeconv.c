/*
 * Unit tests for kernel/lib/timeconv.c: known dates, a sweep against the
 * host gmtime_r()/timegm(), ISO 8601 formatting and parsing (good and bad
 * input, each by name).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <kestrel/errno.h>
#include <kestrel/lib/timeconv.h>

#include "ktest.h"

KT_MAIN_STATE;

struct civil_row {
	const char *name;
	int64_t secs;
	int32_t year;
	unsigned month, day, hour, min, sec, wday, yday;
};

static const struct civil_row civil_rows[] = {
	{"epoch", 0, 1970, 1, 1, 0, 0, 0, 4, 0},
	{"last second before epoch", -1, 1969, 12, 31, 23, 59, 59, 3, 364},
	{"y2k", 946684800, 2000, 1, 1, 0, 0, 0, 6, 0},
	{"leap day 2000", 951782400, 2000, 2, 29, 0, 0, 0, 2, 59},
	{"leap day 2024 noon", 1709208000, 2024, 2, 29, 12, 0, 0, 4, 59},
	{"end of leap year", 1735689599, 2024, 12, 31, 23, 59, 59, 2, 365},
	{"2038 rollover", 2147483648LL, 2038, 1, 19, 3, 14, 8, 2, 18},
	{"2026-11-21T10:00:00Z", 1795255200, 2026, 11, 21, 10, 0, 0, 6, 324},
	{"1900-03-01 (not leap)", -2203891200LL, 1900, 3, 1, 0, 0, 0, 4, 59},
	{"year 0 first day", -62167219200LL, 0, 1, 1, 0, 0, 0, 6, 0},
	{"year 9999 last second", 253402300799LL, 9999, 12, 31, 23, 59, 59, 5, 364},
	{"2100-03-01", 4107542400LL, 2100, 3, 1, 0, 0, 0, 1, 59},
};

static void test_known_dates(void)
{
	for (size_t i = 0; i < sizeof(civil_rows) / sizeof(civil_rows[0]); i++) {
		const struct civil_row *r = &civil_rows[i];
		struct tc_civil c;
		int64_t back = 0;

		KT_ROW(r->name);
		tc_from_unix(r->secs, &c);
		KT_EQ(c.year, r->year);
		KT_EQ(c.month, r->month);
		KT_EQ(c.day, r->day);
		KT_EQ(c.hour, r->hour);
		KT_EQ(c.min, r->min);
		KT_EQ(c.sec, r->sec);
		KT_EQ(c.wday, r->wday);
		KT_EQ(c.yday, r->yday);
		KT_EQ(tc_to_unix(&c, &back), 0);
		KT_EQ(back, r->secs);
	}
}

static void test_month_lengths(void)
{
	KT_ROW("leap years");
	KT_ASSERT(tc_is_leap(2000));
	KT_ASSERT(tc_is_leap(2024));
	KT_ASSERT(!tc_is_leap(1900));
	KT_ASSERT(!tc_is_leap(2023));
	KT_ASSERT(tc_is_leap(0));
	KT_ROW("february");
	KT_EQ(tc_days_in_month(2024, 2), 29);
	KT_EQ(tc_days_in_month(2100, 2), 28);
	KT_ROW("others");
	KT_EQ(tc_days_in_month(2023, 4), 30);
	KT_EQ(tc_days_in_month(2023, 12), 31);
	KT_ROW("bad month");
	KT_EQ(tc_days_in_month(2023, 0), 0);
	KT_EQ(tc_days_in_month(2023, 13), 0);
}

/* Every day from 1600 to 2400 in steps of 7h13m against the host libc. */
static void test_sweep_against_host(void)
{
	const int64_t start = -11676096000LL; /* 1600-01-01 */
	const int64_t end = 13569465600LL;    /* 2400-01-01 */

	for (int64_t t = start; t < end; t += 26003) {
		struct tc_civil c;
		struct tm tm;
		time_t tt = (time_t)t;
		int64_t back;

		KT_ROW("sweep");
		KT_ASSERT(gmtime_r(&tt, &tm) != NULL);
		tc_from_unix(t, &c);
		if (c.year != tm.tm_year + 1900 || c.month != tm.tm_mon + 1 ||
		    c.day != tm.tm_mday || c.hour != tm.tm_hour || c.min != tm.tm_min ||
		    c.sec != tm.tm_sec || c.wday != tm.tm_wday || c.yday != tm.tm_yday) {
			KT_FAILF("t=%lld differs from gmtime", (long long)t);
			return;
		}
		KT_EQ(tc_to_unix(&c, &back), 0);
		KT_EQ(back, t);
	}
}

struct invalid_row {
	const char *name;
	struct tc_civil c;
};

static void test_to_unix_rejects(void)
{
	static const struct invalid_row rows[] = {
		{"month 0", {2024, 0, 1, 0, 0, 0, 0, 0}},
		{"month 13", {2024, 13, 1, 0, 0, 0, 0, 0}},
		{"day 0", {2024, 1, 0, 0, 0, 0, 0, 0}},
		{"feb 29 non-leap", {2023, 2, 29, 0, 0, 0, 0, 0}},
		{"april 31", {2023, 4, 31, 0, 0, 0, 0, 0}},
		{"hour 24", {2023, 4, 1, 24, 0, 0, 0, 0}},
		{"minute 60", {2023, 4, 1, 0, 60, 0, 0, 0}},
		{"leap second", {2016, 12, 31, 23, 59, 60, 0, 0}},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t secs = 77;
		KT_ROW(rows[i].name);
		KT_EQ(tc_to_unix(&rows[i].c, &secs), -EINVAL);
		KT_EQ(secs, 77);
	}
}

struct format_row {
	const char *name;
	int64_t secs;
	uint32_t nsec;
	unsigned frac;
	size_t size;
	int ret;
	const char *want;
};

static void test_format(void)
{
	static const struct format_row rows[] = {
		{"epoch", 0, 0, 0, 32, 20, "1970-01-01T00:00:00Z"},
		{"date -s example", 1795255200, 0, 0, 32, 20, "2026-11-21T10:00:00Z"},
		{"milliseconds", 1795255200, 123456789, 3, 32, 24, "2026-11-21T10:00:00.123Z"},
		{"nanoseconds", 1795255200, 5, 9, 32, 30, "2026-11-21T10:00:00.000000005Z"},
		{"one digit", 0, 999999999, 1, 32, 22, "1970-01-01T00:00:00.9Z"},
		{"before epoch", -1, 0, 0, 32, 20, "1969-12-31T23:59:59Z"},
		{"year 0", -62167219200LL, 0, 0, 32, 20, "0000-01-01T00:00:00Z"},
		{"year 9999", 253402300799LL, 0, 0, 32, 20, "9999-12-31T23:59:59Z"},
		{"exact fit", 0, 0, 0, 21, 20, "1970-01-01T00:00:00Z"},
		{"no room for NUL", 0, 0, 0, 20, -EMSGSIZE, NULL},
		{"no room for fraction", 0, 0, 3, 24, -EMSGSIZE, NULL},
		{"year -1", -62167219201LL, 0, 0, 32, -ERANGE, NULL},
		{"year 10000", 253402300800LL, 0, 0, 32, -ERANGE, NULL},
		{"bad nsec", 0, 1000000000, 0, 32, -EINVAL, NULL},
		{"bad frac", 0, 0, 10, 32, -EINVAL, NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct format_row *r = &rows[i];
		char buf[40];

		KT_ROW(r->name);
		memset(buf, 'X', sizeof(buf));
		KT_EQ(tc_format_iso8601(buf, r->size, r->secs, r->nsec, r->frac), r->ret);
		if (r->want != NULL) {
			KT_STREQ(buf, r->want);
		} else {
			KT_EQ(buf[0], 'X');
		}
	}
}

struct parse_row {
	const char *name;
	const char *text;
	int ret;
	int64_t secs;
	uint32_t nsec;
};

static const struct parse_row parse_rows[] = {
	{"utc Z", "2026-11-21T10:00:00Z", 0, 1795255200, 0},
	{"lower case t and z", "2026-11-21t10:00:00z", 0, 1795255200, 0},
	{"space separator", "2026-11-21 10:00:00Z", 0, 1795255200, 0},
	{"no zone is UTC", "2026-11-21T10:00:00", 0, 1795255200, 0},
	{"no seconds", "2026-11-21T10:00Z", 0, 1795255200, 0},
	{"date only", "2026-11-21", 0, 1795219200, 0},
	{"fraction", "2026-11-21T10:00:00.5Z", 0, 1795255200, 500000000},
	{"fraction comma", "2026-11-21T10:00:00,25Z", 0, 1795255200, 250000000},
	{"fraction 9 digits", "1970-01-01T00:00:00.123456789Z", 0, 0, 123456789},
	{"fraction 12 digits truncated", "1970-01-01T00:00:00.123456789999Z", 0, 0, 123456789},
	{"offset +hh:mm", "2026-11-21T12:30:00+02:30", 0, 1795255200, 0},
	{"offset -hhmm", "2026-11-21T05:00:00-0500", 0, 1795255200, 0},
	{"offset +hh", "2026-11-21T11:00:00+01", 0, 1795255200, 0},
	{"offset crosses day", "2026-11-21T00:30:00+01:00", 0, 1795217400, 0},
	{"leap day", "2024-02-29T00:00:00Z", 0, 1709164800, 0},
	{"epoch", "1970-01-01T00:00:00Z", 0, 0, 0},
	{"year 0", "0000-01-01T00:00:00Z", 0, -62167219200LL, 0},
	{"empty", "", -EINVAL, 0, 0},
	{"year only", "2026", -EINVAL, 0, 0},
	{"basic format", "20261121T100000Z", -EINVAL, 0, 0},
	{"two digit year", "26-11-21", -EINVAL, 0, 0},
	{"month 13", "2026-13-01", -EINVAL, 0, 0},
	{"month 00", "2026-00-01", -EINVAL, 0, 0},
	{"day 32", "2026-01-32", -EINVAL, 0, 0},
	{"feb 29 non-leap", "2023-02-29", -EINVAL, 0, 0},
	{"hour 24", "2026-11-21T24:00:00Z", -EINVAL, 0, 0},
	{"minute 60", "2026-11-21T10:60:00Z", -EINVAL, 0, 0},
	{"leap second", "2016-12-31T23:59:60Z", -EINVAL, 0, 0},
	{"trailing T", "2026-11-21T", -EINVAL, 0, 0},
	{"hour only", "2026-11-21T10Z", -EINVAL, 0, 0},
	{"dot without digits", "2026-11-21T10:00:00.Z", -EINVAL, 0, 0},
	{"fraction without seconds", "2026-11-21T10:00.5Z", -EINVAL, 0, 0},
	{"trailing junk", "2026-11-21T10:00:00Zjunk", -EINVAL, 0, 0},
	{"trailing space", "2026-11-21T10:00:00Z ", -EINVAL, 0, 0},
	{"bad zone letter", "2026-11-21T10:00:00Q", -EINVAL, 0, 0},
	{"zone hour 24", "2026-11-21T10:00:00+24:00", -EINVAL, 0, 0},
	{"zone minute 60", "2026-11-21T10:00:00+01:60", -EINVAL, 0, 0},
	{"zone one digit", "2026-11-21T10:00:00+1", -EINVAL, 0, 0},
	{"zone three digits", "2026-11-21T10:00:00+010", -EINVAL, 0, 0},
	{"sign in year", "+026-11-21", -EINVAL, 0, 0},
	{"letters", "abcd-ef-gh", -EINVAL, 0, 0},
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		int64_t secs = 77;
		uint32_t nsec = 77;

		KT_ROW(r->name);
		KT_EQ(tc_parse_iso8601(r->text, strlen(r->text), &secs, &nsec), r->ret);
		KT_EQ(secs, r->ret == 0 ? r->secs : 77);
		KT_EQ(nsec, r->ret == 0 ? r->nsec : 77);
	}
}

static void test_parse_bounded(void)
{
	/* Only len bytes are read: a prefix of a longer string. */
	const char *s = "2026-11-21T10:00:00Z trailing";
	int64_t secs = 0;

	KT_ROW("length limits the read");
	KT_EQ(tc_parse_iso8601(s, 20, &secs, NULL), 0);
	KT_EQ(secs, 1795255200);
	KT_ROW("cut in the middle");
	KT_EQ(tc_parse_iso8601(s, 15, &secs, NULL), -EINVAL);
	KT_ROW("round trip through the formatter");
	char buf[40];
	KT_EQ(tc_format_iso8601(buf, sizeof(buf), 1795255200, 250000000, 3), 24);
	KT_EQ(tc_parse_iso8601(buf, 24, &secs, NULL), 0);
	KT_EQ(secs, 1795255200);
}

struct format_off_row {
	const char *name;
	int64_t secs;
	uint32_t nsec;
	unsigned frac;
	int off_min;
	size_t size;
	int ret;
	const char *want;
};

static void test_format_offset(void)
{
	static const struct format_off_row rows[] = {
		{"offset 0 is Z", 1795255200, 0, 0, 0, 40, 20, "2026-11-21T10:00:00Z"},
		{"+05:30", 1795255200, 0, 0, 330, 40, 25, "2026-11-21T15:30:00+05:30"},
		{"-08:00", 1795255200, 0, 0, -480, 40, 25, "2026-11-21T02:00:00-08:00"},
		{"+00:01", 1795255200, 0, 0, 1, 40, 25, "2026-11-21T10:01:00+00:01"},
		{"-00:30 keeps its sign", 1795255200, 0, 0, -30, 40, 25,
		 "2026-11-21T09:30:00-00:30"},
		{"crosses midnight east", 1795255200, 0, 0, 14 * 60, 40, 25,
		 "2026-11-22T00:00:00+14:00"},
		{"crosses midnight west", 1795219200, 0, 0, -60, 40, 25,
		 "2026-11-20T23:00:00-01:00"},
		{"crosses the year", 1798761599, 0, 0, 60, 40, 25, "2027-01-01T00:59:59+01:00"},
		{"milliseconds", 1795255200, 123456789, 3, 330, 40, 29,
		 "2026-11-21T15:30:00.123+05:30"},
		{"+23:59", 0, 0, 0, 1439, 40, 25, "1970-01-01T23:59:00+23:59"},
		{"exact fit", 0, 0, 0, 60, 26, 25, "1970-01-01T01:00:00+01:00"},
		{"no room for NUL", 0, 0, 0, 60, 25, -EMSGSIZE, NULL},
		{"tiny buffer", 0, 0, 0, 60, 3, -EMSGSIZE, NULL},
		{"offset 24:00", 0, 0, 0, 1440, 40, -EINVAL, NULL},
		{"offset -24:00", 0, 0, 0, -1440, 40, -EINVAL, NULL},
		{"local year 10000", 253402300799LL, 0, 0, 60, 40, -ERANGE, NULL},
		{"local year -1", -62167219200LL, 0, 0, -60, 40, -ERANGE, NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct format_off_row *r = &rows[i];
		char buf[40];
		int64_t back = 0;

		KT_ROW(r->name);
		memset(buf, 'X', sizeof(buf));
		KT_EQ(tc_format_iso8601_off(buf, r->size, r->secs, r->nsec, r->frac, r->off_min),
		      r->ret);
		if (r->want == NULL) {
			continue;
		}
		KT_STREQ(buf, r->want);
		/* what we print, the parser reads back as the same instant */
		KT_EQ(tc_parse_iso8601(buf, strlen(buf), &back, NULL), 0);
		KT_EQ(back, r->secs);
	}
}

static void test_parse_utc_offset(void)
{
	static const struct {
		const char *name;
		const char *text;
		int ret;
		int off;
	} rows[] = {
		{"Z", "Z", 0, 0},
		{"z", "z", 0, 0},
		{"+05:30", "+05:30", 0, 330},
		{"-0800", "-0800", 0, -480},
		{"+14", "+14", 0, 840},
		{"-00:30", "-00:30", 0, -30},
		{"+23:59", "+23:59", 0, 1439},
		{"empty", "", -EINVAL, 0},
		{"no sign", "05:30", -EINVAL, 0},
		{"one digit", "+5", -EINVAL, 0},
		{"three digits", "+053", -EINVAL, 0},
		{"hour 24", "+24:00", -EINVAL, 0},
		{"minute 60", "+01:60", -EINVAL, 0},
		{"trailing junk", "+01:00x", -EINVAL, 0},
		{"colon without minutes", "+01:", -EINVAL, 0},
		{"word", "UTC", -EINVAL, 0},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int off = 77;

		KT_ROW(rows[i].name);
		KT_EQ(tc_parse_utc_offset(rows[i].text, strlen(rows[i].text), &off), rows[i].ret);
		KT_EQ(off, rows[i].ret == 0 ? rows[i].off : 77);
	}
	KT_ROW("bounded by len");
	int off = 0;
	KT_EQ(tc_parse_utc_offset("+01:00+02:00", 6, &off), 0);
	KT_EQ(off, 60);
}

static const struct kt_case cases[] = {
	KT_CASE(test_known_dates),
	KT_CASE(test_month_lengths),
	KT_CASE(test_sweep_against_host),
	KT_CASE(test_to_unix_rejects),
	KT_CASE(test_format),
	KT_CASE(test_parse),
	KT_CASE(test_parse_bounded),
	KT_CASE(test_format_offset),
	KT_CASE(test_parse_utc_offset),
};

int main(void)
{
	return KT_RUN("lib_timeconv", cases, NULL);
}
