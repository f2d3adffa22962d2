/*
 * Services of the hosted board, started by the init task. Subsystems
 * (network stack, MCTP links, device apps) are added here as they land.
 */
#include <kestrel/os/console.h>

#include "board_hosted.h"

static bool quiet_boot;

void hosted_set_quiet(bool quiet)
{
	quiet_boot = quiet;
}

bool hosted_quiet(void)
{
	return quiet_boot;
}

void hosted_services_start(void)
{
}
