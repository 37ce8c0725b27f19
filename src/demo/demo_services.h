/* The demo's 便民服务: the catalogue of service items for the three levels, the county
 * halls (each county's 政务服务中心) that proxy requests go to, the modes of the stations, and a
 * year of requests across Fuxin's stations (rated, some 差评 answered), run beside the
 * appeals in time order. */
#ifndef YW_DEMO_SERVICES_H
#define YW_DEMO_SERVICES_H
#include <stdint.h>

#include "core/err.h"
#include "demo/demo_appeals.h"
#include "store/store.h"

/* Inside the demo's first transaction: the catalogue, the hall, the stations' modes.
 * unit_ids are the demo's unit ids by index in demo_units. */
int demo_services_setup(store_conn *c, const int64_t *unit_ids, err *e);

typedef struct demo_services demo_services;

/* The year of requests up to end, planned, run beside the appeals together with inner
 * (the disputes' history, or an empty one): *outer takes turns between both in time
 * order. NULL (and 0) when YIWANG_DEMO_SERVICES=0. */
int demo_services_open(const int64_t *unit_ids, int64_t end, const demo_beside *inner,
		       demo_services **out, demo_beside *outer, err *e);
void demo_services_close(demo_services *d);

/* 营商环境: about twenty enterprise cases (引导代办), each for an investment project of the
 * register (so after the projects' demo), registered by its county's 政务服务中心, with
 * the approvals 立项 → 用地 → 规划 → 环评 → 施工许可 at various points: some done with their
 * dates, the next in progress. */
int demo_services_enterprise(store *s, err *e);

#endif
