#include "core/opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The column a flag's help starts at in the usage. */
enum { HELP_COLUMN = 27 };

static const opt *find(const opt_cmd *cmd, const char *name, size_t len)
{
	for (const opt *o = cmd->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static void choices_text(const opt *o, char *out, size_t n)
{
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; o->choices && o->choices[i] && at < n; i++)
		at += (size_t)snprintf(out + at, n - at, "%s%s", i ? "|" : "", o->choices[i]);
}

/* Stores value (from `from`: "--name" or the variable's name) in o's destination. */
static int store_value(const opt *o, const char *from, const char *value, char *msg, size_t n)
{
	switch (o->kind) {
	case OPT_STRING: *(const char **)o->dest = value; break;
	case OPT_BOOL: *(bool *)o->dest = true; break;
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		/* Digits only, with an optional minus: strtol would also take spaces and a +. */
		const char *d = value + (value[0] == '-');
		if (errno || !isdigit((unsigned char)*d) || *end || v < o->min || v > o->max) {
			snprintf(msg, n, "%s: '%s' is not a number in %ld..%ld", from, value,
				 o->min, o->max);
			return -1;
		}
		*(long *)o->dest = v;
		break;
	}
	case OPT_ENUM: {
		for (size_t i = 0; o->choices && o->choices[i]; i++)
			if (!strcmp(o->choices[i], value)) {
				*(const char **)o->dest = o->choices[i];
				if (o->seen)
					*o->seen = true;
				return 0;
			}
		char words[200];
		choices_text(o, words, sizeof words);
		snprintf(msg, n, "%s: '%s' is not one of %s", from, value, words);
		return -1;
	}
	}
	if (o->seen)
		*o->seen = true;
	return 0;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

int opts_parse_msg(const opt_cmd *cmd, int argc, char **argv, char *msg, size_t n)
{
	enum { MAX_FLAGS = 64 };
	msg[0] = '\0';
	bool given[MAX_FLAGS] = {false};
	size_t count = 0;
	while (cmd->opts && cmd->opts[count].name)
		count++;
	if (count > MAX_FLAGS) {
		snprintf(msg, n, "more than %d flags", MAX_FLAGS);
		return OPTS_USAGE;
	}
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (is_help(a)) {
			opts_usage(cmd, stdout);
			return OPTS_HELP;
		}
		if (a[0] != '-') {
			snprintf(msg, n, "unexpected argument '%s'", a);
			return OPTS_USAGE;
		}
		if (a[1] != '-' || !a[2]) {
			snprintf(msg, n, "unknown flag %s", a);
			return OPTS_USAGE;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const opt *o = find(cmd, name, len);
		if (!o) {
			snprintf(msg, n, "unknown flag --%.*s", (int)len, name);
			return OPTS_USAGE;
		}
		char flag[80];
		snprintf(flag, sizeof flag, "--%s", o->name);
		const char *value = NULL;
		if (o->kind == OPT_BOOL) {
			if (eq) {
				snprintf(msg, n, "%s takes no value", flag);
				return OPTS_USAGE;
			}
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			snprintf(msg, n, "%s needs a value", flag);
			return OPTS_USAGE;
		}
		if (store_value(o, flag, value, msg, n) < 0)
			return OPTS_USAGE;
		given[o - cmd->opts] = true;
	}
	if (i < argc) {
		snprintf(msg, n, "unexpected argument '%s'", argv[i]);
		return OPTS_USAGE;
	}
	/* The environment for what the command line left out, with the same checks. */
	for (size_t k = 0; k < count; k++) {
		const opt *o = &cmd->opts[k];
		const char *v = o->env && !given[k] ? getenv(o->env) : NULL;
		if (!v || !*v)
			continue;
		if (store_value(o, o->env, v, msg, n) < 0)
			return OPTS_USAGE;
		given[k] = true;
	}
	for (size_t k = 0; k < count; k++)
		if (cmd->opts[k].required && !given[k]) {
			snprintf(msg, n, "--%s is required", cmd->opts[k].name);
			return OPTS_USAGE;
		}
	return OPTS_OK;
}

int opts_error(const opt_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "yiwang %s: %s (see yiwang %s --help)\n", cmd->name, msg, cmd->name);
	return OPTS_USAGE;
}

int opts_parse(const opt_cmd *cmd, int argc, char **argv)
{
	char msg[512];
	int rc = opts_parse_msg(cmd, argc, argv, msg, sizeof msg);
	if (rc == OPTS_USAGE)
		opts_error(cmd, "%s", msg);
	return rc;
}

/* Writes text's lines, the first after what is already on the line, the others indented to
 * the help column. */
static void help_lines(FILE *out, const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (p != text)
			fprintf(out, "%*s", HELP_COLUMN, "");
		fprintf(out, "%.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

void opts_usage(const opt_cmd *cmd, FILE *out)
{
	const char *u = cmd->usage;
	for (int line = 0; *u; line++) {
		const char *nl = strchr(u, '\n');
		size_t len = nl ? (size_t)(nl - u) : strlen(u);
		fprintf(out, "%s%.*s\n", line ? "       " : "usage: ", (int)len, u);
		u += len + (nl ? 1 : 0);
	}
	if (cmd->about)
		fputs(cmd->about, out);
	for (const opt *o = cmd->opts; o && o->name; o++) {
		char arg[200];
		if (o->kind == OPT_BOOL)
			arg[0] = '\0';
		else if (o->arg)
			snprintf(arg, sizeof arg, " %s", o->arg);
		else if (o->kind == OPT_ENUM) {
			arg[0] = ' ';
			choices_text(o, arg + 1, sizeof arg - 1);
		} else
			snprintf(arg, sizeof arg, " N");
		char text[1024];
		snprintf(text, sizeof text, "%s%s", o->help ? o->help : "",
			 o->required ? (o->help ? " (required)" : "(required)") : "");
		if (o->env) {
			/* The variable at the end of the last line when it fits in 90 columns. */
			const char *last = strrchr(text, '\n');
			size_t tail = strlen(last ? last + 1 : text);
			bool fits = HELP_COLUMN + tail + strlen(o->env) + 4 <= 90;
			size_t at = strlen(text);
			snprintf(text + at, sizeof text - at, "%s(%s)",
				 !*text ? ""
				 : fits ? "  "
					: "\n",
				 o->env);
		}
		int w = fprintf(out, "  --%s%s", o->name, arg);
		if (!*text) {
			fputc('\n', out);
			continue;
		}
		if (w < HELP_COLUMN - 1)
			fprintf(out, "%*s", HELP_COLUMN - w, "");
		else
			fputs("  ", out);
		help_lines(out, text);
	}
	fputs("  --help, -h               this text\n", out);
}
