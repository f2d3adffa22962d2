/*
 * Network services of the hosted device, started after the network
 * (HOSTED_SERVICE order 30). Each app is compiled in only when its library
 * is part of the build (KESTREL_HAVE_* from boards/hosted/CMakeLists.txt).
 */
#include <kestrel/os/console.h>

#include "board_hosted.h"

#ifdef KESTREL_HAVE_INETD
#include <kestrel/apps/inetd.h>
#endif

static void apps_start(void)
{
#ifdef KESTREL_HAVE_INETD
	if (inetd_start() == 0 && !hosted_quiet()) {
		os_printf("inetd: echo, discard, chargen on tcp+udp 7, 9, 19\n");
	}
#endif
}
HOSTED_SERVICE(apps, 30, apps_start);
