/* The yiwang command line: one function per subcommand, dispatched from a table (as git
 * does with builtin/). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "appeals/appeal_admin.h"
#include "appeals/appeal.h"
#include "appeals/appeal_stats.h"
#include "org/caller.h"
#include "platforms.h"
#include "routes.h"
#include "org/audit.h"
#include "org/auth.h"
#include "core/mem.h"
#include "core/opts.h"
#include "demo/demo.h"
#include "demo/demo_grid_events.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "engine/jobs.h"
#include "org/privacy.h"
#include "org/unit.h"
#include "org/user.h"

#define VERSION "0.3.0"

static int fail(const err *e)
{
	fprintf(stderr, "yiwang: %s\n", e->message[0] ? e->message : e->code);
	return 1;
}

static bool is_pg(const char *db)
{
	return db && (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11));
}

/* Reads one line (a password) from stdin, without echo on a terminal. */
static char *read_secret(const char *prompt)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int open_store(const char *db, bool create, store **s)
{
	err e = {0};
	if (store_open(db, create, s, &e) < 0)
		return fail(&e);
	return 0;
}

/* ---- serve ---- */

static int parse_listen(const char *s, char **host, int *port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -1;
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	const char *h = s;
	size_t hl = (size_t)(colon - s);
	if (h[0] == '[' && hl > 2 && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	*host = xstrndup(h, hl);
	*port = (int)p;
	return 0;
}

static char *default_web_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	char *dir = xasprintf("%s/web", exe);
	char *index = xasprintf("%s/index.html", dir);
	bool ok = access(index, R_OK) == 0;
	free(index);
	if (!ok) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Uploaded files beside a SQLite database (its directory's files/), or data/files. */
static char *default_data_dir(const char *db)
{
	if (!strncmp(db, "postgres://", 11) || !strncmp(db, "postgresql://", 13))
		return xstrdup("data/files");
	const char *slash = strrchr(db, '/');
	if (!slash)
		return xstrdup("files");
	return xasprintf("%.*s/files", (int)(slash - db), db);
}

/* A command's --db flag: a SQLite file or a postgresql:// URI, required. */
#define DB_FLAG(d)                                                                                 \
	{                                                                                          \
		.name = "db", .kind = OPT_STRING, .dest = (d), .arg = "PATH|URI",                  \
		.help = "SQLite file or postgresql:// URI", .env = "YIWANG_DB", .required = true   \
	}

static const char *const pooler_modes[] = {"none", "transaction", NULL};
static const char *const on_off[] = {"on", "off", NULL};

static int cmd_serve(int argc, char **argv)
{
	server_config cfg = {.access_log = "-"};
	const char *listen = "127.0.0.1:8080", *metrics_listen = NULL, *trusted_proxy = NULL,
		   *pooler = NULL, *read_cache = "on";
	long threads = 16, max_body = 1 << 20, max_conn = 1024, per_ip = 256, timeout = 30,
	     hours = 12, idle = 0, max_days = 0, citizen_rate = 10, open311_rate = 60,
	     login_rate = 10;
	bool idle_seen = false, max_days_seen = false, pooler_seen = false;
	const opt opts[] = {
		DB_FLAG(&cfg.db),
		{.name = "listen",
		 .kind = OPT_STRING,
		 .dest = &listen,
		 .arg = "HOST:PORT",
		 .help = "default 127.0.0.1:8080",
		 .env = "YIWANG_LISTEN"},
		{.name = "pg-pooler",
		 .kind = OPT_ENUM,
		 .dest = &pooler,
		 .help = "transaction: the --db URI reaches PostgreSQL through\n"
			 "a pooler in transaction mode (PgBouncer): no named\n"
			 "statements, no session state (YIWANG_PG_POOLER)",
		 .choices = pooler_modes,
		 .seen = &pooler_seen},
		{.name = "metrics-listen",
		 .kind = OPT_STRING,
		 .dest = &metrics_listen,
		 .arg = "HOST:PORT",
		 .help = "serve /metrics there without a token (nothing else);\n"
			 "default: none, /metrics needs an admin's token",
		 .env = "YIWANG_METRICS_LISTEN"},
		{.name = "threads",
		 .kind = OPT_INT,
		 .dest = &threads,
		 .help = "worker threads, default 16",
		 .env = "YIWANG_THREADS",
		 .min = 1,
		 .max = 256},
		{.name = "max-body",
		 .kind = OPT_INT,
		 .dest = &max_body,
		 .arg = "BYTES",
		 .help = "request body limit, default 1048576",
		 .env = "YIWANG_MAX_BODY",
		 .min = 1024,
		 .max = 1L << 30},
		{.name = "max-connections",
		 .kind = OPT_INT,
		 .dest = &max_conn,
		 .help = "default 1024",
		 .env = "YIWANG_MAX_CONNECTIONS",
		 .min = 1,
		 .max = 100000},
		{.name = "per-ip-connections",
		 .kind = OPT_INT,
		 .dest = &per_ip,
		 .help = "default 256 (0: no limit)",
		 .env = "YIWANG_PER_IP_CONNECTIONS",
		 .max = 100000},
		{.name = "timeout",
		 .kind = OPT_INT,
		 .dest = &timeout,
		 .arg = "SECONDS",
		 .help = "idle connection timeout, default 30",
		 .env = "YIWANG_TIMEOUT",
		 .min = 1,
		 .max = 3600},
		{.name = "web",
		 .kind = OPT_STRING,
		 .dest = &cfg.web_dir,
		 .arg = "DIR",
		 .help = "web UI files, default <binary dir>/web",
		 .env = "YIWANG_WEB_DIR"},
		{.name = "access-log",
		 .kind = OPT_STRING,
		 .dest = &cfg.access_log,
		 .arg = "-|off|FILE",
		 .help = "JSON lines, default - (stderr)",
		 .env = "YIWANG_ACCESS_LOG"},
		{.name = "session-hours",
		 .kind = OPT_INT,
		 .dest = &hours,
		 .help = "session lifetime, default 12",
		 .env = "YIWANG_SESSION_HOURS",
		 .min = 1,
		 .max = 24 * 90},
		{.name = "session-idle-minutes",
		 .kind = OPT_INT,
		 .dest = &idle,
		 .arg = "M",
		 .help = "a session unused for M minutes ends, default 30; 0: only\nat its "
			 "lifetime",
		 .env = "YIWANG_SESSION_IDLE_MINUTES",
		 .max = 24 * 60,
		 .seen = &idle_seen},
		{.name = "password-max-days",
		 .kind = OPT_INT,
		 .dest = &max_days,
		 .help = "a password older than N days must be changed before\nanything else, "
			 "default 90; "
			 "0: "
			 "never",
		 .env = "YIWANG_PASSWORD_MAX_DAYS",
		 .max = 3650,
		 .seen = &max_days_seen},
		{.name = "citizen-rate",
		 .kind = OPT_INT,
		 .dest = &citizen_rate,
		 .help = "public submissions a minute per address, default 10;\n0: no limit",
		 .env = "YIWANG_CITIZEN_RATE",
		 .max = 1000000},
		{.name = "login-rate",
		 .kind = OPT_INT,
		 .dest = &login_rate,
		 .help = "failed logins a minute per address (then 429), default\n10; 0: no limit",
		 .env = "YIWANG_LOGIN_RATE",
		 .max = 1000},
		{.name = "open311-rate",
		 .kind = OPT_INT,
		 .dest = &open311_rate,
		 .help = "Open311 requests a minute per API key (per address\nwithout one), "
			 "default 60; 0: "
			 "no "
			 "limit",
		 .env = "YIWANG_OPEN311_RATE",
		 .max = 1000000},
		{.name = "open311-jurisdiction",
		 .kind = OPT_STRING,
		 .dest = &cfg.open311_jurisdiction,
		 .arg = "ID",
		 .help = "the jurisdiction_id served (1..200 bytes); others are\n404; default: any "
			 "is "
			 "accepted",
		 .env = "YIWANG_OPEN311_JURISDICTION"},
		{.name = "read-cache",
		 .kind = OPT_ENUM,
		 .dest = &read_cache,
		 .help = "answer a session's repeated reads of appeals from a\ncache while nothing "
			 "changed, "
			 "default on",
		 .env = "YIWANG_READ_CACHE",
		 .choices = on_off},
		{.name = "data-dir",
		 .kind = OPT_STRING,
		 .dest = &cfg.data_dir,
		 .arg = "DIR",
		 .help = "uploaded files; default DIR-of-the-db/files for SQLite,\ndata/files for "
			 "PostgreSQL",
		 .env = "YIWANG_DATA_DIR"},
		{.name = "trusted-proxy",
		 .kind = OPT_STRING,
		 .dest = &trusted_proxy,
		 .arg = "CIDR[,CIDR...]",
		 .help = "fronts (HAProxy, nginx) whose X-Forwarded-For\n"
			 "names the client: from a peer in these ranges the client\n"
			 "is the right-most X-Forwarded-For address not itself in\n"
			 "them; default: none, the header is ignored",
		 .env = "YIWANG_TRUSTED_PROXY"},
		{0},
	};
	const opt_cmd cmd = {
		"serve", "yiwang serve --db PATH|URI [--listen HOST:PORT] [options]",
		"Serves the API and the web UI until SIGTERM or SIGINT. Flags win over\n"
		"the environment variables named in parentheses.\n",
		opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	/* The store reads the pooler mode at store_open (every command does, by the variable). */
	if (pooler_seen)
		setenv("YIWANG_PG_POOLER", pooler, 1);
	char proxy_msg[200];
	if (trusted_proxy &&
	    proxy_parse(trusted_proxy, &cfg.trusted_proxies, proxy_msg, sizeof proxy_msg) < 0)
		return opts_error(&cmd, "%s", proxy_msg);
	char *host = NULL;
	if (parse_listen(listen, &host, &cfg.listen_port) < 0)
		return opts_error(&cmd, "--listen must be HOST:PORT");
	cfg.listen_host = host;
	char *metrics_host = NULL;
	if (metrics_listen && parse_listen(metrics_listen, &metrics_host, &cfg.metrics_port) < 0) {
		free(host);
		return opts_error(&cmd, "--metrics-listen must be HOST:PORT");
	}
	cfg.metrics_host = metrics_host;
	if (cfg.open311_jurisdiction &&
	    (!*cfg.open311_jurisdiction || strlen(cfg.open311_jurisdiction) > 200)) {
		free(host);
		free(metrics_host);
		return opts_error(&cmd, "--open311-jurisdiction must be 1..200 bytes");
	}
	cfg.threads = (int)threads;
	cfg.max_body = (size_t)max_body;
	cfg.max_connections = (unsigned)max_conn;
	cfg.per_ip_connections = (unsigned)per_ip;
	cfg.timeout_s = (unsigned)timeout;
	cfg.session_ttl_ms = (int64_t)hours * 3600 * 1000;
	auth_policy policy = auth_get_policy();
	if (idle_seen)
		policy.idle_ms = (int64_t)idle * 60 * 1000;
	if (max_days_seen)
		policy.password_max_age_ms = (int64_t)max_days * 24 * 3600 * 1000;
	auth_set_policy(&policy);
	cfg.citizen_rate = (int)citizen_rate;
	cfg.open311_rate = (int)open311_rate;
	cfg.login_rate = (int)login_rate;
	cfg.read_cache = strcmp(read_cache, "on") == 0;
	char *web = NULL;
	if (!cfg.web_dir)
		cfg.web_dir = web = default_web_dir();
	char *data_dir = NULL;
	if (!cfg.data_dir)
		cfg.data_dir = data_dir = default_data_dir(cfg.db);

	app a = {.cfg = cfg,
		 .authenticate = caller_authenticate,
		 .metrics_roles = ROLE_ADMIN,
		 .redact = privacy_mask_ids};
	if (open_store(cfg.db, false, &a.store)) {
		free(host);
		free(metrics_host);
		free(web);
		free(data_dir);
		return 1;
	}
	a.router = router_new();
	a.citizen_limit = ratelimit_new(cfg.citizen_rate, 60000);
	a.open311_limit = ratelimit_new(cfg.open311_rate, 60000);
	a.login_limit = ratelimit_new_sliding(cfg.login_rate, 60000);
	routes_register(a.router);
	err e = {0};
	/* The scheduler (deadline warnings, overdue, automatic urges, the SMS outbox) runs
	 * beside the server and stops before the store closes. */
	jobs *sched = NULL;
	rc = jobs_start(a.store, 30000, &sched, &e) < 0 || server_run(&a, &e) < 0 ? fail(&e) : 0;
	jobs_stop(sched);
	ratelimit_free(a.citizen_limit);
	ratelimit_free(a.open311_limit);
	ratelimit_free(a.login_limit);
	store_close(a.store);
	router_free(a.router);
	free(host);
	free(metrics_host);
	free(web);
	free(data_dir);
	return rc;
}

/* ---- init and demo ---- */

/* Refuses to touch an existing SQLite file: init and demo make new databases. */
static int refuse_existing(const char *cmd, const char *db)
{
	if (!is_pg(db) && access(db, F_OK) == 0) {
		fprintf(stderr, "yiwang %s: %s already exists; refusing to overwrite it\n", cmd,
			db);
		return 1;
	}
	return 0;
}

static int cmd_demo(int argc, char **argv)
{
	const char *db = NULL, *password = "yiwang-demo";
	const opt opts[] = {DB_FLAG(&db),
			    {.name = "password",
			     .kind = OPT_STRING,
			     .dest = &password,
			     .arg = "PW",
			     .help = "every demo user's password, default yiwang-demo"},
			    {0}};
	const opt_cmd cmd = {
		"demo", "yiwang demo --db PATH|URI [--password PW]",
		"Creates a new database with the Fuxin demo (units, departments, every demo "
		"login).\n"
		"All demo users get password PW (default yiwang-demo). Refuses an existing file.\n",
		opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	if (refuse_existing("demo", db))
		return 1;
	store *s;
	if (open_store(db, true, &s))
		return 1;
	err e = {0};
	/* The demo's photos go where `serve` looks for this database's files. */
	char *dir = getenv("YIWANG_DATA_DIR") ? xstrdup(getenv("YIWANG_DATA_DIR"))
					      : default_data_dir(db);
	demo_grid_events_data_dir(dir);
	free(dir);
	rc = demo_build(s, password, &e);
	demo_grid_events_data_dir(NULL);
	store_close(s);
	if (rc < 0) {
		if (!is_pg(db) && strcmp(e.code, "not_empty") != 0)
			unlink(db);
		return fail(&e);
	}
	fprintf(stderr, "yiwang demo: created %s with the Fuxin demo\n", db);
	return 0;
}

typedef struct init_opts {
	const char *city, *code;
	bool allow_weak;
} init_opts;

/* A password set from the command line: the complexity rule unless the operator says
 * otherwise (--allow-weak: the length alone, as for the demo). */
static int cli_password_ok(const char *pw, const char *username, bool allow_weak, err *e)
{
	return allow_weak ? auth_password_ok(pw, e) : auth_password_policy(pw, username, e);
}

typedef struct init_ctx {
	init_opts o;
	const char *hash;
} init_ctx;

static int init_tx(store_conn *c, void *p, err *e)
{
	init_ctx *x = p;
	int64_t n;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units", NULL) < 0)
		return -1;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "not_empty", "db", "数据库已经初始化过");
	actor sys;
	actor_system(&sys, "init");
	unit_input u = {.name = x->o.city, .kind = "city", .code = x->o.code};
	int64_t unit_id, user_id;
	if (unit_create(c, &sys, &u, &unit_id, e) < 0)
		return -1;
	user_input in = {.username = "admin",
			 .display_name = "系统管理员",
			 .password_hash = x->hash,
			 .unit_id = unit_id,
			 .roles = ROLE_ADMIN};
	return user_create(c, &sys, &in, &user_id, e);
}

static int cmd_init(int argc, char **argv)
{
	const char *db = NULL;
	init_ctx x = {.o = {.city = "阜新市", .code = "210900"}};
	const opt opts[] = {DB_FLAG(&db),
			    {.name = "city",
			     .kind = OPT_STRING,
			     .dest = &x.o.city,
			     .arg = "NAME",
			     .help = "the root unit's name, default 阜新市"},
			    {.name = "code",
			     .kind = OPT_STRING,
			     .dest = &x.o.code,
			     .arg = "CODE",
			     .help = "its administrative code, default 210900"},
			    {.name = "allow-weak",
			     .kind = OPT_BOOL,
			     .dest = &x.o.allow_weak,
			     .help = "accept a password that only meets the length rule"},
			    {0}};
	const opt_cmd cmd = {"init",
			     "yiwang init --db PATH|URI [--city NAME] [--code CODE] [--allow-weak]",
			     "Creates an empty database with the schema, a root unit (the city, "
			     "default 阜新市)\n"
			     "and one user 'admin' whose password is read from standard input. The "
			     "password must\n"
			     "meet the complexity rule (docs/security.md) unless --allow-weak.\n",
			     opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	if (refuse_existing("init", db))
		return 1;
	char *pw = read_secret("admin password: ");
	err e = {0};
	if (!pw) {
		fprintf(stderr, "yiwang init: no password on standard input\n");
		return 1;
	}
	char hash[256];
	if (cli_password_ok(pw, "admin", x.o.allow_weak, &e) < 0 ||
	    auth_hash_password(pw, hash, sizeof hash, &e) < 0) {
		free(pw);
		return fail(&e);
	}
	free(pw);
	x.hash = hash;
	store *s;
	if (open_store(db, true, &s))
		return 1;
	rc = store_write(s, init_tx, &x, &e);
	store_close(s);
	if (rc < 0) {
		if (!is_pg(db) && strcmp(e.code, "not_empty") != 0)
			unlink(db);
		return fail(&e);
	}
	fprintf(stderr, "yiwang init: created %s; log in as admin\n", db);
	return 0;
}

/* ---- city: another top-level unit in the same database ---- */

typedef struct city_opts {
	init_opts o;
	const char *admin;
} city_opts;

typedef struct city_ctx {
	city_opts o;
	const char *hash;
} city_ctx;

static int city_tx(store_conn *c, void *p, err *e)
{
	city_ctx *x = p;
	int64_t n;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM units WHERE parent_id IS NULL AND (name = ? OR "
			    "code = ?)",
			    "ss", x->o.o.city, x->o.o.code) < 0)
		return -1;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "duplicate", "city", "已有同名或同代码的市");
	actor sys;
	actor_system(&sys, "city");
	unit_input u = {.name = x->o.o.city, .kind = "city", .code = x->o.o.code};
	int64_t unit_id, user_id;
	if (unit_create(c, &sys, &u, &unit_id, e) < 0)
		return -1;
	user_input in = {.username = x->o.admin,
			 .display_name = "系统管理员",
			 .password_hash = x->hash,
			 .unit_id = unit_id,
			 .roles = ROLE_ADMIN};
	return user_create(c, &sys, &in, &user_id, e);
}

static int cmd_city(int argc, char **argv)
{
	const char *db = NULL;
	city_ctx x = {0};
	const opt opts[] = {DB_FLAG(&db),
			    {.name = "city",
			     .kind = OPT_STRING,
			     .dest = &x.o.o.city,
			     .arg = "NAME",
			     .help = "the new city's name",
			     .required = true},
			    {.name = "code",
			     .kind = OPT_STRING,
			     .dest = &x.o.o.code,
			     .arg = "CODE",
			     .help = "its administrative code",
			     .required = true},
			    {.name = "admin",
			     .kind = OPT_STRING,
			     .dest = &x.o.admin,
			     .arg = "USERNAME",
			     .help = "its first admin",
			     .required = true},
			    {.name = "allow-weak",
			     .kind = OPT_BOOL,
			     .dest = &x.o.o.allow_weak,
			     .help = "accept a password that only meets the length rule"},
			    {0}};
	const opt_cmd cmd = {
		"city",
		"yiwang city --db PATH|URI --city NAME --code CODE --admin USERNAME [--allow-weak]",
		"Adds another city to an initialised database: a new root unit, and its first "
		"admin\n"
		"(password from standard input), who sees that city and nothing of the others\n"
		"(docs/architecture.md \"On a cluster\": several cities in one deployment).\n",
		opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	char *pw = read_secret("admin password: ");
	err e = {0};
	if (!pw) {
		fprintf(stderr, "yiwang city: no password on standard input\n");
		return 1;
	}
	char hash[256];
	if (cli_password_ok(pw, x.o.admin, x.o.o.allow_weak, &e) < 0 ||
	    auth_hash_password(pw, hash, sizeof hash, &e) < 0) {
		free(pw);
		return fail(&e);
	}
	free(pw);
	x.hash = hash;
	store *s;
	if (open_store(db, false, &s))
		return 1;
	rc = store_write(s, city_tx, &x, &e);
	store_close(s);
	if (rc < 0)
		return fail(&e);
	fprintf(stderr, "yiwang city: added %s (%s); log in as %s\n", x.o.o.city, x.o.o.code,
		x.o.admin);
	return 0;
}

/* ---- commands with subcommands ---- */

/* A subcommand (`yiwang NOUN SUB --flags`) and its flags. */
typedef struct subcommand {
	const char *name;
	const opt_cmd *cmd;
} subcommand;

/* The synopses of every subcommand, then what they share. */
static void noun_usage(const char *noun, const subcommand *subs, size_t n, const char *about,
		       FILE *out)
{
	int line = 0;
	for (size_t i = 0; i < n; i++)
		for (const char *u = subs[i].cmd->usage; *u; line++) {
			size_t len = strcspn(u, "\n");
			fprintf(out, "%s%.*s\n", line ? "       " : "usage: ", (int)len, u);
			u += len + (u[len] ? 1 : 0);
		}
	if (about)
		fputs(about, out);
	fprintf(out, "yiwang %s SUBCOMMAND --help describes each one's flags.\n", noun);
}

/* The subcommand argv[1] names: its index; or -1 with *rc the exit status (0 after
 * --help, 2 when it is missing or unknown). */
static int pick_sub(const char *noun, const subcommand *subs, size_t n, const char *about, int argc,
		    char **argv, int *rc)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		noun_usage(noun, subs, n, about, argc < 2 ? stderr : stdout);
		*rc = argc < 2 ? 2 : 0;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], subs[i].name))
			return (int)i;
	fprintf(stderr, "yiwang %s: unknown subcommand '%s' (see yiwang %s --help)\n", noun,
		argv[1], noun);
	*rc = 2;
	return -1;
}

