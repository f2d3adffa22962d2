/*
 * Shared set-up for the socket, inetd and network-shell tests: boots the
 * kernel on the hosted port's virtual clock, starts the network task over
 * a static stack (loopback 127.0.0.1 only), runs the suite from a task and
 * exits with its status. Time advances only when every task is idle, so
 * TCP timers (TIME-WAIT, retransmissions) cost no wall time.
 *
 * After every case the teardown closes nothing on its own: it checks that
 * the case left no socket open, and that TCP PCBs, TCP buffer sets, SYN
 * cache entries, UDP PCBs and pbufs are back to their baseline (waiting
 * out TIME-WAIT first), and that every helper task has finished.
 */
#ifndef SOCK_TEST_H
#define SOCK_TEST_H

#include "ktest.h"

#include <kestrel/net/nettask.h>
#include <kestrel/net/socket.h>
#include <kestrel/net/tcp.h>
#include <kestrel/os/kernel.h>

#define ST_RUNNER_PRIO 10
#define ST_HELPERS     8

/* Runs the suite; never returns. setup (may be NULL) runs first in a task. */
int sock_test_main(const char *suite, const struct kt_case *cases, size_t n, void (*setup)(void));

/* Starts fn(arg) on helper task `slot` (0..ST_HELPERS-1) at ST_RUNNER_PRIO. */
void st_spawn(int slot, void (*fn)(void *arg), void *arg);

/* Waits for helper `slot` to return. @retval -EAGAIN not within ms */
int st_join(int slot, uint32_t ms);

/* TCP server/client conveniences on 127.0.0.1; they return fds or -errno. */
int st_listen(uint16_t port, int backlog);
int st_connect(uint16_t port);
int st_udp(uint16_t port);

/* Sends/receives exactly len bytes; returns 0 or the failing result. */
int st_send_all(int fd, const void *buf, size_t len);
int st_recv_all(int fd, void *buf, size_t len);

/* Resource counters (pool, PCBs) through net_call. */
struct st_counts {
	int sockets;
	unsigned tcp_pcbs, tcp_bufs, tcp_syn, udp_pcbs, pbufs;
};
void st_counts(struct st_counts *c);

#define SOCK_TEST_MAIN(suite, cases, setup)                                                 \
	KT_MAIN_STATE;                                                                      \
	int main(void)                                                                      \
	{                                                                                   \
		return sock_test_main((suite), (cases), sizeof(cases) / sizeof((cases)[0]), \
				      (setup));                                             \
	}

#endif
