/* The demo's 项目库 and 重点问题 (docs/projects.md "Demo"): about 300 investment projects
 * across the seven counties with two years of monthly reports (some missing, some behind
 * plan), and about 30 key issues, some made of the projects' problems. */
#ifndef YW_DEMO_PROJECTS_H
#define YW_DEMO_PROJECTS_H
#include "core/err.h"
#include "store/store.h"

/* Builds them after the rest of the demo (the key issues are made now). */
int demo_projects_build(store *s, err *e);

#endif
