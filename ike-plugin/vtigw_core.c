// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_core.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <unistd.h>

#include <collections/array.h>
#include <collections/hashtable.h>
#include <daemon.h>

#include "vtigw_bridge.h"
#include "vtigw_config.h"
#include "vtigw_creds.h"
#include "vtigw_listener.h"
#include "vtigw_traffic.h"

/** Events kept for the consumer before the oldest is dropped. */
#define EVENT_QUEUE_CAPACITY 4096

/** The registered objects; NULL while the feature is not registered. */
static struct {
	vtigw_config_t *config;
	vtigw_creds_t *creds;
	vtigw_listener_t *listener;
	vtigw_traffic_t *traffic;
} core;

bool vtigw_core_register(bool reg)
{
	if (reg)
	{
		core.config = vtigw_config_create();
		core.creds = vtigw_creds_create();
		core.traffic = vtigw_traffic_create();
		core.listener = vtigw_listener_create(core.config, EVENT_QUEUE_CAPACITY,
											  core.traffic);
		charon->backends->add_backend(charon->backends, &core.config->backend);
		charon->bus->add_listener(charon->bus, &core.listener->listener);
	}
	else if (core.config)
	{
		charon->bus->remove_listener(charon->bus, &core.listener->listener);
		charon->backends->remove_backend(charon->backends, &core.config->backend);
		core.listener->destroy(core.listener);
		core.creds->destroy(core.creds);
		core.config->destroy(core.config);
		vtigw_traffic_destroy(core.traffic);
		core.traffic = NULL;
		core.listener = NULL;
		core.creds = NULL;
		core.config = NULL;
	}
	return TRUE;
}

int vtigw_ike_set_tunnels(const vtigw_tunnel_t *tunnels, size_t count,
						  char *error, size_t error_len)
{
	linked_list_t *cfgs;
	peer_cfg_t *cfg;
	size_t i, j;
	int status;

	if (!core.config)
	{
		snprintf(error, error_len, "the vtigw plugin is not registered");
		return VTIGW_ERR_NOT_READY;
	}
	cfgs = linked_list_create();
	for (i = 0; i < count; i++)
	{
		for (j = 0; j < i; j++)
		{
			if (tunnels[i].name && tunnels[j].name &&
				streq(tunnels[i].name, tunnels[j].name))
			{
				snprintf(error, error_len, "tunnel %s: duplicate name",
						 tunnels[i].name);
				cfgs->destroy_offset(cfgs, offsetof(peer_cfg_t, destroy));
				return VTIGW_ERR_INVALID;
			}
		}
		cfg = vtigw_config_build(&tunnels[i], error, error_len);
		if (!cfg)
		{
			cfgs->destroy_offset(cfgs, offsetof(peer_cfg_t, destroy));
			return VTIGW_ERR_INVALID;
		}
		cfgs->insert_last(cfgs, cfg);
	}
	status = core.creds->replace(core.creds, tunnels, count, error, error_len);
	if (status != VTIGW_OK)
	{
		cfgs->destroy_offset(cfgs, offsetof(peer_cfg_t, destroy));
		return status;
	}
	core.config->replace(core.config, cfgs);
	DBG1(DBG_CFG, "vtigw: serving %zu tunnel%s", count, count == 1 ? "" : "s");
	return VTIGW_OK;
}

int vtigw_ike_initiate(const char *tunnel)
{
	peer_cfg_t *peer;
	child_cfg_t *child = NULL;
	enumerator_t *enumerator;

	if (!core.config)
	{
		return VTIGW_ERR_NOT_READY;
	}
	peer = core.config->backend.get_peer_cfg_by_name(&core.config->backend,
													 (char*)tunnel);
	if (!peer)
	{
		return VTIGW_ERR_NOT_FOUND;
	}
	enumerator = peer->create_child_cfg_enumerator(peer);
	if (enumerator->enumerate(enumerator, &child))
	{
		child->get_ref(child);
	}
	enumerator->destroy(enumerator);
	if (!child)
	{
		peer->destroy(peer);
		return VTIGW_ERR_NOT_FOUND;
	}
	/* without a callback the request is queued and this returns at once */
	if (charon->controller->initiate(charon->controller, peer, child, NULL, NULL,
									 0, FALSE) != SUCCESS)
	{
		return VTIGW_ERR_FAILED;
	}
	return VTIGW_OK;
}

bool vtigw_core_matches(ike_sa_t *ike_sa, const char *tunnel)
{
	char *name;

	if (!ike_sa->get_peer_cfg(ike_sa))
	{
		return FALSE;
	}
	name = ike_sa->get_name(ike_sa);
	return tunnel ? streq(name, tunnel) : core.config->has(core.config, name);
}

