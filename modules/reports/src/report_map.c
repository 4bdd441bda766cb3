// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What the reports' maps answer for a viewport (reports/report_map.h): the grid a viewport is
 * counted on, the counts kept per process until the next write, and the GeoJSON text of the
 * areas and of the pins, written directly (a FeatureCollection of a few hundred features
 * through jansson costs more than the rest of the request).
 */
#include "reports/report_map.h"

#include "db_report_map.h"
#include "internal.h"

#include "common/page_cache.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORLD_LON_E6 180000000LL
#define WORLD_LAT_E6 90000000LL
#define CELL_MIN_E6 100LL /* the smallest area: 0.0001°, about 11 m */
#define CELL_LEVEL_MAX 12 /* the largest: CELL_MIN_E6 << 12, 0.41° (report_map_cells' levels) */

/* a / b rounded down (b > 0), for negative coordinates too */
static long long
floor_div(long long a, long long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* ---- counts kept until the next write ---- */

#define MEMO_SIZE 32
#define MEMO_TTL_S 60

struct memo {
	char key[160];
	unsigned long generation;
	time_t at;
	struct report_map_count count;
};

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct memo memo[MEMO_SIZE];
static size_t memo_next;

static void
count_copy(struct report_map_count *to, const struct report_map_count *from)
{
	*to = *from;
	to->cells = NULL;
	if (from->ncells) {
		to->cells = xmalloc(from->ncells * sizeof(*to->cells));
		memcpy(to->cells, from->cells, from->ncells * sizeof(*to->cells));
	}
}

static bool
memo_get(const char *key, unsigned long generation, time_t now, struct report_map_count *out)
{
	bool found = false;
	pthread_mutex_lock(&memo_lock);
	for (size_t i = 0; i < MEMO_SIZE && !found; i++) {
		struct memo *m = &memo[i];
		if (m->at && m->generation == generation && now - m->at < MEMO_TTL_S &&
		    strcmp(m->key, key) == 0) {
			count_copy(out, &m->count);
			found = true;
		}
	}
	pthread_mutex_unlock(&memo_lock);
	return found;
}

static void
memo_put(const char *key, unsigned long generation, time_t now, const struct report_map_count *c)
{
	pthread_mutex_lock(&memo_lock);
	struct memo *m = &memo[memo_next++ % MEMO_SIZE];
	report_map_count_release(&m->count);
	snprintf(m->key, sizeof(m->key), "%s", key);
	m->generation = generation;
	m->at = now;
	count_copy(&m->count, c);
	pthread_mutex_unlock(&memo_lock);
}

int
report_map_count(const struct report_map_filter *f, struct report_map_count *out)
{
	long long view[4] = {-WORLD_LON_E6, -WORLD_LAT_E6, WORLD_LON_E6, WORLD_LAT_E6};
	if (f->has_bbox)
		memcpy(view, f->bbox, sizeof(view));
	/* about REPORT_MAP_GRID cells across the viewport's longer side */
	long long span =
		view[2] - view[0] > view[3] - view[1] ? view[2] - view[0] : view[3] - view[1];
	int level = 0;
	while ((CELL_MIN_E6 << level) * REPORT_MAP_GRID < span && level < CELL_LEVEL_MAX)
		level++;
	long long cell = CELL_MIN_E6 << level;
	/* whole cells: the same areas, with all their reports, for every view that covers them */
	long long range[4] = {floor_div(view[0], cell), floor_div(view[1], cell),
			      floor_div(view[2], cell), floor_div(view[3], cell)};
	long long box[4] = {range[0] * cell, range[1] * cell, range[2] * cell + cell - 1,
			    range[3] * cell + cell - 1};
	char key[160];
	/* the codes are checked ones: no "|" in them */
	snprintf(key, sizeof(key), "%d|%s|%s|%s|%d|%d|%d|%lld|%lld|%lld|%lld|%lld", f->inbox,
		 f->category ? f->category : "", f->status ? f->status : "",
		 f->quarter ? f->quarter : "", f->age_days, f->overdue, f->disputed, cell, box[0],
		 box[1], box[2], box[3]);
	unsigned long generation = page_cache_generation();
	time_t now = time(NULL);
	memset(out, 0, sizeof(*out));
	if (memo_get(key, generation, now, out))
		return 0;
	/* without filters (how both maps open) the counts kept by cell answer */
	bool kept = !f->category && !f->status && !f->quarter && !f->age_days && !f->overdue &&
		    !f->disputed;
	if ((kept ? db_report_map_cells_kept(f->inbox, range, level, out)
		  : db_report_map_cells(f, box, cell, out)) < 0)
		return -1;
	memo_put(key, generation, now, out);
	return 0;
}

void
report_map_count_release(struct report_map_count *c)
{
	free(c->cells);
	memset(c, 0, sizeof(*c));
}

/* ---- JSON text ---- */

void
report_map_string(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!s) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(out, run, (size_t)(p - run));
		run = p + 1;
		if (c == '"' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)c);
		} else if (c == '\n') {
			strbuf_addstr(out, "\\n");
		} else {
			char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0'};
			strbuf_addstr(out, u);
		}
	}
	strbuf_add(out, run, strlen(run));
	strbuf_addch(out, '"');
}

