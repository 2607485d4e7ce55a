// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_listener.h"

#include <stdio.h>
#include <time.h>

#include <daemon.h>
#include <threading/condvar.h>
#include <threading/mutex.h>

#include "vtigw_core.h"
#include "vtigw_duplicates.h"

/** Seconds after an IKE_SA comes up or is rekeyed before its tunnel is checked for duplicates.
 *  strongSwan's uniqueness policy deletes the older of two SAs 10 s after a suspected
 *  reauthentication; checking later never contradicts that choice. */
#define DUPLICATE_CHECK_DELAY_S 15

typedef struct private_vtigw_listener_t private_vtigw_listener_t;

struct private_vtigw_listener_t {

	/** Public interface. */
	vtigw_listener_t public;

	/** Recognises vtigw tunnels. */
	vtigw_config_t *config;

	/** Per-tunnel traffic totals. */
	vtigw_traffic_t *traffic;

	/** Ring buffer of events. */
	vtigw_event_t *ring;
	u_int capacity, head, count;

	/** Events dropped on overflow. */
	uint64_t dropped;

	mutex_t *mutex;
	condvar_t *condvar;
};

/** Starts an event of an IKE_SA of ours; FALSE when the SA is not a vtigw tunnel's. */
static bool prepare(private_vtigw_listener_t *this, vtigw_event_t *ev, int type,
					ike_sa_t *ike_sa)
{
	ike_sa_id_t *id;
	char *name;

	if (!ike_sa || !ike_sa->get_peer_cfg(ike_sa))
	{
		return FALSE;
	}
	name = ike_sa->get_name(ike_sa);
	if (!this->config->has(this->config, name))
	{
		return FALSE;
	}
	*ev = (vtigw_event_t){
		.type = type,
		.ike_unique_id = ike_sa->get_unique_id(ike_sa),
		.time = time(NULL),
	};
	snprintf(ev->tunnel, sizeof(ev->tunnel), "%s", name);
	id = ike_sa->get_id(ike_sa);
	ev->ike_spi_i = be64toh(id->get_initiator_spi(id));
	ev->ike_spi_r = be64toh(id->get_responder_spi(id));
	return TRUE;
}

static void add_child(vtigw_event_t *ev, child_sa_t *child_sa)
{
	ev->child_unique_id = child_sa->get_unique_id(child_sa);
	ev->spi_in = ntohl(child_sa->get_spi(child_sa, TRUE));
	ev->spi_out = ntohl(child_sa->get_spi(child_sa, FALSE));
}

/** Adds what `child_sa` carried to its tunnel's totals (a kernel query, no waiting on others). */
static void close_child(private_vtigw_listener_t *this, const char *tunnel,
						child_sa_t *child_sa)
{
	vtigw_counts_t c = {};

	child_sa->get_usestats(child_sa, TRUE, NULL, &c.bytes_in, &c.packets_in);
	child_sa->get_usestats(child_sa, FALSE, NULL, &c.bytes_out, &c.packets_out);
	vtigw_traffic_close(this->traffic, tunnel, child_sa->get_unique_id(child_sa), &c);
}

/** Queues a copy; drops the oldest event when full. Never blocks on the consumer. */
static void push(private_vtigw_listener_t *this, vtigw_event_t *ev)
{
	this->mutex->lock(this->mutex);
	if (this->count == this->capacity)
	{
		this->head = (this->head + 1) % this->capacity;
		this->count--;
		this->dropped++;
	}
	this->ring[(this->head + this->count) % this->capacity] = *ev;
	this->count++;
	this->condvar->signal(this->condvar);
	this->mutex->unlock(this->mutex);
}

METHOD(listener_t, ike_updown, bool,
	private_vtigw_listener_t *this, ike_sa_t *ike_sa, bool up)
{
	vtigw_event_t ev;

	if (prepare(this, &ev, up ? VTIGW_EV_IKE_UP : VTIGW_EV_IKE_DOWN, ike_sa))
	{
		push(this, &ev);
		if (up && ike_sa->get_version(ike_sa) == IKEV2)
		{
			vtigw_duplicates_schedule(ev.tunnel, DUPLICATE_CHECK_DELAY_S);
		}
	}
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_vtigw_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	vtigw_event_t ev;

	if (prepare(this, &ev, VTIGW_EV_IKE_REKEY, new))
	{
		push(this, &ev);
		if (new->get_version(new) == IKEV2)
		{
			vtigw_duplicates_schedule(ev.tunnel, DUPLICATE_CHECK_DELAY_S);
		}
	}
	return TRUE;
}

METHOD(listener_t, child_updown, bool,
	private_vtigw_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	vtigw_event_t ev;

	if (prepare(this, &ev, up ? VTIGW_EV_CHILD_UP : VTIGW_EV_CHILD_DOWN, ike_sa))
	{
		add_child(&ev, child_sa);
		if (!up)
		{
			close_child(this, ev.tunnel, child_sa);
		}
		push(this, &ev);
	}
	return TRUE;
}

METHOD(listener_t, child_rekey, bool,
	private_vtigw_listener_t *this, ike_sa_t *ike_sa, child_sa_t *old,
	child_sa_t *new)
{
	vtigw_event_t ev;

	if (prepare(this, &ev, VTIGW_EV_CHILD_REKEY, ike_sa))
	{
		add_child(&ev, new);
		close_child(this, ev.tunnel, old);
		push(this, &ev);
	}
	return TRUE;
}

