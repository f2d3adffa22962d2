/*
 * A small freestanding printf. Supports %d %i %u %x %X %o %c %s %p %%,
 * flags '-', '0', ' ', '+', width and precision (also '*'), and the length
 * modifiers hh h l ll z j t. No floating point.
 */
#ifndef KESTREL_LIB_FMT_H
#define KESTREL_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into buf (always NUL-terminated if size > 0); returns the full length. */
int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats through a sink called with chunks; returns the number of bytes. */
typedef void (*kfmt_sink)(void *ctx, const char *s, size_t n);
int kfmt_vformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap);

#endif /* KESTREL_LIB_FMT_H */
