/* The yiwang command line: one function per subcommand, dispatched from a table (as git
 * does with builtin/). */
#include <errno.h>
#include <getopt.h>
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
#include "demo/demo.h"
#include "demo/demo_grid_events.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "engine/jobs.h"
#include "org/privacy.h"
#include "org/unit.h"
#include "org/user.h"

#define VERSION "0.3.0"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static int fail(const err *e)
{
	fprintf(stderr, "yiwang: %s\n", e->message[0] ? e->message : e->code);
	return 1;
}

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "yiwang %s: %s (see yiwang %s --help)\n", cmd, msg, cmd);
	return 2;
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

static const char serve_help[] =
	"usage: yiwang serve --db PATH|URI [--listen HOST:PORT] [options]\n"
	"Serves the API and the web UI until SIGTERM or SIGINT.\n"
	"  --db PATH|URI            SQLite file or postgresql:// URI      (YIWANG_DB)\n"
	"  --listen HOST:PORT       default 127.0.0.1:8080                (YIWANG_LISTEN)\n"
	"  --pg-pooler none|transaction  transaction: the --db URI reaches PostgreSQL through\n"
	"                           a pooler in transaction mode (PgBouncer): no named\n"
	"                           statements, no session state     (YIWANG_PG_POOLER)\n"
	"  --metrics-listen HOST:PORT  serve /metrics there without a token (nothing else);\n"
	"                           default: none, /metrics needs an admin's token\n"
	"                           (YIWANG_METRICS_LISTEN)\n"
	"  --threads N              worker threads, default 16            (YIWANG_THREADS)\n"
	"  --max-body BYTES         request body limit, default 1048576   (YIWANG_MAX_BODY)\n"
	"  --max-connections N      default 1024                          "
	"(YIWANG_MAX_CONNECTIONS)\n"
	"  --per-ip-connections N   default 256 (0: no limit)             "
	"(YIWANG_PER_IP_CONNECTIONS)\n"
	"  --timeout SECONDS        idle connection timeout, default 30   (YIWANG_TIMEOUT)\n"
	"  --web DIR                web UI files, default <binary dir>/web (YIWANG_WEB_DIR)\n"
	"  --access-log -|off|FILE  JSON lines, default - (stderr)        (YIWANG_ACCESS_LOG)\n"
	"  --session-hours N        session lifetime, default 12          (YIWANG_SESSION_HOURS)\n"
	"  --session-idle-minutes M a session unused for M minutes ends, default 30; 0: only\n"
	"                           at its lifetime            (YIWANG_SESSION_IDLE_MINUTES)\n"
	"  --password-max-days N    a password older than N days must be changed before\n"
	"                           anything else, default 90; 0: never\n"
	"                                                     (YIWANG_PASSWORD_MAX_DAYS)\n"
	"  --citizen-rate N         public submissions a minute per address, default 10;\n"
	"                           0: no limit                           (YIWANG_CITIZEN_RATE)\n"
	"  --login-rate N           failed logins a minute per address (then 429), default\n"
	"                           10; 0: no limit, at most 1000         (YIWANG_LOGIN_RATE)\n"
	"  --open311-rate N         Open311 requests a minute per API key (per address\n"
	"                           without one), default 60; 0: no limit (YIWANG_OPEN311_RATE)\n"
	"  --open311-jurisdiction ID  the jurisdiction_id served; others are 404; default:\n"
	"                           any is accepted       (YIWANG_OPEN311_JURISDICTION)\n"
	"  --read-cache on|off      answer a session's repeated reads of appeals from a\n"
	"                           cache while nothing changed, default on (YIWANG_READ_CACHE)\n"
	"  --data-dir DIR           uploaded files; default DIR-of-the-db/files for SQLite,\n"
	"                           data/files for PostgreSQL             (YIWANG_DATA_DIR)\n"
	"  --trusted-proxy CIDR[,CIDR...]  fronts (HAProxy, nginx) whose X-Forwarded-For\n"
	"                           names the client: from a peer in these ranges the client\n"
	"                           is the right-most X-Forwarded-For address not itself in\n"
	"                           them; default: none, the header is ignored\n"
	"                                                     (YIWANG_TRUSTED_PROXY)\n";

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