/* ---- user ---- */

typedef struct user_opts {
	const char *username, *name, *unit, *roles, *phone;
	bool allow_weak;
} user_opts;

typedef struct user_cli_ctx {
	const char *sub;
	user_opts o;
	const char *hash;
	actor sys;
} user_cli_ctx;

static int user_cli_tx(store_conn *c, void *p, err *e)
{
	user_cli_ctx *x = p;
	int64_t id;
	if (!strcmp(x->sub, "add")) {
		int64_t unit_id = 0;
		char *end;
		long long n = strtoll(x->o.unit, &end, 10);
		if (*end == '\0' && n > 0 && strlen(x->o.unit) < 10)
			unit_id = n;
		else if (store_query_int(c, &unit_id, 0, e, "SELECT id FROM units WHERE code = ?",
					 "s", x->o.unit) < 0)
			return -1;
		unsigned roles = 0;
		char buf[256];
		snprintf(buf, sizeof buf, "%s", x->o.roles);
		for (char *sv = NULL, *w = strtok_r(buf, ",", &sv); w;
		     w = strtok_r(NULL, ",", &sv)) {
			unsigned bit = role_parse(w);
			if (!bit)
				return err_set(e, ERR_INVALID, "invalid_role", "roles",
					       "未知角色：%s", w);
			roles |= bit;
		}
		user_input in = {.username = x->o.username,
				 .display_name = x->o.name,
				 .password_hash = x->hash,
				 .unit_id = unit_id,
				 .roles = roles,
				 .phone = x->o.phone};
		return user_create(c, &x->sys, &in, &id, e);
	}
	if (user_find(c, x->o.username, &id, e) < 0)
		return -1;
	if (!strcmp(x->sub, "passwd"))
		return user_set_password(c, &x->sys, id, x->hash, NULL, e);
	if (!strcmp(x->sub, "unlock"))
		return user_unlock(c, &x->sys, id, e);
	user_patch patch = {.disabled = !strcmp(x->sub, "disable")};
	return user_update(c, &x->sys, id, &patch, e);
}

