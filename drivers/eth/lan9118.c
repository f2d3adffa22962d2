/*
 * LAN9118 driver. Register facts from the SMSC LAN9118 datasheet (rev 1.5),
 * section 5 "Register Description", checked against QEMU's model
 * (hw/net/lan9118.c, QEMU 7.2). 32-bit little-endian accesses only.
 *
 * System CSRs (datasheet §5.3, table 5.1):
 * OFFSET     SIZE  NAME          DESCRIPTION
 * 0x00-0x1C  4     RX_DATA_FIFO  read: next word of the current RX frame
 * 0x20-0x3C  4     TX_DATA_FIFO  write: TX command A, B, then data words
 * 0x40       4     RX_STS_FIFO   read: pop one RX status (§3.13.3)
 * 0x48       4     TX_STS_FIFO   read: pop one TX status (§3.12.5)
 * 0x50       4     ID_REV        0x0118_xxxx
 * 0x54       4     IRQ_CFG       b8 IRQ_EN, b4 IRQ_POL (1 = active high),
 *                                b0 IRQ_TYPE (1 = push-pull)
 * 0x58       4     INT_STS       b3 RSFL (RX status FIFO level), b14 RXE;
 *                                write 1 to clear
 * 0x5C       4     INT_EN        same bits: 1 = interrupt enabled
 * 0x64       4     BYTE_TEST     reads 0x87654321 (endianness/presence)
 * 0x68       4     FIFO_INT      [7:0] RX status level: RSFL when count > level
 * 0x6C       4     RX_CFG        b15 RX_DUMP (flush RX FIFOs); end alignment
 *                                and offset left 0 (4-byte, no offset)
 * 0x70       4     TX_CFG        b1 TX_ON, b2 TXSAO (status overrun allowed)
 * 0x74       4     HW_CFG        b0 SRST (self-clearing soft reset)
 * 0x7C       4     RX_FIFO_INF   [23:16] RX status count, [15:0] RX data bytes
 * 0x80       4     TX_FIFO_INF   [23:16] TX status count, [15:0] TX data free bytes
 * 0x84       4     PMT_CTRL      b0 READY (device ready after reset)
 * 0xA4       4     MAC_CSR_CMD   b31 busy, b30 read, [3:0] MAC register
 * 0xA8       4     MAC_CSR_DATA  MAC register data
 *
 * MAC CSRs through MAC_CSR_CMD/DATA (§5.4): 1 MAC_CR (b2 RXEN, b3 TXEN,
 * b20 FDPX, b18 PRMS promiscuous; reset = PRMS), 2 ADDRH (MAC bytes 4..5),
 * 3 ADDRL (bytes 0..3, byte 0 in bits 7:0), 6 MII_ACC ([15:11] PHY address,
 * [10:6] register, b1 write, b0 busy), 7 MII_DATA. Internal PHY at address
 * 1 (§5.5): register 0 BMCR (b12 autoneg enable, b9 restart), 1 BMSR (b2
 * link up).
 *
 * RX status word (§3.13.3): b15 error summary, [29:16] frame length in
 * bytes including the 4-byte FCS, b13 broadcast, b10 multicast. The frame
 * then occupies ceil(length / 4) words of the RX data FIFO.
 *
 * TX (§3.12): command A = b13 first segment | b12 last segment | [10:0]
 * buffer bytes; command B = [31:16] packet tag | [10:0] packet bytes; then
 * ceil(bytes / 4) data words, little-endian. TX status: [31:16] tag, b15
 * error summary.
 */
#include <string.h>

#include <kestrel/drivers/lan9118.h>
#include <kestrel/errno.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/kernel.h>

#define LAN_RX_DATA	0x00u
#define LAN_TX_DATA	0x20u
#define LAN_RX_STS	0x40u
#define LAN_TX_STS	0x48u
#define LAN_IRQ_CFG	0x54u
#define LAN_INT_STS	0x58u
#define LAN_INT_EN	0x5Cu
#define LAN_BYTE_TEST	0x64u
#define LAN_FIFO_INT	0x68u
#define LAN_RX_CFG	0x6Cu
#define LAN_TX_CFG	0x70u
#define LAN_HW_CFG	0x74u
#define LAN_RX_FIFO_INF 0x7Cu
#define LAN_TX_FIFO_INF 0x80u
#define LAN_PMT_CTRL	0x84u
#define LAN_MAC_CMD	0xA4u
#define LAN_MAC_DATA	0xA8u

#define BYTE_TEST_MAGIC 0x87654321u
#define IRQ_CFG_EN	(1u << 8)
#define IRQ_CFG_POL	(1u << 4)
#define IRQ_CFG_TYPE	(1u << 0)
#define INT_RSFL	(1u << 3)
#define INT_RXE		(1u << 14)
#define RX_CFG_DUMP	(1u << 15)
#define TX_CFG_ON	(1u << 1)
#define TX_CFG_SAO	(1u << 2)
#define HW_CFG_SRST	(1u << 0)
#define PMT_READY	(1u << 0)
#define MAC_CMD_BUSY	(1u << 31)
#define MAC_CMD_READ	(1u << 30)