/* Decimal digits of v, without printf (a map answer prints hundreds of numbers). */
static void
add_uint(struct strbuf *out, unsigned long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(out, p, (size_t)(buf + sizeof(buf) - p));
}

void
report_map_integer(struct strbuf *out, long long v)
{
	if (v < 0)
		strbuf_addch(out, '-');
	add_uint(out, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

void
report_map_degrees(struct strbuf *out, long long e6)
{
	unsigned long long a = e6 < 0 ? 0ULL - (unsigned long long)e6 : (unsigned long long)e6;
	unsigned long long frac = a % 1000000;
	if (e6 < 0)
		strbuf_addch(out, '-');
	add_uint(out, a / 1000000);
	if (!frac)
		return;
	char digits[7] = "000000";
	for (int i = 5; i >= 0; i--, frac /= 10)
		digits[i] = (char)('0' + frac % 10);
	size_t n = 6;
	while (digits[n - 1] == '0')
		n--;
	strbuf_addch(out, '.');
	strbuf_add(out, digits, n);
}

static void
add_point(struct strbuf *out, long long lon_e6, long long lat_e6)
{
	strbuf_addstr(out, "\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
	report_map_degrees(out, lon_e6);
	strbuf_addch(out, ',');
	report_map_degrees(out, lat_e6);
	strbuf_addstr(out, "]}");
}

void
report_map_pins_begin(struct strbuf *out, long long total)
{
	strbuf_addstr(out, "{\"type\":\"FeatureCollection\",\"total\":");
	report_map_integer(out, total);
	strbuf_addstr(out, ",\"clustered\":false,\"capped\":false,\"features\":[");
}

void
report_map_pins_end(struct strbuf *out)
{
	strbuf_addstr(out, "]}");
}

void
report_map_pin_begin(struct strbuf *out, bool first, const char *id, long long lon_e6,
		     long long lat_e6)
{
	strbuf_addstr(out, first ? "{\"type\":\"Feature\"," : ",{\"type\":\"Feature\",");
	if (id) {
		strbuf_addstr(out, "\"id\":");
		report_map_string(out, id);
		strbuf_addch(out, ',');
	}
	add_point(out, lon_e6, lat_e6);
	strbuf_addstr(out, ",\"properties\":{");
}

/* "12 reports here: zoom in to see them" */
static void
add_count_text(struct strbuf *out, long long n, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	report_map_integer(&sb, n);
	strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, text);
	report_map_string(out, sb.buf);
	strbuf_release(&sb);
}

void
report_map_clusters(struct request *req, const struct report_map_count *c, struct strbuf *out)
{
	const char *title = t_get(req, "report_map_area");
	strbuf_grow(out, 64 + c->ncells * 200);
	strbuf_addstr(out, "{\"type\":\"FeatureCollection\",\"total\":");
	report_map_integer(out, c->total);
	strbuf_addstr(out, ",\"clustered\":true,\"capped\":true,\"note\":");
	add_count_text(out, c->total, t_get(req, "report_map_note"));
	strbuf_addstr(out, ",\"features\":[");
	for (size_t i = 0; i < c->ncells; i++) {
		const struct report_map_cell *cell = &c->cells[i];
		strbuf_addstr(out, i ? ",{\"type\":\"Feature\"," : "{\"type\":\"Feature\",");
		add_point(out, cell->lon_e6, cell->lat_e6);
		strbuf_addstr(out, ",\"properties\":{\"count\":");
		report_map_integer(out, cell->count);
		strbuf_addstr(out, ",\"title\":");
		add_count_text(out, cell->count, title);
		strbuf_addstr(out, ",\"bbox\":[");
		for (int k = 0; k < 4; k++) {
			if (k)
				strbuf_addch(out, ',');
			report_map_degrees(out, cell->box[k]);
		}
		strbuf_addstr(out, "]}}");
	}
	strbuf_addstr(out, "]}");
}
