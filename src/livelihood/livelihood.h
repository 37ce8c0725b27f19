/* 民生实事票决: citizens propose (群众提), deputies vote (代表定), the government delivers
 * (政府办), the congress evaluates (人大评). docs/livelihood.md is the reference.
 *
 * The rules that decide outcomes (the tally, the evaluation outcome, a project's state,
 * a photo's type) are pure functions here so that they are tested without a database.
 * The repository functions below take a store connection and the actor; those that
 * change something run inside the caller's write transaction and append to the audit
 * trail. Every read keeps to the actor's area (404 outside it). */
#ifndef YW_LIVELIHOOD_H
#define YW_LIVELIHOOD_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum {
	LV_TITLE_MAX = 100,
	LV_TEXT_MAX = 4000,
	LV_PLACE_MAX = 200,
	LV_NAME_MAX = 50,
	LV_PHONE_MAX = 32,
	LV_CANDIDATES_MAX = 100, /* per session */
	LV_ROLL_MAX = 5000,	 /* deputies on one roll */
	LV_PROPOSALS_MAX = 100,	 /* proposals behind one candidate */
	LV_PHOTOS_MAX = 9,	 /* photos on one progress report */
	LV_PHOTO_BYTES_MAX = 8 << 20,
	LV_RISK_DAYS = 10,   /* a milestone this close to its date and unfinished is at risk */
	LV_RECEIPT_LEN = 32, /* hex characters of a ballot receipt (128 random bits) */
};

/* Who manages sessions, candidates, screening, sign-off and evaluations. */
#define LV_STAFF ROLE_CONGRESS_STAFF
/* Everyone with a livelihood screen: the board, the proposals, the sessions. */
#define LV_READERS                                                                                 \
	(ROLE_CONGRESS_STAFF | ROLE_DEPUTY | ROLE_LEADER | ROLE_UNIT_STAFF | ROLE_AGENT |          \
	 ROLE_ADMIN)

/* ---- pure rules ---- */

/* One candidate's line in a tally. position breaks ties in the listing only. */
typedef struct lv_tally_item {
	int64_t candidate_id;
	int64_t votes;
	int position;
	bool elected;
	bool runoff; /* tied across the last seat: a runoff among these is needed */
} lv_tally_item;

/* Whether rule names a known rule: "roll_majority" or "ballots_majority". */
bool lv_rule_valid(const char *rule);
/* Decides the outcome of a closed session: sorts items by votes (descending, then
 * position) and marks elected the candidates with more votes than half of the base (the
 * roll for roll_majority, the ballots cast for ballots_majority) that rank within the
 * seats. A group of candidates tied on votes that reaches across the last seat is not
 * elected; they are marked runoff and *runoff_seats says how many seats remain for them
 * (0 when no runoff is needed). Returns the number elected. */
int lv_tally_decide(lv_tally_item *items, size_t n, int seats, const char *rule, int64_t roll_size,
		    int64_t ballots_cast, int *runoff_seats);

/* The outcome of a project's evaluation: with ratings from more than half of the roll,
 * "satisfied" when satisfied ratings exceed half of the roll, else "basically_satisfied"
 * when satisfied + basically satisfied exceed half of the roll, else "dissatisfied";
 * with fewer ratings "no_quorum". */
const char *lv_evaluation_outcome(int64_t roll_size, int64_t satisfied, int64_t basic,
				  int64_t dissatisfied);
bool lv_rating_valid(const char *rating);

/* A milestone's state at now: "done" (100 %), "late" (its date has passed), "at_risk"
 * (unfinished and its date is at most LV_RISK_DAYS days away) or "on_track". due_date is
 * a China calendar date YYYY-MM-DD. */
const char *lv_milestone_state(const char *due_date, int percent, int64_t now_ms);
/* A project's state from its milestones' states: "late" if any is late, else "at_risk"
 * if any is at risk, else "on_track". */
const char *lv_project_state(const char *const *milestone_states, size_t n);
bool lv_state_valid(const char *state);
/* Whether s is a valid date YYYY-MM-DD. */
bool lv_date_valid(const char *s);

/* The type of an uploaded photo from its first bytes (JPEG, PNG, WebP): the MIME type and
 * a file extension; false for anything else. */
bool lv_photo_type(const unsigned char *data, size_t len, const char **mime, const char **ext);

/* A ballot's choices as stored: ascending ids, comma separated ("3,5,9"). */
void lv_choices_format(const int64_t *ids, size_t n, char *out, size_t outn);
/* Parses stored choices into ids (at most max); -1 when malformed. */
int lv_choices_parse(const char *s, int64_t *ids, size_t max, size_t *n);

