/*
 * Hosted board plumbing shared by the boards/hosted sources.
 *
 * Subsystems extend the device from their own *_host.c file in this directory:
 *
 *   HOSTED_OPTION(name, "--net SPEC", "help text", has_arg, handler)
 *       adds a command-line option; handler(arg) runs while parsing (before
 *       the kernel starts) and returns 0 or prints an error and returns
 *       non-zero. Options appear in --help in link order.
 *   HOSTED_SERVICE(name, order, fn)
 *       fn() runs in the init task once the kernel runs, lowest order
 *       first (network 10, MCTP 20, apps 30...).
 *
 * Both register through linker sections, so adding a file to
 * boards/hosted/ is all it takes.
 */
#ifndef KESTREL_BOARD_HOSTED_H
#define KESTREL_BOARD_HOSTED_H

#include <stdbool.h>

struct hosted_option {
	const char *name;  /* long option, without "--" */
	const char *usage; /* e.g. "--net SPEC" */
	const char *help;  /* one or more lines, each indented by the help printer */
	int has_arg;	   /* 0 none, 1 required */
	int (*handler)(const char *arg);
};

struct hosted_service {
	const char *name;
	int order;
	void (*start)(void);
};

#define HOSTED_OPTION(id, usage_, help_, has_arg_, handler_)                               \
	static const struct hosted_option hosted_opt_##id                                  \
		__attribute__((used, section("hosted_opts"), aligned(sizeof(void *)))) = { \
			#id, usage_, help_, has_arg_, handler_}

#define HOSTED_SERVICE(id, order_, fn_)                                    \
	static const struct hosted_service hosted_svc_##id __attribute__(( \
		used, section("hosted_svcs"), aligned(sizeof(void *)))) = {#id, order_, fn_}

/* True when --quiet was given: services print no boot-log lines. */
bool hosted_quiet(void);

#endif
