// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_config.h"

#include <stdio.h>

#include <daemon.h>
#include <threading/rwlock.h>

typedef struct private_vtigw_config_t private_vtigw_config_t;

struct private_vtigw_config_t {

	/** Public interface. */
	vtigw_config_t public;

	/** peer_cfg_t, one per tunnel, in config order. */
	linked_list_t *cfgs;

	/** Guards cfgs: readers are charon's threads, the writer is replace(). */
	rwlock_t *lock;
};

CALLBACK(ike_filter, bool,
	void *data, enumerator_t *orig, va_list args)
{
	peer_cfg_t *cfg;
	ike_cfg_t **out;

	VA_ARGS_VGET(args, out);
	if (orig->enumerate(orig, &cfg))
	{
		*out = cfg->get_ike_cfg(cfg);
		return TRUE;
	}
	return FALSE;
}

METHOD(backend_t, create_ike_cfg_enumerator, enumerator_t*,
	private_vtigw_config_t *this, host_t *me, host_t *other)
{
	this->lock->read_lock(this->lock);
	return enumerator_create_filter(this->cfgs->create_enumerator(this->cfgs),
									ike_filter, this->lock,
									(void*)this->lock->unlock);
}

METHOD(backend_t, create_peer_cfg_enumerator, enumerator_t*,
	private_vtigw_config_t *this, identification_t *me, identification_t *other)
{
	this->lock->read_lock(this->lock);
	return enumerator_create_cleaner(this->cfgs->create_enumerator(this->cfgs),
									 (void*)this->lock->unlock, this->lock);
}

