/*
 * SMSC/Microchip LAN9118 Ethernet controller (QEMU mps2-an385/an386 at
 * 0x40200000, IRQ 13; MPS2 FPGA boards carry the compatible LAN9220).
 * Portable, freestanding.
 *
 * Every register access goes through one accessor pair: MMIO at
 * `base` normally, or a `struct lan9118_bus` of functions so unit tests can
 * run the driver against a register model on the host.
 *
 * Board glue (QEMU mps2-an385):
 *
 *   static struct lan9118 lan;
 *   uint8_t mac[6];
 *   rc = lan9118_probe(&lan, 0x40200000, 13, NULL);   // reset, read MAC
 *   lan9118_get_mac(&lan, mac);                       // 52:54:00:12:34:56 under QEMU
 *   rc = netif_add(st, &eth0, "eth0", mac, &lan9118_ops, &lan);
 *
 * lan9118_ops.init enables RX/TX (full duplex), restarts PHY
 * autonegotiation and enables the RX interrupt; received frames (FCS
 * stripped) go to net_task_input() through the optional receive hook.
 * link_up reads the PHY's BMSR link bit.
 */
#ifndef KESTREL_DRIVERS_LAN9118_H
#define KESTREL_DRIVERS_LAN9118_H

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/drivers/eth.h>

#define LAN9118_QEMU_MPS2_BASE 0x40200000u
#define LAN9118_QEMU_MPS2_IRQ  13u

/* Register access for tests (offsets in bytes from the base). */
struct lan9118_bus {
	uint32_t (*rd)(void *ctx, uint32_t off);
	void (*wr)(void *ctx, uint32_t off, uint32_t val);
	void *ctx;
};

struct lan9118_stats {
	uint32_t rx_frames;	 /* handed to the stack */
	uint32_t rx_bytes;	 /* without FCS */
	uint32_t rx_errors;	 /* status error summary set (CRC, runt, too long...) */
	uint32_t rx_len_errors;	 /* status length < 18 or > LAN9118_RX_LEN_MAX */
	uint32_t rx_nomem;	 /* net_rx_alloc() found the pool empty */
	uint32_t rx_queue_drops; /* net_task_input() refused */
	uint32_t rx_fifo_resets; /* status claimed more data than the FIFO held */
	uint32_t tx_frames;
	uint32_t tx_bytes;
	uint32_t tx_busy;   /* TX data FIFO full: -EBUSY */
	uint32_t tx_errors; /* TX status with error summary, or oversize */
};

struct lan9118 {
	volatile uint32_t *regs;       /* MMIO base (bus == NULL) */
	const struct lan9118_bus *bus; /* test register model, or NULL */
	unsigned irq;
	struct netif *nif;
	struct eth_rx_hook hook;
	eth_deliver_fn deliver; /* net_task_input */
	uint16_t tx_tag;
	uint8_t mac[ETH_ADDR_LEN];
	struct lan9118_stats st;
};

/* Longest RX status length accepted (frame + FCS); the MAC cannot exceed it. */
#define LAN9118_RX_LEN_MAX 2048u

extern const struct eth_driver_ops lan9118_ops;

/*
 * Checks the chip (BYTE_TEST), soft-resets it, waits until it is ready and
 * reads the MAC address from ADDRH/ADDRL. RX/TX stay off until init.
 * @retval -ENODEV no LAN9118 answers at base
 * @retval -EIO the reset or a MAC CSR access did not complete
 */
int lan9118_probe(struct lan9118 *l, uintptr_t base, unsigned irq, const struct lan9118_bus *bus);

/* The MAC address read by lan9118_probe (or set with lan9118_set_mac). */
void lan9118_get_mac(const struct lan9118 *l, uint8_t mac[ETH_ADDR_LEN]);

/* Programs a MAC address. @retval -EIO MAC CSR access timed out */
int lan9118_set_mac(struct lan9118 *l, const uint8_t mac[ETH_ADDR_LEN]);

/* Installs a receive hook (e.g. eth_fault_rx); call before netif_add(). */
void lan9118_set_rx_hook(struct lan9118 *l, const struct eth_rx_hook *hook);

/* Link bit of the PHY's basic status register. */
bool lan9118_link(struct lan9118 *l);

/* The interrupt handler (arg = the struct lan9118); exposed for tests. */
void lan9118_isr(void *arg);

/* Copies the counters. */
void lan9118_get_stats(const struct lan9118 *l, struct lan9118_stats *out);

#endif /* KESTREL_DRIVERS_LAN9118_H */
