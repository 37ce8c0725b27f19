/* Grid events: the report, the step times, photos and the figures (docs/grid.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/photo.h"
#include "grid/event.h"
#include "grid/event_internal.h"
#include "org/audit.h"

int event_row_load(store_conn *c, int64_t id, event_row *r, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT g.grid_id, g.category_id, g.reporter_id, g.post_id, g.unit_id,"
		" g.replied_by, k.file_minutes, k.dispatch_minutes, k.handle_minutes,"
		" k.verify_minutes, g.on_spot, g.valid, g.address, g.lat, g.lon"
		" FROM grid_events g JOIN grid_categories k ON k.id = g.category_id"
		" WHERE g.case_id = ?",
		"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格事件不存在")
			       : -1;
	memset(r, 0, sizeof *r);
	r->grid_id = store_col_int(st, 0);
	r->category_id = store_col_int(st, 1);
	r->reporter_id = store_col_int(st, 2);
	r->post_id = store_col_int(st, 3);
	r->unit_id = store_col_null(st, 4) ? 0 : store_col_int(st, 4);
	r->replied_by = store_col_null(st, 5) ? 0 : store_col_int(st, 5);
	r->file_minutes = store_col_int(st, 6);
	r->dispatch_minutes = store_col_int(st, 7);
	r->handle_minutes = store_col_int(st, 8);
	r->verify_minutes = store_col_int(st, 9);
	r->on_spot = store_col_int(st, 10) != 0;
	r->valid = store_col_int(st, 11) != 0;
	snprintf(r->address, sizeof r->address, "%s", store_col_text(st, 12));
	r->has_coords = !store_col_null(st, 13);
	r->lat = store_col_double(st, 13);
	r->lon = store_col_double(st, 14);
	store_done(st);
	return 0;
}

int event_step_start(store_conn *c, int64_t id, const char *step, int64_t minutes, int64_t now,
		     err *e)
{
	calendar *cal = case_calendar(c, e);
	if (!cal)
		return -1;
	int64_t warn, due;
	grid_step_times(cal, now, minutes, &warn, &due);
	calendar_free(cal);
	if (store_exec(c, e,
		       "UPDATE grid_events SET step = ?, step_started_at = ?, step_warn_at = ?,"
		       " step_due_at = ? WHERE case_id = ?",
		       "siiii", step, now, warn, due, id) < 0)
		return -1;
	return store_exec(c, e,
			  "UPDATE cases SET sign_due_at = ?, signed_at = NULL, sign_alert = 0"
			  " WHERE id = ?",
			  "ii", due, id) < 0
		       ? -1
		       : 0;
}

int event_steps_end(store_conn *c, int64_t id, int64_t now, err *e)
{
	if (store_exec(c, e,
		       "UPDATE grid_events SET step = NULL, step_started_at = NULL,"
		       " step_warn_at = NULL, step_due_at = NULL WHERE case_id = ?",
		       "i", id) < 0)
		return -1;
	return store_exec(c, e,
			  "UPDATE cases SET sign_due_at = NULL, sign_alert = 0, closed_at = ?"
			  " WHERE id = ?",
			  "ii", now, id) < 0
		       ? -1
		       : 0;
}

/* ---- the report ---- */

typedef struct category_ref {
	int64_t id;
	char name[GRID_NAME_MAX * 4 + 4];
	int64_t minutes; /* all four steps */
	int64_t file_minutes;
} category_ref;

static int category_find(store_conn *c, const grid_event_input *in, category_ref *k, err *e)
{
	store_stmt *st;
	int rc = in->category
			 ? store_query_row(
				   c, &st, e,
				   "SELECT id, name, file_minutes, dispatch_minutes"
				   " + handle_minutes + verify_minutes + file_minutes"
				   " FROM grid_categories WHERE (code = ? OR name = ?)"
				   " AND active = 1 ORDER BY CASE WHEN code = ? THEN 0 ELSE 1 END,"
				   " id LIMIT 1",
				   "sss", in->category, in->category, in->category)
			 : store_query_row(c, &st, e,
					   "SELECT id, name, file_minutes, dispatch_minutes"
					   " + handle_minutes + verify_minutes + file_minutes"
					   " FROM grid_categories WHERE id = ? AND active = 1",
					   "i", in->category_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_category", "category",
			       "事件分类不存在或已停用");
	k->id = store_col_int(st, 0);
	snprintf(k->name, sizeof k->name, "%s", store_col_text(st, 1));
	k->file_minutes = store_col_int(st, 2);
	k->minutes = store_col_int(st, 3);
	store_done(st);
	return 0;
}

