/*
 * Unit tests for kernel/lib/fmt.c: every row is formatted by kfmt_snprintf()
 * and by the host snprintf() (glibc); both must equal the expected text.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/lib/fmt.h>

#include "ktest.h"

KT_MAIN_STATE;

/*
 * The rows deliberately use flag combinations the C standard defines but
 * gcc's format checker calls redundant ("%+ d", "%-05d", "%07.3d").
 */
#pragma GCC diagnostic ignored "-Wformat"

/* volatile: keeps the compiler from proving the argument is NULL. */
static const char *volatile null_str;
static char kbuf[256];
static char hbuf[256];

/*
 * Formats with both implementations and checks text and length. A NULL
 * `want` means "whatever the host prints" (for pointer values).
 */
#define FMT_ROW(name, want, ...)                                          \
	do {                                                              \
		KT_ROW(name);                                             \
		int kn_ = kfmt_snprintf(kbuf, sizeof(kbuf), __VA_ARGS__); \
		int hn_ = snprintf(hbuf, sizeof(hbuf), __VA_ARGS__);      \
		KT_STREQ(kbuf, hbuf);                                     \
		KT_EQ(kn_, hn_);                                          \
		const char *w_ = (want);                                  \
		if (w_ != NULL && strcmp(kbuf, w_) != 0) {                \
			KT_FAILF("got \"%s\", want \"%s\"", kbuf, w_);    \
			return;                                           \
		}                                                         \
	} while (0)

static void test_integers(void)
{
	FMT_ROW("plain d", "42", "%d", 42);
	FMT_ROW("negative d", "-42", "%d", -42);
	FMT_ROW("i alias", "-7", "%i", -7);
	FMT_ROW("zero", "0", "%d", 0);
	FMT_ROW("int max", "2147483647", "%d", INT_MAX);
	FMT_ROW("int min", "-2147483648", "%d", INT_MIN);
	FMT_ROW("uint max", "4294967295", "%u", UINT_MAX);
	FMT_ROW("width", "   42", "%5d", 42);
	FMT_ROW("left", "42   |", "%-5d|", 42);
	FMT_ROW("zero pad", "00042", "%05d", 42);
	FMT_ROW("zero pad negative", "-0042", "%05d", -42);
	FMT_ROW("plus", "+42", "%+d", 42);
	FMT_ROW("space", " 42", "% d", 42);
	FMT_ROW("plus beats space", "+42", "%+ d", 42);
	FMT_ROW("minus beats zero", "-42  |", "%-05d|", -42);
	FMT_ROW("precision", "00042", "%.5d", 42);
	FMT_ROW("precision negative", "-00042", "%.5d", -42);
	FMT_ROW("precision and width", "  00042", "%7.5d", 42);
	FMT_ROW("precision disables zero", "    042", "%07.3d", 42);
	FMT_ROW("precision 0 of 0", "", "%.0d", 0);
	FMT_ROW("precision 0 of 0 width", "   ", "%3.0d", 0);
	FMT_ROW("plus precision 0 of 0", "+", "%+.0d", 0);
	FMT_ROW("space precision 0 of 0", " ", "% .0d", 0);
	FMT_ROW("precision 0 of 1", "1", "%.0d", 1);
	FMT_ROW("bare precision", "", "%.d", 0);
	FMT_ROW("zero plus width", "+0042", "%+05d", 42);
	FMT_ROW("zero space width", " 0042", "% 05d", 42);
	FMT_ROW("width smaller than value", "123456", "%3d", 123456);
}

