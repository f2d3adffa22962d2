/* Configuration of the hosted (Linux process) board. See kestrel/os/config.h. */
#ifndef KESTREL_BOARD_CONFIG_H
#define KESTREL_BOARD_CONFIG_H

#define KESTREL_BOARD_NAME "hosted"

/*
 * Host threads run libc and, in sanitizer builds, ASan frames on the task
 * stack; give every task generous headroom beyond what the firmware asks.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CONFIG_ARCH_STACK_EXTRA (512 * 1024)
#else
#define CONFIG_ARCH_STACK_EXTRA (128 * 1024)
#endif

/*
 * The hosted device serves many peers at once in tests (dozens of concurrent TCP
 * connections, a SYN flood, a browser): size the network tables like a
 * larger part would. Every value here is RAM on a host, not a budget.
 */
#ifndef CONFIG_NET_PBUF_COUNT
#define CONFIG_NET_PBUF_COUNT 512 /* a 64 KiB segment from the TAP takes 42 */
#endif
#ifndef CONFIG_NET_REASS_MAX_PBUFS
#define CONFIG_NET_REASS_MAX_PBUFS 64
#endif
#ifndef CONFIG_TCP_MAX_PCBS
#define CONFIG_TCP_MAX_PCBS 128
#endif
#ifndef CONFIG_TCP_MAX_BUFS
#define CONFIG_TCP_MAX_BUFS 72
#endif
#ifndef CONFIG_NET_SOCKETS
#define CONFIG_NET_SOCKETS 32
#endif
#ifndef CONFIG_INETD_CONNS
#define CONFIG_INETD_CONNS 24
#endif
/* Bigger application writes mean fewer socket round trips per byte. */
#ifndef CONFIG_INETD_BUF
#define CONFIG_INETD_BUF 61440
#endif
/*
 * Windows for a link of several Gbit/s with a sub-millisecond RTT, and
 * segments up to 64 KiB: the TAP driver offers TSO and merged receive
 * segments (NETIF_CAP_TSO, NETIF_CAP_RX_LRO; see docs/drivers-eth.md).
 */
#ifndef CONFIG_TCP_SND_BUF
#define CONFIG_TCP_SND_BUF (256 * 1024)
#endif
#ifndef CONFIG_TCP_RCV_BUF
#define CONFIG_TCP_RCV_BUF (256 * 1024)
#endif
#ifndef CONFIG_TCP_SEG_MAX
#define CONFIG_TCP_SEG_MAX 65535
#endif
#ifndef CONFIG_TCP_OFFLOAD
#define CONFIG_TCP_OFFLOAD 1
#endif
/*
 * A 256 KiB window is ~180 full-size frames in flight. The slirp driver
 * hands them over one at a time: its receive ring, its queue to the slirp
 * thread and the network task's queue each hold a window's worth, so a
 * burst is not dropped and retransmitted (with 32/16/64 slots, Linux ->
 * device through slirp ran at 5 MB/s; with these, 80 MB/s, no retransmits).
 */
#ifndef CONFIG_ETH_HOST_RING
#define CONFIG_ETH_HOST_RING 256
#endif
#ifndef CONFIG_ETH_SLIRP_TXQ
#define CONFIG_ETH_SLIRP_TXQ 256
#endif
#ifndef CONFIG_NET_TASK_QUEUE
#define CONFIG_NET_TASK_QUEUE 256
#endif

#endif