/** Finds a config by name; call with the lock held. */
static peer_cfg_t *find(private_vtigw_config_t *this, const char *name)
{
	enumerator_t *enumerator;
	peer_cfg_t *cfg, *found = NULL;

	enumerator = this->cfgs->create_enumerator(this->cfgs);
	while (enumerator->enumerate(enumerator, &cfg))
	{
		if (streq(cfg->get_name(cfg), name))
		{
			found = cfg;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(backend_t, get_peer_cfg_by_name, peer_cfg_t*,
	private_vtigw_config_t *this, char *name)
{
	peer_cfg_t *found;

	this->lock->read_lock(this->lock);
	found = find(this, name);
	if (found)
	{
		found->get_ref(found);
	}
	this->lock->unlock(this->lock);
	return found;
}

METHOD(vtigw_config_t, replace, void,
	private_vtigw_config_t *this, linked_list_t *peer_cfgs)
{
	linked_list_t *old;

	this->lock->write_lock(this->lock);
	old = this->cfgs;
	this->cfgs = peer_cfgs;
	this->lock->unlock(this->lock);
	/* SAs still using an old config hold their own reference */
	old->destroy_offset(old, offsetof(peer_cfg_t, destroy));
}

METHOD(vtigw_config_t, has, bool,
	private_vtigw_config_t *this, const char *name)
{
	bool found;

	this->lock->read_lock(this->lock);
	found = find(this, name) != NULL;
	this->lock->unlock(this->lock);
	return found;
}

METHOD(vtigw_config_t, names, linked_list_t*,
	private_vtigw_config_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	peer_cfg_t *cfg;

	list = linked_list_create();
	this->lock->read_lock(this->lock);
	enumerator = this->cfgs->create_enumerator(this->cfgs);
	while (enumerator->enumerate(enumerator, &cfg))
	{
		list->insert_last(list, strdup(cfg->get_name(cfg)));
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return list;
}

METHOD(vtigw_config_t, destroy, void,
	private_vtigw_config_t *this)
{
	this->cfgs->destroy_offset(this->cfgs, offsetof(peer_cfg_t, destroy));
	this->lock->destroy(this->lock);
	free(this);
}

vtigw_config_t *vtigw_config_create()
{
	private_vtigw_config_t *this;

	INIT(this,
		.public = {
			.backend = {
				.create_ike_cfg_enumerator = _create_ike_cfg_enumerator,
				.create_peer_cfg_enumerator = _create_peer_cfg_enumerator,
				.get_peer_cfg_by_name = _get_peer_cfg_by_name,
			},
			.replace = _replace,
			.has = _has,
			.names = _names,
			.destroy = _destroy,
		},
		.cfgs = linked_list_create(),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);
	return &this->public;
}

/**
 * Adds every proposal of a comma-separated list; FALSE names the bad one in `error`.
 */
static bool add_proposals(const char *tunnel, const char *list,
						  protocol_id_t proto, void *cfg, char *error,
						  size_t error_len)
{
	enumerator_t *enumerator;
	proposal_t *proposal;
	char *token;
	int count = 0;
	bool ok = TRUE;

	enumerator = enumerator_create_token(list ?: "", ",", " ");
	while (ok && enumerator->enumerate(enumerator, &token))
	{
		proposal = proposal_create_from_string(proto, token);
		if (!proposal)
		{
			snprintf(error, error_len, "tunnel %s: invalid %s proposal '%s'",
					 tunnel, proto == PROTO_IKE ? "IKE" : "ESP", token);
			ok = FALSE;
			break;
		}
		if (proto == PROTO_IKE)
		{
			((ike_cfg_t*)cfg)->add_proposal(cfg, proposal);
		}
		else
		{
			((child_cfg_t*)cfg)->add_proposal(cfg, proposal);
		}
		count++;
	}
	enumerator->destroy(enumerator);
	if (ok && count == 0)
	{
		snprintf(error, error_len, "tunnel %s: no %s proposal", tunnel,
				 proto == PROTO_IKE ? "IKE" : "ESP");
		ok = FALSE;
	}
	return ok;
}

/** Seconds of random jitter: rekey_fuzz percent of the margin, below the rekey time. */
static uint32_t jitter(const vtigw_tunnel_t *t, uint32_t rekey)
{
	uint64_t j = (uint64_t)t->rekey_margin * t->rekey_fuzz / 100;

	return j >= rekey ? (rekey ? rekey - 1 : 0) : (uint32_t)j;
}

/** Rekeying time for a lifetime: the margin before it, or 90 % when the margin is too big. */
static uint32_t rekey_time(const vtigw_tunnel_t *t, uint32_t life)
{
	if (t->rekey_margin && t->rekey_margin < life)
	{
		return life - t->rekey_margin;
	}
	return life - life / 10;
}

static action_t dpd_action(int action)
{
	switch (action)
	{
		case VTIGW_DPD_RESTART:
			return ACTION_START;
		case VTIGW_DPD_TRAP:
			return ACTION_TRAP;
		default:
			return ACTION_NONE;
	}
}

static bool add_auth(peer_cfg_t *peer, const vtigw_tunnel_t *t, bool local,
					 char *error, size_t error_len)
{
	const char *id_str = local ? t->local_id : t->remote_id;
	identification_t *id;
	auth_cfg_t *auth;

	id = identification_create_from_string((char*)(id_str ?: "%any"));
	if (!id)
	{
		snprintf(error, error_len, "tunnel %s: invalid %s identity", t->name,
				 local ? "local" : "remote");
		return FALSE;
	}
	auth = auth_cfg_create();
	auth->add(auth, AUTH_RULE_AUTH_CLASS,
			  t->auth == VTIGW_AUTH_X509 ? AUTH_CLASS_PUBKEY : AUTH_CLASS_PSK);
	auth->add(auth, AUTH_RULE_IDENTITY, id);
	peer->add_auth_cfg(peer, auth, local);
	return TRUE;
}

/**
 * With `open_address` (an outer address is unknown until IKE runs) charon installs the
 * policies, with the tunnel's if_id, and moves them with the SAs; otherwise they are vtigw's.
 */
static child_cfg_t *build_child(const vtigw_tunnel_t *t, bool open_address,
								char *error, size_t error_len)
{
	child_cfg_t *child;
	uint32_t rekey = rekey_time(t, t->esp_lifetime);
	child_cfg_create_t data = {
		.options = open_address ? 0 : OPT_NO_POLICIES,
		.reqid = t->reqid,
		.mode = MODE_TUNNEL,
		.lifetime = {
			.time = {
				.life = t->esp_lifetime,
				.rekey = rekey,
				.jitter = jitter(t, rekey),
			},
		},
		.dpd_action = dpd_action(t->dpd_action),
		.close_action = ACTION_NONE,
		.start_action = t->start_action == VTIGW_START_INITIATE ?
							ACTION_START : ACTION_NONE,
	};
	char *cidrs[] = { "0.0.0.0/0", "::/0" };
	u_int i;

	if (t->link_kind == VTIGW_LINK_XFRM)
	{
		data.if_id_in = data.if_id_out = t->key;
	}
	else
	{
		data.mark_in = data.mark_out = (mark_t){
			.value = t->key,
			.mask = 0xffffffff,
		};
	}
	child = child_cfg_create((char*)t->name, &data);
	child->set_replay_window(child, t->replay_window);
	if (!add_proposals(t->name, t->esp_proposals, PROTO_ESP, child, error,
					   error_len))
	{
		child->destroy(child);
		return NULL;
	}
	for (i = 0; i < countof(cidrs); i++)
	{
		child->add_traffic_selector(child, TRUE,
					traffic_selector_create_from_cidr(cidrs[i], 0, 0, 65535));
		child->add_traffic_selector(child, FALSE,
					traffic_selector_create_from_cidr(cidrs[i], 0, 0, 65535));
	}
	return child;
}

/** Checks the values charon would silently accept but vtigw must not. */
static bool check(const vtigw_tunnel_t *t, char *error, size_t error_len)
{
	const char *what = NULL;

	if (!t->name || !*t->name || strlen(t->name) >= VTIGW_NAME_MAX)
	{
		what = "name";
	}
	else if (!t->local || !t->remote)
	{
		what = "addresses";
	}
	else if (t->ike_version != 1 && t->ike_version != 2)
	{
		what = "IKE version";
	}
	else if (t->key == 0)
	{
		what = "mark/if_id (0)";
	}
	else if (t->reqid == 0)
	{
		what = "reqid (0)";
	}
	else if (t->ike_lifetime == 0 || t->esp_lifetime == 0)
	{
		what = "lifetime (0)";
	}
	else if (t->auth == VTIGW_AUTH_PSK && (!t->psk || t->psk_len == 0))
	{
		what = "pre-shared key (empty)";
	}
	else if (t->auth == VTIGW_AUTH_X509 && (!t->cert_file || !t->key_file))
	{
		what = "certificate or key path";
	}
	else if (t->auth != VTIGW_AUTH_PSK && t->auth != VTIGW_AUTH_X509)
	{
		what = "authentication method";
	}
	if (what)
	{
		snprintf(error, error_len, "tunnel %s: invalid %s",
				 t->name && strlen(t->name) < VTIGW_NAME_MAX ? t->name : "?", what);
		return FALSE;
	}
	return TRUE;
}

peer_cfg_t *vtigw_config_build(const vtigw_tunnel_t *t, char *error,
							   size_t error_len)
{
	ike_cfg_t *ike_cfg;
	peer_cfg_t *peer;
	child_cfg_t *child;
	uint32_t rekey;
	host_t *host;
	bool open_remote, open_local;
	ike_cfg_create_t ike = {
		.version = t->ike_version == 1 ? IKEV1 : IKEV2,
		.local = (char*)t->local,
		.local_port = IKEV2_UDP_PORT,
		.remote = (char*)t->remote,
		.remote_port = IKEV2_UDP_PORT,
		.force_encap = t->force_encap != 0,
		.fragmentation = FRAGMENTATION_YES,
	};
	peer_cfg_create_t data = {
		.cert_policy = t->auth == VTIGW_AUTH_X509 ? CERT_ALWAYS_SEND
												  : CERT_SEND_IF_ASKED,
		.unique = UNIQUE_REPLACE,
		/* vtigwd retries with its own backoff */
		.keyingtries = 1,
		.dpd = t->dpd_interval,
		.dpd_timeout = t->dpd_timeout,
		.no_mobike = TRUE,
	};

	if (!check(t, error, error_len))
	{
		return NULL;
	}
	host = host_create_from_string((char*)t->local, 0);
	if (!host)
	{
		snprintf(error, error_len, "tunnel %s: invalid local address", t->name);
		return NULL;
	}
	open_local = host->is_anyaddr(host);
	host->destroy(host);
	host = host_create_from_string((char*)t->remote, 0);
	if (!host)
	{
		snprintf(error, error_len, "tunnel %s: invalid remote address", t->name);
		return NULL;
	}
	open_remote = host->is_anyaddr(host);
	host->destroy(host);
	if ((open_remote || open_local) && t->link_kind != VTIGW_LINK_XFRM)
	{
		snprintf(error, error_len, "tunnel %s: an unknown outer address (%%any) needs an "
				 "XFRM interface", t->name);
		return NULL;
	}
	data.no_mobike = !t->mobike;
	if (charon && charon->socket)
	{
		ike.local_port = charon->socket->get_port(charon->socket, FALSE);
	}
	rekey = rekey_time(t, t->ike_lifetime);
	if (t->ike_version == 1)
	{	/* IKEv1 renews the IKE_SA by reauthentication */
		data.reauth_time = rekey;
	}
	else
	{
		data.rekey_time = rekey;
	}
	data.jitter_time = jitter(t, rekey);
	data.over_time = t->ike_lifetime - rekey;

	ike_cfg = ike_cfg_create(&ike);
	if (!add_proposals(t->name, t->ike_proposals, PROTO_IKE, ike_cfg, error,
					   error_len))
	{
		ike_cfg->destroy(ike_cfg);
		return NULL;
	}
	peer = peer_cfg_create((char*)t->name, ike_cfg, &data);
	if (!add_auth(peer, t, TRUE, error, error_len) ||
		!add_auth(peer, t, FALSE, error, error_len))
	{
		peer->destroy(peer);
		return NULL;
	}
	child = build_child(t, open_remote || open_local, error, error_len);
	if (!child)
	{
		peer->destroy(peer);
		return NULL;
	}
	peer->add_child_cfg(peer, child);
	return peer;
}
