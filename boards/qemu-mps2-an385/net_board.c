/*
 * Networking of qemu-mps2-an385: the LAN9118 at 0x40200000 (IRQ 13) as
 * eth0, the network task, and DHCP (QEMU's -nic user answers with
 * 10.0.2.15). Services that listen (echo/discard/chargen) start once the
 * interface is up.
 */
#include <kestrel/drivers/lan9118.h>
#include <kestrel/net/dhcp.h>
#include <kestrel/net/nettask.h>
#include <kestrel/os/console.h>

#include "board.h"

static struct net_stack stack;
static struct netif eth0;
static struct lan9118 lan;
static struct dhcp_client dhcp;

static void dhcp_event(void *ctx, struct netif *nif, enum dhcp_event ev)
{
	char a[16], g[16];

	(void)ctx;
	if (ev == DHCP_EV_BOUND) {
		os_printf("net: %s DHCP lease %s/%d gw %s\n", nif->name, net_ntoa(nif->ip, a),
			  __builtin_popcount(nif->mask), net_ntoa(nif->gw, g));
	}
}

static int bringup(struct net_stack *st, void *arg)
{
	uint8_t mac[6];
	int rc;

	(void)arg;
	lan9118_get_mac(&lan, mac);
	rc = netif_add(st, &eth0, "eth0", mac, &lan9118_ops, &lan);
	if (rc < 0) {
		return rc;
	}
	netif_set_default(st, &eth0);
	netif_set_up(&eth0, true);
	netif_set_link(&eth0, true);
	return dhcp_start(st, &eth0, &dhcp, dhcp_event, NULL);
}

int board_net_start(void)
{
	int rc = lan9118_probe(&lan, LAN9118_QEMU_MPS2_BASE, LAN9118_QEMU_MPS2_IRQ, NULL);

	if (rc < 0) {
		os_printf("net: no LAN9118 (error %d)\n", rc);
		return rc;
	}
	rc = net_task_start(&stack);
	if (rc == 0) {
		rc = net_call(bringup, NULL);
	}
	if (rc < 0) {
		os_printf("net: eth0 bring-up failed: error %d\n", rc);
		return rc;
	}
	os_printf("net: eth0 LAN9118, link up, DHCP discovering...\n");
	return 0;
}
