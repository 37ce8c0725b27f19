/* Who is acting: the logged-in user (or the command line), their roles and their area.
 * Every domain function takes one and keeps to its area. */
#ifndef YW_ACTOR_H
#define YW_ACTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum role {
	ROLE_ADMIN = 1u << 0,
	ROLE_AGENT = 1u << 1,
	ROLE_LEADER = 1u << 2,
	ROLE_UNIT_STAFF = 1u << 3,
	ROLE_GRID_MEMBER = 1u << 4,
	ROLE_MEDIATOR = 1u << 5,
	ROLE_CONGRESS_STAFF = 1u << 6,
	ROLE_DEPUTY = 1u << 7,
	ROLE_PARTY_SECRETARY = 1u << 8,
	ROLE_STATION_STAFF = 1u << 9,
	ROLE_PARTY_MEMBER = 1u << 10,
};
enum { ROLE_COUNT = 11, SCOPE_PATH_MAX = 256 };
/* Any logged-in user, for routes every role has business with (the unit tree, the inbox). */
#define ROLES_ANY ((1u << ROLE_COUNT) - 1)

typedef struct actor {
	int64_t user_id;	 /* 0 for the command line */
	int64_t session_expires; /* when the session it came from ends (epoch ms); 0: none */
	int64_t idle_ends;	 /* when it ends unless used again (epoch ms); 0: no idle limit */
	/* The password is older than the policy allows: the session may only change it. */
	bool password_expired;
	int64_t password_expires; /* when the password expires (epoch ms); 0: never */
	const char *user_agent;	  /* the request's User-Agent, for the login log; borrowed */
	char username[64];
	int64_t unit_id;
	/* The root of the area the actor reads and works in: "/1/5/"; "/" is the whole
	 * tree. Usually the path of the user's unit; for agents, leaders and congress staff
	 * placed in a department, the path of the region that department serves. */
	char unit_path[SCOPE_PATH_MAX];
	/* The root of the area of the actor's admin authority: always the path of the
	 * user's own unit, never widened by another role ("" for an actor without one). A
	 * role's area comes from its unit: an admin who also leads reads the region but
	 * administers only the unit's subtree. */
	char admin_path[SCOPE_PATH_MAX];
	unsigned roles;
	char ip[64];
} actor;

/* The command line's actor: the whole tree, every permission. */
void actor_system(actor *a, const char *who);
bool actor_has(const actor *a, unsigned roles_any);
/* Whether a is an admin whose admin area holds path. */
bool actor_administers(const actor *a, const char *path);
/* Whether a is an admin of the root unit (the city) or the command line. */
bool actor_is_city_admin(const actor *a);

/* Role words (`agent`) and Chinese labels; index 0..ROLE_COUNT-1. */
const char *role_word(int index);
const char *role_label(int index);
/* The bit for a role word, 0 when unknown. */
unsigned role_parse(const char *word);

/* The exclusive upper bound of a path's subtree range: "/1/5/" → "/1/50". The subtree
 * of path P is every unit whose path q satisfies P <= q < hi. */
void scope_upper(const char *path, char *hi, size_t n);
/* Whether path lies within the area rooted at root_path. */
bool scope_contains(const char *root_path, const char *path);

#endif