/* ---- proposals (群众提) ---- */

typedef struct lv_proposal_input {
	int64_t year; /* 0: the open collection's year, else next year */
	const char *title, *content, *place, *contact_name, *contact_phone;
	const char *channel; /* web, app, appeal, staff */
	int64_t unit_id;     /* the place's unit; 0: the root of the area */
	int64_t appeal_id;   /* converted from this appeal (agents) */
} lv_proposal_input;

/* Inside a write transaction: files a proposal. who is NULL for a citizen without login.
 * code receives the code the proposer keeps to follow it (LV_RECEIPT_LEN + 1 bytes). */
int lv_proposal_submit(store_conn *c, const actor *who, lv_proposal_input *in, int64_t *id,
		       char *code, err *e);
/* The proposal for staff (contact included for congress staff). */
int lv_proposal_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
typedef struct lv_proposal_filter {
	int64_t year;
	const char *status;
	const char *q;
	bool mine;
} lv_proposal_filter;
int lv_proposal_list(store_conn *c, const actor *who, const lv_proposal_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e);
/* The public view: no contact, no proposer. */
int lv_proposal_public_list(store_conn *c, int64_t year, int64_t page, int64_t per_page,
			    json_t **items, int64_t *total, err *e);
/* What the proposer sees through their code: status, the reason when infeasible, the
 * proposal merged into, the candidate it became. 404 for an unknown code. */
int lv_proposal_track(store_conn *c, const char *code, json_t **out, err *e);
/* Inside a write transaction: one support per person (who, or the address when NULL). */
int lv_proposal_support(store_conn *c, const actor *who, const char *ip, int64_t id,
			int64_t *supports, err *e);
int lv_proposal_merge(store_conn *c, const actor *who, int64_t id, int64_t into_id, err *e);
int lv_proposal_infeasible(store_conn *c, const actor *who, int64_t id, const char *reason, err *e);

int lv_collection_open(store_conn *c, const actor *who, int64_t year, const char *title, err *e);
int lv_collection_close(store_conn *c, const actor *who, int64_t year, err *e);
int lv_collection_list(store_conn *c, const actor *who, json_t **items, err *e);

/* ---- candidates ---- */

typedef struct lv_candidate_input {
	int64_t year; /* 0: from the proposals, else the current year */
	const char *title, *description, *target, *feasibility;
	int64_t budget_yuan;
	int64_t lead_unit_id;
	const int64_t *proposal_ids;
	size_t nproposals;
} lv_candidate_input;

int lv_candidate_create(store_conn *c, const actor *who, const lv_candidate_input *in, int64_t *id,
			err *e);
int lv_candidate_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int lv_candidate_list(store_conn *c, const actor *who, int64_t year, int64_t page, int64_t per_page,
		      json_t **items, int64_t *total, err *e);

/* ---- ballot sessions (代表定) ---- */

typedef struct lv_session_input {
	const char *title;
	int64_t year, seats;
	const char *rule; /* NULL: roll_majority */
	const int64_t *candidate_ids;
	size_t ncandidates;
	const int64_t *roll_ids; /* NULL: every active deputy of the area */
	size_t nroll;
	int64_t runoff_of;
} lv_session_input;

int lv_session_create(store_conn *c, const actor *who, const lv_session_input *in, int64_t *id,
		      err *e);
/* draft → open (409 from another state, or with an empty roll). */
int lv_session_open(store_conn *c, const actor *who, int64_t id, err *e);
/* open → closed: counts the ballots, stores each candidate's votes and whether elected,
 * and makes the elected candidates the year's projects. */
int lv_session_close(store_conn *c, const actor *who, int64_t id, err *e);
/* From a closed session whose result needs a runoff: a new draft session among the tied
 * candidates for the remaining seats, with the same roll and rule. */
int lv_session_runoff(store_conn *c, const actor *who, int64_t id, int64_t *new_id, err *e);
/* Inside a write transaction: casts who's secret ballot. choices are distinct candidate
 * ids of the session, at most its seats (the edge checks that; this re-checks). 409 when
 * the session is not open or who has voted, 403 when who is not on the roll. receipt
 * receives LV_RECEIPT_LEN hex characters and a NUL. Nothing links who to the ballot. */
int lv_ballot_cast(store_conn *c, const actor *who, int64_t session_id, const int64_t *choices,
		   size_t n, char *receipt, err *e);
/* The session with its candidates, roll size and ballots cast (never votes before the
 * close), and for a deputy whether they are on the roll and have voted. */