static long parse_num(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < min || v > max)
		return LONG_MIN;
	return v;
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

static int cmd_serve(int argc, char **argv)
{
	server_config cfg = {
		.db = env_or("YIWANG_DB", NULL),
		.threads = 16,
		.max_body = 1 << 20,
		.max_connections = 1024,
		.per_ip_connections = 256,
		.timeout_s = 30,
		.web_dir = env_or("YIWANG_WEB_DIR", NULL),
		.access_log = env_or("YIWANG_ACCESS_LOG", "-"),
		.data_dir = env_or("YIWANG_DATA_DIR", NULL),
	};
	const char *listen = env_or("YIWANG_LISTEN", "127.0.0.1:8080");
	const char *metrics_listen = env_or("YIWANG_METRICS_LISTEN", NULL);
	const char *trusted_proxy = env_or("YIWANG_TRUSTED_PROXY", NULL);
	const char *threads = env_or("YIWANG_THREADS", NULL),
		   *max_body = env_or("YIWANG_MAX_BODY", NULL),
		   *max_conn = env_or("YIWANG_MAX_CONNECTIONS", NULL),
		   *per_ip = env_or("YIWANG_PER_IP_CONNECTIONS", NULL),
		   *timeout = env_or("YIWANG_TIMEOUT", NULL),
		   *hours = env_or("YIWANG_SESSION_HOURS", NULL),
		   *idle = env_or("YIWANG_SESSION_IDLE_MINUTES", NULL),
		   *max_days = env_or("YIWANG_PASSWORD_MAX_DAYS", NULL),
		   *citizen_rate = env_or("YIWANG_CITIZEN_RATE", NULL),
		   *open311_rate = env_or("YIWANG_OPEN311_RATE", NULL),
		   *login_rate = env_or("YIWANG_LOGIN_RATE", NULL),
		   *read_cache = env_or("YIWANG_READ_CACHE", "on");
	cfg.open311_jurisdiction = env_or("YIWANG_OPEN311_JURISDICTION", NULL);
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"max-body", required_argument, NULL, 'b'},
		{"max-connections", required_argument, NULL, 'c'},
		{"per-ip-connections", required_argument, NULL, 'i'},
		{"timeout", required_argument, NULL, 'o'},
		{"web", required_argument, NULL, 'w'},
		{"access-log", required_argument, NULL, 'a'},
		{"session-hours", required_argument, NULL, 's'},
		{"session-idle-minutes", required_argument, NULL, 'I'},
		{"password-max-days", required_argument, NULL, 'P'},
		{"citizen-rate", required_argument, NULL, 'r'},
		{"data-dir", required_argument, NULL, 'D'},
		{"open311-rate", required_argument, NULL, 'R'},
		{"open311-jurisdiction", required_argument, NULL, 'J'},
		{"read-cache", required_argument, NULL, 'C'},
		{"login-rate", required_argument, NULL, 'L'},
		{"metrics-listen", required_argument, NULL, 'M'},
		{"trusted-proxy", required_argument, NULL, 'T'},
		{"pg-pooler", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db = optarg; break;
		case 'l': listen = optarg; break;
		case 't': threads = optarg; break;
		case 'b': max_body = optarg; break;
		case 'c': max_conn = optarg; break;
		case 'i': per_ip = optarg; break;
		case 'o': timeout = optarg; break;
		case 'w': cfg.web_dir = optarg; break;
		case 'a': cfg.access_log = optarg; break;
		case 's': hours = optarg; break;
		case 'I': idle = optarg; break;
		case 'P': max_days = optarg; break;
		case 'r': citizen_rate = optarg; break;
		case 'D': cfg.data_dir = optarg; break;
		case 'R': open311_rate = optarg; break;
		case 'J': cfg.open311_jurisdiction = optarg; break;
		case 'C': read_cache = optarg; break;
		case 'L': login_rate = optarg; break;
		case 'M': metrics_listen = optarg; break;
		case 'T': trusted_proxy = optarg; break;
		case 'g':
			/* The store reads it at store_open (every command does, by the variable).
			 */
			if (strcmp(optarg, "none") != 0 && strcmp(optarg, "transaction") != 0)
				return usage_error("serve",
						   "--pg-pooler must be none or transaction");
			setenv("YIWANG_PG_POOLER", optarg, 1);
			break;
		case 'h': fputs(serve_help, stdout); return 0;
		default: return usage_error("serve", "unknown option");
		}
	}
	if (optind < argc)
		return usage_error("serve", "unexpected argument");
	if (!cfg.db)
		return usage_error("serve", "--db is required");
	char proxy_msg[200];
	if (trusted_proxy &&
	    proxy_parse(trusted_proxy, &cfg.trusted_proxies, proxy_msg, sizeof proxy_msg) < 0)
		return usage_error("serve", proxy_msg);
	char *host = NULL;
	if (parse_listen(listen, &host, &cfg.listen_port) < 0)
		return usage_error("serve", "--listen must be HOST:PORT");
	cfg.listen_host = host;
	char *metrics_host = NULL;
	if (metrics_listen && parse_listen(metrics_listen, &metrics_host, &cfg.metrics_port) < 0) {
		free(host);
		return usage_error("serve", "--metrics-listen must be HOST:PORT");
	}
	cfg.metrics_host = metrics_host;
	long v;
	if (threads && (v = parse_num(threads, 1, 256)) == LONG_MIN)
		return usage_error("serve", "--threads must be 1..256");
	else if (threads)
		cfg.threads = (int)v;
	if (max_body && (v = parse_num(max_body, 1024, 1L << 30)) == LONG_MIN)
		return usage_error("serve", "--max-body must be 1024..1073741824");
	else if (max_body)
		cfg.max_body = (size_t)v;
	if (max_conn && (v = parse_num(max_conn, 1, 100000)) == LONG_MIN)
		return usage_error("serve", "--max-connections must be 1..100000");
	else if (max_conn)
		cfg.max_connections = (unsigned)v;
	if (per_ip && (v = parse_num(per_ip, 0, 100000)) == LONG_MIN)
		return usage_error("serve", "--per-ip-connections must be 0..100000");
	else if (per_ip)
		cfg.per_ip_connections = (unsigned)v;
	if (timeout && (v = parse_num(timeout, 1, 3600)) == LONG_MIN)
		return usage_error("serve", "--timeout must be 1..3600");
	else if (timeout)
		cfg.timeout_s = (unsigned)v;
	cfg.session_ttl_ms = 12LL * 3600 * 1000;
	if (hours && (v = parse_num(hours, 1, 24 * 90)) == LONG_MIN)
		return usage_error("serve", "--session-hours must be 1..2160");
	else if (hours)
		cfg.session_ttl_ms = (int64_t)v * 3600 * 1000;
	auth_policy policy = auth_get_policy();
	if (idle && (v = parse_num(idle, 0, 24 * 60)) == LONG_MIN)
		return usage_error("serve", "--session-idle-minutes must be 0..1440");
	else if (idle)
		policy.idle_ms = (int64_t)v * 60 * 1000;
	if (max_days && (v = parse_num(max_days, 0, 3650)) == LONG_MIN)
		return usage_error("serve", "--password-max-days must be 0..3650");
	else if (max_days)
		policy.password_max_age_ms = (int64_t)v * 24 * 3600 * 1000;
	auth_set_policy(&policy);
	cfg.citizen_rate = 10;
	if (citizen_rate && (v = parse_num(citizen_rate, 0, 1000000)) == LONG_MIN)
		return usage_error("serve", "--citizen-rate must be 0..1000000");
	else if (citizen_rate)
		cfg.citizen_rate = (int)v;
	cfg.open311_rate = 60;
	if (open311_rate && (v = parse_num(open311_rate, 0, 1000000)) == LONG_MIN)
		return usage_error("serve", "--open311-rate must be 0..1000000");
	else if (open311_rate)
		cfg.open311_rate = (int)v;
	cfg.login_rate = 10;
	if (login_rate && (v = parse_num(login_rate, 0, 1000)) == LONG_MIN)
		return usage_error("serve", "--login-rate must be 0..1000");
	else if (login_rate)
		cfg.login_rate = (int)v;
	if (cfg.open311_jurisdiction &&
	    (!*cfg.open311_jurisdiction || strlen(cfg.open311_jurisdiction) > 200))
		return usage_error("serve", "--open311-jurisdiction must be 1..200 bytes");
	if (strcmp(read_cache, "on") != 0 && strcmp(read_cache, "off") != 0)
		return usage_error("serve", "--read-cache must be on or off");
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
	int rc =
		jobs_start(a.store, 30000, &sched, &e) < 0 || server_run(&a, &e) < 0 ? fail(&e) : 0;
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