#define MAC_CR	     1u
#define MAC_ADDRH    2u
#define MAC_ADDRL    3u
#define MAC_MII_ACC  6u
#define MAC_MII_DATA 7u
#define MAC_CR_RXEN  (1u << 2)
#define MAC_CR_TXEN  (1u << 3)
#define MAC_CR_FDPX  (1u << 20)
#define MII_BUSY     (1u << 0)
#define MII_WRITE    (1u << 1)
#define PHY_ADDR     1u
#define PHY_BMCR     0u
#define PHY_BMSR     1u
#define BMCR_ANEG    ((1u << 12) | (1u << 9))
#define BMSR_LINK    (1u << 2)

#define RXS_ES	      (1u << 15)
#define RXS_BCAST     (1u << 13)
#define RXS_MCAST     (1u << 10)
#define RXS_LEN(s)    (((s) >> 16) & 0x3FFFu)
#define RX_LEN_MIN    (ETH_HLEN + ETH_FCS_LEN)
#define TXA_FIRST     (1u << 13)
#define TXA_LAST      (1u << 12)
#define TXS_ES	      (1u << 15)
#define FIFO_COUNT(v) (((v) >> 16) & 0xFFu)

#define LAN_POLL_MAX  100000u /* register polls before a wait counts as timed out */
#define LAN_RX_BUDGET 32u     /* frames per interrupt */

/* The register accessor: MMIO, or the test bus. */
static uint32_t lan9118_rd(const struct lan9118 *l, uint32_t off)
{
	if (l->bus != NULL) {
		return l->bus->rd(l->bus->ctx, off);
	}
	return l->regs[off / 4u];
}

static void lan9118_wr(const struct lan9118 *l, uint32_t off, uint32_t v)
{
	if (l->bus != NULL) {
		l->bus->wr(l->bus->ctx, off, v);
		return;
	}
	l->regs[off / 4u] = v;
}

/* Polls until (reg & mask) == want. */
static int lan_wait(const struct lan9118 *l, uint32_t off, uint32_t mask, uint32_t want)
{
	for (uint32_t i = 0; i < LAN_POLL_MAX; i++) {
		if ((lan9118_rd(l, off) & mask) == want) {
			return 0;
		}
	}
	return -EIO;
}

static int lan_mac_rd(const struct lan9118 *l, uint32_t reg, uint32_t *v)
{
	if (lan_wait(l, LAN_MAC_CMD, MAC_CMD_BUSY, 0) < 0) {
		return -EIO;
	}
	lan9118_wr(l, LAN_MAC_CMD, MAC_CMD_BUSY | MAC_CMD_READ | reg);
	if (lan_wait(l, LAN_MAC_CMD, MAC_CMD_BUSY, 0) < 0) {
		return -EIO;
	}
	*v = lan9118_rd(l, LAN_MAC_DATA);
	return 0;
}

static int lan_mac_wr(const struct lan9118 *l, uint32_t reg, uint32_t v)
{
	if (lan_wait(l, LAN_MAC_CMD, MAC_CMD_BUSY, 0) < 0) {
		return -EIO;
	}
	lan9118_wr(l, LAN_MAC_DATA, v);
	lan9118_wr(l, LAN_MAC_CMD, MAC_CMD_BUSY | reg);
	return lan_wait(l, LAN_MAC_CMD, MAC_CMD_BUSY, 0);
}

/* One MII transaction with the internal PHY; *v in/out. */
static int lan_mii(const struct lan9118 *l, uint32_t reg, bool write, uint32_t *v)
{
	uint32_t acc = (PHY_ADDR << 11) | (reg << 6) | MII_BUSY | (write ? MII_WRITE : 0u);
	uint32_t busy;

	if (write && lan_mac_wr(l, MAC_MII_DATA, *v & 0xFFFFu) < 0) {
		return -EIO;
	}
	if (lan_mac_wr(l, MAC_MII_ACC, acc) < 0) {
		return -EIO;
	}
	for (uint32_t i = 0; i < LAN_POLL_MAX; i++) {
		if (lan_mac_rd(l, MAC_MII_ACC, &busy) < 0) {
			return -EIO;
		}
		if (!(busy & MII_BUSY)) {
			return write ? 0 : lan_mac_rd(l, MAC_MII_DATA, v);
		}
	}
	return -EIO;
}

