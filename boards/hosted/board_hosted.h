/*
 * Hosted board internals: the hook where services (network, MCTP links,
 * apps) are started once the kernel runs. Each subsystem adds its start-up
 * in services_host.c.
 */
#ifndef KESTREL_BOARD_HOSTED_H
#define KESTREL_BOARD_HOSTED_H

#include <stdbool.h>

/* Starts the board's services from the init task (kernel running). */
void hosted_services_start(void);

void hosted_set_quiet(bool quiet);
bool hosted_quiet(void);

#endif
