/* The command line's flags as a table: each command (src/main.c) declares its flags
 * (name, kind, where the value goes, help) and opts_parse reads argv against the table,
 * so every command refuses the same way: an unknown flag, a flag without its value, a
 * number that is not one or out of range, a word not among an enum's, a positional
 * argument — one line on stderr and exit status 2 — and prints its usage from the same
 * table (--help, -h). Flags are written `--name VALUE` or `--name=VALUE`; a bool takes no
 * value; `--` ends the flags. A flag may name an environment variable read first (a
 * non-empty value counts as the flag given, with the same checks); the command line wins. */
#ifndef YW_OPTS_H
#define YW_OPTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_STRING, /* dest: const char ** */
	OPT_INT,    /* dest: long *, a decimal in [min, max] */
	OPT_BOOL,   /* dest: bool *, set true; takes no value */
	OPT_ENUM,   /* dest: const char **, one of choices */
};

typedef struct opt {
	const char *name; /* "db" for --db; NULL ends the table */
	enum opt_kind kind;
	void *dest;
	const char *arg;  /* the value's name in the usage ("PATH|URI"); NULL: N, or the choices */
	const char *help; /* lines separated by '\n' */
	const char *env;  /* an environment variable read before argv, or NULL */
	long min, max;	  /* OPT_INT */
	const char *const *choices; /* OPT_ENUM, NULL-terminated */
	bool required;		    /* missing from argv and env: an error */
	bool *seen;		    /* when non-NULL, set when given (argv or env) */
} opt;

typedef struct opt_cmd {
	const char *name;  /* in messages: "serve", "user add" */
	const char *usage; /* the synopsis lines, each "yiwang ..." (without "usage: ") */
	const char *about; /* what the command does: lines after the synopsis */
	const opt *opts;
} opt_cmd;

enum { OPTS_OK = 0, OPTS_HELP = 1, OPTS_USAGE = 2 };

/* Parses argv[1..argc) (argv[0] is the command) into the table's destinations. OPTS_OK;
 * OPTS_HELP after printing the usage on stdout (--help, -h); OPTS_USAGE, the exit status
 * of a usage error, with the message in msg ("unknown flag --x", "--threads needs a
 * value", "--threads: 'x' is not a number in 1..256"...). */
int opts_parse_msg(const opt_cmd *cmd, int argc, char **argv, char *msg, size_t n);

/* opts_parse_msg, printing a usage error on stderr as "yiwang CMD: MSG (see yiwang CMD
 * --help)". */
int opts_parse(const opt_cmd *cmd, int argc, char **argv);

/* The command's usage: "usage: " the synopsis, what it does, a line per flag. */
void opts_usage(const opt_cmd *cmd, FILE *out);

/* A usage error of cmd (the message formatted) on stderr; returns OPTS_USAGE (2). */
int opts_error(const opt_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