int lan9118_probe(struct lan9118 *l, uintptr_t base, unsigned irq, const struct lan9118_bus *bus)
{
	uint32_t hi, lo;

	memset(l, 0, sizeof(*l));
	l->regs = (volatile uint32_t *)base;
	l->bus = bus;
	l->irq = irq;
	l->deliver = net_task_input;
	if (lan9118_rd(l, LAN_BYTE_TEST) != BYTE_TEST_MAGIC) {
		return -ENODEV;
	}
	lan9118_wr(l, LAN_HW_CFG, HW_CFG_SRST);
	if (lan_wait(l, LAN_HW_CFG, HW_CFG_SRST, 0) < 0 ||
	    lan_wait(l, LAN_PMT_CTRL, PMT_READY, PMT_READY) < 0) {
		return -EIO;
	}
	if (lan_mac_rd(l, MAC_ADDRH, &hi) < 0 || lan_mac_rd(l, MAC_ADDRL, &lo) < 0) {
		return -EIO;
	}
	for (unsigned i = 0; i < 4; i++) {
		l->mac[i] = (uint8_t)(lo >> (8u * i));
	}
	l->mac[4] = (uint8_t)hi;
	l->mac[5] = (uint8_t)(hi >> 8);
	return 0;
}

void lan9118_get_mac(const struct lan9118 *l, uint8_t mac[ETH_ADDR_LEN])
{
	memcpy(mac, l->mac, ETH_ADDR_LEN);
}

