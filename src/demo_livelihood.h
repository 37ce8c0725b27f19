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

/* After the demo's units and users exist. unit_ids are the demo's unit ids by index in
 * demo_units. Leaves the clock restored. */
int demo_livelihood_build(store *s, const int64_t *unit_ids, err *e);

#endif
