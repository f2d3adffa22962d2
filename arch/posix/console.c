/*
 * Hosted port: the console on stdin/stdout.
 *
 * A host thread reads stdin into a small host-side ring and raises the
 * console line; the handler, on the simulated CPU, moves the bytes into
 * the kernel's console ring. When stdin is a terminal it is put in raw
 * mode (no echo, no line buffering; Ctrl-C still stops the process) and
 * restored at exit or on SIGINT/SIGTERM/SIGHUP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <kestrel/arch/port.h>
#include <kestrel/os/console.h>
#include <kestrel/posix.h>

#include "posix_internal.h"

static pthread_mutex_t in_mx = PTHREAD_MUTEX_INITIALIZER;
static unsigned char in_ring[1024];
static unsigned in_head, in_count;
static struct termios saved_tio;
static volatile sig_atomic_t raw_mode;

void posix_console_restore(void)
{
	if (raw_mode) {
		tcsetattr(0, TCSANOW, &saved_tio);
		raw_mode = 0;
	}
}

void posix_console_restore_public(void)
{
	posix_console_restore();
}

static void on_signal(int sig)
{
	posix_console_restore();
	_exit(128 + sig);
}

static void console_isr(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&in_mx);
	while (in_count > 0) {
		unsigned char c = in_ring[in_head];
		in_head = (in_head + 1) % sizeof(in_ring);
		in_count--;
		os_console_rx_isr(c);
	}
	pthread_mutex_unlock(&in_mx);
}

static void *reader_thread(void *arg)
{
	unsigned char buf[256];

	(void)arg;
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return NULL; /* EOF: the device keeps running without input */
		}
		pthread_mutex_lock(&in_mx);
		for (ssize_t i = 0; i < n && in_count < sizeof(in_ring); i++) {
			in_ring[(in_head + in_count) % sizeof(in_ring)] = buf[i];
			in_count++;
		}
		pthread_mutex_unlock(&in_mx);
		posix_irq_raise(POSIX_IRQ_CONSOLE);
	}
}

void posix_console_start(void)
{
	pthread_t th;

	if (isatty(0) && tcgetattr(0, &saved_tio) == 0) {
		struct termios raw = saved_tio;

		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
		raw.c_iflag &= ~(tcflag_t)(ICRNL | IXON | INLCR);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(0, TCSANOW, &raw) == 0) {
			raw_mode = 1;
			atexit(posix_console_restore);
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	arch_irq_connect(POSIX_IRQ_CONSOLE, console_isr, NULL);
	posix_irq_source_add();
	pthread_create(&th, NULL, reader_thread, NULL);
	pthread_detach(th);
}
