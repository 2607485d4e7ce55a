// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_duplicates.h"

#include <collections/array.h>
#include <daemon.h>
#include <processing/jobs/callback_job.h>

#include "vtigw_core.h"

/** An established IKEv2 SA of the tunnel being checked. */
typedef struct {
	uint32_t unique_id;
	uint64_t spi_i, spi_r;
} candidate_t;

static bool preferred(const candidate_t *a, const candidate_t *b)
{
	return vtigw_ike_sa_preferred(a->spi_i, a->spi_r, b->spi_i, b->spi_r);
}

/**
 * Collects the tunnel's established IKEv2 SAs (deleting ones are not duplicates). Returns NULL
 * while one of them is being rekeyed: old and new are both established for a moment, and the
 * rekey schedules a check of its own.
 */
static array_t *established(const char *tunnel)
{
	enumerator_t *enumerator;
	ike_sa_t *ike_sa;
	ike_sa_id_t *id;
	array_t *out = array_create(sizeof(candidate_t), 0);
	candidate_t c;

	enumerator = charon->controller->create_ike_sa_enumerator(charon->controller, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		if (!vtigw_core_matches(ike_sa, tunnel) || ike_sa->get_version(ike_sa) != IKEV2)
		{
			continue;
		}
		if (ike_sa->get_state(ike_sa) == IKE_REKEYING ||
			ike_sa->get_state(ike_sa) == IKE_REKEYED)
		{
			array_destroy(out);
			out = NULL;
			break;
		}
		if (ike_sa->get_state(ike_sa) != IKE_ESTABLISHED)
		{
			continue;
		}
		id = ike_sa->get_id(ike_sa);
		c = (candidate_t){
			.unique_id = ike_sa->get_unique_id(ike_sa),
			.spi_i = be64toh(id->get_initiator_spi(id)),
			.spi_r = be64toh(id->get_responder_spi(id)),
		};
		array_insert(out, ARRAY_TAIL, &c);
	}
	enumerator->destroy(enumerator);
	return out;
}

static job_requeue_t check(char *tunnel)
{
	array_t *sas = established(tunnel);
	candidate_t keep, c;
	int i;

	if (!sas)
	{
		DBG1(DBG_IKE, "vtigw: tunnel %s is rekeying its IKE_SA; duplicates are checked after",
			 tunnel);
		return JOB_REQUEUE_NONE;
	}
	if (array_count(sas) > 1)
	{
		array_get(sas, 0, &keep);
		for (i = 1; i < array_count(sas); i++)
		{
			array_get(sas, i, &c);
			if (preferred(&c, &keep))
			{
				keep = c;
			}
		}
		DBG0(DBG_IKE, "vtigw: tunnel %s has %d IKE_SAs (both peers initiated); keeping "
			 "IKE_SA #%u (SPIs %.16llx_i %.16llx_r), the same one its peer keeps",
			 tunnel, array_count(sas), keep.unique_id, (unsigned long long)keep.spi_i,
			 (unsigned long long)keep.spi_r);
		/* the enumeration is over: terminating from inside it would wait for ourselves */
		while (array_remove(sas, ARRAY_HEAD, &c))
		{
			if (c.unique_id != keep.unique_id)
			{
				DBG0(DBG_IKE, "vtigw: tunnel %s: deleting duplicate IKE_SA #%u (SPIs %.16llx_i "
					 "%.16llx_r)", tunnel, c.unique_id, (unsigned long long)c.spi_i,
					 (unsigned long long)c.spi_r);
				charon->controller->terminate_ike(charon->controller, c.unique_id, FALSE,
												  NULL, NULL, 0);
			}
		}
	}
	array_destroy(sas);
	return JOB_REQUEUE_NONE;
}

void vtigw_duplicates_schedule(const char *tunnel, unsigned delay_s)
{
	lib->scheduler->schedule_job(lib->scheduler,
		(job_t*)callback_job_create((callback_job_cb_t)check, strdup(tunnel), free, NULL),
		delay_s);
}
