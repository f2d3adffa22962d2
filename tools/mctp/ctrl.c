/*
 * kestrel-mctp control commands: the mctpd SetupEndpoint sequence
 * (reference §6: Get EID at EID 0, Set EID when the device has none, Get
 * Message Type Support, Get VDM Support selectors until 0xFF, Get UUID;
 * 250 ms per request, 4 tries, instance ID incremented per request) and
 * `info`, which adds the version queries.
 */
#include <errno.h>
#include <string.h>

#include <kestrel/mctp/control.h>

#include "kmctp.h"

static uint8_t next_iid;

const char *kmctp_type_name(uint8_t type)
{
	switch (type & MCTP_MSG_TYPE_MASK) {
	case MCTP_TYPE_CONTROL:
		return "MCTP control";
	case MCTP_TYPE_PLDM:
		return "PLDM";
	case MCTP_TYPE_NCSI:
		return "NC-SI";
	case MCTP_TYPE_ETHERNET:
		return "Ethernet";
	case MCTP_TYPE_NVME_MI:
		return "NVMe-MI";
	case MCTP_TYPE_SPDM:
		return "SPDM";
	case MCTP_TYPE_SECURED:
		return "secured messages";
	case MCTP_TYPE_VENDOR_PCI:
		return "vendor defined (PCI)";
	case MCTP_TYPE_VENDOR_IANA:
		return "vendor defined (IANA)";
	default:
		return "unknown";
	}
}

int kmctp_ctrl(struct kmctp *k, uint8_t dest, uint8_t cmd, const uint8_t *data, size_t dlen,
	       uint8_t *resp, size_t cap, const uint8_t **body, size_t *blen)
{
	uint8_t req[64];
	uint8_t iid = (uint8_t)(next_iid++ & MCTP_CTRL_IID_MASK);
	int timeout = k->opts->timeout_ms ? k->opts->timeout_ms : 250;
	int n = mctp_ctrl_encode_req(req, sizeof(req), iid, cmd, data, dlen);

	if (n < 0) {
		return n;
	}
	n = kmctp_request(k, dest, req, (size_t)n, resp, cap, timeout, k->opts->tries);
	if (n < 0) {
		return n;
	}
	return mctp_ctrl_decode_resp(resp, (size_t)n, iid, cmd, body, blen);
}

static void fmt_uuid(const uint8_t *u, char *out)
{
	static const char hx[] = "0123456789abcdef";
	int o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			out[o++] = '-';
		}
		out[o++] = hx[u[i] >> 4];
		out[o++] = hx[u[i] & 15];
	}
	out[o] = '\0';
}

static int setup_eid(struct kmctp *k, uint8_t assign, struct kmctp_ep_info *info)
{
	uint8_t resp[64], req[2] = {MCTP_SET_EID_OP_SET, assign};
	const uint8_t *b;
	size_t bl;
	struct mctp_ctrl_eid_info ei;
	struct mctp_ctrl_set_eid_result sr;
	int cc = kmctp_ctrl(k, 0, MCTP_CTRL_GET_EID, NULL, 0, resp, sizeof(resp), &b, &bl);

	if (cc < 0 || cc != MCTP_CC_SUCCESS || mctp_ctrl_parse_get_eid(b, bl, &ei) < 0) {
		return cc < 0 ? cc : -EPROTO;
	}
	info->eid = ei.eid;
	info->eid_type = ei.type;
	if (ei.eid != 0 && (ei.type & 0x30) == MCTP_EID_TYPE_SIMPLE) {
		return 0; /* adopted as is, like mctpd */
	}
	cc = kmctp_ctrl(k, 0, MCTP_CTRL_SET_EID, req, sizeof(req), resp, sizeof(resp), &b, &bl);
	if (cc < 0 || cc != MCTP_CC_SUCCESS || mctp_ctrl_parse_set_eid(b, bl, &sr) < 0) {
		return cc < 0 ? cc : -EPROTO;
	}
	if (sr.eid < MCTP_EID_FIRST || sr.eid > MCTP_EID_LAST) {
		return -EPROTO;
	}
	info->eid = sr.eid; /* "rejected" with a valid EID is learned too */
	return 1;
}

static void setup_vdm(struct kmctp *k, struct kmctp_ep_info *info)
{
	uint8_t resp[64], sel = 0;
	const uint8_t *b;
	size_t bl;

	/* bounded: at most 8 entries kept, at most 255 selectors asked */
	for (int guard = 0; guard < 255; guard++) {
		struct mctp_ctrl_vdm_info v;
		int cc = kmctp_ctrl(k, info->eid, MCTP_CTRL_GET_VDM_SUPPORT, &sel, 1, resp,
				    sizeof(resp), &b, &bl);

		if (cc != MCTP_CC_SUCCESS || mctp_ctrl_parse_vdm(b, bl, &v) < 0) {
			return;
		}
		if (info->n_vdm < 8) {
			info->vdm[info->n_vdm].format = v.format;
			info->vdm[info->n_vdm].vid = v.vendor_id;
			info->vdm[info->n_vdm].cmd_set = v.cmd_set;
			info->n_vdm++;
		}
		if (v.next == MCTP_VDM_SELECTOR_END || v.next != (uint8_t)(sel + 1)) {
			return;
		}
		sel = v.next;
	}
}