bool vtigw_core_wait_no_ike_sas(unsigned timeout_ms)
{
	timeval_t deadline, now;

	time_monotonic(&deadline);
	timeval_add_ms(&deadline, timeout_ms);
	while (charon->ike_sa_manager->get_count(charon->ike_sa_manager))
	{
		time_monotonic(&now);
		if (!timercmp(&now, &deadline, <))
		{
			return FALSE;
		}
		usleep(10000);
	}
	return TRUE;
}

int vtigw_ike_terminate(const char *tunnel, unsigned timeout_ms, int force)
{
	enumerator_t *enumerator;
	ike_sa_t *ike_sa;
	array_t *ids;
	uint32_t id;
	int status = VTIGW_OK;
	bool all;

	if (!core.config)
	{
		return VTIGW_ERR_NOT_READY;
	}
	ids = array_create(sizeof(uint32_t), 0);
	enumerator = charon->controller->create_ike_sa_enumerator(
												charon->controller, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		if (vtigw_core_matches(ike_sa, tunnel))
		{
			id = ike_sa->get_unique_id(ike_sa);
			array_insert(ids, ARRAY_TAIL, &id);
		}
	}
	enumerator->destroy(enumerator);
	/* a tunnel no longer served may still have SAs (reload removed it) */
	if (tunnel && !array_count(ids) && !core.config->has(core.config, tunnel))
	{
		array_destroy(ids);
		return VTIGW_ERR_NOT_FOUND;
	}
	/* All tunnels (shutdown, `down`): every delete queued at once, one deadline for them all;
	 * one at a time, a thousand DELETE exchanges outlast systemd's stop timeout. */
	all = !tunnel && timeout_ms;
	while (array_remove(ids, ARRAY_HEAD, &id))
	{
		if (charon->controller->terminate_ike(charon->controller, id, force,
					timeout_ms && !all ? controller_cb_empty : NULL, NULL,
					all ? 0 : timeout_ms) != SUCCESS)
		{
			status = VTIGW_ERR_FAILED;
		}
	}
	array_destroy(ids);
	if (all && !vtigw_core_wait_no_ike_sas(timeout_ms))
	{
		status = VTIGW_ERR_FAILED;
	}
	return status;
}

/** Ranks IKE_SA states: the established one is the one to show. */
static int rank(ike_sa_state_t state)
{
	switch (state)
	{
		case IKE_ESTABLISHED:
			return 3;
		case IKE_REKEYING:
			return 2;
		case IKE_CONNECTING:
			return 1;
		default:
			return 0;
	}
}

void vtigw_host_text(host_t *host, char *address, size_t len, uint16_t *port)
{
	if (!host || host->is_anyaddr(host))
	{
		return;
	}
	if (!inet_ntop(host->get_family(host), host->get_address(host).ptr, address, len))
	{
		address[0] = '\0';
		return;
	}
	*port = host->get_port(host);
}

static void copy_ike(vtigw_sa_status_t *st, ike_sa_t *ike_sa)
{
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);
	ike_sa_state_t state = ike_sa->get_state(ike_sa);

	snprintf(st->ike_state, sizeof(st->ike_state), "%s",
			 enum_to_name(ike_sa_state_names, state) ?: "?");
	st->ike_unique_id = ike_sa->get_unique_id(ike_sa);
	st->ike_spi_i = be64toh(id->get_initiator_spi(id));
	st->ike_spi_r = be64toh(id->get_responder_spi(id));
	st->nat_local = ike_sa->has_condition(ike_sa, COND_NAT_HERE) ? 1 : 0;
	st->nat_remote = ike_sa->has_condition(ike_sa, COND_NAT_THERE) ? 1 : 0;
	st->nat_fake = ike_sa->has_condition(ike_sa, COND_NAT_FAKE) ? 1 : 0;
	vtigw_host_text(ike_sa->get_my_host(ike_sa), st->local_address,
			  sizeof(st->local_address), &st->local_port);
	vtigw_host_text(ike_sa->get_other_host(ike_sa), st->remote_address,
			  sizeof(st->remote_address), &st->remote_port);
	st->established_seconds = -1;
	if (state == IKE_ESTABLISHED || state == IKE_REKEYING)
	{
		st->established_seconds = time_monotonic(NULL) -
						ike_sa->get_statistic(ike_sa, STAT_ESTABLISHED);
	}
}

/** One CHILD_SA as read from the kernel once per pass: its counters and the last time a packet
 *  arrived on it (0 when none yet). */
typedef struct {
	uint32_t id;
	vtigw_counts_t counts;
	time_t last_in;
} child_reading_t;

/** Reads a CHILD_SA: one kernel query per direction. The inbound read asks for the time too,
 *  which charon refreshes from the policies only when the inbound bytes grew since its last read,
 *  so an idle tunnel costs two queries, not seven (separate byte, packet and time reads). */
