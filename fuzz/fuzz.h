/* What the libFuzzer harnesses share: the entry point, a check that stops the run with the
 * input saved when a property fails (as a crash does), and the input as C text. Each
 * harness feeds one parser of outside bytes with what a client could send and checks what
 * the parser promises, not only that it does not crash. docs/security.md, "Fuzzing". */
#ifndef YW_FUZZ_H
#define YW_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input: abort, so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,        \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The bytes as a NUL-terminated heap string, cut at the first NUL as a C caller sees
 * them. Free it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Splits s in place at the first sep: s keeps what is before, the result is what follows
 * (NULL when there is no sep). */
static inline char *fuzz_cut(char *s, char sep)
{
	char *p = strchr(s, sep);
	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

#endif