static void test_hex_octal(void)
{
	FMT_ROW("hex", "ff", "%x", 255u);
	FMT_ROW("HEX", "FF", "%X", 255u);
	FMT_ROW("hex alt", "0xff", "%#x", 255u);
	FMT_ROW("HEX alt", "0XFF", "%#X", 255u);
	FMT_ROW("hex alt zero", "0", "%#x", 0u);
	FMT_ROW("hex alt zero pad", "0x00ff", "%#06x", 255u);
	FMT_ROW("hex alt precision", "0x00ff", "%#.4x", 255u);
	FMT_ROW("hex alt left", "0xff  |", "%-#6x|", 255u);
	FMT_ROW("hex alt precision 0 of 0", "", "%#.0x", 0u);
	FMT_ROW("hex max", "ffffffff", "%x", 0xffffffffu);
	FMT_ROW("octal", "17", "%o", 15u);
	FMT_ROW("octal alt", "017", "%#o", 15u);
	FMT_ROW("octal alt zero", "0", "%#o", 0u);
	FMT_ROW("octal alt precision 0 of 0", "0", "%#.0o", 0u);
	FMT_ROW("octal alt precision covers", "00017", "%#.5o", 15u);
	FMT_ROW("octal alt width", "  010", "%#5o", 8u);
	FMT_ROW("octal max", "37777777777", "%o", 0xffffffffu);
	FMT_ROW("hex zero pad", "000000ab", "%08x", 0xabu);
	FMT_ROW("plus ignored for unsigned", "42", "%+u", 42u);
}

