#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Self-test of tools/check-layers.sh: builds tiny static libraries in a temporary folder
# (cc + ar), writes layers files and source trees for good and bad layerings, and asserts the
# exit codes and messages. Prints "layers selftest: N passed, M failed"; exits 1 if M > 0.
# Needs cc (or $CC), ar, nm. Does not touch the build tree.
#
# Keep C sources out of this folder: tests/unit/CMakeLists.txt globs */test_*.c.

set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECK=${CHECK_LAYERS:-$here/../../../tools/check-layers.sh}
CC=${CC:-cc}
AR=${AR:-ar}
[[ -x $CHECK ]] || { echo "selftest: $CHECK is not executable" >&2; exit 2; }
command -v "$CC" >/dev/null || { echo "selftest: no C compiler ($CC)" >&2; exit 2; }
command -v "$AR" >/dev/null || { echo "selftest: no ar ($AR)" >&2; exit 2; }

# A space in the path checks that the script quotes archive paths.
top=$(mktemp -d "${TMPDIR:-/tmp}/layers-selftest.XXXXXX")
trap 'rm -rf "$top"' EXIT
w="$top/with space"
mkdir -p "$w"
cd "$w"

passed=0
failed=0
out=""
rc=0
pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$1"
	printf '%s\n' "$out" | sed 's/^/    | /'
}
# run NAME EXPECTED_RC ARGS... : runs check-layers.sh, keeps stdout+stderr in $out
run() {
	local name=$1 want=$2
	shift 2
	cur=$name
	rc=0
	out=$("$CHECK" "$@" 2>&1) || rc=$?
	if [[ $rc -eq $want ]]; then pass; else fail "$name: exit $rc, expected $want"; fi
}
has() { if grep -qF -- "$1" <<<"$out"; then pass; else fail "$cur: output lacks: $1"; fi; }
hasnt() { if grep -qF -- "$1" <<<"$out"; then fail "$cur: output has: $1"; else pass; fi; }
is() { if [[ $out == "$1" ]]; then pass; else fail "$cur: output is not exactly: $1"; fi; }

# lib NAME SRC... : compiles each "file.c" (written before) into NAME.a (several members)
lib() {
	local name=$1 o objs=()
	shift
	for c in "$@"; do
		o=${c%.c}.o
		"$CC" -std=c17 -O0 -c "$c" -o "$o"
		objs+=("$o")
	done
	rm -f "$name.a"
	"$AR" rcs "$name.a" "${objs[@]}"
}
# layers FILE LINE... : each LINE is "kind name archive deps" with '|' between fields
layers() {
	local f=$1
	shift
	: >"$f"
	for l in "$@"; do
		IFS='|' read -r k n a d <<<"$l"
		printf '%s\t%s\t%s\t%s\n' "$k" "$n" "$w/$a" "$d" >>"$f"
	done
}

# ---- tiny libraries -------------------------------------------------------------------------
mkdir -p src
# common: two members, an intra-archive call, a weak default hook, a tentative (common) symbol
cat >src/c_str.c <<'EOF'
#include <string.h>
unsigned long common_str(const char *s) { return strlen(s); }
__attribute__((weak)) int common_hook(void) { return 0; }
EOF
cat >src/c_log.c <<'EOF'
unsigned long common_str(const char *s);
int common_level = 1;
int common_log(const char *s) { return (int)common_str(s) + common_level; }
EOF
"$CC" -std=c17 -fcommon -c -x c - -o src/c_tent.o <<'EOF'
int common_tentative;
EOF
lib libcommon src/c_str.c src/c_log.c
"$AR" rs libcommon.a src/c_tent.o 2>/dev/null

cat >src/p.c <<'EOF'
unsigned long common_str(const char *s);
int proto_encode(const char *s) { return (int)common_str(s) * 2; }
EOF
lib libprotocol src/p.c

# news uses protocol directly and common only through protocol (transitive declaration)
cat >src/n1.c <<'EOF'
int proto_encode(const char *s);
int common_log(const char *s);
int news_render(void) { return proto_encode("x") + common_log("y"); }
EOF
cat >src/n2.c <<'EOF'
int news_render(void);
int news_page(void) { return news_render(); }
EOF
lib libmod_news src/n1.c src/n2.c

cat >src/r.c <<'EOF'
int news_render(void);
int common_log(const char *s);
int common_hook(void);
int reports_stats(void) { return news_render() + common_log("r") + common_hook(); }
EOF
lib libmod_reports src/r.c

# bad base: common calling into a module
cat >src/cbad.c <<'EOF'
int news_render(void);
int common_show(void) { return news_render(); }
EOF
lib libcommon_bad src/c_str.c src/c_log.c src/cbad.c