static child_reading_t read_child(child_sa_t *child)
{
	child_reading_t r = { .id = child->get_unique_id(child) };

	child->get_usestats(child, TRUE, &r.last_in, &r.counts.bytes_in, &r.counts.packets_in);
	child->get_usestats(child, FALSE, NULL, &r.counts.bytes_out, &r.counts.packets_out);
	return r;
}

/** Reads the IKE_SA's CHILD_SAs: appends their ids and counters to `ids` / `counts`, adds
 *  their counters to `st` when it is given (the most advanced IKE_SA's, with the SPIs and state
 *  of its newest CHILD_SA), and returns the seconds since the peer last sent an IKE message or an
 *  ESP packet on any of them (-1 when nothing was received yet). */
static int64_t read_children(ike_sa_t *ike_sa, array_t *ids, array_t *counts,
							 vtigw_sa_status_t *st)
{
	enumerator_t *enumerator;
	child_sa_t *child;
	child_reading_t r;
	time_t last_in = ike_sa->get_statistic(ike_sa, STAT_INBOUND);
	uint32_t newest = 0;

	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (enumerator->enumerate(enumerator, &child))
	{
		r = read_child(child);
		last_in = max(last_in, r.last_in);
		array_insert(ids, ARRAY_TAIL, &r.id);
		array_insert(counts, ARRAY_TAIL, &r.counts);
		if (!st)
		{
			continue;
		}
		st->bytes_in += r.counts.bytes_in;
		st->packets_in += r.counts.packets_in;
		st->bytes_out += r.counts.bytes_out;
		st->packets_out += r.counts.packets_out;
		if (r.id >= newest)
		{
			newest = r.id;
			snprintf(st->child_state, sizeof(st->child_state), "%s",
				enum_to_name(child_sa_state_names, child->get_state(child)) ?: "?");
			st->spi_in = ntohl(child->get_spi(child, TRUE));
			st->spi_out = ntohl(child->get_spi(child, FALSE));
			st->udp_encap = child->has_encap(child) ? 1 : 0;
		}
	}
	enumerator->destroy(enumerator);
	return last_in ? (int64_t)(time_monotonic(NULL) - last_in) : -1;
}

/** The tunnel's traffic since the daemon started, over rekeys: closed + live CHILD_SAs. */
static void copy_totals(vtigw_sa_status_t *st, const char *tunnel, array_t *ids,
						array_t *counts)
{
	vtigw_counts_t total;
	uint32_t *id_list = NULL;
	vtigw_counts_t *count_list = NULL;
	size_t n = array_count(ids), i;

	if (n)
	{
		id_list = calloc(n, sizeof(*id_list));
		count_list = calloc(n, sizeof(*count_list));
		for (i = 0; i < n; i++)
		{
			array_get(ids, i, &id_list[i]);
			array_get(counts, i, &count_list[i]);
		}
	}
	vtigw_traffic_total(core.traffic, tunnel, id_list, count_list, n, &total);
	st->total_bytes_in = total.bytes_in;
	st->total_bytes_out = total.bytes_out;
	st->total_packets_in = total.packets_in;
	st->total_packets_out = total.packets_out;
	free(id_list);
	free(count_list);
}

/** One tunnel's SAs, added up IKE_SA by IKE_SA (query and query_all). */
typedef struct {
	vtigw_sa_status_t *status;
	array_t *child_ids;
	array_t *child_counts;
	int best;
	int64_t least_idle;
} sa_sum_t;

static void sum_init(sa_sum_t *sum, vtigw_sa_status_t *status)
{
	memset(status, 0, sizeof(*status));
	status->established_seconds = -1;
	*sum = (sa_sum_t){
		.status = status,
		.child_ids = array_create(sizeof(uint32_t), 0),
		.child_counts = array_create(sizeof(vtigw_counts_t), 0),
		.best = -1,
		.least_idle = -1,
	};
}

/** Adds an IKE_SA: counts, the peer's liveness over all of them (duplicates included), the
 *  details of the most advanced one. */
static void sum_add(sa_sum_t *sum, ike_sa_t *ike_sa)
{
	vtigw_sa_status_t *status = sum->status;
	int r;
	int64_t idle;
	bool best;

	status->ike_sas++;
	status->child_sas += ike_sa->get_child_count(ike_sa);
	r = rank(ike_sa->get_state(ike_sa));
	best = r > sum->best;
	if (best)
	{
		uint32_t sas = status->ike_sas, children = status->child_sas;

		sum->best = r;
		memset(status, 0, sizeof(*status));
		status->ike_sas = sas;
		status->child_sas = children;
		copy_ike(status, ike_sa);
	}
	idle = read_children(ike_sa, sum->child_ids, sum->child_counts,
						 best ? status : NULL);
	if (idle >= 0 && (sum->least_idle < 0 || idle < sum->least_idle))
	{
		sum->least_idle = idle;
	}
}