static void test_lengths(void)
{
	FMT_ROW("hh signed wraps", "-1", "%hhd", 255);
	FMT_ROW("hh unsigned", "255", "%hhu", -1);
	FMT_ROW("hh hex", "ab", "%hhx", 0x12ab);
	FMT_ROW("h signed", "-32768", "%hd", 32768);
	FMT_ROW("h unsigned", "65535", "%hu", -1);
	FMT_ROW("l", "-123456789", "%ld", -123456789L);
	FMT_ROW("lu max", NULL, "%lu", ULONG_MAX);
	FMT_ROW("ll max", "9223372036854775807", "%lld", LLONG_MAX);
	FMT_ROW("ll min", "-9223372036854775808", "%lld", LLONG_MIN);
	FMT_ROW("llu max", "18446744073709551615", "%llu", ULLONG_MAX);
	FMT_ROW("llu 2^32", "4294967296", "%llu", 4294967296ULL);
	FMT_ROW("llu 10^19", "10000000000000000000", "%llu", 10000000000000000000ULL);
	FMT_ROW("llx", "123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	FMT_ROW("llX alt", "0XFFFFFFFFFFFFFFFF", "%#llX", ULLONG_MAX);
	FMT_ROW("llo max", "1777777777777777777777", "%llo", ULLONG_MAX);
	FMT_ROW("ll precision", "00000000000000000001", "%.20lld", 1LL);
	FMT_ROW("zu", "12345", "%zu", (size_t)12345);
	FMT_ROW("zd negative", "-5", "%zd", (ptrdiff_t)-5);
	FMT_ROW("zx", "ff", "%zx", (size_t)255);
	FMT_ROW("jd", "-9000000000", "%jd", (intmax_t)-9000000000LL);
	FMT_ROW("ju", "9000000000", "%ju", (uintmax_t)9000000000ULL);
	FMT_ROW("td", "-3", "%td", (ptrdiff_t)-3);
	FMT_ROW("tu", "3", "%tu", (ptrdiff_t)3);
}

static void test_chars_strings(void)
{
	FMT_ROW("char", "a", "%c", 'a');
	FMT_ROW("char width", "    a", "%5c", 'a');
	FMT_ROW("char left", "a    |", "%-5c|", 'a');
	FMT_ROW("char high byte", "\xe9", "%c", 0xe9);
	FMT_ROW("string", "hello", "%s", "hello");
	FMT_ROW("string width", "  hello", "%7s", "hello");
	FMT_ROW("string left", "hello  |", "%-7s|", "hello");
	FMT_ROW("string precision", "hel", "%.3s", "hello");
	FMT_ROW("string precision width", "  hel", "%5.3s", "hello");
	FMT_ROW("string star", "   hi", "%*s", 5, "hi");
	FMT_ROW("string negative star", "hi   |", "%*s|", -5, "hi");
	FMT_ROW("string star precision", "he", "%.*s", 2, "hello");
	FMT_ROW("string negative star precision", "hello", "%.*s", -1, "hello");
	FMT_ROW("empty string", "[]", "[%s]", "");
	FMT_ROW("percent", "100%", "100%%");
	FMT_ROW("percent width", "%", "%5%");
	FMT_ROW("mixed", "a=1 b=two c=0x3", "a=%d b=%s c=%#x", 1, "two", 3u);
	FMT_ROW("star width and precision", "  007", "%*.*d", 5, 3, 7);
	FMT_ROW("star precision zero", "", "%.*d", 0, 0);
	FMT_ROW("no conversions", "plain text", "plain text");
	FMT_ROW("empty format", "", "%s", "");

	/* Unterminated string: the precision bounds the read. */
	static const char raw[3] = {'a', 'b', 'c'};
	FMT_ROW("unterminated with precision", "abc", "%.3s", raw);
}

static void test_pointers_and_oddities(void)
{
	int x;

	FMT_ROW("pointer", NULL, "%p", (void *)&x);
	FMT_ROW("pointer value", "0x1234", "%p", (void *)0x1234);
	FMT_ROW("pointer width", "  0x1234", "%8p", (void *)0x1234);
	FMT_ROW("pointer left", "0x1234  |", "%-8p|", (void *)0x1234);
	FMT_ROW("null pointer", "(nil)", "%p", (void *)0);
	FMT_ROW("null pointer width", "  (nil)", "%7p", (void *)0);
	FMT_ROW("null pointer left", "(nil)  |", "%-7p|", (void *)0);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
	FMT_ROW("null string", "(null)", "%s", null_str);
	FMT_ROW("null string short precision", "", "%.3s", null_str);
	FMT_ROW("null string long precision", "(null)", "%.6s", null_str);
	FMT_ROW("null string width", "  (null)", "%8s", null_str);
	FMT_ROW("zero flag ignored for s", "   ab", "%05s", "ab");
	FMT_ROW("zero flag ignored for c", "    c", "%05c", 'c');
	FMT_ROW("pointer precision", "0x001", "%.3p", (void *)0x1);
	FMT_ROW("pointer zero pad", "0x0010", "%06p", (void *)0x10);
	FMT_ROW("pointer plus", "+0x10", "%+p", (void *)0x10);
	FMT_ROW("null pointer precision", "(nil)", "%.3p", (void *)0);
	FMT_ROW("unknown conversion", "%y", "%y");
	FMT_ROW("unknown conversion with flags", "a%-5yb", "a%-5yb");
#pragma GCC diagnostic pop
}

struct trunc_row {
	const char *name;
	size_t size;
	const char *want;
};

static void test_truncation(void)
{
	static const struct trunc_row rows[] = {
		{"size 1 only NUL", 1, ""},
		{"size 2", 2, "h"},
		{"size exact minus one", 11, "hello worl"},
		{"size exact", 12, "hello world"},
		{"size larger", 40, "hello world"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char buf[64];
		KT_ROW(rows[i].name);
		memset(buf, 'X', sizeof(buf));
		int n = kfmt_snprintf(buf, rows[i].size, "%s %s", "hello", "world");
		KT_EQ(n, 11);
		KT_STREQ(buf, rows[i].want);
		/* Nothing is written past size. */
		KT_EQ(buf[rows[i].size], 'X');
	}
	KT_ROW("size 0 with NULL buffer");
	KT_EQ(kfmt_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
}

struct sink_log {
	char text[128];
	size_t len;
	int calls;
};

static void log_sink(void *ctx, const char *s, size_t n)
{
	struct sink_log *l = ctx;
	memcpy(l->text + l->len, s, n);
	l->len += n;
	l->calls++;
}

static int log_format(struct sink_log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vformat(log_sink, l, fmt, ap);
	va_end(ap);
	return n;
}

static void test_sink(void)
{
	struct sink_log l = {{0}, 0, 0};

	KT_ROW("chunks");
	int n = log_format(&l, "abc %d def %40s|", -12, "x");
	KT_EQ(n, 53);
	KT_EQ(l.len, 53);
	l.text[l.len] = '\0';
	KT_STREQ(l.text, "abc -12 def "
			 "                                       x|");
	/*
	 * Literal runs and digits go out whole (the sign separately); 39 spaces
	 * take three chunks: 1 + 2 + 1 + 3 + 1 + 1.
	 */
	KT_EQ(l.calls, 9);
}

static const struct kt_case cases[] = {
	KT_CASE(test_integers),
	KT_CASE(test_hex_octal),
	KT_CASE(test_lengths),
	KT_CASE(test_chars_strings),
	KT_CASE(test_pointers_and_oddities),
	KT_CASE(test_truncation),
	KT_CASE(test_sink),
};

int main(void)
{
	return KT_RUN("lib_fmt", cases, NULL);
}
