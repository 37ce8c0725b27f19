/* The API modules: each contributes one table of routes. api_register adds them all. */
#ifndef YW_API_H
#define YW_API_H
#include "http/router.h"

void api_register(router *rt);

#endif
