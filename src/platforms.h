/* Every platform's case machines, registered with the engine at start-up (the scheduler
 * and case_act read the registry). */
#ifndef YW_PLATFORMS_H
#define YW_PLATFORMS_H

/* Registers every kind's machine; call once before serving, building the demo or running
 * the scheduler. */
void platforms_register(void);

#endif
