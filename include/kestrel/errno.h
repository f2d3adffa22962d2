/*
 * Kestrel error numbers. Functions return 0 (or a count) on success and a
 * negative value from this list on failure. One meaning per code,
 * project-wide (STYLE.md). Values match Linux so host tools and logs agree;
 * where a host <errno.h> was included first its (equal) values stand.
 */
#ifndef KESTREL_ERRNO_H
#define KESTREL_ERRNO_H

#ifndef EPERM
#define EPERM 1 /* not allowed (e.g. unlock by a non-owner) */
#endif
#ifndef ENOENT
#define ENOENT 2 /* no such object */
#endif
#ifndef EINTR
#define EINTR 4 /* wait aborted (object deleted, task deleted) */
#endif
#ifndef EIO
#define EIO 5 /* device or transport error */
#endif
#ifndef EBADF
#define EBADF 9 /* bad descriptor */
#endif
#ifndef EAGAIN
#define EAGAIN 11 /* timed out */
#endif
#ifndef ENOMEM
#define ENOMEM 12 /* pool empty */
#endif
#ifndef EACCES
#define EACCES 13 /* permission denied (not logged in) */
#endif
#ifndef EFAULT
#define EFAULT 14 /* bad address */
#endif
#ifndef EBUSY
#define EBUSY 16 /* would block, and no wait was asked for */
#endif
#ifndef EEXIST
#define EEXIST 17 /* already exists */
#endif
#ifndef ENODEV
#define ENODEV 19 /* no such device */
#endif
#ifndef EINVAL
#define EINVAL 22 /* invalid argument */
#endif
#ifndef ENOSPC
#define ENOSPC 28 /* no space left */
#endif
#ifndef ERANGE
#define ERANGE 34 /* out of range */
#endif
#ifndef EDEADLK
#define EDEADLK 35 /* would deadlock */
#endif
#ifndef ENAMETOOLONG
#define ENAMETOOLONG 36 /* name too long */
#endif
#ifndef ENOSYS
#define ENOSYS 38 /* no such call */
#endif
#ifndef ENODATA
#define ENODATA 61 /* no data available */
#endif
#ifndef ETIME
#define ETIME 62 /* timer expired */
#endif
#ifndef EPROTO
#define EPROTO 71 /* peer broke the protocol */
#endif
#ifndef EBADMSG
#define EBADMSG 74 /* corrupt / uncorrectable */
#endif
#ifndef EOVERFLOW
#define EOVERFLOW 75 /* value too large */
#endif
#ifndef EMSGSIZE
#define EMSGSIZE 90 /* does not fit */
#endif
#ifndef ENOPROTOOPT
#define ENOPROTOOPT 92 /* protocol option not available */
#endif
#ifndef EPROTONOSUPPORT
#define EPROTONOSUPPORT 93
#endif
#ifndef ENOTSUP
#define ENOTSUP 95 /* not built in */
#endif
#ifndef EAFNOSUPPORT
#define EAFNOSUPPORT 97
#endif
#ifndef EADDRINUSE
#define EADDRINUSE 98
#endif
#ifndef EADDRNOTAVAIL
#define EADDRNOTAVAIL 99
#endif
#ifndef ENETDOWN
#define ENETDOWN 100
#endif
#ifndef ENETUNREACH
#define ENETUNREACH 101
#endif
#ifndef ECONNABORTED
#define ECONNABORTED 103
#endif
#ifndef ECONNRESET
#define ECONNRESET 104
#endif
#ifndef ENOBUFS
#define ENOBUFS 105 /* no buffer space (socket layer) */
#endif
#ifndef EISCONN
#define EISCONN 106
#endif
#ifndef ENOTCONN
#define ENOTCONN 107
#endif
#ifndef ESHUTDOWN
#define ESHUTDOWN 108
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110 /* connection timed out (socket layer) */
#endif
#ifndef ECONNREFUSED
#define ECONNREFUSED 111
#endif
#ifndef EHOSTUNREACH
#define EHOSTUNREACH 113
#endif
#ifndef EALREADY
#define EALREADY 114
#endif
#ifndef EINPROGRESS
#define EINPROGRESS 115
#endif
#ifndef EOWNERDEAD
#define EOWNERDEAD 130 /* mutex owner was deleted while holding it */
#endif

#endif /* KESTREL_ERRNO_H */
