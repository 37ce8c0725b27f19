/* 便民服务 (docs/services.md): convenience services at the county, township and village
 * service stations. A catalogue of service items per level; a request for an item is a
 * case of kind "service_request" on the engine, served in one of three modes: immediate
 * (即办: done at the station), accompanied (陪办: staff go with the citizen to the hall by
 * appointment) or proxy (代办: the station takes the materials to the county hall and
 * brings the result back). The citizen rates the service on the public page (好差评); a
 * 差评 opens a complaint the station answers and puts right within 15 working days. */
#ifndef YW_SERVICE_H
#define YW_SERVICE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/xlsx_read.h"
#include "engine/calendar.h"
#include "engine/case.h"
#include "org/actor.h"
#include "store/store.h"

/* Who reads requests (each within their area; the hall those sent to it). */
#define SVC_READ_ROLES (ROLE_STATION_STAFF | ROLE_UNIT_STAFF | ROLE_LEADER | ROLE_ADMIN)
/* Who takes actions (each action then names its own takers). */
#define SVC_ACT_ROLES (ROLE_STATION_STAFF | ROLE_UNIT_STAFF)
/* Who reads the figures. */
#define SVC_STATS_ROLES (ROLE_STATION_STAFF | ROLE_UNIT_STAFF | ROLE_LEADER | ROLE_ADMIN)
/* Who handles enterprise approvals (营商环境 引导代办). */
#define SVC_ENTERPRISE_ROLES (ROLE_STATION_STAFF | ROLE_UNIT_STAFF | ROLE_ADMIN)

extern const struct case_machine service_machine;

enum {
	SVC_NAME_MAX = 100,
	SVC_TEXT_MAX = 2000,
	SVC_PHONE_MAX = 20,
	SVC_MATERIALS_MAX = 30,
	SVC_MATERIAL_MAX = 100,
	SVC_DAYS_MAX = 365,
	/* A 差评 is answered and put right within this many working days. */
	SVC_COMPLAINT_DAYS = 15,
	/* A rating at or below this is a 差评. */
	SVC_BAD_RATING = 2,
	SVC_STEPS_MAX = 20,
};

extern const char *const svc_levels[]; /* "county", "township", "village", NULL */
extern const char *const svc_modes[];  /* "immediate", "accompanied", "proxy", NULL */
extern const char *const svc_kinds[];  /* "immediate", "promised", NULL */
extern const char *const svc_statuses[];

/* ---- pure rules (service_rules.c) ---- */

/* The working days a request of an item has: the promised limit of a 承诺件; a 即办件
 * (promised 0) is due within one working day. */
int svc_due_days(const char *item_kind, int promised_days);
/* The deadline of a request made at start on calendar cal. */
int64_t svc_deadline(const calendar *cal, int64_t start, const char *item_kind, int promised_days);
/* Whether a request was served without the citizen travelling to the county: done
 * immediately or by proxy at a village or township station. */
bool svc_no_travel(const char *mode, const char *station_level);
/* Whether a request done at done_at with deadline due_at was on time. */
bool svc_on_time(int64_t done_at, int64_t due_at);
/* The service level of a unit kind: village and community → "village", township →
 * "township", county → "county"; NULL for any other kind (no station). */
const char *svc_level_of_kind(const char *unit_kind);
/* Whether word is one of words. */
bool svc_in(const char *word, const char *const *words);

/* ---- requests (service.c) ---- */

typedef struct svc_input {
	int64_t item_id;
	const char *mode, *applicant_name, *applicant_phone, *id_number; /* id_number NULL */
	json_t *materials; /* an array of the materials checked, or NULL */
	const char *note;
} svc_input;

/* Inside a write transaction: a station clerk registers a request at their station. For
 * proxy the citizen signs the entrustment there (委托). Fills id. */
int svc_request_create(store_conn *c, const actor *who, const svc_input *in, int64_t *id, err *e);
/* Inside a write transaction: takes action on request id. */
int svc_request_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		    err *e);
/* The request as who sees it (phone and ID number masked unless who serves it). */
int svc_request_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

typedef struct svc_filter {
	const char *status, *mode;
	bool hall; /* only requests held by who's unit (the hall's queue) */
	int64_t from, to;
} svc_filter;
int svc_request_list(store_conn *c, const actor *who, const svc_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e);