static int user_list_cli(store *s)
{
	err e = {0};
	store_conn *c = store_conn_get(s, &e);
	actor sys;
	actor_system(&sys, "cli");
	user_filter f = {0};
	for (int64_t page = 1;; page++) {
		json_t *items;
		int64_t total;
		if (!c || user_list(c, &sys, &f, false, page, 200, &items, &total, &e) < 0)
			return fail(&e);
		size_t i;
		json_t *u;
		json_array_foreach(items, i, u)
		{
			char *roles = json_dumps(json_object_get(u, "roles"), JSON_COMPACT);
			printf("%-16s %-12s %-24s %s%s%s\n",
			       json_string_value(json_object_get(u, "username")),
			       json_string_value(json_object_get(u, "display_name")),
			       json_string_value(
				       json_object_get(json_object_get(u, "unit"), "name")),
			       roles,
			       json_is_true(json_object_get(u, "disabled")) ? " disabled" : "",
			       json_is_true(json_object_get(u, "locked")) ? " locked" : "");
			free(roles);
		}
		size_t got = json_array_size(items);
		json_decref(items);
		if (page * 200 >= total || got == 0)
			break;
	}
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	user_cli_ctx x = {0};
	const char *db = NULL;
#define USERNAME_FLAG                                                                              \
	{                                                                                          \
		.name = "username", .kind = OPT_STRING, .dest = &x.o.username, .arg = "U",         \
		.help = "the user's login name", .required = true                                  \
	}
#define WEAK_FLAG                                                                                  \
	{                                                                                          \
		.name = "allow-weak", .kind = OPT_BOOL, .dest = &x.o.allow_weak,                   \
		.help = "accept a password that only meets the length rule"                        \
	}
	const opt add_opts[] = {DB_FLAG(&db),
				USERNAME_FLAG,
				{.name = "name",
				 .kind = OPT_STRING,
				 .dest = &x.o.name,
				 .arg = "NAME",
				 .help = "the name shown",
				 .required = true},
				{.name = "unit",
				 .kind = OPT_STRING,
				 .dest = &x.o.unit,
				 .arg = "ID|CODE",
				 .help = "the user's unit: its id or its code",
				 .required = true},
				{.name = "roles",
				 .kind = OPT_STRING,
				 .dest = &x.o.roles,
				 .arg = "R1,R2",
				 .help = "roles, comma-separated",
				 .required = true},
				{.name = "phone",
				 .kind = OPT_STRING,
				 .dest = &x.o.phone,
				 .arg = "P",
				 .help = "mobile phone"},
				WEAK_FLAG,
				{0}};
	const opt passwd_opts[] = {DB_FLAG(&db), USERNAME_FLAG, WEAK_FLAG, {0}};
	const opt name_opts[] = {DB_FLAG(&db), USERNAME_FLAG, {0}};
	const opt list_opts[] = {DB_FLAG(&db), {0}};
#undef USERNAME_FLAG
#undef WEAK_FLAG
	const opt_cmd add = {"user add",
			     "yiwang user add --db DB --username U --name NAME --unit ID|CODE "
			     "--roles R1,R2 [--phone P] [--allow-weak]",
			     "Adds a user; the password is read from standard input.\n", add_opts},
		      passwd = {"user passwd",
				"yiwang user passwd --db DB --username U [--allow-weak]",
				"Sets a user's password, read from standard input.\n", passwd_opts},
		      disable = {"user disable", "yiwang user disable --db DB --username U", NULL,
				 name_opts},
		      enable = {"user enable", "yiwang user enable --db DB --username U", NULL,
				name_opts},
		      unlock = {"user unlock", "yiwang user unlock --db DB --username U", NULL,
				name_opts},
		      list = {"user list", "yiwang user list --db DB", NULL, list_opts};
	const subcommand subs[] = {{"add", &add},	{"passwd", &passwd}, {"disable", &disable},
				   {"enable", &enable}, {"unlock", &unlock}, {"list", &list}};
	int rc;
	int k = pick_sub(
		"user", subs, sizeof subs / sizeof subs[0],
		"Passwords (add, passwd) are read from standard input and must meet the "
		"complexity\n"
		"rule (docs/security.md) unless --allow-weak. Roles given here apply at once: "
		"the\n"
		"command line needs no second admin's approval.\n"
		"Roles: admin agent leader unit_staff grid_member mediator congress_staff "
		"deputy\n"
		"       party_secretary station_staff party_member\n",
		argc, argv, &rc);
	if (k < 0)
		return rc;
	x.sub = subs[k].name;
	rc = opts_parse(subs[k].cmd, argc - 1, argv + 1);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	bool is_add = subs[k].cmd == &add, is_list = subs[k].cmd == &list;
	if (is_add && !user_name_valid(x.o.username))
		return opts_error(&add, "username: 3-32 of a-z 0-9 _ . -, starting with a letter");
	store *s;
	if (open_store(db, false, &s))
		return 1;
	if (is_list) {
		rc = user_list_cli(s);
		store_close(s);
		return rc;
	}
	err e = {0};
	char hash[256];
	if (is_add || subs[k].cmd == &passwd) {
		char *pw = read_secret("password: ");
		if (!pw) {
			store_close(s);
			fprintf(stderr, "yiwang user: no password on standard input\n");
			return 1;
		}
		rc = cli_password_ok(pw, x.o.username, x.o.allow_weak, &e) < 0 ||
		     auth_hash_password(pw, hash, sizeof hash, &e) < 0;
		free(pw);
		if (rc) {
			store_close(s);
			return fail(&e);
		}
		x.hash = hash;
	}
	actor_system(&x.sys, "cli");
	rc = store_write(s, user_cli_tx, &x, &e);
	store_close(s);
	if (rc < 0)
		return fail(&e);
	fprintf(stderr, "yiwang user %s: done for %s\n", x.sub, x.o.username);
	return 0;
}