static int parse_db_only(int argc, char **argv, const char *cmd, const char *help, const char **db,
			 const struct option *extra, int (*on_extra)(int, void *), void *ctx)
{
	struct option opts[16] = {{"db", required_argument, NULL, 'd'},
				  {"help", no_argument, NULL, 'h'}};
	int n = 2;
	for (int i = 0; extra && extra[i].name && n < 15; i++)
		opts[n++] = extra[i];
	memset(&opts[n], 0, sizeof opts[n]);
	*db = env_or("YIWANG_DB", NULL);
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			*db = optarg;
		else if (c == 'h') {
			fputs(help, stdout);
			return -1;
		} else if (c == '?' || !on_extra || on_extra(c, ctx) < 0)
			return usage_error(cmd, "bad option") ? -2 : -2;
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument") ? -2 : -2;
	if (!*db)
		return usage_error(cmd, "--db is required") ? -2 : -2;
	return 0;
}

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

static const char demo_help[] =
	"usage: yiwang demo --db PATH|URI [--password PW]\n"
	"Creates a new database with the Fuxin demo (units, departments, every demo login).\n"
	"All demo users get password PW (default yiwang-demo). Refuses an existing file.\n";

static int demo_opt(int c, void *ctx)
{
	if (c != 'p')
		return -1;
	*(const char **)ctx = optarg;
	return 0;
}

