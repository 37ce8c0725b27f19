#include "platforms.h"

#include "appeals/appeal.h"
#include "disputes/dispute.h"
#include "engine/case.h"
#include "reviews/review_metrics_builtin.h"
#include "grid/event.h"
#include "services/service.h"
#include "engine/jobs.h"
#include "party/party.h"
#include "engine/jobs.h"
#include "investment/invest.h"
#include "keyissues/key_issue.h"

void platforms_register(void)
{
	case_machine_register(&appeal_machine);
	case_machine_register(&dispute_machine);
	/* The review schemes' computed indicators: each platform's metrics. */
	reviews_metrics_register(review_appeal_metrics, review_appeal_metrics_count);
	reviews_metrics_register(review_dispute_metrics, review_dispute_metrics_count);
	reviews_metrics_register(grid_review_metrics, grid_review_metrics_count);
	reviews_metrics_register(service_review_metrics, service_review_metrics_count);
	reviews_metrics_register(party_review_metrics, party_review_metrics_count);
	reviews_metrics_register(invest_review_metrics, invest_review_metrics_count);
	case_machine_register(&grid_event_machine);
	case_machine_register(&service_machine);
	/* 智慧党建 is not a case kind; its term warnings run with the scheduler. */
	jobs_task_register(party_term_notify);
	case_machine_register(&key_issue_machine);
	/* 项目库: the missing monthly reports are flagged to their county. */
	jobs_task_register(inv_flag_missing_reports);
}
