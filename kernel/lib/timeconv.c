/*
 * Calendar arithmetic for the proleptic Gregorian calendar.
 *
 * Design
 * ------
 * Day numbers are counted from 1970-01-01. The conversions shift the year
 * so that it starts on March 1st: the leap day then falls on the last day
 * of the shifted year, and the month lengths from March on repeat the
 * 31/30 pattern five months at a time, so the day of the year of a month's
 * first day is (153 * m + 2) / 5 (m = 0 for March). Years are grouped into
 * 400-year eras of exactly 146097 days, which makes the arithmetic exact
 * for negative years as well, with one floor division per direction and no
 * loops or tables. 719468 is the day number of 0000-03-01.
 *
 * The ISO 8601 parser reads the extended format only (RFC 3339 plus a few
 * relaxations listed in timeconv.h) through a bounded index into the
 * caller's bytes; it never reads past len and needs no terminator, so it is
 * safe on network input (SNTP, HTTP dates, shell arguments).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/lib/timeconv.h>

#define DAYS_0000_03_01 719468 /* days from 0000-03-01 to 1970-01-01 */
#define DAYS_PER_ERA	146097 /* days in 400 Gregorian years */
#define SECS_PER_DAY	86400

/* Floor division and its non-negative remainder. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b;
	int64_t r = a % b;

	if (r < 0) {
		r += b;
		q--;
	}
	if (rem != NULL) {
		*rem = r;
	}
	return q;
}

bool tc_is_leap(int32_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned tc_days_in_month(int32_t year, unsigned month)
{
	static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12) {
		return 0;
	}
	if (month == 2 && tc_is_leap(year)) {
		return 29;
	}
	return mdays[month - 1];
}

int64_t tc_days_from_civil(int32_t year, unsigned month, unsigned day)
{
	int64_t y = (int64_t)year - (month <= 2 ? 1 : 0);
	int64_t yoe;
	int64_t era = floor_div(y, 400, &yoe); /* yoe: year of era, 0..399 */
	int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of era */

	return era * DAYS_PER_ERA + doe - DAYS_0000_03_01;
}

void tc_civil_from_days(int64_t days, int32_t *year, unsigned *month, unsigned *day)
{
	int64_t doe;
	int64_t era = floor_div(days + DAYS_0000_03_01, DAYS_PER_ERA, &doe);
	/* The three corrections undo the leap days within the era. */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_ERA - 1)) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

	*day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = (int32_t)(era * 400 + yoe + (m <= 2 ? 1 : 0));
}

bool tc_valid(const struct tc_civil *c)
{
	return c->month >= 1 && c->month <= 12 && c->day >= 1 &&
	       c->day <= tc_days_in_month(c->year, c->month) && c->hour < 24 && c->min < 60 &&
	       c->sec < 60;
}

int tc_to_unix(const struct tc_civil *c, int64_t *secs)
{
	if (!tc_valid(c)) {
		return -EINVAL;
	}
	*secs = tc_days_from_civil(c->year, c->month, c->day) * SECS_PER_DAY +
		(int64_t)c->hour * 3600 + (int64_t)c->min * 60 + c->sec;
	return 0;
}

void tc_from_unix(int64_t secs, struct tc_civil *c)
{
	int64_t tod;
	int64_t days = floor_div(secs, SECS_PER_DAY, &tod);
	int64_t wday;
	unsigned m, d;

	tc_civil_from_days(days, &c->year, &m, &d);
	c->month = (uint8_t)m;
	c->day = (uint8_t)d;
	c->hour = (uint8_t)(tod / 3600);
	c->min = (uint8_t)(tod / 60 % 60);
	c->sec = (uint8_t)(tod % 60);
	floor_div(days + 4, 7, &wday); /* 1970-01-01 was a Thursday */
	c->wday = (uint8_t)wday;
	c->yday = (uint16_t)(days - tc_days_from_civil(c->year, 1, 1));
}

/* Writes v as exactly n decimal digits (v < 10^n). */
static void put_digits(char *p, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10u);
		v /= 10u;
	}
}

int tc_format_iso8601(char *buf, size_t size, int64_t secs, uint32_t nsec, unsigned frac)
{
	struct tc_civil c;
	size_t len = 20 + (frac > 0 ? frac + 1 : 0);

	if (nsec >= TC_NS_PER_SEC || frac > 9) {
		return -EINVAL;
	}
	/* Years 0000 and 9999 bound the four-digit form. */
	if (secs < -62167219200LL || secs > 253402300799LL) {
		return -ERANGE;
	}
	if (size < len + 1) {
		return -EMSGSIZE;
	}
	tc_from_unix(secs, &c);
	memcpy(buf, "0000-00-00T00:00:00Z", 20);
	put_digits(buf, (uint32_t)c.year, 4);
	put_digits(buf + 5, c.month, 2);
	put_digits(buf + 8, c.day, 2);
	put_digits(buf + 11, c.hour, 2);
	put_digits(buf + 14, c.min, 2);
	put_digits(buf + 17, c.sec, 2);
	if (frac > 0) {
		uint32_t f = nsec;
		for (unsigned i = frac; i < 9; i++) {
			f /= 10u;
		}
		buf[19] = '.';
		put_digits(buf + 20, f, frac);
		buf[len - 1] = 'Z';
	}
	buf[len] = '\0';
	return (int)len;
}

