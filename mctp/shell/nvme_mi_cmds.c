/*
 * Shell command `nvme-mi`: shows the simulated NVM subsystem behind the
 * NVMe-MI responder and changes its health state (privileged), so a bus
 * owner's next health poll reports the change:
 *
 *   nvme-mi                 model, health, MI counters
 *   nvme-mi temp KELVIN     composite temperature (sets CCS CTEMP, and the
 *                           temperature warning above the threshold)
 *   nvme-mi spare PCT       available spare (warning below the threshold)
 *   nvme-mi used PCT        percentage used
 *
 * Changes run inside the MCTP task (mctp_task_call), like every access.
 */
#include <stdlib.h>
#include <string.h>

#include <kestrel/errno.h>
#include <kestrel/mctp/task.h>
#include <kestrel/os/shell.h>

struct nvme_snap {
	struct nvme_model m;
	struct nvme_mi_stats st;
};

struct nvme_set {
	char what; /* 't' temp, 's' spare, 'u' used */
	unsigned long value;
};

static int nvme_take_snap(struct mctp_glue *g, void *arg)
{
	struct nvme_snap *s = arg;

	s->m = g->model;
	s->st = g->nvme.stats;
	return 0;
}

static int nvme_apply(struct mctp_glue *g, void *arg)
{
	const struct nvme_set *set = arg;

	switch (set->what) {
	case 't':
		nvme_model_set_temp(&g->model, (uint16_t)set->value);
		break;
	case 's':
		nvme_model_set_spare(&g->model, (uint8_t)set->value);
		break;
	default:
		nvme_model_set_pct_used(&g->model, (uint8_t)set->value);
		break;
	}
	return 0;
}

static void nvme_print(struct shell *sh, const struct nvme_snap *s)
{
	const struct nvme_model *m = &s->m;

	shell_printf(sh, "model:  %s\nserial: %s\nfw:     %s\n", m->mn, m->sn, m->fr);
	shell_printf(sh, "pci:    vid %04x did %04x ssvid %04x ssid %04x, cntlid %u\n",
		     (unsigned)(m->vid), (unsigned)(m->did), (unsigned)(m->ssvid),
		     (unsigned)(m->ssid), (unsigned)(m->cntlid));
	shell_printf(sh, "temp:   %u K (%d C), threshold %u K\n", (unsigned)(m->temp_k),
		     (int)m->temp_k - 273, (unsigned)(m->temp_thresh_k));
	shell_printf(sh, "spare:  %u%% (threshold %u%%), used %u%%\n", (unsigned)(m->spare),
		     (unsigned)(m->spare_thresh), (unsigned)(m->pct_used));
	shell_printf(sh, "health: critical warning 0x%02x, changed status 0x%04x\n",
		     (unsigned)(m->cwarn), (unsigned)(m->ccs));
	shell_printf(sh, "power:  state %u, %u hours, %u cycles\n", (unsigned)(m->power_state),
		     (unsigned)m->power_on_hours, (unsigned)m->power_cycles);
	for (int i = 0; i < m->n_ns; i++) {
		shell_printf(sh, "ns %d:   %u blocks of %u B\n", i + 1, (unsigned)m->ns[i].nsze,
			     (unsigned)(1u << m->ns[i].lbads));
	}
	shell_printf(sh,
		     "mi:     rx %u tx %u errors %u, dropped: short %u no-ic %u bad-mic %u "
		     "ror %u\n",
		     (unsigned)(s->st.rx), (unsigned)(s->st.tx), (unsigned)(s->st.errors),
		     (unsigned)(s->st.drop_short), (unsigned)(s->st.drop_ic),
		     (unsigned)(s->st.drop_mic), (unsigned)(s->st.drop_ror));
}

static int nvme_parse_set(struct shell *sh, char **argv, struct nvme_set *set)
{
	char *end;
	unsigned long max;

	if (strcmp(argv[1], "temp") == 0) {
		set->what = 't';
		max = 0xFFFF;
	} else if (strcmp(argv[1], "spare") == 0) {
		set->what = 's';
		max = 100;
	} else if (strcmp(argv[1], "used") == 0) {
		set->what = 'u';
		max = 255;
	} else {
		return -EINVAL;
	}
	set->value = strtoul(argv[2], &end, 0);
	if (argv[2][0] == '\0' || *end != '\0' || set->value > max) {
		shell_printf(sh, "nvme-mi: %s takes 0..%lu\n", argv[1], max);
		return -EINVAL;
	}
	return 0;
}

static int cmd_nvme_mi(struct shell *sh, int argc, char **argv)
{
	static struct nvme_snap snap; /* off the shell stack */
	struct nvme_set set;
	int rc;

	if (argc == 1) {
		rc = mctp_task_call(nvme_take_snap, &snap);
		if (rc == 0) {
			nvme_print(sh, &snap);
		}
		return rc;
	}
	if (argc != 3 || nvme_parse_set(sh, argv, &set) < 0) {
		shell_printf(sh, "usage: nvme-mi [temp KELVIN | spare PCT | used PCT]\n");
		return -EINVAL;
	}
	if (!shell_is_privileged(sh)) {
		return -EACCES;
	}
	return mctp_task_call(nvme_apply, &set);
}

SHELL_CMD_NAMED(nvme_mi, "nvme-mi", cmd_nvme_mi,
		"NVMe-MI subsystem model: show it, or change its health\n"
		"usage: nvme-mi                show model, health and MI counters\n"
		"       nvme-mi temp KELVIN    set the composite temperature (e.g. 315)\n"
		"       nvme-mi spare PCT      set the available spare\n"
		"       nvme-mi used PCT       set the percentage used",
		0);
