/* The Fuxin demo as data: the unit tree and the demo logins. demo.c inserts them. */
#ifndef YW_DEMO_DATA_H
#define YW_DEMO_DATA_H
#include <stddef.h>

struct demo_unit {
	const char *key;	/* unique within the demo, ascii, e.g. "haizhou" */
	const char *parent_key; /* NULL for the city; a key that appears earlier in the table */
	const char *kind;	/* city county township community village grid department */
	const char *name;	/* Chinese name, e.g. "海州区" */
	const char *code;	/* administrative code, or NULL */
};

struct demo_user {
	const char *username;
	const char *display_name; /* Chinese name */
	const char *unit_key;
	const char *roles; /* comma-separated role words, e.g. "agent" or "unit_staff" */
	const char *phone; /* 11-digit mobile number, or NULL */
};

extern const struct demo_unit demo_units[];
extern const size_t demo_units_count;
extern const struct demo_user demo_users[];
extern const size_t demo_users_count;

#endif
