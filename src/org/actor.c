#include "org/actor.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *word, *label;
} roles[ROLE_COUNT] = {
	{"admin", "系统管理员"},
	{"agent", "热线话务员"},
	{"leader", "领导"},
	{"unit_staff", "单位工作人员"},
	{"grid_member", "网格员"},
	{"mediator", "调解员"},
	{"congress_staff", "人大工作人员"},
	{"deputy", "人大代表"},
	{"party_secretary", "党组织书记"},
	{"station_staff", "便民服务站工作人员"},
	{"party_member", "党员"},
};

void actor_system(actor *a, const char *who)
{
	memset(a, 0, sizeof *a);
	snprintf(a->username, sizeof a->username, "%s", who ? who : "system");
	snprintf(a->unit_path, sizeof a->unit_path, "/");
	snprintf(a->admin_path, sizeof a->admin_path, "/");
	snprintf(a->ip, sizeof a->ip, "local");
	a->roles = (1u << ROLE_COUNT) - 1;
}

bool actor_has(const actor *a, unsigned roles_any)
{
	return (a->roles & roles_any) != 0;
}

bool actor_administers(const actor *a, const char *path)
{
	/* An empty admin_path would hold every path: it means no admin area at all. */
	return actor_has(a, ROLE_ADMIN) && a->admin_path[0] && scope_contains(a->admin_path, path);
}

bool actor_is_city_admin(const actor *a)
{
	/* "/" (the command line) or the path of the root unit, "/1/". */
	int slashes = 0;
	for (const char *q = a->admin_path; *q; q++)
		slashes += *q == '/';
	return actor_has(a, ROLE_ADMIN) && a->admin_path[0] && slashes <= 2;
}

const char *role_word(int index)
{
	return index >= 0 && index < ROLE_COUNT ? roles[index].word : NULL;
}

const char *role_label(int index)
{
	return index >= 0 && index < ROLE_COUNT ? roles[index].label : NULL;
}

unsigned role_parse(const char *word)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (word && strcmp(word, roles[i].word) == 0)
			return 1u << i;
	return 0;
}

void scope_upper(const char *path, char *hi, size_t n)
{
	snprintf(hi, n, "%s", path);
	size_t len = strlen(hi);
	/* Paths end in '/', and '0' is the character after '/'. */
	if (len > 0 && hi[len - 1] == '/')
		hi[len - 1] = '0';
}

bool scope_contains(const char *root_path, const char *path)
{
	return strncmp(path, root_path, strlen(root_path)) == 0;
}