/* The grid the member works in and its station (the grid's parent unit). */
static int member_grid(store_conn *c, const actor *who, int64_t *grid, int64_t *post,
		       char *grid_name, size_t n, err *e)
{
	store_stmt *st;
	int rc = who->unit_id && actor_has(who, ROLE_GRID_MEMBER)
			 ? store_query_row(c, &st, e,
					   "SELECT id, parent_id, name FROM units WHERE id = ?"
					   " AND kind = 'grid' AND parent_id IS NOT NULL",
					   "i", who->unit_id)
			 : 0;
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_FORBIDDEN, "not_grid_member", NULL,
			       "只有网格员可以在本网格上报事件");
	*grid = store_col_int(st, 0);
	*post = store_col_int(st, 1);
	snprintf(grid_name, n, "%s", store_col_text(st, 2));
	store_done(st);
	return 0;
}

int grid_event_report(store_conn *c, const actor *who, const grid_event_input *in, int64_t *id,
		      err *e)
{
	int64_t grid = 0, post = 0, now = in->at ? in->at : clock_now_ms();
	char grid_name[256], number[32];
	category_ref k;
	if (member_grid(c, who, &grid, &post, grid_name, sizeof grid_name, e) < 0 ||
	    category_find(c, in, &k, e) < 0)
		return -1;
	char *title = in->address ? xasprintf("%s · %s", k.name, in->address) : xstrdup(k.name);
	case_new cn = {.machine = &grid_event_machine,
		       .status = "reported",
		       .region_id = grid,
		       .intake_unit_id = grid,
		       .title = title,
		       .content = in->description,
		       .created_by = who->user_id,
		       .search_extra = in->address,
		       .at = now};
	int rc = case_create(c, who, &cn, id, number, e);
	free(title);
	if (rc < 0 || case_set_holder(c, *id, grid, now, e) < 0)
		return -1;
	/* The event's overall limit: every step's minutes from the report. */
	calendar *cal = case_calendar(c, e);
	if (!cal)
		return -1;
	int64_t due = calendar_add(cal, now, k.minutes, true);
	calendar_free(cal);
	if (store_exec(c, e, "UPDATE cases SET finish_due_at = ?, finish_from = ? WHERE id = ?",
		       "iii", due, now, *id) < 0)
		return -1;
	store_stmt *st = store_prepare(c,
				       "INSERT INTO grid_events (case_id, grid_id, category_id,"
				       " address, lat, lon, reporter_id, post_id)"
				       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "iiis", *id, grid, k.id, in->address);
	if (in->has_coords) {
		store_bind_double(st, 5, in->lat);
		store_bind_double(st, 6, in->lon);
	} else {
		store_bind_null(st, 5);
		store_bind_null(st, 6);
	}
	store_bind_int(st, 7, who->user_id);
	store_bind_int(st, 8, post);
	rc = store_step(st, e);
	store_done(st);
	if (rc < 0 || event_step_start(c, *id, "file", k.file_minutes, now, e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:I, s:I}", "number", number, "grid_id", (json_int_t)grid,
			      "category_id", (json_int_t)k.id);
	rc = audit_append(c, who, "grid_event_create", "grid_event", *id, d, e);
	json_decref(d);
	return rc;
}

/* ---- photos ---- */

static json_t *photo_json(int64_t id, const char *kind, const char *mime, int64_t size)
{
	char url[64];
	snprintf(url, sizeof url, "/api/v1/grid/photos/%lld", (long long)id);
	return json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)id, "kind", kind, "url",
			 url, "content_type", mime, "size", (json_int_t)size);
}

/* Whether who may add photos to the event now: it is open and visible, and who reported
 * it or works at its holding unit. */
static int photo_may_add(store_conn *c, const actor *who, int64_t id, err *e)
{
	case_row r;
	if (case_load(c, id, &r, e) < 0 || strcmp(r.kind, "grid_event") != 0 ||
	    !case_visible(who, &r))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格事件不存在");
	if (!case_state_open(&grid_event_machine, r.status))
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       "事件已结束，不能再上传照片");
	bool reporter = who->user_id && r.created_by == who->user_id;
	bool holder =
		actor_has(who, ROLE_UNIT_STAFF | ROLE_GRID_MEMBER) && r.handler_id == who->unit_id;
	if (!reporter && !holder)
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有上报人或当前承办单位可以上传照片");
	return 0;
}

typedef struct photo_ctx {
	const actor *who;
	int64_t case_id, size, id;
	const char *kind, *file, *mime;
} photo_ctx;

