#include "platforms.h"

#include "appeals/appeal.h"
#include "disputes/dispute.h"
#include "engine/case.h"
#include "services/service.h"

void platforms_register(void)
{
	case_machine_register(&appeal_machine);
	case_machine_register(&dispute_machine);
	case_machine_register(&service_machine);
}