int tc_format_iso8601_off(char *buf, size_t size, int64_t secs, uint32_t nsec, unsigned frac,
			  int off_min)
{
	unsigned a = (unsigned)(off_min < 0 ? -off_min : off_min);
	int n;

	if (off_min <= -24 * 60 || off_min >= 24 * 60) {
		return -EINVAL;
	}
	if (off_min == 0) {
		return tc_format_iso8601(buf, size, secs, nsec, frac);
	}
	if (size < 6) {
		return -EMSGSIZE;
	}
	/* the UTC form is one byte longer than the digits: "Z" becomes "+hh:mm" */
	n = tc_format_iso8601(buf, size - 5, secs + (int64_t)off_min * 60, nsec, frac);
	if (n < 0) {
		return n;
	}
	buf[n - 1] = off_min < 0 ? '-' : '+';
	put_digits(buf + n, a / 60u, 2);
	buf[n + 2] = ':';
	put_digits(buf + n + 3, a % 60u, 2);
	buf[n + 5] = '\0';
	return n + 5;
}

/* A bounded reader over the caller's bytes. */
struct tc_rd {
	const char *s;
	size_t len;
	size_t pos;
};

static bool rd_digit(const struct tc_rd *r)
{
	return r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
}

/* Reads exactly n digits into *v. */
static bool rd_num(struct tc_rd *r, unsigned n, unsigned *v)
{
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!rd_digit(r)) {
			return false;
		}
		*v = *v * 10u + (unsigned)(r->s[r->pos++] - '0');
	}
	return true;
}

/* Consumes c if it is next. */
static bool rd_char(struct tc_rd *r, char c)
{
	if (r->pos < r->len && r->s[r->pos] == c) {
		r->pos++;
		return true;
	}
	return false;
}

/* Reads ".ddd..." (at least one digit) into nanoseconds, if present. */
static bool rd_fraction(struct tc_rd *r, uint32_t *nsec)
{
	unsigned n = 0;

	*nsec = 0;
	if (!rd_char(r, '.') && !rd_char(r, ',')) {
		return true;
	}
	if (!rd_digit(r)) {
		return false;
	}
	while (rd_digit(r)) {
		if (n < 9) {
			*nsec = *nsec * 10u + (uint32_t)(r->s[r->pos] - '0');
			n++;
		}
		r->pos++;
	}
	while (n++ < 9) {
		*nsec *= 10u;
	}
	return true;
}

/* Reads the zone designator (or nothing) into an offset east of UTC, in seconds. */
static bool rd_zone(struct tc_rd *r, int32_t *offset)
{
	unsigned hh, mm = 0;
	int sign;

	*offset = 0;
	if (r->pos == r->len || rd_char(r, 'Z') || rd_char(r, 'z')) {
		return true;
	}
	if (rd_char(r, '+')) {
		sign = 1;
	} else if (rd_char(r, '-')) {
		sign = -1;
	} else {
		return false;
	}
	if (!rd_num(r, 2, &hh)) {
		return false;
	}
	if (rd_char(r, ':')) {
		if (!rd_num(r, 2, &mm)) {
			return false;
		}
	} else if (rd_digit(r) && !rd_num(r, 2, &mm)) {
		return false;
	}
	if (hh > 23 || mm > 59) {
		return false;
	}
	*offset = sign * (int32_t)(hh * 3600u + mm * 60u);
	return true;
}

int tc_parse_utc_offset(const char *s, size_t len, int *off_min)
{
	struct tc_rd r = {s, len, 0};
	int32_t offset;

	if (len == 0 || !rd_zone(&r, &offset) || r.pos != r.len) {
		return -EINVAL;
	}
	*off_min = (int)(offset / 60);
	return 0;
}

/* Reads "hh:mm[:ss[.f]]" into c and *nsec. */
static bool rd_time(struct tc_rd *r, struct tc_civil *c, uint32_t *nsec)
{
	unsigned hh, mm, ss = 0;

	if (!rd_num(r, 2, &hh) || !rd_char(r, ':') || !rd_num(r, 2, &mm)) {
		return false;
	}
	if (rd_char(r, ':')) {
		if (!rd_num(r, 2, &ss) || !rd_fraction(r, nsec)) {
			return false;
		}
	}
	c->hour = (uint8_t)hh;
	c->min = (uint8_t)mm;
	c->sec = (uint8_t)ss;
	return hh < 24 && mm < 60 && ss < 60;
}

int tc_parse_iso8601(const char *s, size_t len, int64_t *secs, uint32_t *nsec)
{
	struct tc_rd r = {s, len, 0};
	struct tc_civil c;
	unsigned y, mo, d;
	uint32_t ns = 0;
	int32_t offset = 0;
	int64_t t;

	memset(&c, 0, sizeof(c));
	if (!rd_num(&r, 4, &y) || !rd_char(&r, '-') || !rd_num(&r, 2, &mo) || !rd_char(&r, '-') ||
	    !rd_num(&r, 2, &d)) {
		return -EINVAL;
	}
	c.year = (int32_t)y;
	c.month = (uint8_t)(mo <= 12 ? mo : 0);
	c.day = (uint8_t)(d <= 31 ? d : 0);
	if (r.pos < r.len) {
		if (!rd_char(&r, 'T') && !rd_char(&r, 't') && !rd_char(&r, ' ')) {
			return -EINVAL;
		}
		if (!rd_time(&r, &c, &ns) || !rd_zone(&r, &offset)) {
			return -EINVAL;
		}
	}
	if (r.pos != r.len || tc_to_unix(&c, &t) != 0) {
		return -EINVAL;
	}
	*secs = t - offset;
	if (nsec != NULL) {
		*nsec = ns;
	}
	return 0;
}
