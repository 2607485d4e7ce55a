// SPDX-License-Identifier: GPL-2.0-or-later
#include "vtigw_traffic.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** CHILD_SAs remembered as closed per tunnel: far more than can close while one of them is
 *  still listed by charon (a rekeyed SA lives a few seconds). */
#define CLOSED_IDS 32

typedef struct tunnel_totals_t tunnel_totals_t;

struct tunnel_totals_t {
	char *name;
	vtigw_counts_t closed;
	uint32_t closed_ids[CLOSED_IDS];
	unsigned next_id;
	tunnel_totals_t *next;
};

/** Buckets of a new table; the table doubles whenever it holds more tunnels than buckets, so a
 *  lookup stays O(1) from one tunnel to thousands. */
#define INITIAL_BUCKETS 64

struct vtigw_traffic_t {
	pthread_mutex_t mutex;
	tunnel_totals_t **buckets;
	size_t n_buckets; /* a power of two */
	size_t n_tunnels;
};

/** FNV-1a of the tunnel name. */
static size_t hash_name(const char *name)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *name; name++)
	{
		h = (h ^ (unsigned char)*name) * (size_t)1099511628211ULL;
	}
	return h;
}

vtigw_traffic_t *vtigw_traffic_create(void)
{
	vtigw_traffic_t *t = calloc(1, sizeof(*t));

	if (t && !(t->buckets = calloc(INITIAL_BUCKETS, sizeof(*t->buckets))))
	{
		free(t);
		return NULL;
	}
	if (t)
	{
		t->n_buckets = INITIAL_BUCKETS;
		pthread_mutex_init(&t->mutex, NULL);
	}
	return t;
}

void vtigw_traffic_destroy(vtigw_traffic_t *traffic)
{
	tunnel_totals_t *t, *next;
	size_t i;

	if (!traffic)
	{
		return;
	}
	for (i = 0; i < traffic->n_buckets; i++)
	{
		for (t = traffic->buckets[i]; t; t = next)
		{
			next = t->next;
			free(t->name);
			free(t);
		}
	}
	free(traffic->buckets);
	pthread_mutex_destroy(&traffic->mutex);
	free(traffic);
}

/** Doubles the bucket array (kept as it is when out of memory: lookups stay correct). */
static void grow(vtigw_traffic_t *traffic)
{
	size_t n = traffic->n_buckets * 2, i;
	tunnel_totals_t **buckets = calloc(n, sizeof(*buckets)), *t, *next;

	if (!buckets)
	{
		return;
	}
	for (i = 0; i < traffic->n_buckets; i++)
	{
		for (t = traffic->buckets[i]; t; t = next)
		{
			next = t->next;
			t->next = buckets[hash_name(t->name) & (n - 1)];
			buckets[hash_name(t->name) & (n - 1)] = t;
		}
	}
	free(traffic->buckets);
	traffic->buckets = buckets;
	traffic->n_buckets = n;
}

/** The tunnel's entry (created when `create`); NULL when absent or out of memory. */
static tunnel_totals_t *find(vtigw_traffic_t *traffic, const char *name, int create)
{
	tunnel_totals_t *t, **bucket = &traffic->buckets[hash_name(name) & (traffic->n_buckets - 1)];

	for (t = *bucket; t; t = t->next)
	{
		if (strcmp(t->name, name) == 0)
		{
			return t;
		}
	}
	if (!create || !(t = calloc(1, sizeof(*t))) || !(t->name = strdup(name)))
	{
		free(t);
		return NULL;
	}
	t->next = *bucket;
	*bucket = t;
	if (++traffic->n_tunnels > traffic->n_buckets)
	{
		grow(traffic);
	}
	return t;
}

static int is_closed(const tunnel_totals_t *t, uint32_t id)
{
	unsigned i;

	for (i = 0; i < CLOSED_IDS; i++)
	{
		if (t->closed_ids[i] == id)
		{
			return 1;
		}
	}
	return 0;
}

static void add(vtigw_counts_t *to, const vtigw_counts_t *c)
{
	to->bytes_in += c->bytes_in;
	to->bytes_out += c->bytes_out;
	to->packets_in += c->packets_in;
	to->packets_out += c->packets_out;
}

void vtigw_traffic_close(vtigw_traffic_t *traffic, const char *tunnel,
						 uint32_t child_id, const vtigw_counts_t *carried)
{
	tunnel_totals_t *t;

	if (!traffic || !tunnel || !child_id)
	{
		return;
	}
	pthread_mutex_lock(&traffic->mutex);
	t = find(traffic, tunnel, 1);
	if (t && !is_closed(t, child_id))
	{
		add(&t->closed, carried);
		t->closed_ids[t->next_id] = child_id;
		t->next_id = (t->next_id + 1) % CLOSED_IDS;
	}
	pthread_mutex_unlock(&traffic->mutex);
}

void vtigw_traffic_total(vtigw_traffic_t *traffic, const char *tunnel,
						 const uint32_t *live_ids, const vtigw_counts_t *live, size_t n,
						 vtigw_counts_t *total)
{
	tunnel_totals_t *t;
	size_t i;

	memset(total, 0, sizeof(*total));
	if (!traffic || !tunnel)
	{
		return;
	}
	pthread_mutex_lock(&traffic->mutex);
	t = find(traffic, tunnel, 0);
	if (t)
	{
		*total = t->closed;
	}
	for (i = 0; i < n; i++)
	{
		if (!t || !is_closed(t, live_ids[i]))
		{
			add(total, &live[i]);
		}
	}
	pthread_mutex_unlock(&traffic->mutex);
}
