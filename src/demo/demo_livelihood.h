/* The demo's 民生实事: a finished 2021 cycle modelled on Fuxin's ten projects (the
 * proposals, the deputies' ballot in January 2021, the projects with their milestones,
 * progress, inspections and sign-off, the year-end evaluation) and the open 2027
 * proposal collection, all made through the ordinary domain functions with the clock set
 * to each step's time. */
#ifndef YW_DEMO_LIVELIHOOD_H
#define YW_DEMO_LIVELIHOOD_H
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* When the 2021 cycle starts: the earliest date of the demo's history. */
int64_t demo_livelihood_start(void);
/* The 2021 cycle, its steps in date order. After the demo's units and users exist and
 * before anything dated later. unit_ids are the demo's unit ids by index in demo_units.
 * Leaves the clock restored. */
int demo_livelihood_history(store *s, const int64_t *unit_ids, err *e);
/* The open 2027 collection, dated now but no earlier than `from`, the end of the appeals'
 * history: it follows the audit trail's last entry. Leaves the clock restored. */
int demo_livelihood_open(store *s, const int64_t *unit_ids, int64_t from, err *e);

#endif