int lv_session_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int lv_session_list(store_conn *c, const actor *who, int64_t year, const char *status, int64_t page,
		    int64_t per_page, json_t **items, int64_t *total, err *e);
/* After the close only (409 before): the counted result, and the published receipts. */
int lv_session_result(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int lv_session_receipts(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* The roll with who has voted (congress staff). */
int lv_session_roll(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

/* ---- projects (政府办) ---- */

typedef struct lv_project_filter {
	int64_t year;
	int64_t unit_id; /* the lead unit's subtree */
	const char *state;
} lv_project_filter;

int lv_project_list(store_conn *c, const actor *who, const lv_project_filter *f, int64_t page,
		    int64_t per_page, json_t **items, int64_t *total, err *e);
/* The project with milestones, progress reports and their photos, inspections and the
 * evaluation. */
int lv_project_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
/* The year's projects for everyone: progress and state, no personal data. */
int lv_project_public_list(store_conn *c, int64_t year, json_t **items, err *e);
/* The year the public board shows without one asked: this year's projects, else the
 * latest year before it, else the latest. */
int lv_project_default_year(store_conn *c, int64_t *year, err *e);
/* Every year that has projects, newest first (a JSON array). */
int lv_project_years(store_conn *c, json_t **years, err *e);
/* The year of the open proposal collection (the latest), or next year when none is open. */
int lv_collection_default_year(store_conn *c, int64_t *year, err *e);

typedef struct lv_milestone_input {
	const char *title, *due_date, *deliverable;
} lv_milestone_input;
/* By congress staff or the lead unit's staff. */
int lv_milestone_add(store_conn *c, const actor *who, int64_t project_id,
		     const lv_milestone_input *in, int64_t *id, err *e);

/* Stores an uploaded photo of a project: checks its type by its first bytes (422
 * otherwise) and writes it under data_dir/livelihood/ (outside the database rows) before
 * the row is inserted. By the lead unit's staff. */
int lv_photo_upload(store *s, const actor *who, const char *data_dir, int64_t project_id,
		    const unsigned char *data, size_t len, json_t **out, err *e);
/* The file of a photo the caller may see: its path under data_dir/livelihood (heap, for
 * photo_read) and MIME type. */
int lv_photo_file(store_conn *c, const actor *who, const char *data_dir, int64_t id, char **path,
		  const char **mime, err *e);

typedef struct lv_progress_input {
	int64_t milestone_id, percent;
	const char *text;
	const int64_t *photo_ids;
	size_t nphotos;
} lv_progress_input;
int lv_progress_add(store_conn *c, const actor *who, int64_t project_id,
		    const lv_progress_input *in, int64_t *id, err *e);

typedef struct lv_inspection_input {
	const char *visited_on, *content, *opinion;
} lv_inspection_input;
/* A deputy's inspection, optionally with a supervision opinion. */
int lv_inspection_add(store_conn *c, const actor *who, int64_t project_id,
		      const lv_inspection_input *in, int64_t *id, err *e);
/* The lead unit answers an opinion (once). */
int lv_inspection_answer(store_conn *c, const actor *who, int64_t project_id, int64_t id,
			 const char *answer, err *e);
/* 销号: congress staff sign off a project whose milestones are all finished and whose
 * opinions are all answered. */
int lv_project_signoff(store_conn *c, const actor *who, int64_t id, const char *note, err *e);

/* ---- evaluation (人大评) ---- */

int lv_evaluation_open(store_conn *c, const actor *who, int64_t year, err *e);
int lv_evaluation_close(store_conn *c, const actor *who, int64_t year, err *e);
int lv_evaluation_get(store_conn *c, const actor *who, int64_t year, json_t **out, err *e);
int lv_rating_add(store_conn *c, const actor *who, int64_t project_id, const char *rating, err *e);

/* The year's report as an XLSX workbook (heap data): projects, milestones, progress and
 * evaluation, with Chinese headers. */
int lv_report_xlsx(store_conn *c, const actor *who, int64_t year, char **data, size_t *len, err *e);

/* ---- shared helpers of the livelihood files ---- */

/* The id of the unit at the root of who's area (the last id of its path). */
int64_t lv_area_unit(const actor *who);
/* {"id","name"} of a unit, or null. */
json_t *lv_unit_ref(store_conn *c, int64_t unit_id, err *e);
/* The current China calendar year. */
int64_t lv_current_year(void);
/* Budget in yuan as 万元 for JSON. */
json_t *lv_budget_wan(int64_t yuan);
json_t *lv_time_or_null(int64_t ms, bool present);

#endif
