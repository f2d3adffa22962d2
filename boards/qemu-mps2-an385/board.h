/*
 * Board support of qemu-mps2-an385, shared by the firmware (main.c) and
 * other images built for this board (bench/kernel).
 */
#ifndef KESTREL_BOARD_H
#define KESTREL_BOARD_H

#include <kestrel_config.h>

/*
 * Brings up UART0 as the kernel console (polled output) and prints the
 * boot banner. Call right after os_init().
 */
void board_console_init(void);

/* Feeds UART0 input to os_console_rx_isr() (interrupt-driven). */
int board_console_rx_start(void);

/* Networking (net_board.c): LAN9118 eth0, network task, DHCP. */
int board_net_start(void);

/* Network services (services_board.c), once eth0 is up. */
void board_services_start(void);

#endif /* KESTREL_BOARD_H */