static void sum_finish(sa_sum_t *sum, const char *tunnel)
{
	sum->status->idle_in_seconds = sum->least_idle;
	copy_totals(sum->status, tunnel, sum->child_ids, sum->child_counts);
	array_destroy(sum->child_ids);
	array_destroy(sum->child_counts);
}

int vtigw_ike_query(const char *tunnel, vtigw_sa_status_t *status)
{
	enumerator_t *enumerator;
	ike_sa_t *ike_sa;
	sa_sum_t sum;

	memset(status, 0, sizeof(*status));
	status->established_seconds = -1;
	if (!core.config)
	{
		return VTIGW_ERR_NOT_READY;
	}
	if (!tunnel)
	{
		return VTIGW_ERR_NOT_FOUND;
	}
	sum_init(&sum, status);
	enumerator = charon->controller->create_ike_sa_enumerator(
												charon->controller, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		if (vtigw_core_matches(ike_sa, tunnel))
		{
			sum_add(&sum, ike_sa);
		}
	}
	enumerator->destroy(enumerator);
	sum_finish(&sum, tunnel);
	if (!status->ike_sas && !core.config->has(core.config, tunnel))
	{
		return VTIGW_ERR_NOT_FOUND;
	}
	return VTIGW_OK;
}

/** A tunnel's sum in query_all, keyed by its name. */
typedef struct {
	char *name;
	vtigw_sa_status_t status;
	sa_sum_t sum;
} named_sum_t;

int vtigw_ike_query_all(vtigw_status_cb_t cb, void *ctx)
{
	enumerator_t *enumerator;
	ike_sa_t *ike_sa;
	hashtable_t *sums;
	linked_list_t *names;
	named_sum_t *entry;
	char *name;

	if (!core.config)
	{
		return VTIGW_ERR_NOT_READY;
	}
	/* a sum per served tunnel (one without SAs still has its closed CHILD_SAs' traffic); the
	 * table is also the O(1) "is it ours" test of the pass below */
	sums = hashtable_create(hashtable_hash_str, hashtable_equals_str, 64);
	names = core.config->names(core.config);
	enumerator = names->create_enumerator(names);
	while (enumerator->enumerate(enumerator, &name))
	{
		INIT(entry,
			.name = name,
		);
		sum_init(&entry->sum, &entry->status);
		sums->put(sums, entry->name, entry);
	}
	enumerator->destroy(enumerator);
	names->destroy(names);
	/* one pass over charon's IKE_SAs for all tunnels, not one per tunnel */
	enumerator = charon->controller->create_ike_sa_enumerator(
												charon->controller, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		entry = ike_sa->get_peer_cfg(ike_sa) ? sums->get(sums, ike_sa->get_name(ike_sa))
											 : NULL;
		if (entry)
		{
			sum_add(&entry->sum, ike_sa);
		}
	}
	enumerator->destroy(enumerator);
	enumerator = sums->create_enumerator(sums);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		sum_finish(&entry->sum, entry->name);
		cb(entry->name, &entry->status, ctx);
		free(entry->name);
		free(entry);
	}
	enumerator->destroy(enumerator);
	sums->destroy(sums);
	return VTIGW_OK;
}

void vtigw_ike_set_nat_keepalive(uint32_t seconds)
{
#ifdef VTIGW_STANDALONE
	/* in a stock charon, charon.keep_alive belongs to the operator's strongswan.conf */
	(void)seconds;
#else
	if (lib)
	{	/* read by every IKE_SA when it is created */
		lib->settings->set_int(lib->settings, "%s.keep_alive", seconds, lib->ns);
	}
#endif
}

int vtigw_ike_next_event(vtigw_event_t *event, unsigned timeout_ms)
{
	if (!core.listener)
	{
		return VTIGW_ERR_NOT_READY;
	}
	return core.listener->next(core.listener, event, timeout_ms);
}

uint64_t vtigw_ike_dropped_events(void)
{
	return core.listener ? core.listener->dropped(core.listener) : 0;
}

const char *vtigw_event_name(int type)
{
	switch (type)
	{
		case VTIGW_EV_IKE_UP:
			return "ike-up";
		case VTIGW_EV_IKE_DOWN:
			return "ike-down";
		case VTIGW_EV_IKE_REKEY:
			return "ike-rekey";
		case VTIGW_EV_CHILD_UP:
			return "child-up";
		case VTIGW_EV_CHILD_DOWN:
			return "child-down";
		case VTIGW_EV_CHILD_REKEY:
			return "child-rekey";
		case VTIGW_EV_AUTH_FAILED:
			return "auth-failed";
		case VTIGW_EV_ERROR:
			return "error";
		case VTIGW_EV_REFUSED:
			return "refused";
		default:
			return "unknown";
	}
}
