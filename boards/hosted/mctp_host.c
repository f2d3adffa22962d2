/*
 * MCTP on the hosted device: command-line options and start-up.
 *
 *   --mctp-serial PATH    the DSP0253 link on a pty is on by default; this
 *                         also makes a symlink to the pty slave at PATH
 *   --no-mctp-serial      no serial link
 *   --mctp-usb PATH       DSP0283 link: SOCK_SEQPACKET socket listening at PATH
 *   --mctp-eid N          static EID (default: dynamic, assigned by the bus owner)
 *   --mctp-secret FILE    provisioned device secret for the persistent UUID
 *
 * UUID = first 16 bytes of HMAC-SHA256(secret, "kestrel-mctp-uuid") with the
 * RFC 4122 version (4) and variant (10b) bits set, so the same secret always
 * gives the same UUID. Without --mctp-secret the secret is derived from
 * /etc/machine-id (with a warning: every device on this host then shares
 * it). The NVMe serial number is the first 12 hex digits of the UUID, as
 * usbnvme uses for its USB serial number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/lib/sha256.h>
#include <kestrel/mctp/host/link.h>
#include <kestrel/mctp/task.h>
#include <kestrel/os/console.h>
#include <kestrel/os/kernel.h>

#include "board_hosted.h"

#define SECRET_MAX 4096

/* boot-log lines; --quiet silences them (errors are always printed) */
#define mctp_info(...)                          \
	do {                                    \
		if (!hosted_quiet()) {          \
			os_printf(__VA_ARGS__); \
		}                               \
	} while (0)

static struct {
	bool serial;
	const char *serial_link;
	const char *usb_path;
	int eid;
	const char *secret_file;
} opt = {.serial = true};

static struct mctp_pty pty;
static struct mctp_usbsock usb;
static char sn[16];

static int opt_serial(const char *arg)
{
	opt.serial = true;
	opt.serial_link = (arg != NULL && arg[0] != '\0') ? arg : NULL;
	return 0;
}

static int opt_no_serial(const char *arg)
{
	(void)arg;
	opt.serial = false;
	return 0;
}

static int opt_usb(const char *arg)
{
	opt.usb_path = arg;
	return 0;
}

static int opt_eid(const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 0);

	if (*end != '\0' || v < MCTP_EID_FIRST || v > MCTP_EID_LAST) {
		fprintf(stderr, "kestrel: --mctp-eid takes 8..254, not '%s'\n", arg);
		return 1;
	}
	opt.eid = (int)v;
	return 0;
}

static int opt_secret(const char *arg)
{
	opt.secret_file = arg;
	return 0;
}

/*
 * HOSTED_OPTION() names the option after its C identifier, which cannot hold
 * the '-' of "--mctp-usb"; this is the same registration with an explicit name.
 */
#define MCTP_OPTION(id, name_, usage_, help_, has_arg_, handler_)                          \
	static const struct hosted_option hosted_opt_##id                                  \
		__attribute__((used, section("hosted_opts"), aligned(sizeof(void *)))) = { \
			name_, usage_, help_, has_arg_, handler_}

MCTP_OPTION(mctp_serial, "mctp-serial", "--mctp-serial PATH",
	    "MCTP serial link (DSP0253) on a pty (on by default);\n"
	    "also make a symlink to the pty at PATH",
	    1, opt_serial);
MCTP_OPTION(no_mctp_serial, "no-mctp-serial", "--no-mctp-serial", "no MCTP serial link", 0,
	    opt_no_serial);
MCTP_OPTION(mctp_usb, "mctp-usb", "--mctp-usb PATH",
	    "MCTP-over-USB link (DSP0283): a SOCK_SEQPACKET socket at PATH,\n"
	    "one message per bulk transfer",
	    1, opt_usb);
MCTP_OPTION(mctp_eid, "mctp-eid", "--mctp-eid N", "static MCTP EID 8..254 (default: dynamic)", 1,
	    opt_eid);
MCTP_OPTION(mctp_secret, "mctp-secret", "--mctp-secret FILE",
	    "device secret for the persistent UUID (default: from /etc/machine-id)", 1, opt_secret);

