/*
 * kfmt - a small freestanding printf.
 *
 * Design
 * ------
 * Everything funnels through kfmt_vformat(), which walks the format once and
 * hands the output to a sink in chunks: runs of literal text go out in one
 * call, numbers are converted into a small stack buffer and go out in one
 * call, and padding goes out from a constant string of spaces or zeros. No
 * state survives between calls, nothing is allocated, and the deepest frame
 * is a 24-byte digit buffer, so it is safe on small task stacks and from any
 * task (the sink decides about locking).
 *
 * The output matches glibc's snprintf() for every supported conversion,
 * including the corner cases people trip over:
 *   - a precision turns off the '0' flag for integers, and "%.0d" of 0 is
 *     empty;
 *   - '#' with o forces a leading 0, '#' with x/X adds 0x/0X only to
 *     non-zero values;
 *   - '-' beats '0', '+' beats ' ', a negative '*' width means '-' and a
 *     negative '*' precision means "no precision";
 *   - %s of NULL prints "(null)" (or nothing when the precision is below 6),
 *     %p prints "(nil)" for NULL and otherwise behaves like %#lx;
 *   - '0' is ignored for %s, %c and "(nil)";
 *   - an unknown conversion is copied to the output as written.
 * tests/unit/lib/test_fmt.c checks all of these against the host snprintf().
 *
 * 64-bit values are printed with 32-bit division whenever they fit, so a
 * Cortex-M only reaches the libgcc 64-bit divide for values >= 2^32 in
 * decimal; hex and octal use shifts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/lib/fmt.h>

#define F_LEFT	0x01u /* '-' */
#define F_PLUS	0x02u /* '+' */
#define F_SPACE 0x04u /* ' ' */
#define F_ALT	0x08u /* '#' */
#define F_ZERO	0x10u /* '0' */

enum kfmt_len {
	LEN_INT = 0,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_J,
	LEN_T,
};

/* One conversion specification, as parsed. */
struct kfmt_spec {
	unsigned flags;
	int width; /* 0 = none */
	int prec;  /* -1 = none */
	enum kfmt_len len;
	char conv;
};

/* Output state: the sink plus the running byte count. */
struct kfmt_out {
	kfmt_sink sink;
	void *ctx;
	int count;
};

static const char kfmt_spaces[16] = "                ";
static const char kfmt_zeros[16] = "0000000000000000";

static void out_bytes(struct kfmt_out *o, const char *s, size_t n)
{
	if (n == 0) {
		return;
	}
	o->sink(o->ctx, s, n);
	o->count += (int)n;
}

static void out_fill(struct kfmt_out *o, const char *fill, int n)
{
	while (n > 0) {
		int chunk = n > 16 ? 16 : n;
		out_bytes(o, fill, (size_t)chunk);
		n -= chunk;
	}
}

/* Emits s (n bytes) padded with spaces to the spec's width. */
static void out_padded(struct kfmt_out *o, const struct kfmt_spec *sp, const char *s, size_t n)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!(sp->flags & F_LEFT)) {
		out_fill(o, kfmt_spaces, pad);
	}
	out_bytes(o, s, n);
	if (sp->flags & F_LEFT) {
		out_fill(o, kfmt_spaces, pad);
	}
}

/*
 * Converts v to digits at the end of buf[0..24) and returns where they
 * start. Base 10, 8 or 16 (upper selects A-F).
 */
static char *utoa_rev(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base == 10) {
		while (v > 0xFFFFFFFFu) {
			*--p = digits[v % 10u];
			v /= 10u;
		}
		uint32_t w = (uint32_t)v;
		while (w != 0) {
			*--p = digits[w % 10u];
			w /= 10u;
		}
		return p;
	}
	unsigned shift = base == 16 ? 4 : 3;
	while (v != 0) {
		*--p = digits[v & (base - 1u)];
		v >>= shift;
	}
	return p;
}

/*
 * Emits an integer conversion: sign/prefix, zero padding from the
 * precision (or the '0' flag), digits, and width padding.
 */
static void out_int(struct kfmt_out *o, const struct kfmt_spec *sp, uint64_t mag, bool neg)
{
	char buf[24];
	char prefix[3];
	int plen = 0;
	unsigned base = 10;
	bool upper = sp->conv == 'X';

	if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') {
		base = 16;
	} else if (sp->conv == 'o') {
		base = 8;
	}

	char *end = buf + sizeof(buf);
	char *dig = (mag == 0 && sp->prec == 0) ? end : utoa_rev(end, mag, base, upper);
	if (mag == 0 && sp->prec != 0) {
		*--dig = '0';
	}
	int ndig = (int)(end - dig);
	int prec = sp->prec < 0 ? 1 : sp->prec;

	if (sp->conv == 'd' || sp->conv == 'i' || sp->conv == 'p') {
		if (neg) {
			prefix[plen++] = '-';
		} else if (sp->flags & F_PLUS) {
			prefix[plen++] = '+';
		} else if (sp->flags & F_SPACE) {
			prefix[plen++] = ' ';
		}
	}
	if (base == 16 && mag != 0 && ((sp->flags & F_ALT) || sp->conv == 'p')) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	}
	if (base == 8 && (sp->flags & F_ALT) && (ndig == 0 || dig[0] != '0') && prec <= ndig) {
		prec = ndig + 1;
	}
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 && sp->width - plen > prec) {
		prec = sp->width - plen;
	}
	int zeros = prec > ndig ? prec - ndig : 0;
	int body = plen + zeros + ndig;
	int pad = sp->width > body ? sp->width - body : 0;

	if (!(sp->flags & F_LEFT)) {
		out_fill(o, kfmt_spaces, pad);
	}
	out_bytes(o, prefix, (size_t)plen);
	out_fill(o, kfmt_zeros, zeros);
	out_bytes(o, dig, (size_t)ndig);
	if (sp->flags & F_LEFT) {
		out_fill(o, kfmt_spaces, pad);
	}
}