int kmctp_setup(struct kmctp *k, uint8_t assign, struct kmctp_ep_info *info)
{
	uint8_t resp[64];
	const uint8_t *b;
	size_t bl;
	int rc, cc;

	memset(info, 0, sizeof(*info));
	rc = setup_eid(k, assign, info);
	if (rc < 0) {
		return rc;
	}
	cc = kmctp_ctrl(k, info->eid, MCTP_CTRL_GET_MSG_TYPES, NULL, 0, resp, sizeof(resp), &b,
			&bl);
	if (cc < 0) {
		return cc;
	}
	if (cc == MCTP_CC_SUCCESS) {
		info->n_types = mctp_ctrl_parse_msg_types(b, bl, info->types, sizeof(info->types));
		if (info->n_types < 0) {
			return -EPROTO;
		}
	}
	for (int i = 0; i < info->n_types && i < (int)sizeof(info->types); i++) {
		if (info->types[i] == MCTP_TYPE_VENDOR_PCI ||
		    info->types[i] == MCTP_TYPE_VENDOR_IANA) {
			setup_vdm(k, info);
			break;
		}
	}
	cc = kmctp_ctrl(k, info->eid, MCTP_CTRL_GET_UUID, NULL, 0, resp, sizeof(resp), &b, &bl);
	if (cc == MCTP_CC_SUCCESS && mctp_ctrl_parse_uuid(b, bl, info->uuid) == 0) {
		info->has_uuid = true;
	} else {
		fprintf(stderr, "kestrel-mctp: warning: EID %u has no UUID\n", info->eid);
	}
	return rc;
}

int kmctp_target(struct kmctp *k)
{
	struct kmctp_ep_info info;
	int rc;

	if (k->opts->eid != 0) {
		return k->opts->eid;
	}
	memset(&info, 0, sizeof(info));
	rc = setup_eid(k, (uint8_t)k->opts->assign, &info);
	if (rc < 0) {
		fprintf(stderr, "kestrel-mctp: no answer to Get Endpoint ID: %s\n", strerror(-rc));
		return rc;
	}
	return info.eid;
}

static void print_info(const struct kmctp_ep_info *info, int assigned)
{
	char u[40];

	printf("eid: %u (%s)\n", info->eid, assigned ? "assigned now" : "already set");
	printf("message types:");
	for (int i = 0; i < info->n_types && i < (int)sizeof(info->types); i++) {
		printf(" 0x%02x", info->types[i]);
	}
	printf("\n");
	for (int i = 0; i < info->n_types && i < (int)sizeof(info->types); i++) {
		printf("  0x%02x %s\n", info->types[i], kmctp_type_name(info->types[i]));
	}
	for (int i = 0; i < info->n_vdm; i++) {
		printf("vendor message set %d: %s 0x%04x, command set 0x%04x\n", i,
		       info->vdm[i].format == MCTP_VDM_FORMAT_PCI ? "PCI" : "IANA",
		       (unsigned)info->vdm[i].vid, info->vdm[i].cmd_set);
	}
	if (info->has_uuid) {
		fmt_uuid(info->uuid, u);
		printf("uuid: %s\n", u);
	} else {
		printf("uuid: none\n");
	}
}

int kmctp_cmd_setup(struct kmctp *k, int argc, char **argv)
{
	struct kmctp_ep_info info;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: setup\n");
		return -EINVAL;
	}
	rc = kmctp_setup(k, (uint8_t)k->opts->assign, &info);
	if (rc < 0) {
		fprintf(stderr, "kestrel-mctp: setup failed: %s\n", strerror(-rc));
		return rc;
	}
	print_info(&info, rc);
	return 0;
}

static void print_versions(struct kmctp *k, uint8_t eid, uint8_t type)
{
	uint8_t resp[128];
	const uint8_t *b;
	size_t bl;
	uint32_t v[16];
	int cc = kmctp_ctrl(k, eid, MCTP_CTRL_GET_VERSION, &type, 1, resp, sizeof(resp), &b, &bl);
	int n;

	printf("versions of %s:", type == 0xFF ? "the base spec" : kmctp_type_name(type));
	if (cc != MCTP_CC_SUCCESS || (n = mctp_ctrl_parse_version(b, bl, v, 16)) < 0) {
		printf(" not supported (cc %d)\n", cc);
		return;
	}
	for (int i = 0; i < n && i < 16; i++) {
		printf(" %x.%x", (v[i] >> 24) & 0xF, (v[i] >> 16) & 0xF);
		if (((v[i] >> 8) & 0xFF) != 0xFF) {
			printf(".%x", (v[i] >> 8) & 0xF);
		}
	}
	printf("\n");
}

int kmctp_cmd_info(struct kmctp *k, int argc, char **argv)
{
	struct kmctp_ep_info info;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: info\n");
		return -EINVAL;
	}
	rc = kmctp_setup(k, (uint8_t)k->opts->assign, &info);
	if (rc < 0) {
		fprintf(stderr, "kestrel-mctp: no answer: %s\n", strerror(-rc));
		return rc;
	}
	print_info(&info, rc);
	printf("eid type: 0x%02x (%s, %s)\n", info.eid_type,
	       (info.eid_type & 0x30) ? "bus owner/bridge" : "simple endpoint",
	       (info.eid_type & 3) == 0 ? "dynamic" : "static");
	print_versions(k, info.eid, 0xFF);
	print_versions(k, info.eid, MCTP_TYPE_CONTROL);
	for (int i = 0; i < info.n_types && i < (int)sizeof(info.types); i++) {
		if (info.types[i] != MCTP_TYPE_CONTROL) {
			print_versions(k, info.eid, info.types[i]);
		}
	}
	return 0;
}