static long read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		return -errno;
	}
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

/* Fills cfg->uuid from the secret; false when there is no secret at all. */
static bool mctp_host_uuid(uint8_t uuid[MCTP_UUID_SIZE])
{
	static uint8_t secret[SECRET_MAX];
	static const char label[] = "kestrel-mctp-uuid";
	uint8_t mac[SHA256_DIGEST_SIZE];
	long n;

	if (opt.secret_file != NULL) {
		n = read_file(opt.secret_file, secret, sizeof(secret));
		if (n <= 0) {
			fprintf(stderr, "mctp: cannot read secret %s: %s\n", opt.secret_file,
				n < 0 ? strerror((int)-n) : "empty file");
			return false;
		}
	} else {
		n = read_file("/etc/machine-id", secret, sizeof(secret));
		if (n <= 0) {
			os_printf(
				"mctp: warning: no --mctp-secret and no /etc/machine-id: no UUID\n");
			return false;
		}
		mctp_info("mctp: warning: no --mctp-secret; UUID derived from /etc/machine-id\n");
	}
	hmac_sha256(secret, (size_t)n, label, sizeof(label) - 1, mac);
	memcpy(uuid, mac, MCTP_UUID_SIZE);
	uuid[6] = (uint8_t)((uuid[6] & 0x0F) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	return true;
}

static void mctp_host_start_links(void)
{
	int rc;

	if (opt.serial) {
		rc = mctp_pty_open(&pty, opt.serial_link);
		if (rc == 0) {
			rc = mctp_task_add_link(MCTP_LINK_SERIAL, MCTP_BTU, &mctp_pty_ops, &pty,
						pty.path);
		}
		if (rc >= 0) {
			rc = mctp_pty_start(&pty, mctp_task_notify_isr);
		}
		if (rc < 0) {
			os_printf("mctp: serial link failed: %s\n", strerror(-rc));
		} else {
			mctp_info("mctp: serial link on %s (DSP0253, MTU %d)%s%s\n", pty.path,
				  MCTP_BTU, opt.serial_link ? ", symlink " : "",
				  opt.serial_link ? opt.serial_link : "");
		}
	}
	if (opt.usb_path != NULL) {
		rc = mctp_usbsock_open(&usb, opt.usb_path);
		if (rc == 0) {
			rc = mctp_task_add_link(MCTP_LINK_USB, MCTP_USB_MAX_PAYLOAD,
						&mctp_usbsock_ops, &usb, usb.path);
		}
		if (rc >= 0) {
			rc = mctp_usbsock_start(&usb, mctp_task_notify_isr);
		}
		if (rc < 0) {
			os_printf("mctp: usb link failed: %s\n", strerror(-rc));
		} else {
			mctp_info("mctp: usb link on %s (DSP0283, MTU %d)\n", usb.path,
				  MCTP_USB_MAX_PAYLOAD);
		}
	}
}

static void mctp_host_start(void)
{
	struct mctp_glue_config cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.static_eid = (uint8_t)opt.eid;
	cfg.has_uuid = mctp_host_uuid(cfg.uuid);
	if (cfg.has_uuid) {
		snprintf(sn, sizeof(sn), "%02x%02x%02x%02x%02x%02x", cfg.uuid[0], cfg.uuid[1],
			 cfg.uuid[2], cfg.uuid[3], cfg.uuid[4], cfg.uuid[5]);
		cfg.serial_number = sn;
	}
	rc = mctp_task_init(&cfg);
	if (rc < 0) {
		os_printf("mctp: init failed: %s\n", strerror(-rc));
		return;
	}
	if (cfg.has_uuid) {
		const uint8_t *u = cfg.uuid;

		mctp_info("mctp: device %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			  "%02x%02x%02x%02x%02x%02x, EID %s%d\n",
			  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			  u[12], u[13], u[14], u[15], opt.eid ? "" : "dynamic, now ", opt.eid);
	}
	mctp_host_start_links();
	rc = mctp_task_start();
	if (rc < 0) {
		os_printf("mctp: task failed: %s\n", strerror(-rc));
	}
}

HOSTED_SERVICE(mctp, 20, mctp_host_start);