/* ---- apikey ---- */

static int cmd_apikey(int argc, char **argv)
{
	const char *db = NULL, *name = NULL;
	long id = 0;
	const opt create_opts[] = {DB_FLAG(&db),
				   {.name = "name",
				    .kind = OPT_STRING,
				    .dest = &name,
				    .arg = "NAME",
				    .help = "the partner the key is for",
				    .required = true},
				   {0}};
	const opt list_opts[] = {DB_FLAG(&db), {0}};
	const opt revoke_opts[] = {DB_FLAG(&db),
				   {.name = "id",
				    .kind = OPT_INT,
				    .dest = &id,
				    .help = "the key's id (apikey list)",
				    .min = 1,
				    .max = LONG_MAX,
				    .required = true},
				   {0}};
	const opt_cmd
		create = {"apikey create",
			  "yiwang apikey create --db DB --name NAME   (prints the key alone on "
			  "stdout)",
			  NULL, create_opts},
		list = {"apikey list", "yiwang apikey list --db DB", NULL, list_opts},
		revoke = {"apikey revoke", "yiwang apikey revoke --db DB --id N", NULL,
			  revoke_opts};
	const subcommand subs[] = {{"create", &create}, {"list", &list}, {"revoke", &revoke}};
	int rc;
	int which = pick_sub("apikey", subs, 3, NULL, argc, argv, &rc);
	if (which < 0)
		return rc;
	const char *sub = subs[which].name;
	rc = opts_parse(subs[which].cmd, argc - 1, argv + 1);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	store *s;
	if (open_store(db, false, &s))
		return 1;
	err e = {0};
	actor sys;
	actor_system(&sys, "cli");
	rc = 0;
	if (!strcmp(sub, "create")) {
		char key[64];
		int64_t kid;
		if (auth_apikey_create(s, &sys, name, key, sizeof key, &kid, &e) < 0)
			rc = fail(&e);
		else
			printf("%s\n", key);
	} else if (!strcmp(sub, "list")) {
		json_t *items;
		if (auth_apikey_list(s, &items, &e) < 0) {
			rc = fail(&e);
		} else {
			size_t i;
			json_t *k;
			json_array_foreach(items, i, k)
				printf("%lld\t%s\t%s…\t%s\n",
				       (long long)json_integer_value(json_object_get(k, "id")),
				       json_string_value(json_object_get(k, "name")),
				       json_string_value(json_object_get(k, "prefix")),
				       json_is_null(json_object_get(k, "revoked_at")) ? "active"
										      : "revoked");
			json_decref(items);
		}
	} else if (auth_apikey_revoke(s, &sys, id, &e) < 0) {
		rc = fail(&e);
	}
	store_close(s);
	return rc;
}

