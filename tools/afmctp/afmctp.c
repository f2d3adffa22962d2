/*
 * libafmctp.so: AF_MCTP sockets for unmodified Linux programs (nvme-cli via
 * libnvme, mctp-req, mctp-echo, mctp-bench) over Kestrel's hosted serial
 * (pty) or USB (SOCK_SEQPACKET) binding, without kernel MCTP support.
 *
 *   LD_PRELOAD=libafmctp.so KESTREL_MCTP_SERIAL=/dev/pts/3 nvme id-ctrl mctp:1,9
 *
 * Environment: KESTREL_MCTP_SERIAL=PTY or KESTREL_MCTP_USB=SOCKPATH (the
 * link), KESTREL_MCTP_EID (our EID, default 8), KESTREL_MCTP_MTU,
 * AFMCTP_DEBUG=1 (trace calls on stderr).
 *
 * socket(AF_MCTP=45, SOCK_DGRAM, 0) returns a real eventfd (semaphore mode)
 * whose count is the number of queued messages, so poll/select/epoll on it
 * behave like on a kernel socket without interposing them. Calls on such an
 * fd are served here (ABI: include/uapi/linux/mctp.h, reference §7):
 *
 *   bind            receive requests (TO=1) of smctp_type
 *   sendto/sendmsg  smctp_tag: MCTP_TAG_OWNER -> a tag is allocated for the
 *                   response; | MCTP_TAG_PREALLOC -> the ioctl-allocated tag;
 *                   no TO -> a reply with that tag
 *   recvfrom/recvmsg  MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT; O_NONBLOCK
 *   ioctl           SIOCMCTPALLOCTAG / SIOCMCTPDROPTAG; the *2 variants and
 *                   anything else -> EINVAL
 *   setsockopt      SOL_MCTP / MCTP_OPT_ADDR_EXT (then addresses are
 *                   struct sockaddr_mctp_ext)
 *   close
 *
 * One MCTP endpoint (the pure Kestrel core) serves every fake socket in the
 * process; a reader thread owns the link's receive side and feeds it. All
 * endpoint and queue state is guarded by `lk`.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <kestrel/mctp/core.h>

#include "afmctp_link.h"

#define AF_MCTP_	       45
#define SOL_MCTP_	       285
#define MCTP_OPT_ADDR_EXT_     1
#define MCTP_TAG_OWNER_	       0x08
#define MCTP_TAG_PREALLOC_     0x10
#define MCTP_ADDR_ANY_	       0xFF
#define SIOCMCTPALLOCTAG_      0x89E0
#define SIOCMCTPDROPTAG_       0x89E1
#define MAX_FD		       4096
#define RESP_TIMEOUT_MS	       30000
#define SOCKADDR_MCTP_SIZE     12
#define SOCKADDR_MCTP_EXT_SIZE 52

struct amsg {
	struct amsg *next;
	uint8_t src, type, tag; /* tag: tag | TO as the kernel reports it */
	size_t len;		/* payload after the type byte */
	uint8_t data[];
};

struct asock {
	int fd;
	bool bound, addr_ext;
	uint8_t bind_type;
	struct amsg *head, *tail;
};

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static struct asock *socks[MAX_FD];
static struct afm_link alink;
static struct mctp_endpoint ep;
static bool debug;
static uint8_t scratch[CONFIG_MCTP_MAX_MSG];

#define REAL(name) ((__typeof__(&name))real_fn(#name))

static void *real_fn(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "afmctp: no libc %s\n", name);
		abort();
	}
	return f;
}

