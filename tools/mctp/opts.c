/*
 * kestrel-mctp command-line parsing: global options, then a command with
 * its own options. Kept apart from the I/O so the unit tests can run it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "kmctp.h"

void kmctp_usage(FILE *f)
{
	fprintf(f,
		"Usage: kestrel-mctp [--serial PTY | --usb SOCKPATH] [OPTION]... COMMAND [ARG]...\n"
		"Talk to a Kestrel MCTP endpoint as its bus owner (EID %d).\n"
		"\n"
		"Link (default: $KESTREL_MCTP_SERIAL, then $KESTREL_MCTP_USB):\n"
		"  --serial PTY       DSP0253 serial binding on a pty / tty (raw mode)\n"
		"  --usb SOCKPATH     DSP0283 USB binding over the device's SOCK_SEQPACKET socket\n"
		"Options:\n"
		"  --pcap FILE        write the link traffic as a Linux cooked capture\n"
		"                     (LINKTYPE_LINUX_SLL, protocol 0x00FA)\n"
		"  --eid N            talk to EID N (default: ask the device with Get EID at EID 0)\n"
		"  --assign N         EID that setup assigns when the device has none (default %d)\n"
		"  --mtu N            packet payload this side sends (default 64 serial, 247 USB)\n"
		"  --timeout MS       per-request timeout (default 250 control, 5000 others)\n"
		"  --tries N          control request attempts (default 4)\n"
		"  -v, --verbose      print each step\n"
		"  -h, --help         print this help\n"
		"\n"
		"Commands:\n"
		"  setup              mctpd's SetupEndpoint: Get EID at 0, Set EID if needed, Get\n"
		"                     Message Types, Get VDM Support until FF, Get UUID\n"
		"  info               EID, versions, message types, vendor messages, UUID\n"
		"  echo [-n N] [-s SIZE|random] [--seed S]\n"
		"                     vendor echo (cc de f0); checks every byte; prints round\n"
		"                     trips/s and latency. random: sizes up to 64 KiB\n"
		"  bench [-s SIZE] [-n COUNT] [-t SECONDS]\n"
		"                     ask the device to stream bench data (cc de f1); prints\n"
		"                     'Throughput: X kB/s' every 2 s and sequence gaps\n"
		"  nvme-mi subsys | health [--clear] | ctrl-health | config-get [tu|freq] |\n"
		"          identify | smart | raw HEX...\n"
		"                     NVMe-MI 1.2 requests with decoded responses\n",
		KMCTP_OWN_EID, KMCTP_DEFAULT_EID);
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int kmctp_parse_size(const char *s, long min, long max, long *out)
{
	char buf[32];
	size_t n = strlen(s);
	long mul = 1;

	if (n == 0 || n >= sizeof(buf)) {
		return -EINVAL;
	}
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == 'k' || buf[n - 1] == 'K') {
		mul = 1024;
		buf[n - 1] = '\0';
	}
	if (parse_int(buf, 0, max / mul, out) < 0) {
		return -EINVAL;
	}
	*out *= mul;
	return *out < min ? -EINVAL : 0;
}

static int opt_num(const char *name, const char *arg, long min, long max, int *out, FILE *err)
{
	long v;

	if (parse_int(arg, min, max, &v) < 0) {
		fprintf(err, "kestrel-mctp: %s takes %ld..%ld, not '%s'\n", name, min, max, arg);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

static int parse_one(int c, const char *arg, struct kmctp_opts *o, FILE *err)
{
	switch (c) {
	case 's':
		o->serial = arg;
		return 0;
	case 'u':
		o->usb = arg;
		return 0;
	case 'p':
		o->pcap = arg;
		return 0;
	case 'e':
		return opt_num("--eid", arg, 8, 254, &o->eid, err);
	case 'a':
		return opt_num("--assign", arg, 9, 254, &o->assign, err);
	case 'm':
		return opt_num("--mtu", arg, 64, 251, &o->mtu, err);
	case 't':
		return opt_num("--timeout", arg, 1, 600000, &o->timeout_ms, err);
	case 'n':
		return opt_num("--tries", arg, 1, 100, &o->tries, err);
	case 'v':
		o->verbose = true;
		return 0;
	default:
		kmctp_usage(err);
		return -EINVAL;
	}
}

int kmctp_parse_opts(int argc, char **argv, struct kmctp_opts *o, FILE *err)
{
	static const struct option lo[] = {
		{"serial", required_argument, NULL, 's'},
		{"usb", required_argument, NULL, 'u'},
		{"pcap", required_argument, NULL, 'p'},
		{"eid", required_argument, NULL, 'e'},
		{"assign", required_argument, NULL, 'a'},
		{"mtu", required_argument, NULL, 'm'},
		{"timeout", required_argument, NULL, 't'},
		{"tries", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->assign = KMCTP_DEFAULT_EID;
	o->tries = 4;
	optind = 0; /* full reset: the tests parse several command lines */
	opterr = 0;
	/* "+": stop at the command, its options are its own */
	while ((c = getopt_long(argc, argv, "+vh", lo, NULL)) != -1) {
		if (c == 'h') {
			kmctp_usage(stdout);
			return 1;
		}
		if (parse_one(c, optarg, o, err) < 0) {
			return -EINVAL;
		}
	}
	if (o->serial != NULL && o->usb != NULL) {
		fprintf(err, "kestrel-mctp: give --serial or --usb, not both\n");
		return -EINVAL;
	}
	if (optind >= argc) {
		fprintf(err, "kestrel-mctp: no command (try --help)\n");
		return -EINVAL;
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	return 0;
}