/* ---- backup and check ---- */

static int cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *to = NULL;
	const opt opts[] = {DB_FLAG(&db),
			    {.name = "to",
			     .kind = OPT_STRING,
			     .dest = &to,
			     .arg = "FILE",
			     .help = "the copy (replaced atomically)",
			     .required = true},
			    {0}};
	const opt_cmd cmd = {"backup", "yiwang backup --db PATH --to FILE",
			     "Copies a live SQLite database with SQLite's online backup API;\n"
			     "the server may keep running. FILE is replaced atomically.\n",
			     opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	store *s;
	if (open_store(db, false, &s))
		return 1;
	err e = {0};
	rc = store_backup(s, to, &e) < 0 ? fail(&e) : 0;
	store_close(s);
	if (!rc)
		fprintf(stderr, "yiwang backup: %s → %s\n", db, to);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	const char *db = NULL;
	const opt opts[] = {DB_FLAG(&db), {0}};
	const opt_cmd cmd = {
		"check", "yiwang check --db PATH|URI",
		"Verifies the database (SQLite integrity check), the unit tree and the hash chain "
		"of\n"
		"the audit trail. Exits 0 when everything is sound, 1 when something is wrong.\n",
		opts};
	int rc = opts_parse(&cmd, argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	store *s;
	if (open_store(db, false, &s))
		return 1;
	err e = {0};
	int bad = 0;
	store_conn *c = store_conn_get(s, &e);
	if (!c) {
		store_close(s);
		return fail(&e);
	}
	if (store_kind(s) == STORE_SQLITE) {
		store_stmt *st;
		if (store_query_row(c, &st, &e, "PRAGMA integrity_check", NULL) < 0) {
			bad = 1;
			printf("database: %s\n", e.message);
		} else if (st) {
			const char *res = store_col_text(st, 0);
			printf("database: %s\n", !strcmp(res, "ok") ? "ok" : res);
			bad |= strcmp(res, "ok") != 0;
			store_done(st);
		}
	} else {
		printf("database: ok (postgres, schema version %d)\n", store_schema_version(s));
	}
	char problem[256];
	rc = unit_verify_tree(c, problem, sizeof problem, &e);
	if (rc < 0)
		printf("units: %s\n", e.message);
	else
		printf("units: %s\n", rc ? problem : "ok");
	bad |= rc != 0;
	audit_report rep;
	rc = audit_verify(s, &rep, &e);
	if (rc < 0)
		printf("audit: %s\n", e.message);
	else if (rc)
		printf("audit: BROKEN — %s\n", rep.problem);
	else
		printf("audit: ok (%lld entries, chain intact)\n", (long long)rep.entries);
	bad |= rc != 0;
	int64_t wrong;
	rc = appeal_stats_rollup_verify(c, &wrong, &e);
	if (rc < 0)
		printf("statistics roll-up: %s\n", e.message);
	else if (wrong)
		printf("statistics roll-up: %lld (unit, day) rows differ from a recount"
		       " (yiwang rollup rebuild)\n",
		       (long long)wrong);
	else
		printf("statistics roll-up: ok (equal to a recount)\n");
	bad |= rc < 0 || wrong != 0;
	rc = appeal_area_verify(s, c, &wrong, &e);
	if (rc < 0)
		printf("appeal list areas: %s\n", e.message);
	else if (wrong)
		printf("appeal list areas: %lld rows differ from a recount (yiwang rollup "
		       "rebuild)\n",
		       (long long)wrong);
	else
		printf("appeal list areas: ok (equal to a recount)\n");
	bad |= rc < 0 || wrong != 0;
	store_close(s);
	return bad ? 1 : 0;
}

static int tx_rollup_rebuild(store_conn *c, void *ctx, err *e)
{
	return appeal_stats_rollup_rebuild(c, e) < 0 || appeal_area_rebuild(ctx, c, e) < 0 ? -1 : 0;
}

typedef struct reindex_ctx {
	store *s;
	int64_t after, n;
} reindex_ctx;

static int tx_search_reindex(store_conn *c, void *ctx, err *e)
{
	reindex_ctx *x = ctx;
	return appeal_search_reindex(c, x->s, &x->after, 2000, &x->n, e);
}

/* The commands of one verb over one database (`yiwang NOUN VERB --db PATH|URI`): checks
 * the verb, parses --db and opens the store. 0 with *s open; otherwise *s is NULL and the
 * return is the command's exit status (0 after --help). */
static int open_verb_db(int argc, char **argv, const char *noun, const char *verb,
			const char *about, store **s)
{
	*s = NULL;
	const char *db = NULL;
	const opt opts[] = {DB_FLAG(&db), {0}};
	char name[64], usage[128];
	snprintf(name, sizeof name, "%s %s", noun, verb);
	snprintf(usage, sizeof usage, "yiwang %s --db PATH|URI", name);
	const opt_cmd cmd = {name, usage, about, opts};
	const subcommand subs[] = {{verb, &cmd}};
	int rc;
	if (pick_sub(noun, subs, 1, about, argc, argv, &rc) < 0)
		return rc;
	rc = opts_parse(&cmd, argc - 1, argv + 1);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	return open_store(db, false, s) ? 1 : 0;
}

static int cmd_search(int argc, char **argv)
{
	store *s;
	int rc = open_verb_db(
		argc, argv, "search", "reindex",
		"Indexes for search the appeals the search index lacks (rows written with plain "
		"SQL,\n"
		"as the benchmark fixtures are), 2,000 a transaction; appeals already indexed are\n"
		"left as they are.\n",
		&s);
	if (!s)
		return rc;
	err e = {0};
	reindex_ctx x = {.s = s};
	int64_t total = 0;
	do {
		if (store_write(s, tx_search_reindex, &x, &e) < 0) {
			store_close(s);
			return fail(&e);
		}
		total += x.n;
	} while (x.n > 0);
	store_close(s);
	fprintf(stderr, "yiwang search reindex: %lld appeals indexed\n", (long long)total);
	return 0;
}

static int cmd_rollup(int argc, char **argv)
{
	store *s;
	int rc = open_verb_db(argc, argv, "rollup", "rebuild",
			      "Recomputes the appeal statistics' roll-up (stats_appeal_days) from "
			      "the assignments,\n"
			      "and the appeal list's areas (appeal_area, appeal_area_counts) from "
			      "the cases,\n"
			      "in one transaction. Triggers keep it exact on every write; rebuild "
			      "after rows were\n"
			      "written around them, or when yiwang check reports a difference.\n",
			      &s);
	if (!s)
		return rc;
	err e = {0};
	rc = store_write(s, tx_rollup_rebuild, s, &e) < 0 ? fail(&e) : 0;
	store_close(s);
	if (!rc)
		fputs("yiwang rollup rebuild: rebuilt\n", stderr);
	return rc;
}

/* ---- table ---- */

/* A command without flags: --help, or a usage error for anything else. OPTS_OK to run. */
static int no_flags(const char *name, const char *about, int argc, char **argv)
{
	char usage[64];
	snprintf(usage, sizeof usage, "yiwang %s", name);
	const opt none[] = {{0}};
	const opt_cmd cmd = {name, usage, about, none};
	return opts_parse(&cmd, argc, argv);
}

static int cmd_version(int argc, char **argv)
{
	int rc = argc > 0 ? no_flags("version", "Prints the version.\n", argc, argv) : OPTS_OK;
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	printf("yiwang %s\n", VERSION);
	return 0;
}

/* The route table as JSON, one route a line: what the route x role matrix test and an
 * operator read to know who may call what. */
static int cmd_routes(int argc, char **argv)
{
	int rc =
		no_flags("routes",
			 "Prints the API's routes as JSON, one a line: method, pattern, flags and\n"
			 "the roles that may call it.\n",
			 argc, argv);
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	router *rt = router_new();
	routes_register(rt);
	for (size_t i = 0; i < router_count(rt); i++) {
		const struct route *r = router_at(rt, i);
		json_t *roles = json_array();
		for (int k = 0; k < ROLE_COUNT; k++)
			if (r->roles & (1u << k))
				json_array_append_new(roles, json_string(role_word(k)));
		json_t *o =
			json_pack("{s:s, s:s, s:b, s:b, s:b, s:o}", "method", r->method, "pattern",
				  r->pattern, "public", (r->flags & ROUTE_PUBLIC) != 0, "cached",
				  (r->flags & ROUTE_CACHED) != 0, "expired_ok",
				  (r->flags & ROUTE_EXPIRED_OK) != 0, "roles", roles);
		char *line = json_dumps(o, JSON_COMPACT);
		printf("%s\n", line);
		free(line);
		json_decref(o);
	}
	router_free(rt);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"serve", cmd_serve, "serve the API and the web UI"},
	{"init", cmd_init, "create an empty database with one admin"},
	{"demo", cmd_demo, "create a database with the Fuxin demo"},
	{"city", cmd_city, "add another city (a root unit and its admin) to a database"},
	{"user", cmd_user, "add users, set passwords, disable, enable, unlock, list"},
	{"apikey", cmd_apikey, "create, list and revoke Open311 API keys"},
	{"backup", cmd_backup, "copy a live SQLite database"},
	{"check", cmd_check, "verify the database and the audit chain"},
	{"rollup", cmd_rollup, "rebuild the statistics roll-up from the assignments"},
	{"search", cmd_search, "index the appeals the search index lacks"},
	{"routes", cmd_routes, "list the API's routes and the roles that may call each"},
	{"version", cmd_version, "print the version"},
	{"help", cmd_help, "this list"},
};

static int cmd_help(int argc, char **argv)
{
	int rc = argc > 0 ? no_flags("help", "Lists the commands.\n", argc, argv) : OPTS_OK;
	if (rc != OPTS_OK)
		return rc == OPTS_HELP ? 0 : rc;
	printf("usage: yiwang COMMAND [options]   (yiwang COMMAND --help for each)\n\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stderr, NULL, _IOLBF, 0);
	mem_limit_arenas();
	err e = {0};
	if (auth_init(&e) < 0)
		return fail(&e);
	platforms_register();
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "yiwang: unknown command '%s' (see yiwang help)\n", argv[1]);
	return 2;
}