static void out_str(struct kfmt_out *o, const struct kfmt_spec *sp, const char *s)
{
	size_t n = 0;

	if (s == NULL) {
		/* glibc: "(null)", unless the precision cannot hold it. */
		s = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
	}
	if (sp->prec < 0) {
		n = strlen(s);
	} else {
		/* Never read past the precision: the string need not be terminated. */
		while (n < (size_t)sp->prec && s[n] != '\0') {
			n++;
		}
	}
	out_padded(o, sp, s, n);
}

/* Parses flags, width, precision and length; returns the conversion character. */
static const char *parse_spec(const char *f, struct kfmt_spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = LEN_INT;

	for (;; f++) {
		unsigned fl = *f == '-'	  ? F_LEFT
			      : *f == '+' ? F_PLUS
			      : *f == ' ' ? F_SPACE
			      : *f == '#' ? F_ALT
			      : *f == '0' ? F_ZERO
					  : 0;
		if (fl == 0) {
			break;
		}
		sp->flags |= fl;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = sp->width == INT32_MIN ? 0 : -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9') {
			sp->width = sp->width * 10 + (*f++ - '0');
		}
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0) {
				sp->prec = -1;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9') {
				sp->prec = sp->prec * 10 + (*f++ - '0');
			}
		}
	}
	switch (*f) {
	case 'h':
		sp->len = f[1] == 'h' ? LEN_HH : LEN_H;
		f += f[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		sp->len = f[1] == 'l' ? LEN_LL : LEN_L;
		f += f[1] == 'l' ? 2 : 1;
		break;
	case 'z':
		sp->len = LEN_Z;
		f++;
		break;
	case 'j':
		sp->len = LEN_J;
		f++;
		break;
	case 't':
		sp->len = LEN_T;
		f++;
		break;
	default:
		break;
	}
	sp->conv = *f;
	return f;
}

/* Fetches a signed argument of the spec's length. */
static int64_t arg_signed(const struct kfmt_spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		/* The signed type corresponding to size_t has the same width. */
		if (sizeof(size_t) == sizeof(long long)) {
			return (long long)va_arg(*ap, size_t);
		}
		return (int32_t)va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetches an unsigned argument of the spec's length. */
static uint64_t arg_unsigned(const struct kfmt_spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T:
		/* The unsigned type corresponding to ptrdiff_t has the same width. */
		if (sizeof(ptrdiff_t) == sizeof(long long)) {
			return (unsigned long long)va_arg(*ap, ptrdiff_t);
		}
		return (uint32_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Emits one conversion; returns false for an unknown conversion character. */
static bool out_conv(struct kfmt_out *o, struct kfmt_spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(sp, ap);
		out_int(o, sp, v < 0 ? 0u - (uint64_t)v : (uint64_t)v, v < 0);
		return true;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		out_int(o, sp, arg_unsigned(sp, ap), false);
		return true;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		out_padded(o, sp, &c, 1);
		return true;
	}
	case 's':
		out_str(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p': {
		uintptr_t p = (uintptr_t)va_arg(*ap, void *);
		if (p == 0) {
			out_padded(o, sp, "(nil)", 5);
		} else {
			out_int(o, sp, p, false);
		}
		return true;
	}
	case '%':
		out_bytes(o, "%", 1);
		return true;
	default:
		return false;
	}
}

int kfmt_vformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct kfmt_out o = {sink, ctx, 0};
	struct kfmt_spec sp;
	va_list aq;

	/* A local copy so helpers can take its address on every ABI. */
	va_copy(aq, ap);
	while (*fmt != '\0') {
		const char *lit = fmt;
		while (*fmt != '\0' && *fmt != '%') {
			fmt++;
		}
		out_bytes(&o, lit, (size_t)(fmt - lit));
		if (*fmt == '\0') {
			break;
		}
		const char *start = fmt;
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (*fmt == '\0') {
			break; /* a lone trailing '%...' prints nothing */
		}
		if (!out_conv(&o, &sp, &aq)) {
			/* Unknown conversion: copy it as written. */
			out_bytes(&o, start, (size_t)(fmt + 1 - start));
		}
		fmt++;
	}
	va_end(aq);
	return o.count;
}

/* Sink state for kfmt_vsnprintf: copies what fits, counts everything. */
struct kfmt_buf {
	char *buf;
	size_t size; /* room for text, excluding the terminating NUL */
	size_t pos;
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
	struct kfmt_buf *b = ctx;

	if (b->pos < b->size) {
		size_t room = b->size - b->pos;
		memcpy(b->buf + b->pos, s, n < room ? n : room);
	}
	b->pos += n;
}

int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kfmt_buf b = {buf, size ? size - 1 : 0, 0};
	int n = kfmt_vformat(buf_sink, &b, fmt, ap);

	if (size > 0) {
		buf[b.pos < b.size ? b.pos : b.size] = '\0';
	}
	return n;
}

int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