# a module redefining a common function (strong), and one with only weak/common duplicates
cat >src/dup.c <<'EOF'
unsigned long common_str(const char *s) { return s != 0; }
EOF
lib libmod_dup src/dup.c
cat >src/wk.c <<'EOF'
int common_hook(void) __attribute__((weak));
int common_hook(void) { return 1; }
EOF
"$CC" -std=c17 -fcommon -c -x c - -o src/wk_tent.o <<'EOF'
int common_tentative;
EOF
lib libmod_weak src/wk.c
"$AR" rs libmod_weak.a src/wk_tent.o 2>/dev/null

# a thin archive of the news objects
rm -f libmod_news_thin.a
"$AR" rcsT libmod_news_thin.a src/n1.o src/n2.o

C='base|common|libcommon.a|'
P='base|protocol|libprotocol.a|common'
N='module|news|libmod_news.a|protocol'
R='module|reports|libmod_reports.a|common protocol news'

# ---- 1. correct layering ----------------------------------------------------------------------
layers ok.tsv "$C" "$P" "$N" "$R"
run ok 0 ok.tsv
is 'layers: 4 libraries, 5 dependency edges, ok'

layers thin.tsv "$C" "$P" 'module|news|libmod_news_thin.a|protocol' "$R"
run thin-archive 0 thin.tsv
is 'layers: 4 libraries, 5 dependency edges, ok'

# weak and common duplicates are not ambiguous
layers weak.tsv "$C" "$P" "$N" "$R" 'module|weak|libmod_weak.a|common'
run weak-duplicates 0 weak.tsv
hasnt 'ambiguous'

# CRLF line ends, comments, blank lines, ';' separators, no trailing tab
{
	printf '# generated\r\n\r\n'
	printf 'base\tcommon\t%s\r\n' "$w/libcommon.a"
	printf 'base\tprotocol\t%s\tcommon\r\n' "$w/libprotocol.a"
	printf 'module\tnews\t%s\tprotocol;common\r\n' "$w/libmod_news.a"
} >crlf.tsv
run crlf 0 crlf.tsv
is 'layers: 3 libraries, 3 dependency edges, ok'

# ---- 2. base -> module call -------------------------------------------------------------------
layers base2mod.tsv 'base|common|libcommon_bad.a|' "$P" "$N" "$R"
run base-to-module 1 base2mod.tsv
has 'common uses news_render defined in news, which it does not declare'
hasnt 'reports uses'

# ---- 3. base declares a module ------------------------------------------------------------------
layers basedecl.tsv "$C" 'base|protocol|libprotocol.a|common news' "$N" "$R"
run base-declares-module 1 basedecl.tsv
has 'base library protocol declares module news; a base library may declare only base libraries'
has 'dependency cycle: protocol -> news -> protocol'

# ---- 4. undeclared module -> module call ----------------------------------------------------------
layers undeclared.tsv "$C" "$P" "$N" 'module|reports|libmod_reports.a|common protocol'
run undeclared-module 1 undeclared.tsv
has 'reports uses news_render defined in news, which it does not declare'
hasnt 'common_log'
hasnt 'common_hook'

# a module that does not declare (even transitively) the base it calls
layers nobase.tsv "$C" "$P" 'module|news|libmod_news.a|' "$R"
run undeclared-base 1 nobase.tsv
has 'news uses proto_encode defined in protocol, which it does not declare'
has 'news uses common_log defined in common, which it does not declare'

# ---- 5. cycle -----------------------------------------------------------------------------------
layers cycle.tsv "$C" "$P" 'module|news|libmod_news.a|protocol reports' "$R"
run cycle 1 cycle.tsv
has 'dependency cycle: news -> reports -> news'
hasnt ' uses '

layers self.tsv "$C" "$P" 'module|news|libmod_news.a|protocol news' "$R"
run self-cycle 1 self.tsv
has 'dependency cycle: news -> news'

# ---- 6. unknown library ---------------------------------------------------------------------------
layers unknown.tsv "$C" "$P" "$N" 'module|reports|libmod_reports.a|common protocol news mod_news x'
run unknown 1 unknown.tsv
has 'reports declares unknown library x'
has 'reports declares unknown library mod_news (did you mean news?)'

# ---- 7. ambiguous ownership -----------------------------------------------------------------------
layers ambig.tsv "$C" "$P" "$N" "$R" 'module|dup|libmod_dup.a|common'
run ambiguous 1 ambig.tsv
has 'ambiguous ownership: common_str is defined in common and dup'

# ---- 8. input errors (exit 2) ---------------------------------------------------------------------
layers missing.tsv "$C" "$P" 'module|news|libmod_nope.a|protocol'
run missing-archive 2 missing.tsv
has "library news: '$w/libmod_nope.a' does not exist"