static int photo_tx(store_conn *c, void *p, err *e)
{
	photo_ctx *x = p;
	int64_t n;
	if (case_lock(c, x->case_id, e) < 0 || photo_may_add(c, x->who, x->case_id, e) < 0 ||
	    store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM grid_event_photos WHERE case_id = ? AND kind = ?",
			    "is", x->case_id, x->kind) < 0)
		return -1;
	if (n >= GRID_PHOTOS_MAX)
		return err_set(e, ERR_INVALID, "too_many", "kind", "每个事件的%s照片最多 %d 张",
			       !strcmp(x->kind, "before") ? "处置前" : "处置后", GRID_PHOTOS_MAX);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO grid_event_photos (case_id, kind, file, content_type,"
				 " size, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
				 " RETURNING id",
				 "isssiii", x->case_id, x->kind, x->file, x->mime, x->size,
				 x->who->user_id, clock_now_ms());
	if (rc <= 0)
		return -1;
	x->id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s, s:s, s:I}", "photo_id", (json_int_t)x->id, "kind",
			      x->kind, "content_type", x->mime, "size", (json_int_t)x->size);
	rc = audit_append(c, x->who, "grid_event_photo", "grid_event", x->case_id, d, e);
	json_decref(d);
	return rc;
}

int grid_photo_upload(store *s, const actor *who, const char *data_dir, int64_t id,
		      const char *kind, const unsigned char *data, size_t len, json_t **out, err *e)
{
	if (!kind || (strcmp(kind, "before") && strcmp(kind, "after")))
		return err_set(e, ERR_INVALID, "invalid_value", "kind",
			       "照片类别须为 before（处置前）或 after（处置后）");
	store_conn *c = store_conn_get(s, e);
	/* Refused early here, before the file is written; photo_tx checks again. */
	if (!c || photo_may_add(c, who, id, e) < 0)
		return -1;
	char *rel;
	const char *mime;
	if (photo_save(data_dir, "grid", data, len, PHOTO_BYTES_MAX, &rel, &mime, e) < 0)
		return -1;
	photo_ctx x = {.who = who,
		       .case_id = id,
		       .size = (int64_t)len,
		       .kind = kind,
		       .file = rel,
		       .mime = mime};
	int rc = store_write(s, photo_tx, &x, e);
	if (rc < 0)
		photo_remove(data_dir, "grid", rel);
	else
		*out = photo_json(x.id, kind, mime, (int64_t)len);
	free(rel);
	return rc;
}

int grid_photo_file(store_conn *c, const actor *who, int64_t photo_id, char **rel,
		    const char **mime, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT case_id, file, content_type FROM grid_event_photos WHERE id = ?",
		"i", photo_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "照片不存在");
	int64_t case_id = store_col_int(st, 0);
	char *file = xstrdup(store_col_text(st, 1));
	const char *t = store_col_text(st, 2);
	*mime = !strcmp(t, "image/png")	   ? "image/png"
		: !strcmp(t, "image/webp") ? "image/webp"
					   : "image/jpeg";
	store_done(st);
	case_row r;
	if (case_load(c, case_id, &r, e) < 0 || !case_visible(who, &r)) {
		free(file);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "照片不存在");
	}
	*rel = file;
	return 0;
}

/* ---- figures ---- */

int grid_event_figures(store_conn *c, const char *area_path, int64_t from, int64_t to,
		       grid_event_fig **out, size_t *n, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(area_path, hi, sizeof hi);
	store_stmt *st = store_prepare(
		c,
		"SELECT g.grid_id, COUNT(*),"
		" SUM(g.valid),"
		" SUM(CASE WHEN g.valid = 1 AND c.status = 'closed' THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN g.valid = 1 AND c.status = 'closed'"
		"  AND c.closed_at <= c.finish_due_at THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN g.valid = 1 AND c.status = 'closed' AND g.rework_count = 0"
		"  THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN g.rework_count > 0 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN g.escalation_count > 0 THEN 1 ELSE 0 END),"
		" SUM(g.on_spot)"
		" FROM grid_events g JOIN cases c ON c.id = g.case_id"
		" WHERE c.region_path >= ? AND c.region_path < ?"
		" AND c.created_at >= ? AND c.created_at < ?"
		" GROUP BY g.grid_id ORDER BY g.grid_id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssii", area_path, hi, from, to ? to : INT64_MAX);
	size_t cap = 16;
	*n = 0;
	*out = xcalloc(cap, sizeof **out);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		grid_event_fig *f = &(*out)[(*n)++];
		f->grid_id = store_col_int(st, 0);
		f->events = store_col_int(st, 1);
		f->valid = store_col_int(st, 2);
		f->closed = store_col_int(st, 3);
		f->on_time = store_col_int(st, 4);
		f->first_time = store_col_int(st, 5);
		f->reworked = store_col_int(st, 6);
		f->escalated = store_col_int(st, 7);
		f->on_spot = store_col_int(st, 8);
	}
	store_done(st);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