int kmctp_parse_echo(int argc, char **argv, struct kmctp_echo_args *a, FILE *err)
{
	a->count = 1;
	a->size = 1;
	a->seed = 1;
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long s;

		if (v != NULL && strcmp(argv[i], "-n") == 0 &&
		    parse_int(v, 1, 100000000, &s) == 0) {
			a->count = s;
		} else if (v != NULL && strcmp(argv[i], "-s") == 0 && strcmp(v, "random") == 0) {
			a->size = -1;
		} else if (v != NULL && strcmp(argv[i], "-s") == 0 &&
			   kmctp_parse_size(v, 0, CONFIG_MCTP_MAX_MSG - 4, &s) == 0) {
			a->size = s;
		} else if (v != NULL && strcmp(argv[i], "--seed") == 0 &&
			   parse_int(v, 0, 0x7FFFFFFF, &s) == 0) {
			a->seed = (unsigned)s;
		} else {
			fprintf(err,
				"usage: echo [-n 1..100000000] [-s 0..%d|random] [--seed S] "
				"(bad '%s')\n",
				CONFIG_MCTP_MAX_MSG - 4, argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int kmctp_parse_bench(int argc, char **argv, struct kmctp_bench_args *a, FILE *err)
{
	bool have_n = false, have_t = false;

	a->size = 100;
	a->count = 0;
	a->seconds = 5;
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long s;

		if (v != NULL && strcmp(argv[i], "-s") == 0 &&
		    kmctp_parse_size(
			    v, 9, CONFIG_MCTP_MAX_MSG - 2 < 65535 ? CONFIG_MCTP_MAX_MSG - 2 : 65535,
			    &s) == 0) {
			a->size = s;
		} else if (v != NULL && strcmp(argv[i], "-n") == 0 &&
			   parse_int(v, 1, 0x7FFFFFFF, &s) == 0) {
			a->count = (uint64_t)s;
			have_n = true;
		} else if (v != NULL && strcmp(argv[i], "-t") == 0 &&
			   parse_int(v, 1, 3600, &s) == 0) {
			a->seconds = s;
			have_t = true;
		} else {
			fprintf(err,
				"usage: bench [-s 9..65534] [-n COUNT] [-t SECONDS] (bad '%s')\n",
				argv[i]);
			return -EINVAL;
		}
	}
	if (have_n && !have_t) {
		a->seconds = 0; /* until COUNT arrived (or 10 s of silence) */
	}
	return 0;
}