static int cmd_demo(int argc, char **argv)
{
	const char *db, *password = "yiwang-demo";
	static const struct option extra[] = {{"password", required_argument, NULL, 'p'}, {0}};
	int rc = parse_db_only(argc, argv, "demo", demo_help, &db, extra, demo_opt, &password);
	if (rc)
		return rc == -1 ? 0 : 2;
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

static const char init_help[] =
	"usage: yiwang init --db PATH|URI [--city NAME] [--code CODE] [--allow-weak]\n"
	"Creates an empty database with the schema, a root unit (the city, default 阜新市)\n"
	"and one user 'admin' whose password is read from standard input. The password must\n"
	"meet the complexity rule (docs/security.md) unless --allow-weak.\n";

typedef struct init_opts {
	const char *city, *code;
	bool allow_weak;
} init_opts;

static int init_opt(int c, void *ctx)
{
	init_opts *o = ctx;
	if (c == 'c')
		o->city = optarg;
	else if (c == 'k')
		o->code = optarg;
	else if (c == 'w')
		o->allow_weak = true;
	else
		return -1;
	return 0;
}

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
	const char *db;
	init_ctx x = {.o = {.city = "阜新市", .code = "210900"}};
	static const struct option extra[] = {{"city", required_argument, NULL, 'c'},
					      {"code", required_argument, NULL, 'k'},
					      {"allow-weak", no_argument, NULL, 'w'},
					      {0}};
	int rc = parse_db_only(argc, argv, "init", init_help, &db, extra, init_opt, &x.o);
	if (rc)
		return rc == -1 ? 0 : 2;
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

static const char city_help[] =
	"usage: yiwang city --db PATH|URI --city NAME --code CODE --admin USERNAME [--allow-weak]\n"
	"Adds another city to an initialised database: a new root unit, and its first admin\n"
	"(password from standard input), who sees that city and nothing of the others\n"
	"(docs/architecture.md \"On a cluster\": several cities in one deployment).\n";

typedef struct city_opts {
	init_opts o;
	const char *admin;
} city_opts;

static int city_opt(int c, void *ctx)
{
	city_opts *o = ctx;
	if (c == 'a') {
		o->admin = optarg;
		return 0;
	}
	return init_opt(c, &o->o);
}

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
	const char *db;
	city_ctx x = {0};
	static const struct option extra[] = {{"city", required_argument, NULL, 'c'},
					      {"code", required_argument, NULL, 'k'},
					      {"admin", required_argument, NULL, 'a'},
					      {"allow-weak", no_argument, NULL, 'w'},
					      {0}};
	int rc = parse_db_only(argc, argv, "city", city_help, &db, extra, city_opt, &x.o);
	if (rc)
		return rc == -1 ? 0 : 2;
	if (!x.o.o.city || !x.o.o.code || !x.o.admin) {
		fputs(city_help, stderr);
		return 2;
	}
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

/* ---- user ---- */

static const char user_help[] =
	"usage: yiwang user add --db DB --username U --name NAME --unit ID|CODE --roles R1,R2 "
	"[--phone P] [--allow-weak]\n"
	"       yiwang user passwd --db DB --username U [--allow-weak]\n"
	"       yiwang user disable|enable|unlock --db DB --username U\n"
	"       yiwang user list --db DB\n"
	"Passwords (add, passwd) are read from standard input and must meet the complexity\n"
	"rule (docs/security.md) unless --allow-weak. Roles given here apply at once: the\n"
	"command line needs no second admin's approval.\n"
	"Roles: admin agent leader unit_staff grid_member mediator congress_staff deputy\n"
	"       party_secretary station_staff party_member\n";

typedef struct user_opts {
	const char *username, *name, *unit, *roles, *phone;
	bool allow_weak;
} user_opts;

static int user_opt(int c, void *ctx)
{
	user_opts *o = ctx;
	switch (c) {
	case 'u': o->username = optarg; return 0;
	case 'n': o->name = optarg; return 0;
	case 'U': o->unit = optarg; return 0;
	case 'r': o->roles = optarg; return 0;
	case 'p': o->phone = optarg; return 0;
	case 'w': o->allow_weak = true; return 0;
	}
	return -1;
}

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
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(user_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	user_cli_ctx x = {.sub = argv[1]};
	static const char *subs[] = {"add", "passwd", "disable", "enable", "unlock", "list"};
	bool known = false;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		known |= !strcmp(x.sub, subs[i]);
	if (!known)
		return usage_error("user", "unknown subcommand");
	static const struct option extra[] = {{"username", required_argument, NULL, 'u'},
					      {"name", required_argument, NULL, 'n'},
					      {"unit", required_argument, NULL, 'U'},
					      {"roles", required_argument, NULL, 'r'},
					      {"phone", required_argument, NULL, 'p'},
					      {"allow-weak", no_argument, NULL, 'w'},
					      {0}};
	const char *db;
	int rc = parse_db_only(argc - 1, argv + 1, "user", user_help, &db, extra, user_opt, &x.o);
	if (rc)
		return rc == -1 ? 0 : 2;
	bool add = !strcmp(x.sub, "add"), list = !strcmp(x.sub, "list");
	if (!list && !x.o.username)
		return usage_error("user", "--username is required");
	if (add && (!x.o.name || !x.o.unit || !x.o.roles))
		return usage_error("user", "add needs --name, --unit and --roles");
	if (add && !user_name_valid(x.o.username))
		return usage_error("user",
				   "username: 3-32 of a-z 0-9 _ . -, starting with a letter");
	store *s;
	if (open_store(db, false, &s))
		return 1;
	if (list) {
		rc = user_list_cli(s);
		store_close(s);
		return rc;
	}
	err e = {0};
	char hash[256];
	if (add || !strcmp(x.sub, "passwd")) {
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

static const char apikey_help[] =
	"usage: yiwang apikey create --db DB --name NAME   (prints the key alone on stdout)\n"
	"       yiwang apikey list --db DB\n"
	"       yiwang apikey revoke --db DB --id N\n";

typedef struct apikey_opts {
	const char *name, *id;
} apikey_opts;

static int apikey_opt(int c, void *ctx)
{
	apikey_opts *o = ctx;
	if (c == 'n')
		o->name = optarg;
	else if (c == 'i')
		o->id = optarg;
	else
		return -1;
	return 0;
}

static int cmd_apikey(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(apikey_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
		return usage_error("apikey", "unknown subcommand");
	apikey_opts o = {0};
	static const struct option extra[] = {
		{"name", required_argument, NULL, 'n'}, {"id", required_argument, NULL, 'i'}, {0}};
	const char *db;
	int rc = parse_db_only(argc - 1, argv + 1, "apikey", apikey_help, &db, extra, apikey_opt,
			       &o);
	if (rc)
		return rc == -1 ? 0 : 2;
	if (!strcmp(sub, "create") && !o.name)
		return usage_error("apikey", "--name is required");
	long id = 0;
	if (!strcmp(sub, "revoke") && (!o.id || (id = parse_num(o.id, 1, LONG_MAX)) == LONG_MIN))
		return usage_error("apikey", "--id N is required");
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
		if (auth_apikey_create(s, &sys, o.name, key, sizeof key, &kid, &e) < 0)
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

static const char backup_help[] = "usage: yiwang backup --db PATH --to FILE\n"
				  "Copies a live SQLite database with SQLite's online backup API;\n"
				  "the server may keep running. FILE is replaced atomically.\n";

static int backup_opt(int c, void *ctx)
{
	if (c != 'o')
		return -1;
	*(const char **)ctx = optarg;
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	const char *db, *to = NULL;
	static const struct option extra[] = {{"to", required_argument, NULL, 'o'}, {0}};
	int rc = parse_db_only(argc, argv, "backup", backup_help, &db, extra, backup_opt, &to);
	if (rc)
		return rc == -1 ? 0 : 2;
	if (!to)
		return usage_error("backup", "--to FILE is required");
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

static const char check_help[] =
	"usage: yiwang check --db PATH|URI\n"
	"Verifies the database (SQLite integrity check), the unit tree and the hash chain of\n"
	"the audit trail. Exits 0 when everything is sound, 1 when something is wrong.\n";

static int cmd_check(int argc, char **argv)
{
	const char *db;
	int rc = parse_db_only(argc, argv, "check", check_help, &db, NULL, NULL, NULL);
	if (rc)
		return rc == -1 ? 0 : 2;
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

static const char rollup_help[] =
	"usage: yiwang rollup rebuild --db PATH|URI\n"
	"Recomputes the appeal statistics' roll-up (stats_appeal_days) from the assignments,\n"
	"and the appeal list's areas (appeal_area, appeal_area_counts) from the cases,\n"
	"in one transaction. Triggers keep it exact on every write; rebuild after rows were\n"
	"written around them, or when yiwang check reports a difference.\n";

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
static int open_verb_db(int argc, char **argv, const char *verb, const char *name, const char *help,
			store **s)
{
	*s = NULL;
	if (argc < 2 || strcmp(argv[1], verb) != 0) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(help, stdout);
			return 0;
		}
		fputs(help, stderr);
		return 2;
	}
	const char *db;
	int rc = parse_db_only(argc - 1, argv + 1, name, help, &db, NULL, NULL, NULL);
	if (rc)
		return rc == -1 ? 0 : 2;
	return open_store(db, false, s) ? 1 : 0;
}

static const char search_help[] =
	"usage: yiwang search reindex --db PATH|URI\n"
	"Indexes for search the appeals the search index lacks (rows written with plain SQL,\n"
	"as the benchmark fixtures are), 2,000 a transaction; appeals already indexed are\n"
	"left as they are.\n";

static int cmd_search(int argc, char **argv)
{
	store *s;
	int rc = open_verb_db(argc, argv, "reindex", "search reindex", search_help, &s);
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
	int rc = open_verb_db(argc, argv, "rebuild", "rollup rebuild", rollup_help, &s);
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

static int cmd_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("yiwang %s\n", VERSION);
	return 0;
}

/* The route table as JSON, one route a line: what the route x role matrix test and an
 * operator read to know who may call what. */
static int cmd_routes(int argc, char **argv)
{
	(void)argc, (void)argv;
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
	(void)argc, (void)argv;
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
