/*
 * Calendar arithmetic: proleptic Gregorian civil dates <-> Unix time, and
 * ISO 8601 text. Freestanding, no time zones beyond fixed UTC offsets, no
 * leap seconds (Unix time has none: 23:59:60 is rejected).
 *
 * Days and seconds are int64_t and may be negative (before 1970). The text
 * forms cover years 0000..9999, the range ISO 8601 writes with four digits.
 */
#ifndef KESTREL_LIB_TIMECONV_H
#define KESTREL_LIB_TIMECONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_NS_PER_SEC 1000000000LL

/* A broken-down UTC time. */
struct tc_civil {
	int32_t year;  /* e.g. 2026 */
	uint8_t month; /* 1..12 */
	uint8_t day;   /* 1..31 */
	uint8_t hour;  /* 0..23 */
	uint8_t min;   /* 0..59 */
	uint8_t sec;   /* 0..59 */
	uint8_t wday;  /* 0 = Sunday .. 6 (output only) */
	uint16_t yday; /* 0..365, day of the year (output only) */
};

bool tc_is_leap(int32_t year);

/* Days in a month (1..12) of a year; 0 for a bad month. */
unsigned tc_days_in_month(int32_t year, unsigned month);

/* Days since 1970-01-01 of a civil date (not validated; see tc_valid()). */
int64_t tc_days_from_civil(int32_t year, unsigned month, unsigned day);

/* The civil date of a day number (days since 1970-01-01). */
void tc_civil_from_days(int64_t days, int32_t *year, unsigned *month, unsigned *day);

/* True if every field of c (year, month, day, hour, min, sec) is in range. */
bool tc_valid(const struct tc_civil *c);

/*
 * Unix seconds of a civil time.
 * @retval -EINVAL a field is out of range (the result is not written)
 */
int tc_to_unix(const struct tc_civil *c, int64_t *secs);

/* Breaks Unix seconds into a civil time (every field, wday and yday too). */
void tc_from_unix(int64_t secs, struct tc_civil *c);

/*
 * Writes "YYYY-MM-DDTHH:MM:SSZ", with `frac` (0..9) digits of nsec after
 * a '.' when frac > 0, NUL-terminated. Returns the length (20 + frac, plus 1
 * for the '.').
 * @retval -EINVAL nsec >= 10^9 or frac > 9
 * @retval -ERANGE the year is outside 0000..9999
 * @retval -EMSGSIZE the text and its NUL do not fit in size bytes
 */
int tc_format_iso8601(char *buf, size_t size, int64_t secs, uint32_t nsec, unsigned frac);

/*
 * Local time at a fixed UTC offset of off_min minutes east (-1439..1439):
 * writes the civil time of secs + off_min * 60 as tc_format_iso8601() does,
 * then the offset as "+hh:mm" / "-hh:mm" in place of "Z" ("Z" when off_min
 * is 0). Returns the length (25 + frac, plus 1 for the '.', or as
 * tc_format_iso8601() for offset 0).
 * @retval -EINVAL nsec >= 10^9, frac > 9 or off_min out of range
 * @retval -ERANGE the local year is outside 0000..9999
 * @retval -EMSGSIZE the text and its NUL do not fit in size bytes
 */
int tc_format_iso8601_off(char *buf, size_t size, int64_t secs, uint32_t nsec, unsigned frac,
			  int off_min);

/*
 * Parses a UTC offset from s[0..len) (all len bytes): Z, z, +hh, -hh,
 * +hh:mm, -hh:mm, +hhmm or -hhmm, hh 00..23 and mm 00..59 (the zone forms
 * tc_parse_iso8601() accepts). *off_min gets minutes east of UTC.
 * @retval -EINVAL anything else (also the empty string)
 */
int tc_parse_utc_offset(const char *s, size_t len, int *off_min);

/*
 * Parses an ISO 8601 / RFC 3339 date-time from s[0..len) (s need not be
 * NUL-terminated; all len bytes must be consumed):
 *   YYYY-MM-DD                          midnight UTC
 *   YYYY-MM-DD[T|t| ]hh:mm[:ss[.f...]][zone]
 * where zone is Z, z, +hh, -hh, +hh:mm, -hh:mm, +hhmm or -hhmm; no zone
 * means UTC. Up to 9 fraction digits are kept (more are accepted and
 * truncated). The basic format (no '-' or ':') is not accepted.
 * On success *secs gets Unix seconds and *nsec (if not NULL) the fraction.
 * @retval -EINVAL not a date-time of this form, or a field out of range
 */
int tc_parse_iso8601(const char *s, size_t len, int64_t *secs, uint32_t *nsec);

#endif /* KESTREL_LIB_TIMECONV_H */