/* The citizen's view by number and phone (404 unless both match). */
int svc_public_get(store_conn *c, const char *number, const char *phone, json_t **out, err *e);
/* Inside a write transaction: the citizen's rating 1..5 (once, when done). */
int svc_public_rate(store_conn *c, const char *number, const char *phone, int64_t rating,
		    const char *ip, err *e);

/* ---- the catalogue (service_catalogue.c) ---- */

int svc_items_list(store_conn *c, const actor *who, const char *level, bool all, json_t **out,
		   err *e);
int svc_item_get(store_conn *c, int64_t id, json_t **out, err *e);
/* Inside a write transaction: creates (id 0) or replaces item id from the body. */
int svc_item_save(store_conn *c, const actor *who, int64_t id, json_t *body, int64_t *out_id,
		  err *e);
int svc_item_delete(store_conn *c, const actor *who, int64_t id, err *e);
/* Inside a write transaction: the modes station unit_id offers for an item. */
int svc_station_modes_set(store_conn *c, const actor *who, int64_t unit_id, int64_t item_id,
			  json_t *modes, err *e);
/* The catalogue as an Excel workbook (heap, *len). */
int svc_items_xlsx(store_conn *c, char **data, size_t *len, err *e);
/* Inside a write transaction: imports items from CSV (UTF-8, header line; columns name,
 * level, category, kind, promised_days, legal_days, modes, materials, fees, applicants,
 * description, unit; lists separated by ';' or '；'). An item of the same level and name
 * is updated. All or nothing; the count imported in *n. */
int svc_items_import_csv(store_conn *c, const actor *who, const char *csv, int64_t *n, err *e);
/* The same from the first sheet of a workbook (xlsx_read): the export's two header rows
 * (Chinese titles, skipped; then the column keys), then one item a row; empty rows are
 * skipped. Errors name the sheet's row, field "file". */
int svc_items_import_xlsx(store_conn *c, const actor *who, const xlsx_table *t, int64_t *n, err *e);
/* Parses one CSV line into at most max fields (quotes, doubled quotes); the fields point
 * into buf, which is modified. Returns the field count. */
int svc_csv_split(char *buf, char **fields, int max);

/* ---- figures (service_stats.c) ---- */

int svc_stats(store_conn *c, const actor *who, int64_t from, int64_t to, json_t **out, err *e);
/* The answer of svc_stats as an .xlsx workbook (sheets 按站点, 按层级, 按事项; Chinese
 * headers; heap buffer). */
int svc_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e);

/* The review metrics of a unit (工作考评): the requests of stations in unit_id's subtree
 * made in [from, to): how many, how many done, the share of those done on time (0..1, -1
 * when none done), the average rating (1..5, -1 when none rated). */
typedef struct svc_metrics {
	int64_t requests, done, rated;
	double on_time_rate, avg_rating;
} svc_metrics;
int svc_unit_metrics(store_conn *c, int64_t unit_id, int64_t from, int64_t to, svc_metrics *out,
		     err *e);

/* The same figures grouped by station for the review metrics (service_metrics.c): per
 * station whose path lies in [lo, hi), over the requests made in [from, to), fn(ctx,
 * station's path, done, done on time, rated, sum of ratings) — svc_stats's definitions
 * (on time: done by due_at). One grouped query. */
typedef void (*svc_station_fn)(void *ctx, const char *path, int64_t done, int64_t on_time,
			       int64_t rated, int64_t rating_sum);
int svc_stats_each_station(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   svc_station_fn fn, void *ctx, err *e);
/* The requests made in [from, to) at the stations of [lo, hi) that were done after their
 * due time: items {"id","number","title","station","status"}, at most limit. */
int svc_stats_late(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		   int limit, json_t **items, err *e);

/* ---- enterprise service (service_enterprise.c) ---- */

int svc_enterprise_create(store_conn *c, const actor *who, json_t *body, int64_t *id, err *e);
int svc_enterprise_step_update(store_conn *c, const actor *who, int64_t id, int64_t step_id,
			       json_t *body, err *e);
int svc_enterprise_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int svc_enterprise_list(store_conn *c, const actor *who, int64_t county_id, json_t **out, err *e);

#endif
