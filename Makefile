# yiwang — build, run, test. See README.md.
CC ?= gcc
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip expat
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibuild/gen $(PKG_CFLAGS)
# libharu (the dispute agreement's PDF) has no pkg-config file on Debian.
LDLIBS += $(PKG_LIBS) -lhpdf -lpthread -lm

# The sanitizer build lives beside the normal one.
ifeq ($(SAN),1)
O := build/san
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
O := build
endif

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
LIB_OBJ := $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRC)) $(O)/obj/gen/migrations.o
MIGRATIONS := $(wildcard src/store/migrations/*.sql)
# Unit tests mirror src/: tests/unit/<folder>/test_<name>.c → $(O)/tests/test_<name>.
TEST_SRC := $(wildcard tests/unit/*/test_*.c)
TEST_BIN := $(addprefix $(O)/tests/,$(basename $(notdir $(TEST_SRC))))
vpath test_%.c $(sort $(dir $(TEST_SRC)))
WEB_SRC := $(shell find web -type f -not -path '*/node_modules/*' 2>/dev/null)

.PHONY: all run test unit-tests web clean format format-check deps fuzz fuzz-build fuzz-regress
.PHONY: drills drill-crash drill-diskfull drill-abuse drill-backup test-cluster
all: $(O)/yiwang web

$(O)/yiwang: $(O)/obj/main.o $(O)/libyiwang.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libyiwang.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The migrations' names, rewritten only when one joins or leaves the folder: a removed
# migration must leave build/gen/migrations.c too, which its files' times alone miss.
MIGRATIONS_LIST := build/gen/migrations.list
$(shell mkdir -p build/gen && echo '$(MIGRATIONS)' | cmp -s - $(MIGRATIONS_LIST) || \
	echo '$(MIGRATIONS)' > $(MIGRATIONS_LIST))

build/gen/migrations.c: $(MIGRATIONS) $(MIGRATIONS_LIST) scripts/gen-migrations.sh
	@mkdir -p $(dir $@)
	scripts/gen-migrations.sh $@ $(MIGRATIONS)

$(O)/obj/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(O)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/%: %.c tests/unit/testutil.h $(O)/libyiwang.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libyiwang.a $(LDLIBS) -lcmocka

unit-tests: $(TEST_BIN)

# The web UI, built by Vite into build/web (served by the binary).
web: build/web/index.html
build/web/index.html: $(WEB_SRC) package.json package-lock.json
	@[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
	npm run build --silent
	@touch $@

# libFuzzer harnesses (fuzz/<name>.c) against the library compiled with clang and the
# sanitizers, in their own object tree. `make fuzz` fuzzes each for FUZZ_SECONDS; `make
# fuzz-regress` runs each once over its corpus and regressions (docs/security.md).
FUZZ_CC ?= clang
FUZZ_O := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SRC := $(wildcard fuzz/*.c)
FUZZ_BIN := $(patsubst fuzz/%.c,$(FUZZ_O)/bin/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst src/%.c,$(FUZZ_O)/obj/%.o,$(LIB_SRC)) $(FUZZ_O)/obj/gen/migrations.o
FUZZ_SECONDS ?= 60

$(FUZZ_O)/obj/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_O)/libyiwang.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_O)/bin/%: fuzz/%.c fuzz/fuzz.h $(FUZZ_O)/libyiwang.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Ifuzz $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_O)/libyiwang.a $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh run $(FUZZ)

fuzz-regress: fuzz-build
	scripts/fuzz.sh regress $(FUZZ)

deps:
	scripts/install-deps.sh

run:
	scripts/run.sh

test:
	scripts/test.sh

FORMAT_SRC = src/*.[ch] src/*/*.[ch] tests/unit/*.[ch] tests/unit/*/*.[ch] fuzz/*.[ch]

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

# Drills (docs/security.md): each one command, against the real binary.
drills: drill-crash drill-diskfull drill-abuse drill-backup

drill-crash: build/yiwang
	node drills/crash.mjs

drill-diskfull: build/yiwang
	node drills/diskfull.mjs

drill-abuse: build/yiwang
	node drills/abuse.mjs

drill-backup: build/yiwang
	node drills/backup.mjs

# The failover drill on a loopback cluster (etcd, Patroni, HAProxy, 3 nodes; docs/deploy.md):
# 20 trials of SIGKILL to the PostgreSQL primary or a node under load; nothing lost or doubled.
test-cluster: build/yiwang
	node drills/cluster.mjs

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
