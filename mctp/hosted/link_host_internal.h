/* Private to mctp/hosted: the reader-thread plumbing both link drivers share. */
#ifndef MCTP_LINK_HOST_INTERNAL_H
#define MCTP_LINK_HOST_INTERNAL_H

#include <kestrel/mctp/host/link.h>

/* Mutex, condition, eventfd and IRQ line; @retval 0 or -errno. */
int mctp_host_common_init(struct mctp_host_common *c);
/* Connects the IRQ to `notify`, enables it and starts fn(arg) on a host thread. */
int mctp_host_common_start(struct mctp_host_common *c, void (*notify)(void), void *(*fn)(void *),
			   void *arg);
/* Stops the thread (if running) and frees the common resources. */
void mctp_host_common_stop(struct mctp_host_common *c);
/* Marks the IRQ pending (host thread side). */
void mctp_host_common_raise(struct mctp_host_common *c);
/* Waits up to ms for fd to be readable (events POLLIN) or writable (POLLOUT). 1 ready, 0 timeout, -errno. */
int mctp_host_wait_fd(int fd, short events, int ms);

#endif
