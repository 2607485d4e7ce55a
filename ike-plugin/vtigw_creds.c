// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_creds.h"

#include <stdio.h>

#include <credentials/sets/mem_cred.h>
#include <threading/mutex.h>

typedef struct private_vtigw_creds_t private_vtigw_creds_t;

struct private_vtigw_creds_t {

	/** Public interface. */
	vtigw_creds_t public;

	/** The registered set; swapped as a whole by replace(). */
	mem_cred_t *creds;

	/** Serialises replace() calls. */
	mutex_t *mutex;
};

/** Adds the PSK of a tunnel, owned by both identities. */
static bool add_psk(mem_cred_t *set, const vtigw_tunnel_t *t, char *error,
					size_t error_len)
{
	identification_t *local, *remote;
	shared_key_t *key;

	local = identification_create_from_string((char*)(t->local_id ?: "%any"));
	remote = identification_create_from_string((char*)(t->remote_id ?: "%any"));
	if (!local || !remote)
	{
		DESTROY_IF(local);
		DESTROY_IF(remote);
		snprintf(error, error_len, "tunnel %s: invalid identity", t->name);
		return FALSE;
	}
	/* the key is copied; the copy is wiped by chunk_clear when the set goes */
	key = shared_key_create(SHARED_IKE,
				chunk_clone(chunk_create((u_char*)t->psk, t->psk_len)));
	set->add_shared(set, key, local, remote, NULL);
	return TRUE;
}

/** Loads a certificate file (PEM or DER). */
static certificate_t *load_cert(const char *path)
{
	return lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_FROM_FILE, path, BUILD_END);
}

static bool add_x509(mem_cred_t *set, const vtigw_tunnel_t *t, char *error,
					 size_t error_len)
{
	certificate_t *cert;
	private_key_t *key;
	int i;

	cert = load_cert(t->cert_file);
	if (!cert)
	{
		snprintf(error, error_len, "tunnel %s: cannot load certificate %s",
				 t->name, t->cert_file);
		return FALSE;
	}
	set->add_cert(set, FALSE, cert);
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ANY,
							 BUILD_FROM_FILE, t->key_file, BUILD_END);
	if (!key)
	{
		snprintf(error, error_len, "tunnel %s: cannot load private key %s",
				 t->name, t->key_file);
		return FALSE;
	}
	set->add_key(set, key);
	for (i = 0; i < VTIGW_CA_MAX && t->ca_files[i]; i++)
	{
		cert = load_cert(t->ca_files[i]);
		if (!cert)
		{
			snprintf(error, error_len, "tunnel %s: cannot load CA certificate %s",
					 t->name, t->ca_files[i]);
			return FALSE;
		}
		set->add_cert(set, TRUE, cert);
	}
	return TRUE;
}

METHOD(vtigw_creds_t, replace, int,
	private_vtigw_creds_t *this, const vtigw_tunnel_t *tunnels, size_t count,
	char *error, size_t error_len)
{
	mem_cred_t *fresh, *old;
	bool ok = TRUE;
	size_t i;

	fresh = mem_cred_create();
	for (i = 0; ok && i < count; i++)
	{
		if (tunnels[i].auth == VTIGW_AUTH_X509)
		{
			ok = add_x509(fresh, &tunnels[i], error, error_len);
		}
		else
		{
			ok = add_psk(fresh, &tunnels[i], error, error_len);
		}
	}
	if (!ok)
	{
		fresh->destroy(fresh);
		return VTIGW_ERR_CREDENTIAL;
	}
	this->mutex->lock(this->mutex);
	old = this->creds;
	lib->credmgr->add_set(lib->credmgr, &fresh->set);
	this->creds = fresh;
	/* remove_set waits for readers of the old set; its destroy wipes the keys */
	lib->credmgr->remove_set(lib->credmgr, &old->set);
	lib->credmgr->flush_cache(lib->credmgr, CERT_ANY);
	this->mutex->unlock(this->mutex);
	old->destroy(old);
	return VTIGW_OK;
}

METHOD(vtigw_creds_t, destroy, void,
	private_vtigw_creds_t *this)
{
	lib->credmgr->remove_set(lib->credmgr, &this->creds->set);
	this->creds->destroy(this->creds);
	this->mutex->destroy(this->mutex);
	free(this);
}

vtigw_creds_t *vtigw_creds_create()
{
	private_vtigw_creds_t *this;

	INIT(this,
		.public = {
			.replace = _replace,
			.destroy = _destroy,
		},
		.creds = mem_cred_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	lib->credmgr->add_set(lib->credmgr, &this->creds->set);
	return &this->public;
}
