# vnsearch: Vietnamese full-text search on SQLite FTS5.
#   make          build build/vnindex and build/vnquery
#   make run      install missing Debian packages, build, index corpus/, search
#   make test     build with address+undefined sanitizers and run every test
#   make bench    benchmarks against SQLite's unicode61 (needs ../shared)
#   make bench-scale   the same corpus replicated 10 times
#   make eval     ranking quality against unicode61 (needs ../shared)
#   make fuzz     libFuzzer targets, FUZZ_SECONDS (60) each
#   make loadtest the HTTP server under wrk (needs ../shared)
#   make test-crash   SIGKILL and power cuts while indexing (needs ../shared)
#   make merge-bench  query time after 50 incremental runs (needs ../shared)

# libmicrohttpd: headers only; `vnquery serve` loads it (query/mhd.h), so
# that GnuTLS does not load with every search.
PKGS     := sqlite3 icu-uc icu-i18n zlib libxml-2.0 libmicrohttpd
LINK_PKGS := $(filter-out libmicrohttpd,$(PKGS))
CC       ?= cc
OPT      ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null) -ldl
CPPFLAGS += -Icommon -Iindexer -Iquery -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) -Wall -Wextra -Werror -Wshadow -Wvla $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

COMMON_SRC  := $(wildcard common/*.c)
INDEXER_SRC := $(wildcard indexer/*.c)
QUERY_SRC   := $(wildcard query/*.c)
TEST_SRC    := $(wildcard tests/test_*.c)

B  := build
BA := build/asan
BB := $(B)/bench
obj  = $(patsubst %.c,$(B)/obj/%.o,$(1))
aobj = $(patsubst %.c,$(BA)/obj/%.o,$(1))

# Everything but the two main.c files, so unit tests can link any module.
LIB_OBJ   := $(call obj,$(COMMON_SRC))
ALIB_OBJ  := $(call aobj,$(COMMON_SRC) $(filter-out %/main.c,$(INDEXER_SRC) $(QUERY_SRC)))
TESTS     := $(patsubst tests/%.c,$(BA)/%,$(TEST_SRC))

.PHONY: all run deps test unit e2e bench bench-scale eval fuzz loadtest test-crash merge-bench clean
all: $(B)/vnindex $(B)/vnquery

$(B)/obj/%.o: %.c $(wildcard common/*.h indexer/*.h query/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BA)/obj/%.o: %.c $(wildcard common/*.h indexer/*.h query/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -c -o $@ $<

# The search page's files are compiled into vnquery (.incbin in query/out_html.c).
$(B)/obj/query/out_html.o $(BA)/obj/query/out_html.o: $(wildcard query/web/*)

# The synonym table is compiled into the binary (.incbin).
$(B)/obj/common/vn_syn_data.o $(BA)/obj/common/vn_syn_data.o $(BB)/obj/common/vn_syn_data.o: \
    common/synonyms.txt

$(B)/vnindex: $(LIB_OBJ) $(call obj,$(INDEXER_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/vnquery: $(LIB_OBJ) $(call obj,$(QUERY_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BA)/vnindex: $(call aobj,$(COMMON_SRC) $(INDEXER_SRC))
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)
$(BA)/vnquery: $(call aobj,$(COMMON_SRC) $(QUERY_SRC))
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)
$(BA)/test_%: tests/test_%.c $(ALIB_OBJ) $(wildcard tests/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lcmocka

# Installs what is missing (apt-get as root, else sudo); a no-op when all is there.
deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	$(B)/vnindex --db $(B)/corpus.db corpus
	$(B)/vnquery --db $(B)/corpus.db tinh giản biên chế

test: deps
	@$(MAKE) -s --no-print-directory $(TESTS) $(BA)/vnindex $(BA)/vnquery
	@tests/run.sh $(BA)

bench: deps
	@$(MAKE) --no-print-directory all $(BB)/qbench $(BB)/baseline_load
	@scripts/bench.sh

# Ranking quality against unicode61 on the 35k corpus (needs ../shared).
eval: deps
	@$(MAKE) --no-print-directory all
	@scripts/eval.sh

# libFuzzer targets under tests/fuzz, FUZZ_SECONDS each (clang).
FUZZ_SECONDS ?= 60
FUZZ_OUT ?= $(B)/fuzz
fuzz: deps
	@FUZZ_OUT=$(FUZZ_OUT) scripts/fuzz.sh $(FUZZ_SECONDS)

# vnquery serve under wrk on the 35k corpus (needs ../shared).
loadtest: deps
	@$(MAKE) --no-print-directory all
	@B=$(B) scripts/loadtest.sh

# SIGKILL and power cuts while indexing a slice of the 35k corpus.
test-crash: deps
	@$(MAKE) --no-print-directory all
	@scripts/crash.sh $(B)

# Query time after 50 incremental runs of 1% changes against a fresh build.
merge-bench: deps
	@$(MAKE) --no-print-directory all $(BB)/qbench
	@scripts/merge-bench.sh $(B)

# The corpus replicated 10 times: how build time, size, RSS and p99 grow.
bench-scale: deps
	@$(MAKE) --no-print-directory all $(BB)/qbench
	@scripts/bench-scale.sh

# Bench tools: qbench links its own build of common/ (same flags, own folder);
# baseline_load needs SQLite only.
$(BB)/obj/%.o: %.c $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BB)/obj/bench/qbench.o: tests/mem_check.h
$(BB)/qbench: $(BB)/obj/bench/qbench.o $(patsubst %.c,$(BB)/obj/%.o,$(COMMON_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BB)/baseline_load: $(BB)/obj/bench/baseline_load.o
	$(CC) $(CFLAGS) -o $@ $^ $(shell pkg-config --libs sqlite3 2>/dev/null)

clean:
	rm -rf $(B)
