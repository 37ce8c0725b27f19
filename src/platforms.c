#include "platforms.h"

#include "appeals/appeal.h"
#include "engine/case.h"

void platforms_register(void)
{
	case_machine_register(&appeal_machine);
}