static void trace(const char *fmt, ...)
{
	va_list ap;

	if (!debug) {
		return;
	}
	va_start(ap, fmt);
	fprintf(stderr, "afmctp: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static struct asock *lookup(int fd)
{
	return fd >= 0 && fd < MAX_FD ? socks[fd] : NULL;
}

/* Queues a received message on s (lk held). */
static void enqueue(struct asock *s, const struct mctp_msg *m, uint8_t tag)
{
	struct amsg *a = malloc(sizeof(*a) + m->len);
	uint64_t one = 1;

	if (a == NULL) {
		return;
	}
	a->next = NULL;
	a->src = m->src;
	a->type = m->data[0];
	a->tag = tag;
	a->len = m->len - 1;
	memcpy(a->data, m->data + 1, m->len - 1);
	if (s->tail) {
		s->tail->next = a;
	} else {
		s->head = a;
	}
	s->tail = a;
	(void)REAL(write)(s->fd, &one, sizeof(one));
}

/* Response callback: arg is the fd of the socket that sent the request. */
static void on_response(struct mctp_endpoint *e, const struct mctp_msg *m, int status, void *arg)
{
	struct asock *s = lookup((int)(intptr_t)arg);

	(void)e;
	if (status == 0 && s != NULL) {
		enqueue(s, m, m->tag);
	}
}

/* Request handler: to the first socket bound to the type. */
static void on_request(struct mctp_endpoint *e, const struct mctp_msg *m, void *arg)
{
	(void)e;
	(void)arg;
	for (int fd = 0; fd < MAX_FD; fd++) {
		struct asock *s = socks[fd];

		if (s && s->bound && s->bind_type == (m->data[0] & 0x7F)) {
			enqueue(s, m, (uint8_t)(m->tag | MCTP_TAG_OWNER_));
			return;
		}
	}
}

static void on_packet(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	trace("rx packet %zu bytes flags %02x", len, len > 3 ? pkt[3] : 0);
	(void)mctp_rx_packet(&ep, 0, pkt, len, afm_now_ms());
}

static void *reader(void *arg)
{
	(void)arg;
	for (;;) {
		int n = afm_link_wait(&alink, 100);

		pthread_mutex_lock(&lk);
		if (n > 0) {
			afm_link_rx(&alink, on_packet, NULL);
		}
		mctp_poll(&ep, afm_now_ms());
		pthread_mutex_unlock(&lk);
		if (n < 0) {
			usleep(100000);
		}
	}
	return NULL;
}

static int link_tx(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	return afm_link_tx(&alink, pkt, len);
}

/* Opens the link and starts the reader on first use. @retval 0 or -errno. */
static int setup_once(void)
{
	static int result = 1;
	const char *e = getenv("KESTREL_MCTP_EID"), *m = getenv("KESTREL_MCTP_MTU");
	pthread_t th;
	int eid = e ? atoi(e) : 8, rc;

	if (result <= 0) {
		return result;
	}
	debug = getenv("AFMCTP_DEBUG") != NULL;
	rc = afm_link_open(&alink, getenv("KESTREL_MCTP_SERIAL"), getenv("KESTREL_MCTP_USB"));
	if (rc < 0) {
		fprintf(stderr,
			"afmctp: no link (set KESTREL_MCTP_SERIAL or KESTREL_MCTP_USB): %s\n",
			strerror(-rc));
		return result = rc;
	}
	mctp_init(&ep, (uint8_t)(eid >= 8 && eid < 255 ? eid : 8), 0);
	rc = mctp_add_link(&ep, (uint16_t)(m ? atoi(m) : (alink.usb ? 247 : 64)), link_tx, NULL);
	if (rc < 0 || mctp_add_route(&ep, 0, 0xFE, 0) < 0) {
		return result = -EINVAL;
	}
	if (pthread_create(&th, NULL, reader, NULL) != 0) {
		return result = -EAGAIN;
	}
	pthread_detach(th);
	return result = 0;
}

int socket(int domain, int type, int protocol)
{
	struct asock *s;
	int fd, rc;

	if (domain != AF_MCTP_) {
		return REAL(socket)(domain, type, protocol);
	}
	if ((type & 0xF) != SOCK_DGRAM || protocol != 0) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	pthread_mutex_lock(&lk);
	rc = setup_once();
	pthread_mutex_unlock(&lk);
	if (rc < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	fd = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC | ((type & SOCK_NONBLOCK) ? EFD_NONBLOCK : 0));
	if (fd < 0 || fd >= MAX_FD || (s = calloc(1, sizeof(*s))) == NULL) {
		if (fd >= 0) {
			REAL(close)(fd);
		}
		errno = ENOMEM;
		return -1;
	}
	s->fd = fd;
	pthread_mutex_lock(&lk);
	socks[fd] = s;
	pthread_mutex_unlock(&lk);
	trace("socket -> fd %d", fd);
	return fd;
}

int close(int fd)
{
	struct asock *s;

	pthread_mutex_lock(&lk);
	s = lookup(fd);
	if (s != NULL) {
		socks[fd] = NULL;
		while (s->head) {
			struct amsg *a = s->head;

			s->head = a->next;
			free(a);
		}
		/* tags still held for this socket: their callbacks must not find it */
		for (int i = 0; i < CONFIG_MCTP_MAX_REQS; i++) {
			if (ep.reqs[i].active && ep.reqs[i].arg == (void *)(intptr_t)fd) {
				ep.reqs[i].active = false;
			}
		}
		free(s);
		trace("close fd %d", fd);
	}
	pthread_mutex_unlock(&lk);
	return REAL(close)(fd);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct asock *s = lookup(fd);
	const uint8_t *a = (const uint8_t *)addr;
	int rc = 0;

	if (s == NULL) {
		return REAL(bind)(fd, addr, len);
	}
	if (len < SOCKADDR_MCTP_SIZE || a[0] != AF_MCTP_) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&lk);
	s->bound = true;
	s->bind_type = a[9] & 0x7F;
	if (mctp_find_handler(&ep, s->bind_type) == NULL) {
		rc = mctp_register_handler(&ep, s->bind_type, 0xF1F0FF00u, on_request, NULL);
	}
	pthread_mutex_unlock(&lk);
	if (rc < 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct asock *s = lookup(fd);

	if (s == NULL) {
		return REAL(setsockopt)(fd, level, name, val, len);
	}
	if (level != SOL_MCTP_ || name != MCTP_OPT_ADDR_EXT_ || len < (socklen_t)sizeof(int)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	s->addr_ext = *(const int *)val != 0;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct asock *s = lookup(fd);
	uint8_t *ctl;
	va_list ap;
	int tag;

	va_start(ap, req);
	ctl = va_arg(ap, uint8_t *);
	va_end(ap);
	if (s == NULL) {
		return REAL(ioctl)(fd, req, ctl);
	}
	/* struct mctp_ioc_tag_ctl { u8 peer_addr; u8 tag; u16 flags; } */
	if (req == SIOCMCTPALLOCTAG_ && ctl != NULL && ctl[1] == 0 && ctl[2] == 0 && ctl[3] == 0) {
		pthread_mutex_lock(&lk);
		tag = mctp_tag_alloc(&ep, ctl[0], afm_now_ms(), 0, on_response,
				     (void *)(intptr_t)fd);
		pthread_mutex_unlock(&lk);
		if (tag < 0) {
			errno = EBUSY;
			return -1;
		}
		ctl[1] = (uint8_t)(tag | MCTP_TAG_OWNER_ | MCTP_TAG_PREALLOC_);
		trace("alloctag peer %u -> 0x%02x", ctl[0], ctl[1]);
		return 0;
	}
	if (req == SIOCMCTPDROPTAG_ && ctl != NULL &&
	    (ctl[1] & (MCTP_TAG_OWNER_ | MCTP_TAG_PREALLOC_)) ==
		    (MCTP_TAG_OWNER_ | MCTP_TAG_PREALLOC_)) {
		pthread_mutex_lock(&lk);
		mctp_tag_release(&ep, ctl[0], ctl[1] & MCTP_HDR_TAG_MASK);
		pthread_mutex_unlock(&lk);
		return 0;
	}
	errno = EINVAL; /* SIOCMCTPALLOCTAG2/DROPTAG2 and everything else */
	return -1;
}

/* Builds type byte + payload from the iovecs into scratch. @retval length or -EMSGSIZE. */
static ssize_t gather(uint8_t type, const struct iovec *iov, size_t n)
{
	size_t len = 1;

	scratch[0] = type;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].iov_len > sizeof(scratch) - len) {
			return -EMSGSIZE;
		}
		memcpy(scratch + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	return (ssize_t)len;
}

/* Sends one message per the address's tag rules (lk held). @retval payload length or -errno. */
static ssize_t do_send(int fd, const uint8_t *a, const struct iovec *iov, size_t n)
{
	uint8_t dest = a[8], type = a[9], t = a[10];
	ssize_t len = gather(type, iov, n);
	int tag, rc;

	if (len < 0) {
		return len;
	}
	if ((t & MCTP_TAG_OWNER_) && !(t & MCTP_TAG_PREALLOC_)) {
		tag = mctp_tag_alloc(&ep, dest, afm_now_ms(), RESP_TIMEOUT_MS, on_response,
				     (void *)(intptr_t)fd);
		if (tag < 0) {
			return -EAGAIN;
		}
		t = (uint8_t)(tag | MCTP_TAG_OWNER_);
	}
	rc = mctp_send(&ep, dest, t & (MCTP_TAG_OWNER_ | MCTP_HDR_TAG_MASK), scratch, (size_t)len);
	if (rc == 0) {
		rc = afm_link_flush(&alink);
	}
	trace("send %zd bytes to eid %u type 0x%02x tag 0x%02x: %d", len - 1, dest, type, t, rc);
	if (rc < 0) {
		if ((a[10] & MCTP_TAG_OWNER_) && !(a[10] & MCTP_TAG_PREALLOC_)) {
			mctp_tag_release(&ep, dest, t & MCTP_HDR_TAG_MASK);
		}
		return rc == -EHOSTUNREACH ? rc : -EIO;
	}
	return len - 1;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct asock *s = lookup(fd);
	const uint8_t *a;
	ssize_t rc;

	if (s == NULL) {
		return REAL(sendmsg)(fd, msg, flags);
	}
	a = msg->msg_name;
	if (a == NULL || msg->msg_namelen < SOCKADDR_MCTP_SIZE || a[0] != AF_MCTP_) {
		errno = EDESTADDRREQ;
		return -1;
	}
	pthread_mutex_lock(&lk);
	rc = do_send(fd, a, msg->msg_iov, msg->msg_iovlen);
	pthread_mutex_unlock(&lk);
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	struct iovec iov = {(void *)buf, len};
	struct msghdr m = {
		.msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1};

	if (lookup(fd) == NULL) {
		return REAL(sendto)(fd, buf, len, flags, to, tolen);
	}
	return sendmsg(fd, &m, flags);
}

/* Waits for a queued message unless non-blocking. @retval 0 or -errno. */
static int wait_msg(struct asock *s, int flags)
{
	bool nonblock = (flags & MSG_DONTWAIT) || (fcntl(s->fd, F_GETFL) & O_NONBLOCK);
	struct pollfd p = {.fd = s->fd, .events = POLLIN};

	for (;;) {
		pthread_mutex_lock(&lk);
		if (s->head != NULL) {
			return 0; /* lk stays held */
		}
		pthread_mutex_unlock(&lk);
		if (nonblock) {
			return -EAGAIN;
		}
		if (REAL(poll)(&p, 1, -1) < 0 && errno == EINTR) {
			return -EINTR;
		}
	}
}

static void fill_addr(const struct asock *s, const struct amsg *a, struct msghdr *msg)
{
	uint8_t addr[SOCKADDR_MCTP_EXT_SIZE] = {0};
	size_t n = s->addr_ext ? SOCKADDR_MCTP_EXT_SIZE : SOCKADDR_MCTP_SIZE;
	int ifindex = 1;

	if (msg->msg_name == NULL) {
		return;
	}
	addr[0] = AF_MCTP_;
	addr[4] = 1; /* smctp_network (LE u32 on x86/arm) */
	addr[8] = a->src;
	addr[9] = a->type;
	addr[10] = a->tag;
	if (s->addr_ext) {
		memcpy(addr + 12, &ifindex, sizeof(ifindex));
	}
	memcpy(msg->msg_name, addr, n < msg->msg_namelen ? n : msg->msg_namelen);
	msg->msg_namelen = (socklen_t)n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct asock *s = lookup(fd);
	struct amsg *a;
	size_t off = 0;
	uint64_t v;
	int rc;

	if (s == NULL) {
		return REAL(recvmsg)(fd, msg, flags);
	}
	rc = wait_msg(s, flags);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	a = s->head;
	for (size_t i = 0; i < msg->msg_iovlen && off < a->len; i++) {
		size_t n = a->len - off < msg->msg_iov[i].iov_len ? a->len - off
								  : msg->msg_iov[i].iov_len;

		memcpy(msg->msg_iov[i].iov_base, a->data + off, n);
		off += n;
	}
	fill_addr(s, a, msg);
	msg->msg_flags = off < a->len ? MSG_TRUNC : 0;
	msg->msg_controllen = 0;
	rc = (int)((flags & MSG_TRUNC) ? a->len : off);
	if (!(flags & MSG_PEEK)) {
		s->head = a->next;
		if (s->head == NULL) {
			s->tail = NULL;
		}
		free(a);
		(void)REAL(read)(fd, &v, sizeof(v));
	}
	pthread_mutex_unlock(&lk);
	trace("recv fd %d: %d bytes", fd, rc);
	return rc;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *flen)
{
	struct iovec iov = {buf, len};
	struct msghdr m = {.msg_name = from,
			   .msg_namelen = flen ? *flen : 0,
			   .msg_iov = &iov,
			   .msg_iovlen = 1};
	ssize_t rc;

	if (lookup(fd) == NULL) {
		return REAL(recvfrom)(fd, buf, len, flags, from, flen);
	}
	rc = recvmsg(fd, &m, flags);
	if (rc >= 0 && flen != NULL) {
		*flen = m.msg_namelen;
	}
	return rc;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}
