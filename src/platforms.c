#include "platforms.h"

#include "appeals/appeal.h"
#include "disputes/dispute.h"
#include "engine/case.h"
#include "engine/jobs.h"
#include "investment/invest.h"
#include "keyissues/key_issue.h"

void platforms_register(void)
{
	case_machine_register(&appeal_machine);
	case_machine_register(&dispute_machine);
	case_machine_register(&key_issue_machine);
	/* 项目库: the missing monthly reports are flagged to their county. */
	jobs_task_register(inv_flag_missing_reports);
}