out=""
rc=0
cur=missing-nm
out=$(NM=/nonexistent/nm "$CHECK" ok.tsv 2>&1) || rc=$?
if [[ $rc -eq 2 ]]; then pass; else fail "missing-nm: exit $rc, expected 2"; fi
has "'/nonexistent/nm' not found"

printf 'library\tcommon\t%s\t\n' "$w/libcommon.a" >badkind.tsv
run bad-kind 2 badkind.tsv
has 'kind must be base or module'

layers twice.tsv "$C" "$C"
run listed-twice 2 twice.tsv
has 'library common is listed twice'

echo 'not an archive' >libjunk.a
layers junk.tsv "$C" 'module|junk|libjunk.a|common'
run not-an-archive 2 junk.tsv
has 'failed on'

run no-layers-file 2 "$w/nope.tsv"
has 'does not exist'

# GCC LTO objects read by an nm without the plugin only show the __gnu_lto_* markers
cat >fake-nm <<'EOF'
#!/bin/sh
printf 'lto.o:\n__gnu_lto_slim C 1 1\n'
EOF
chmod +x fake-nm
out=""
rc=0
cur=lto-unreadable
out=$(NM="$w/fake-nm" "$CHECK" ok.tsv 2>&1) || rc=$?
if [[ $rc -eq 2 ]]; then pass; else fail "lto-unreadable: exit $rc, expected 2"; fi
has 'library news holds GCC LTO bytecode'

# an archive without any symbol is only a note
"$AR" rcs libempty.a
layers empty.tsv "$C" 'module|empty|libempty.a|common'
run empty-archive 0 empty.tsv
has 'note: library empty defines no global symbol'
has 'layers: 2 libraries, 1 dependency edges, ok'

# ---- 9. include scan ------------------------------------------------------------------------------
mk() { mkdir -p "$(dirname "$1")" && cat >"$1"; }
S=tree
mk $S/common/include/common/str.h <<<'unsigned long common_str(const char *s);'
mk $S/common/src/str.c <<'EOF'
#include <string.h>
#include "common/str.h"
#include "local.h"
EOF
mk $S/common/static/app.js <<<'// #include "news/nothing.h" is not a C include'
mk $S/protocol/src/p.c <<<'#include "common/str.h"'
mk $S/modules/news/include/news/news.h <<<'int news_render(void);'
mk $S/modules/news/src/n.c <<'EOF'
#include "news/news.h"
#include "protocol/p.h"
#  include   "common/str.h"
EOF
mk $S/modules/reports/src/r.c <<<'#include "news/news.h"'

run include-ok 0 ok.tsv "$w/$S"
is 'layers: 4 libraries, 5 dependency edges, ok'

cp -r $S bad
mk bad/common/src/bad1.c <<<'#include "news/news.h"'
mk bad/common/src/bad2.c <<<'#include "modules/news/include/news/news.h"'
mk bad/protocol/src/bad3.h <<<'  #  include <reports/r.h>'
mk bad/common/src/bad4.c <<<'#include "protocol/p.h"'
mk bad/modules/news/src/bad5.c <<<'#include "reports/r.h"'
mk bad/modules/news/src/bad6.c <<<'#include "../../reports/include/reports/r.h"'
mk bad/modules/news/src/bad7.c <<<'#include "../../modules/reports/include/reports/r.h"'
mkdir -p bad/modules/stray/src
mk bad/modules/stray/src/s.c <<<'#include "reports/r.h"'
run include-bad 1 ok.tsv "$w/bad"
has 'common/src/bad1.c:1: base library common includes "news/news.h" from module news; base libraries may not include module headers'
has 'common/src/bad2.c:1: base library common includes "modules/news/include/news/news.h" from module news; base libraries may not include module headers'
has 'protocol/src/bad3.h:1: base library protocol includes <reports/r.h> from module reports; base libraries may not include module headers'
has 'common/src/bad4.c:1: common includes "protocol/p.h" from protocol, which it does not declare'
has 'modules/news/src/bad5.c:1: news includes "reports/r.h" from reports, which it does not declare'
has 'modules/news/src/bad7.c:1: news includes "../../modules/reports/include/reports/r.h" from reports, which it does not declare'
has 'note: modules/stray is not in the layers file'
hasnt 'app.js'
hasnt 'str.c'
hasnt 'modules/reports/src/r.c'
hasnt 'stray/src/s.c'
hasnt 'bad6.c'

# module -> module include is fine once declared (transitively)
layers decl.tsv "$C" "$P" 'module|news|libmod_news.a|protocol reports' 'module|reports|libmod_reports.a|common protocol'
mkdir -p decl && cp -r $S/. decl/ && rm decl/modules/reports/src/r.c
mk decl/modules/news/src/ok.c <<<'#include "reports/r.h"'
run include-declared 1 decl.tsv "$w/decl"
hasnt 'includes'
has 'reports uses news_render defined in news, which it does not declare'

printf 'layers selftest: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
