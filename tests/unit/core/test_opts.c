/* The command line's flag tables (core/opts.h): what every yiwang command accepts and how
 * it refuses — an unknown flag, a flag without its value, a bad number, a word outside an
 * enum, a positional argument, a missing required flag — each a usage error (exit status
 * 2) with a message naming the flag; the environment read for what the command line
 * leaves out; the usage printed from the same table. No database. */
#include "testutil.h"

#include "core/opts.h"

/* One command's flags, as src/main.c declares them, over fresh destinations. */
typedef struct flags {
	const char *db, *mode, *name;
	long threads;
	bool weak, mode_seen;
	opt table[6];
	opt_cmd cmd;
} flags;

static const char *const modes[] = {"none", "transaction", NULL};

static void flags_init(flags *f)
{
	memset(f, 0, sizeof *f);
	f->threads = 16;
	f->name = "default";
	opt t[6] = {
		{.name = "db",
		 .kind = OPT_STRING,
		 .dest = &f->db,
		 .arg = "PATH|URI",
		 .help = "the database",
		 .env = "YW_TEST_OPTS_DB",
		 .required = true},
		{.name = "threads",
		 .kind = OPT_INT,
		 .dest = &f->threads,
		 .help = "worker threads, default 16",
		 .env = "YW_TEST_OPTS_THREADS",
		 .min = 1,
		 .max = 256},
		{.name = "allow-weak",
		 .kind = OPT_BOOL,
		 .dest = &f->weak,
		 .help = "weak passwords"},
		{.name = "pooler",
		 .kind = OPT_ENUM,
		 .dest = &f->mode,
		 .help = "the pooler",
		 .choices = modes,
		 .seen = &f->mode_seen},
		{.name = "name", .kind = OPT_STRING, .dest = &f->name, .arg = "NAME"},
		{0},
	};
	memcpy(f->table, t, sizeof t);
	f->cmd = (opt_cmd){"serve", "yiwang serve --db PATH|URI [options]", "Serves.\n", f->table};
	unsetenv("YW_TEST_OPTS_DB");
	unsetenv("YW_TEST_OPTS_THREADS");
}

/* Parses the words of a NULL-terminated list (the command's name first). */
static int parse(flags *f, char *msg, size_t n, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, n);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return opts_parse_msg(&f->cmd, argc, argv, msg, n);
}

static void test_values_of_every_kind_in_both_spellings(void **state)
{
	(void)state;
	flags f;
	char msg[256];
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "a.db", "--threads", "8",
			       "--allow-weak", "--pooler", "transaction", NULL),
			 OPTS_OK);
	assert_string_equal(f.db, "a.db");
	assert_int_equal(f.threads, 8);
	assert_true(f.weak);
	assert_string_equal(f.mode, "transaction");
	assert_true(f.mode_seen);
	assert_string_equal(f.name, "default"); /* not given: the default stays */
	assert_string_equal(msg, "");

	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db=postgresql://h/x",
			       "--threads=256", "--name=", "--pooler=none", NULL),
			 OPTS_OK);
	assert_string_equal(f.db, "postgresql://h/x");
	assert_int_equal(f.threads, 256);
	assert_string_equal(f.name, ""); /* an empty value is a value */
	assert_string_equal(f.mode, "none");
	assert_false(f.weak);

	/* A value that looks like a flag is the value: --name takes the next word. */
	flags_init(&f);
	assert_int_equal(
		parse(&f, msg, sizeof msg, "serve", "--db", "x", "--name", "--threads", NULL),
		OPTS_OK);
	assert_string_equal(f.name, "--threads");
	assert_int_equal(f.threads, 16);
	/* The last of a repeated flag wins. */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--db", "y", NULL),
			 OPTS_OK);
	assert_string_equal(f.db, "y");
}

static void test_unknown_flags_are_usage_errors(void **state)
{
	(void)state;
	flags f;
	char msg[256];
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--thread", "4", NULL),
			 OPTS_USAGE);
	assert_string_equal(msg, "unknown flag --thread"); /* no guessing at prefixes */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--bogus=1", NULL), OPTS_USAGE);
	assert_string_equal(msg, "unknown flag --bogus");
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "-x", NULL), OPTS_USAGE);
	assert_string_equal(msg, "unknown flag -x");
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "-", NULL), OPTS_USAGE);
	assert_string_equal(msg, "unknown flag -");
	assert_int_equal(OPTS_USAGE, 2); /* the exit status of a usage error */
}

static void test_missing_values_and_positional_arguments(void **state)
{
	(void)state;
	flags f;
	char msg[256];
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", NULL), OPTS_USAGE);
	assert_string_equal(msg, "--db needs a value");
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--threads", NULL),
			 OPTS_USAGE);
	assert_string_equal(msg, "--threads needs a value");
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "stray", NULL),
			 OPTS_USAGE);
	assert_string_equal(msg, "unexpected argument 'stray'");
	/* `--` ends the flags: what follows is positional, which no command takes. */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--", NULL), OPTS_OK);
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--", "--threads", NULL),
			 OPTS_USAGE);
	assert_string_equal(msg, "unexpected argument '--threads'");
	/* A bool takes no value. */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--allow-weak=yes", NULL),
			 OPTS_USAGE);
	assert_string_equal(msg, "--allow-weak takes no value");
}