/** The failures worth reporting, with their text; NULL for the others. */
static const char *alert_text(alert_t alert, int *type)
{
	*type = VTIGW_EV_ERROR;
	switch (alert)
	{
		case ALERT_LOCAL_AUTH_FAILED:
			*type = VTIGW_EV_AUTH_FAILED;
			return "authentication failed: the peer rejected our credentials";
		case ALERT_PEER_AUTH_FAILED:
			*type = VTIGW_EV_AUTH_FAILED;
			return "authentication failed: the peer's credentials did not verify";
		case ALERT_PEER_INIT_UNREACHABLE:
			return "peer unreachable: no answer to IKE_SA_INIT";
		case ALERT_RETRANSMIT_SEND_TIMEOUT:
			return "peer unreachable: retransmissions timed out";
		case ALERT_PROPOSAL_MISMATCH_IKE:
			return "no acceptable IKE proposal";
		case ALERT_PROPOSAL_MISMATCH_CHILD:
			return "no acceptable ESP proposal";
		case ALERT_TS_MISMATCH:
			return "traffic selectors unacceptable";
		case ALERT_INSTALL_CHILD_SA_FAILED:
			return "installing the CHILD_SA in the kernel failed";
		case ALERT_AUTHORIZATION_FAILED:
			*type = VTIGW_EV_AUTH_FAILED;
			return "authorization failed";
		case ALERT_CERT_EXPIRED:
		case ALERT_CERT_REVOKED:
		case ALERT_CERT_VALIDATION_FAILED:
		case ALERT_CERT_NO_ISSUER:
		case ALERT_CERT_UNTRUSTED_ROOT:
			*type = VTIGW_EV_AUTH_FAILED;
			return "peer certificate not trusted";
		default:
			return NULL;
	}
}

/** Reports a peer that authenticated for no tunnel: its IKE_SA found no peer config. */
static void refused(private_vtigw_listener_t *this, ike_sa_t *ike_sa)
{
	identification_t *id = ike_sa->get_other_id(ike_sa);
	host_t *host = ike_sa->get_other_host(ike_sa);
	vtigw_event_t ev = {
		.type = VTIGW_EV_REFUSED,
		.ike_unique_id = ike_sa->get_unique_id(ike_sa),
		.time = time(NULL),
	};

	/* %Y is strongSwan's printf hook (glibc's register_printf_specifier), unknown to the
	 * compiler's format check: hence a format that is not a literal */
	const char *identity_format = "%Y";

	snprintf(ev.detail, sizeof(ev.detail), identity_format, id);
	uint16_t port = 0;

	vtigw_host_text(host, ev.remote_address, sizeof(ev.remote_address), &port);
	push(this, &ev);
}

METHOD(listener_t, alert, bool,
	private_vtigw_listener_t *this, ike_sa_t *ike_sa, alert_t alert,
	va_list args)
{
	vtigw_event_t ev;
	const char *text;
	int type;

	if (alert == ALERT_PEER_AUTH_FAILED && ike_sa && !ike_sa->get_peer_cfg(ike_sa))
	{
		refused(this, ike_sa);
		return TRUE;
	}
	text = alert_text(alert, &type);
	if (text && prepare(this, &ev, type, ike_sa))
	{
		snprintf(ev.detail, sizeof(ev.detail), "%s", text);
		push(this, &ev);
	}
	return TRUE;
}

METHOD(vtigw_listener_t, next, int,
	private_vtigw_listener_t *this, vtigw_event_t *event, u_int timeout_ms)
{
	int status = VTIGW_ERR_TIMEOUT;

	this->mutex->lock(this->mutex);
	if (this->count == 0 && timeout_ms)
	{
		this->condvar->timed_wait(this->condvar, this->mutex, timeout_ms);
	}
	if (this->count)
	{
		*event = this->ring[this->head];
		this->head = (this->head + 1) % this->capacity;
		this->count--;
		status = VTIGW_OK;
	}
	this->mutex->unlock(this->mutex);
	return status;
}

METHOD(vtigw_listener_t, dropped, uint64_t,
	private_vtigw_listener_t *this)
{
	uint64_t n;

	this->mutex->lock(this->mutex);
	n = this->dropped;
	this->mutex->unlock(this->mutex);
	return n;
}

METHOD(vtigw_listener_t, destroy, void,
	private_vtigw_listener_t *this)
{
	this->condvar->destroy(this->condvar);
	this->mutex->destroy(this->mutex);
	free(this->ring);
	free(this);
}

vtigw_listener_t *vtigw_listener_create(vtigw_config_t *config, u_int capacity,
										vtigw_traffic_t *traffic)
{
	private_vtigw_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.ike_updown = _ike_updown,
				.ike_rekey = _ike_rekey,
				.child_updown = _child_updown,
				.child_rekey = _child_rekey,
				.alert = _alert,
			},
			.next = _next,
			.dropped = _dropped,
			.destroy = _destroy,
		},
		.config = config,
		.traffic = traffic,
		.capacity = max(capacity, 1),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	this->ring = calloc(this->capacity, sizeof(vtigw_event_t));
	return &this->public;
}
