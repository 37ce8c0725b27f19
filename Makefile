# yiwang — build, run, test. See README.md.
CC ?= gcc
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibuild/gen $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm

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
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(TEST_SRC))
WEB_SRC := $(shell find web -type f -not -path '*/node_modules/*' 2>/dev/null)

.PHONY: all run test unit-tests web clean format format-check deps
.PHONY: drills drill-crash drill-diskfull drill-abuse drill-backup
all: $(O)/yiwang web

$(O)/yiwang: $(O)/obj/main.o $(O)/libyiwang.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libyiwang.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/gen/migrations.c: $(MIGRATIONS) scripts/gen-migrations.sh
	@mkdir -p $(dir $@)
	scripts/gen-migrations.sh $@ $(MIGRATIONS)

$(O)/obj/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(O)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tests/%: tests/unit/%.c tests/unit/testutil.h $(O)/libyiwang.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libyiwang.a $(LDLIBS) -lcmocka

unit-tests: $(TEST_BIN)

# The web UI, built by Vite into build/web (served by the binary).
web: build/web/index.html
build/web/index.html: $(WEB_SRC) package.json package-lock.json
	@[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
	npm run build --silent
	@touch $@

deps:
	scripts/install-deps.sh

run:
	scripts/run.sh

test:
	scripts/test.sh

format:
	clang-format -i src/*.[ch] src/*/*.[ch] tests/unit/*.[ch]

format-check:
	clang-format --dry-run --Werror src/*.[ch] src/*/*.[ch] tests/unit/*.[ch]

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

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
