/*
 * Network services of qemu-mps2-an385, started once eth0 is up. Each
 * service is linked only when its library exists in this build.
 */
#include "board.h"

#ifdef KESTREL_HAVE_INETD
#include <kestrel/apps/inetd.h>
#endif

void board_services_start(void)
{
#ifdef KESTREL_HAVE_INETD
	(void)inetd_start();
#endif
}