static void test_bad_numbers_and_words_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"abc", "", "8x", " 8", "0", "257", "-1", "1e2", "99999999999999999999999", "0x10"};
	flags f;
	char msg[256], want[256];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		flags_init(&f);
		assert_int_equal(
			parse(&f, msg, sizeof msg, "serve", "--db", "x", "--threads", bad[i], NULL),
			OPTS_USAGE);
		snprintf(want, sizeof want, "--threads: '%s' is not a number in 1..256", bad[i]);
		assert_string_equal(msg, want);
		assert_int_equal(f.threads, 16);
	}
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--db", "x", "--threads", "1", NULL),
			 OPTS_OK);
	assert_int_equal(f.threads, 1);
	flags_init(&f);
	assert_int_equal(
		parse(&f, msg, sizeof msg, "serve", "--db", "x", "--pooler", "session", NULL),
		OPTS_USAGE);
	assert_string_equal(msg, "--pooler: 'session' is not one of none|transaction");
	assert_false(f.mode_seen);
}

static void test_required_flags_and_the_environment(void **state)
{
	(void)state;
	flags f;
	char msg[256];
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", NULL), OPTS_USAGE);
	assert_string_equal(msg, "--db is required");

	/* A variable stands for a flag the command line leaves out, with the same checks. */
	flags_init(&f);
	setenv("YW_TEST_OPTS_DB", "env.db", 1);
	setenv("YW_TEST_OPTS_THREADS", "32", 1);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", NULL), OPTS_OK);
	assert_string_equal(f.db, "env.db");
	assert_int_equal(f.threads, 32);

	flags_init(&f);
	setenv("YW_TEST_OPTS_DB", "env.db", 1);
	setenv("YW_TEST_OPTS_THREADS", "lots", 1);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", NULL), OPTS_USAGE);
	assert_string_equal(msg, "YW_TEST_OPTS_THREADS: 'lots' is not a number in 1..256");

	/* The command line wins: the variable is not even read. */
	flags_init(&f);
	setenv("YW_TEST_OPTS_THREADS", "lots", 1);
	assert_int_equal(
		parse(&f, msg, sizeof msg, "serve", "--db", "cli.db", "--threads", "4", NULL),
		OPTS_OK);
	assert_int_equal(f.threads, 4);
	assert_string_equal(f.db, "cli.db");

	/* An empty variable is no value. */
	flags_init(&f);
	setenv("YW_TEST_OPTS_DB", "", 1);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", NULL), OPTS_USAGE);
	assert_string_equal(msg, "--db is required");
	flags_init(&f);
}

/* The usage, as --help prints it, into a string. */
static char *usage_text(const opt_cmd *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	opts_usage(cmd, out);
	fclose(out);
	return buf;
}

static void test_usage_comes_from_the_table(void **state)
{
	(void)state;
	flags f;
	flags_init(&f);
	char *u = usage_text(&f.cmd);
	assert_string_equal(
		u, "usage: yiwang serve --db PATH|URI [options]\n"
		   "Serves.\n"
		   "  --db PATH|URI            the database (required)  (YW_TEST_OPTS_DB)\n"
		   "  --threads N              worker threads, default 16  (YW_TEST_OPTS_THREADS)\n"
		   "  --allow-weak             weak passwords\n"
		   "  --pooler none|transaction  the pooler\n"
		   "  --name NAME\n"
		   "  --help, -h               this text\n");
	free(u);

	/* Help over several lines: the later ones under the first. */
	opt multi[] = {{.name = "x", .kind = OPT_STRING, .dest = &f.name, .help = "one\ntwo"}, {0}};
	opt_cmd c = {"x", "yiwang x\nyiwang x --x V", NULL, multi};
	u = usage_text(&c);
	assert_string_equal(u, "usage: yiwang x\n"
			       "       yiwang x --x V\n"
			       "  --x N                    one\n"
			       "                           two\n"
			       "  --help, -h               this text\n");
	free(u);
}

static void test_help_wins_in_order(void **state)
{
	(void)state;
	flags f;
	char msg[256];
	/* --help and -h print the usage (on stdout) and ask the command to stop with 0, even
	 * without the required flags. */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--help", NULL), OPTS_HELP);
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--threads", "4", "-h", NULL),
			 OPTS_HELP);
	/* An error before it is reported, as the flags are read in order. */
	flags_init(&f);
	assert_int_equal(parse(&f, msg, sizeof msg, "serve", "--nope", "--help", NULL), OPTS_USAGE);
	assert_string_equal(msg, "unknown flag --nope");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_of_every_kind_in_both_spellings),
		cmocka_unit_test(test_unknown_flags_are_usage_errors),
		cmocka_unit_test(test_missing_values_and_positional_arguments),
		cmocka_unit_test(test_bad_numbers_and_words_are_refused),
		cmocka_unit_test(test_required_flags_and_the_environment),
		cmocka_unit_test(test_usage_comes_from_the_table),
		cmocka_unit_test(test_help_wins_in_order),
	};
	return cmocka_run_group_tests_name("opts", tests, NULL, NULL);
}