int lan9118_set_mac(struct lan9118 *l, const uint8_t mac[ETH_ADDR_LEN])
{
	uint32_t lo = (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
		      ((uint32_t)mac[3] << 24);
	uint32_t hi = (uint32_t)mac[4] | ((uint32_t)mac[5] << 8);

	if (lan_mac_wr(l, MAC_ADDRH, hi) < 0 || lan_mac_wr(l, MAC_ADDRL, lo) < 0) {
		return -EIO;
	}
	memcpy(l->mac, mac, ETH_ADDR_LEN);
	return 0;
}

void lan9118_set_rx_hook(struct lan9118 *l, const struct eth_rx_hook *hook)
{
	if (hook != NULL) {
		l->hook = *hook;
	} else {
		l->hook.fn = NULL;
		l->hook.ctx = NULL;
	}
}

void lan9118_get_stats(const struct lan9118 *l, struct lan9118_stats *out)
{
	*out = l->st;
}

bool lan9118_link(struct lan9118 *l)
{
	uint32_t bmsr = 0;

	if (lan_mii(l, PHY_BMSR, false, &bmsr) < 0) {
		return false;
	}
	return (bmsr & BMSR_LINK) != 0;
}

static int lan_init(struct netif *nif)
{
	struct lan9118 *l = nif->drv;
	uint32_t bmcr = BMCR_ANEG;
	int rc;

	l->nif = nif;
	/* the MAC address the stack uses is the one the chip filters on */
	rc = lan9118_set_mac(l, nif->hwaddr);
	if (rc == 0) {
		rc = lan_mac_wr(l, MAC_CR, MAC_CR_RXEN | MAC_CR_TXEN | MAC_CR_FDPX);
	}
	if (rc == 0) {
		rc = lan_mii(l, PHY_BMCR, true, &bmcr);
	}
	if (rc < 0) {
		return rc;
	}
	lan9118_wr(l, LAN_TX_CFG, TX_CFG_ON | TX_CFG_SAO);
	lan9118_wr(l, LAN_RX_CFG, 0);
	lan9118_wr(l, LAN_FIFO_INT, lan9118_rd(l, LAN_FIFO_INT) & ~0xFFu);
	lan9118_wr(l, LAN_INT_STS, 0xFFFFFFFFu);
	lan9118_wr(l, LAN_INT_EN, INT_RSFL | INT_RXE);
	lan9118_wr(l, LAN_IRQ_CFG, IRQ_CFG_EN | IRQ_CFG_POL | IRQ_CFG_TYPE);
	rc = os_irq_connect(l->irq, lan9118_isr, l);
	if (rc < 0) {
		return rc;
	}
	os_irq_enable(l->irq);
	return 0;
}

/* Reads and throws away `words` RX data words. */
static void lan_rx_discard(const struct lan9118 *l, uint32_t words)
{
	for (uint32_t i = 0; i < words; i++) {
		(void)lan9118_rd(l, LAN_RX_DATA);
	}
}

/* Reads `words` RX data words, storing the first n bytes in p's chain. */
static void lan_rx_copy(const struct lan9118 *l, struct pbuf *p, uint32_t n, uint32_t words)
{
	struct pbuf *q = p;
	uint16_t off = 0;
	uint32_t done = 0;

	for (uint32_t w = 0; w < words; w++) {
		uint32_t v = lan9118_rd(l, LAN_RX_DATA);

		for (unsigned b = 0; b < 4u && done < n; b++) {
			while (q != NULL && off >= q->len) {
				q = q->next;
				off = 0;
			}
			if (q == NULL) {
				break;
			}
			q->payload[off++] = (uint8_t)(v >> (8u * b));
			done++;
		}
	}
}

/*
 * Receives the frame whose status word is sts, with `avail` bytes in the
 * RX data FIFO. Returns false if the FIFOs are out of step (caller dumps).
 */
static bool lan_rx_one(struct lan9118 *l, uint32_t sts, uint32_t avail)
{
	uint32_t len = RXS_LEN(sts);
	uint32_t words = (len + 3u) / 4u;
	struct pbuf *p;

	if (words * 4u > avail) {
		return false;
	}
	if (len < RX_LEN_MIN || len > LAN9118_RX_LEN_MAX) {
		l->st.rx_len_errors++;
		lan_rx_discard(l, words);
		return true;
	}
	if (sts & RXS_ES) {
		l->st.rx_errors++;
		lan_rx_discard(l, words);
		return true;
	}
	p = net_rx_alloc(len - ETH_FCS_LEN);
	if (p == NULL) {
		l->st.rx_nomem++;
		lan_rx_discard(l, words);
		return true;
	}
	lan_rx_copy(l, p, len - ETH_FCS_LEN, words);
	p->flags = (uint16_t)(((sts & RXS_BCAST) ? PBUF_F_BCAST : 0u) |
			      ((sts & RXS_MCAST) ? PBUF_F_MCAST : 0u));
	l->st.rx_frames++;
	l->st.rx_bytes += len - ETH_FCS_LEN;
	if (eth_rx_hand_off(&l->hook, l->nif, p, l->deliver) < 0) {
		l->st.rx_queue_drops++;
	}
	return true;
}

void lan9118_isr(void *arg)
{
	struct lan9118 *l = arg;
	uint32_t sts = lan9118_rd(l, LAN_INT_STS);

	lan9118_wr(l, LAN_INT_STS, sts & (INT_RSFL | INT_RXE));
	for (unsigned n = 0; n < LAN_RX_BUDGET; n++) {
		uint32_t inf = lan9118_rd(l, LAN_RX_FIFO_INF);

		if (FIFO_COUNT(inf) == 0) {
			break;
		}
		if (!lan_rx_one(l, lan9118_rd(l, LAN_RX_STS), inf & 0xFFFFu)) {
			l->st.rx_fifo_resets++;
			lan9118_wr(l, LAN_RX_CFG, RX_CFG_DUMP);
			break;
		}
	}
}

/* Pops TX statuses of frames sent so far, counting errors. */
static void lan_tx_reap(struct lan9118 *l)
{
	for (unsigned n = 0; n < 256u; n++) {
		if (FIFO_COUNT(lan9118_rd(l, LAN_TX_FIFO_INF)) == 0) {
			return;
		}
		if (lan9118_rd(l, LAN_TX_STS) & TXS_ES) {
			l->st.tx_errors++;
		}
	}
}

/* Writes the bytes of chain p as little-endian words (last one zero-padded). */
static void lan_tx_data(const struct lan9118 *l, const struct pbuf *p)
{
	uint32_t word = 0;
	unsigned nb = 0;

	for (const struct pbuf *q = p; q != NULL; q = q->next) {
		for (uint16_t i = 0; i < q->len; i++) {
			word |= (uint32_t)q->payload[i] << (8u * nb);
			if (++nb == 4u) {
				lan9118_wr(l, LAN_TX_DATA, word);
				word = 0;
				nb = 0;
			}
		}
	}
	if (nb != 0) {
		lan9118_wr(l, LAN_TX_DATA, word);
	}
}

static int lan_output(struct netif *nif, struct pbuf *p)
{
	struct lan9118 *l = nif->drv;
	uint32_t len = p->tot_len;
	uint32_t need = ((len + 3u) & ~3u) + 8u; /* data words + command A and B */

	lan_tx_reap(l);
	if (len < ETH_HLEN || len > ETH_FRAME_MAX) {
		l->st.tx_errors++;
		return -EMSGSIZE;
	}
	if ((lan9118_rd(l, LAN_TX_FIFO_INF) & 0xFFFFu) < need) {
		l->st.tx_busy++;
		return -EBUSY;
	}
	l->tx_tag++;
	lan9118_wr(l, LAN_TX_DATA, TXA_FIRST | TXA_LAST | len);
	lan9118_wr(l, LAN_TX_DATA, ((uint32_t)l->tx_tag << 16) | len);
	lan_tx_data(l, p);
	l->st.tx_frames++;
	l->st.tx_bytes += len;
	return 0;
}

static bool lan_link_up(struct netif *nif)
{
	return lan9118_link(nif->drv);
}

const struct eth_driver_ops lan9118_ops = {
	.init = lan_init,
	.output = lan_output,
	.link_up = lan_link_up,
};
