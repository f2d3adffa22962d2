/*
 * kestrel-mctp: a host-side MCTP bus owner for Kestrel devices over the
 * hosted serial (pty) or USB (SOCK_SEQPACKET) bindings. Private header of
 * tools/mctp.
 *
 * The tool is an MCTP endpoint itself (EID 8), built from the same pure
 * libraries as the device: struct mctp_endpoint does fragmentation,
 * reassembly and tag/response matching, the serial and USB deframers and
 * framers carry packets, the control encoder/decoders build and check the
 * requests, and struct mctp_vendor receives bench data.
 */
#ifndef KMCTP_H
#define KMCTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kestrel/mctp/core.h>
#include <kestrel/mctp/serial.h>
#include <kestrel/mctp/usb.h>
#include <kestrel/mctp/vendor.h>

#define KMCTP_OWN_EID	  8
#define KMCTP_DEFAULT_EID 9 /* assigned by `setup` when the device has none */

/* ---- options (opts.c) ---- */

struct kmctp_opts {
	const char *serial; /* pty path */
	const char *usb;    /* socket path */
	const char *pcap;   /* capture file */
	int eid;	    /* target EID; 0 = find out with Get EID at EID 0 */
	int assign;	    /* EID `setup` assigns; default KMCTP_DEFAULT_EID */
	int mtu;	    /* 0 = link default (serial 64, USB 247) */
	int timeout_ms;	    /* per request; default 250 for control, 5000 for the rest */
	int tries;	    /* control request attempts, default 4 */
	bool verbose;
	int argc; /* the command and its arguments */
	char **argv;
};

/*
 * Parses the global options up to the command name.
 * @retval 0 parsed @retval 1 --help printed (exit 0) @retval -EINVAL error printed to err.
 */
int kmctp_parse_opts(int argc, char **argv, struct kmctp_opts *o, FILE *err);
void kmctp_usage(FILE *f);

struct kmctp_echo_args {
	long count;    /* -n, default 1 */
	long size;     /* -s bytes of payload after cc de f0; -1 = random */
	unsigned seed; /* --seed */
};
struct kmctp_bench_args {
	long size;	/* -s payload size (>= 9), default 100 */
	uint64_t count; /* -n, 0 = until -t */
	long seconds;	/* -t, default 5 when -n is absent */
};

/* Sub-command option parsers. @retval 0 @retval -EINVAL (message on err). */
int kmctp_parse_echo(int argc, char **argv, struct kmctp_echo_args *a, FILE *err);
int kmctp_parse_bench(int argc, char **argv, struct kmctp_bench_args *a, FILE *err);
/* Parses a number with an optional k/K (x1024) suffix. @retval -EINVAL. */
int kmctp_parse_size(const char *s, long min, long max, long *out);

/* ---- the link and the endpoint (link.c) ---- */

struct kmctp {
	struct mctp_endpoint ep;
	struct mctp_vendor vendor;
	int fd;
	bool usb;
	int link;
	int tag_phys; /* tag of an outstanding physically addressed request, or -1 */
	FILE *pcap;
	struct mctp_serial_rx srx;
	struct mctp_usb_tx utx;
	struct mctp_usb_stats ustats;
	size_t txlen;
	uint8_t txbuf[16384];
	uint8_t rxbuf[65536];
	const struct kmctp_opts *opts;
	bool bench_armed;	 /* reset the bench receiver when the next response arrives */
	uint64_t bench_start_us; /* when that happened */
};

/* Opens the link given in o (or $KESTREL_MCTP_SERIAL / $KESTREL_MCTP_USB). */
int kmctp_open(struct kmctp *k, const struct kmctp_opts *o);
void kmctp_close(struct kmctp *k);
uint32_t kmctp_now_ms(void);
uint64_t kmctp_now_us(void);
/* Reads and handles whatever arrives within timeout_ms (one poll). @retval 0 or -errno. */
int kmctp_pump(struct kmctp *k, int timeout_ms);
/* Writes out buffered frames / transfers. */
int kmctp_flush(struct kmctp *k);

/*
 * Sends request `msg` (type byte first) to `dest` and waits for the
 * response; dest 0 uses physical addressing (the answer may come from any
 * EID). `tries` attempts of timeout_ms each.
 * @retval response length (in resp) @retval -EAGAIN no response
 * @retval -EMSGSIZE response larger than cap.
 */
int kmctp_request(struct kmctp *k, uint8_t dest, const uint8_t *msg, size_t len, uint8_t *resp,
		  size_t cap, int timeout_ms, int tries);

/* ---- control (ctrl.c) ---- */

struct kmctp_ep_info {
	uint8_t eid, eid_type;
	uint8_t types[32];
	int n_types;
	bool has_uuid;
	uint8_t uuid[16];
	int n_vdm;
	struct {
		uint8_t format;
		uint32_t vid;
		uint16_t cmd_set;
	} vdm[8];
};

/* Control request/response with the control decoder. @retval cc; the data after it in body, blen. */
int kmctp_ctrl(struct kmctp *k, uint8_t dest, uint8_t cmd, const uint8_t *data, size_t dlen,
	       uint8_t *resp, size_t cap, const uint8_t **body, size_t *blen);
/* The mctpd SetupEndpoint sequence. @retval 0 (info filled) or -errno. */
int kmctp_setup(struct kmctp *k, uint8_t assign, struct kmctp_ep_info *info);
/* The EID to talk to: --eid, or Get EID at 0 (assigning one if the device has none). */
int kmctp_target(struct kmctp *k);
int kmctp_cmd_setup(struct kmctp *k, int argc, char **argv);
int kmctp_cmd_info(struct kmctp *k, int argc, char **argv);
const char *kmctp_type_name(uint8_t type);

/* ---- vendor (vendor_cmds.c) ---- */

int kmctp_cmd_echo(struct kmctp *k, int argc, char **argv);
int kmctp_cmd_bench(struct kmctp *k, int argc, char **argv);

/* ---- NVMe-MI (nvme.c) ---- */

int kmctp_cmd_nvme(struct kmctp *k, int argc, char **argv);

#endif /* KMCTP_H */
