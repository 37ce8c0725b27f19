#include "platforms.h"

#include "appeals/appeal.h"
#include "disputes/dispute.h"
#include "engine/case.h"
#include "engine/jobs.h"
#include "party/party.h"

void platforms_register(void)
{
	case_machine_register(&appeal_machine);
	case_machine_register(&dispute_machine);
	/* 智慧党建 is not a case kind; its term warnings run with the scheduler. */
	jobs_task_register(party_term_notify);
}
