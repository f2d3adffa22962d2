/* Configuration of the QEMU mps2-an385 (Cortex-M3) board. See kestrel/os/config.h. */
#ifndef KESTREL_BOARD_CONFIG_H
#define KESTREL_BOARD_CONFIG_H

#define KESTREL_BOARD_NAME "qemu-mps2-an385"
#define KESTREL_BOARD_CPU  "Cortex-M3"
#define CONFIG_CPU_HZ	   25000000u

/* Port: external NVIC lines on the AN385, and QEMU semihosting for exit. */
#define CONFIG_ARCH_NUM_IRQS	32
#define CONFIG_ARCH_SEMIHOSTING 1

/* Console: CMSDK UART0 (RX interrupt is IRQ 0, TX IRQ 1). */
#define BOARD_UART0_BASE   0x40004000u
#define BOARD_UART0_RX_IRQ 0u
#define BOARD_CONSOLE_BAUD 115200u

/* Priority of the console shell task (0 = highest). */
#ifndef CONFIG_BOARD_SHELL_PRIO
#define CONFIG_BOARD_SHELL_PRIO 20
#endif

/*
 * RAM budget. The AN385 has 4 MiB of RAM, but this image is sized like the
 * parts it stands in for (STM32F7/H7 with 512 KiB - 1 MiB of SRAM): about
 * 256 KiB of .data + .bss for the kernel, the network stack and every
 * service the hosted device runs (`make size` prints the total; docs/qemu.md
 * has the breakdown). Each value can be overridden from CMAKE_C_FLAGS (-D...).
 *
 * Network stack: 16 packet buffers of 1560 bytes (25 KiB; the LAN9118 copies
 * each received frame into one, and a TCP segment is built in one).
 */
#ifndef CONFIG_NET_PBUF_COUNT
#define CONFIG_NET_PBUF_COUNT 16
#endif
#ifndef CONFIG_NET_TASK_QUEUE
#define CONFIG_NET_TASK_QUEUE 32
#endif
/*
 * TCP: 8 connections with buffers at a time, each with an 8 KiB send and an
 * 8 KiB receive window (128 KiB, the largest block of RAM); 16 PCBs hold
 * the 6 listeners (echo, discard, chargen, http, telnet, iperf), the
 * connections and TIME-WAIT entries (the oldest is recycled when full).
 */
#ifndef CONFIG_TCP_MAX_PCBS
#define CONFIG_TCP_MAX_PCBS 16
#endif
#ifndef CONFIG_TCP_MAX_BUFS
#define CONFIG_TCP_MAX_BUFS 8
#endif
#ifndef CONFIG_TCP_SND_BUF
#define CONFIG_TCP_SND_BUF (8 * 1024)
#endif
#ifndef CONFIG_TCP_RCV_BUF
#define CONFIG_TCP_RCV_BUF (8 * 1024)
#endif
#ifndef CONFIG_TCP_SYN_CACHE
#define CONFIG_TCP_SYN_CACHE 8
#endif
/*
 * Sockets (68 bytes each): inetd 3 TCP + 3 UDP listeners and its
 * connections, httpd's listener and 6 slots, telnetd's listener and 2
 * sessions, iperf's listener, control and streams, wget, datalink.
 */
#ifndef CONFIG_NET_SOCKETS
#define CONFIG_NET_SOCKETS 32
#endif

/* Services: fewer connections and smaller buffers than the hosted device. */
#ifndef CONFIG_INETD_CONNS
#define CONFIG_INETD_CONNS 4
#endif
#ifndef CONFIG_HTTPD_MAX_CONN
#define CONFIG_HTTPD_MAX_CONN 4 /* a browser on the status page uses 2-3 */
#endif
#ifndef CONFIG_HTTPD_MAX_BODY
#define CONFIG_HTTPD_MAX_BODY 256 /* only GET/HEAD are served */
#endif
#ifndef CONFIG_TELNETD_MAX_SESSIONS
#define CONFIG_TELNETD_MAX_SESSIONS 2
#endif
#ifndef CONFIG_IPERF_STREAMS
#define CONFIG_IPERF_STREAMS 2
#endif
#ifndef CONFIG_IPERF_BUF
#define CONFIG_IPERF_BUF 2048
#endif
#ifndef CONFIG_DATALINK_TXQ
#define CONFIG_DATALINK_TXQ 8
#endif
#ifndef CONFIG_RAMFS_BYTES
#define CONFIG_RAMFS_BYTES (8 * 1024) /* wget -O files */
#endif
#ifndef CONFIG_RAMFS_FILES
#define CONFIG_RAMFS_FILES 8
#endif

#endif
