/* What the files of src/services share among themselves (not for other modules). */
#ifndef YW_SERVICE_INTERNAL_H
#define YW_SERVICE_INTERNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/service.h"

/* A request's own row, as the machine needs it. */
typedef struct svc_req {
	char mode[16];
	int64_t station_id, hall_id, due_at;
	bool entrusted, missing;
} svc_req;

int svc_req_load(store_conn *c, int64_t id, svc_req *q, err *e);
/* The hall (政务服务中心) serving the region at path (the nearest ancestor with one), 0
 * when none. */
int svc_hall_for(store_conn *c, const char *path, int64_t *hall, err *e);
/* A list of 1..SVC_MATERIALS_MAX non-blank strings of at most SVC_MATERIAL_MAX characters
 * under key; *out NULL when absent and not required. A new reference. */
int svc_string_list(json_t *o, const char *key, bool required, json_t **out, err *e);
/* A JSON array from its stored text ("[]" on anything else). */
json_t *svc_json_array(const char *text);
/* The digits (and a leading '+') of a phone number, into out. */
void svc_phone_digits(const char *in, char *out, size_t n);

#endif
