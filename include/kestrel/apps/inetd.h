/*
 * inetd: the classic TCP/UDP test services, served by one task over the
 * socket API with net_socket_poll():
 *
 *   echo    (RFC 862)  TCP and UDP port 7   sends back what it receives
 *   discard (RFC 863)  TCP and UDP port 9   drops what it receives
 *   chargen (RFC 864)  TCP and UDP port 19  TCP: an endless stream of
 *                      72-character lines (rotating printable ASCII, CR LF);
 *                      UDP: a datagram of 0..512 such characters per
 *                      datagram received
 *
 * Connections are non-blocking and multiplexed, so up to CONFIG_INETD_CONNS
 * clients of any mix of services are served at once; further ones wait in
 * the listeners' accept queues.
 */
#ifndef KESTREL_APPS_INETD_H
#define KESTREL_APPS_INETD_H

#include <stdint.h>

#include <kestrel_config.h>

/* Simultaneous TCP connections (each holds a socket and CONFIG_INETD_BUF bytes). */
#ifndef CONFIG_INETD_CONNS
#define CONFIG_INETD_CONNS 6
#endif
/* Echo/chargen buffer per connection (bytes). */
#ifndef CONFIG_INETD_BUF
#define CONFIG_INETD_BUF 512
#endif
#ifndef CONFIG_INETD_PRIO
#define CONFIG_INETD_PRIO 15
#endif
#ifndef CONFIG_INETD_STACK
#define CONFIG_INETD_STACK 2048
#endif
/* Base added to the well-known ports (tests use it to run unprivileged ports). */
#ifndef CONFIG_INETD_PORT_BASE
#define CONFIG_INETD_PORT_BASE 0
#endif

_Static_assert(CONFIG_INETD_CONNS >= 1 && CONFIG_INETD_CONNS <= 26, "1..26 connections");
_Static_assert(CONFIG_INETD_BUF >= 74, "a buffer holds at least one chargen line");

struct inetd_stats {
	uint32_t accepted, active, refused;
	uint32_t tcp_rx, tcp_tx; /* bytes */
	uint32_t udp_rx, udp_tx; /* datagrams */
};

/*
 * Opens the six sockets and starts the inetd task (the network task must
 * be running). @retval -EBUSY already running   @retval -EADDRINUSE a port is
 * taken   other socket errors as net_socket()/net_bind()
 */
int inetd_start(void);

/* Closes every socket and ends the task (tests' leak checks). Returns 0. */
int inetd_stop(void);

void inetd_get_stats(struct inetd_stats *out);

#endif /* KESTREL_APPS_INETD_H */
