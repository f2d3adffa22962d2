/*
 * The system console: synchronous output through the port, and an input
 * ring filled by the console driver's interrupt handler. A counting
 * semaphore counts the bytes in the ring, so a reader sleeps until input
 * arrives. Bytes that arrive while the ring is full are dropped (and
 * counted) rather than overwrite unread input.
 */
#include <kestrel/arch/port.h>
#include <kestrel/lib/fmt.h>
#include <kestrel/os/console.h>

#ifndef CONFIG_OS_CONSOLE_RX_SIZE
#define CONFIG_OS_CONSOLE_RX_SIZE 256
#endif

static uint8_t rx_ring[CONFIG_OS_CONSOLE_RX_SIZE];
static uint16_t rx_head, rx_count;
static uint32_t rx_dropped;
static OS_SEM_DEFINE(rx_sem, 0, CONFIG_OS_CONSOLE_RX_SIZE);

void os_console_write(const char *s, size_t n)
{
	arch_console_write(s, n);
}

void os_console_rx_isr(uint8_t c)
{
	unsigned key = os_irq_lock();

	if (rx_count == CONFIG_OS_CONSOLE_RX_SIZE) {
		rx_dropped++;
	} else {
		rx_ring[(rx_head + rx_count) % CONFIG_OS_CONSOLE_RX_SIZE] = c;
		rx_count++;
		(void)os_sem_give_isr(&rx_sem);
	}
	os_irq_unlock(key);
}

int os_console_getc(os_tick_t timeout)
{
	unsigned key;
	int c;
	int ret = os_sem_take(&rx_sem, timeout);

	if (ret < 0) {
		return ret;
	}
	key = os_irq_lock();
	c = rx_ring[rx_head];
	rx_head = (uint16_t)((rx_head + 1) % CONFIG_OS_CONSOLE_RX_SIZE);
	rx_count--;
	os_irq_unlock(key);
	return c;
}

struct printf_buf {
	char buf[64];
	size_t n;
};

static void printf_sink(void *ctx, const char *s, size_t n)
{
	struct printf_buf *b = ctx;

	while (n > 0) {
		size_t room = sizeof(b->buf) - b->n;
		size_t k = n < room ? n : room;

		for (size_t i = 0; i < k; i++) {
			b->buf[b->n + i] = s[i];
		}
		b->n += k;
		s += k;
		n -= k;
		if (b->n == sizeof(b->buf)) {
			arch_console_write(b->buf, b->n);
			b->n = 0;
		}
	}
}

int os_printf(const char *fmt, ...)
{
	struct printf_buf b;
	va_list ap;
	int n;

	b.n = 0;
	va_start(ap, fmt);
	n = kfmt_vformat(printf_sink, &b, fmt, ap);
	va_end(ap);
	if (b.n > 0) {
		arch_console_write(b.buf, b.n);
	}
	return n;
}
