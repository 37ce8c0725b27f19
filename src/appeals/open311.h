/* Open311 GeoReport v2 on the appeal queue (docs/open311.md): appeal categories are the
 * services, a category's attributes are its service definition, a request is an ordinary
 * appeal of channel open311, and the requests anyone may read are the appeals with only
 * the specification's public fields, personal data left out and numbers in text masked.
 * The HTTP side (formats, parameters, keys, errors) is api/open311.c. */
#ifndef YW_OPEN311_H
#define YW_OPEN311_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

enum {
	OPEN311_DESCRIPTION_MAX = 4000, /* characters, as the specification says */
	OPEN311_MAX_REQUESTS = 1000,	/* GET requests answers at most this many */
	OPEN311_WINDOW_DAYS = 90,	/* ... over at most this many days */
	OPEN311_ATTRS_MAX = 30,		/* attributes of one service */
	OPEN311_VALUES_MAX = 50,	/* options of one list attribute */
	OPEN311_ATTR_CODE_MAX = 32,
	OPEN311_ATTR_TEXT_MAX = 200, /* description, datatype_description, option names */
	OPEN311_STRING_MAX = 200,    /* an answer of datatype string */
	OPEN311_TEXT_MAX = 2000,     /* an answer of datatype text */
	OPEN311_KEYWORDS_MAX = 200,
};

/* Whether d is one of the specification's attribute datatypes. */
bool open311_datatype_valid(const char *d);
/* Whether code is 1..32 of [A-Za-z0-9_-] (an attribute code or a list option's key). */
bool open311_code_valid(const char *code);

/* The service list: every active category, parents before children, as the
 * specification's service objects (service_code, service_name, description, metadata,
 * type, keywords, group). */
int open311_services(store_conn *c, json_t **out, err *e);
/* The service definition {service_code, attributes} of an active category; 404 when
 * there is no active category with that code. */
int open311_service_definition(store_conn *c, const char *code, json_t **out, err *e);

/* One attribute answer as sent: attribute[code]=value, or attribute[code][]=value for
 * one of a multivaluelist's values (list). */
typedef struct open311_answer {
	const char *code, *value;
	bool list;
} open311_answer;

typedef struct open311_submission {
	int64_t api_key_id;
	const char *service_code;
	bool has_coords;
	double lat, lon;
	const char *address_string, *address_id;
	const char *email, *device_id, *account_id, *first_name, *last_name, *phone;
	const char *description, *media_url;
	const open311_answer *answers;
	size_t nanswers;
} open311_submission;

typedef struct open311_receipt {
	int64_t case_id;
	char number[32]; /* the service_request_id */
	char token[40];	 /* for a batch service, else "" */
	char service_notice[256];
} open311_receipt;

/* Checks the answers in `in` to one attribute against its definition def (an attribute
 * object of the service definition, with its values) and gives what the appeal keeps,
 * {code, description, datatype, value, text}, or NULL when it was not answered; 400 when
 * the answers do not fit it. */
int open311_answer_check(json_t *def, const open311_submission *in, json_t **out, err *e);

/* Inside a write transaction: takes in a request as an appeal of channel open311 (with
 * appeal_intake, so it is dispatched and handled like any other) and keeps the request's
 * other fields beside it. who is the partner's key as an actor. 404 unknown service;
 * ERR_BAD_REQUEST for answers that do not fit the service definition. */
int open311_submit(store_conn *c, const actor *who, const open311_submission *in,
		   open311_receipt *out, err *e);

typedef struct open311_query {
	const char *ids;	   /* comma list of service_request_ids: overrides the rest */
	const char *service_codes; /* comma list, NULL: every service */
	int64_t start, end;	   /* requested_datetime in [start, end] */
	bool open, closed;	   /* the statuses wanted (neither: both) */
	const char *area; /* a city's path when jurisdiction_id names one; NULL: every city */
} open311_query;

/* The requests matching q, newest first, at most OPEN311_MAX_REQUESTS, as the
 * specification's request objects. An unknown service code in q is 404. */
int open311_requests(store_conn *c, const open311_query *q, json_t **out, err *e);
/* [{service_request_id, token}] for a batch request's token; 404 when unknown. */
int open311_token(store_conn *c, const char *token, json_t **out, err *e);

/* ---- administration (city admins, through /api/v1) ---- */

typedef struct open311_attribute {
	const char *code, *datatype, *description, *datatype_description;
	bool variable, required;
	int64_t order;	/* 1.. */
	json_t *values; /* [{key, name}] for list types, borrowed; NULL otherwise */
} open311_attribute;

typedef struct open311_config {
	const char *type;     /* realtime or batch */
	const char *keywords; /* NULL: none */
	const open311_attribute *attributes;
	size_t nattributes;
} open311_config;

/* {category_id, service_code, type, keywords, attributes:[...]} of a category; 404 when
 * there is none. */
int open311_config_get(store_conn *c, int64_t category_id, json_t **out, err *e);
/* Inside a write transaction: replaces a category's Open311 settings and attributes
 * (checked: codes and orders unique, list types with 1..50 options of unique keys,
 * other types without options; 422 otherwise). Appeals keep the answers they were given. */
int open311_config_put(store_conn *c, const actor *who, int64_t category_id,
		       const open311_config *cfg, err *e);

#endif
