#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# check-layers.sh: prove the library layering from the built static libraries.
#
#   tools/check-layers.sh LAYERS_FILE [SRC_ROOT]
#
# LAYERS_FILE has one line per library, tab-separated:
#   <kind>\t<name>\t<path to .a>\t<space-separated declared direct dependencies>
# kind is "base" or "module". Empty lines and lines starting with '#' are skipped.
#
# Exit status: 0 all rules hold (prints "layers: N libraries, M dependency edges, ok"),
#              1 violations (each printed on its own line on stdout),
#              2 usage or input error (missing nm, missing archive, malformed layers file).
# See tools/check-layers.md for the rules. Environment: NM (default nm), e.g. NM=gcc-nm.

set -euo pipefail
export LC_ALL=C

prog=${0##*/}
TAB=$'\t'

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 2
}
note() { printf '%s: note: %s\n' "$prog" "$*" >&2; }

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
	printf 'usage: %s LAYERS_FILE [SRC_ROOT]\n' "$prog" >&2
	exit 2
fi
layers=$1
src_root=${2:-}
NM=${NM:-nm}

command -v "$NM" >/dev/null 2>&1 ||
	die "'$NM' not found: install binutils (it provides nm), or set NM to an nm program"
for t in awk sort join grep; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found"
done
[[ -f $layers && -r $layers ]] || die "layers file '$layers' does not exist or is not readable"
if [[ -n $src_root && ! -d $src_root ]]; then
	die "source root '$src_root' is not a directory"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------------------------------------
# 1. Parse and validate the layers file.
#    libs: name \t kind \t path \t deps (deduplicated, single spaces)
# ---------------------------------------------------------------------------------------------
if ! awk -F '\t' -v OUT="$tmp/libs" -v ERR="$tmp/parse.err" '
	function err(msg) { print FILENAME ":" FNR ": " msg > ERR; bad = 1 }
	{ sub(/\r$/, "") }
	/^[ \t]*$/ || /^[ \t]*#/ { next }
	{
		for (i = 5; i <= NF; i++)
			if ($i !~ /^[ ]*$/) { err("more than 4 tab-separated fields"); next }
		kind = $1; name = $2; path = $3; deps = $4
		gsub(/^ +| +$/, "", kind); gsub(/^ +| +$/, "", name)
		if (kind != "base" && kind != "module") { err("kind must be base or module, not \"" kind "\""); next }
		if (name !~ /^[A-Za-z0-9_.+-]+$/) { err("bad library name \"" name "\""); next }
		if (path ~ /^ *$/) { err("library " name " has no archive path"); next }
		if (name in seen) { err("library " name " is listed twice (first on line " seen[name] ")"); next }
		seen[name] = FNR
		gsub(/[;,]/, " ", deps)
		n = split(deps, d, / +/); out = ""; delete dup
		for (i = 1; i <= n; i++) {
			if (d[i] == "" || (d[i] in dup)) continue
			if (d[i] !~ /^[A-Za-z0-9_.+-]+$/) { err("library " name ": bad dependency name \"" d[i] "\""); continue }
			dup[d[i]] = 1; out = out (out == "" ? "" : " ") d[i]
		}
		print name "\t" kind "\t" path "\t" out > OUT
	}
	END { exit bad }
' "$layers"; then
	cat "$tmp/parse.err" >&2
	die "malformed layers file '$layers'"
fi
[[ -s $tmp/libs ]] || die "layers file '$layers' lists no library"

# ---------------------------------------------------------------------------------------------
# 2. One nm call per library.
#    defs: sym \t lib \t S|W   (S = strong definition, W = weak or common)
#    uses: sym \t lib          (undefined in lib and not defined anywhere in lib)
# ---------------------------------------------------------------------------------------------
missing=()
while IFS="$TAB" read -r name _ path _; do
	[[ -f $path ]] || missing+=("library $name: '$path' does not exist (is it built?)")
done <"$tmp/libs"
if ((${#missing[@]})); then
	printf '%s: error: %s\n' "$prog" "${missing[@]}" >&2
	exit 2
fi

mkdir "$tmp/nm"
i=0
while IFS="$TAB" read -r name _ path _; do
	i=$((i + 1))
	[[ $path == -* ]] && path=./$path # not an option to nm
	if ! "$NM" -g -P "$path" >"$tmp/nm/$i" 2>"$tmp/nm.err"; then
		die "$NM failed on '$path' (library $name): $(head -n 3 "$tmp/nm.err" | tr '\n' ' ')"
	fi
done <"$tmp/libs"

# nm -P prints "name type [value [size]]" per symbol; archive members start with "lib.a[x.o]:".
# Undefined: U w v. Strong: A B D G I R S T i u. Weak or common: C V W.
# Writes "lto\t<lib>" / "empty\t<lib>" to NOTES for GCC LTO bytecode nm could not read
# (__gnu_lto_* markers) and for libraries without any defined global symbol.
awk -v LIBS="$tmp/libs" -v D="$tmp/defs.all" -v U="$tmp/uses.all" -v NOTES="$tmp/nm.notes" '
	BEGIN { while ((getline line < LIBS) > 0) { split(line, p, "\t"); lib[++n] = p[1] } }
	FNR == 1 { f = FILENAME; sub(/.*\//, "", f); cur = lib[f + 0] }
	/:$/ || NF < 2 || length($2) != 1 { next }
	$1 ~ /^__gnu_lto_(slim|v1)$/ { lto[cur] = 1; next }
	$2 ~ /^[Uvw]$/        { und[$1, cur] = 1; next }
	$2 ~ /^[ABDGIRSTiu]$/ { def[$1, cur] = "S"; ndef[cur]++; next }
	$2 ~ /^[CVW]$/        { if (!(($1, cur) in def)) def[$1, cur] = "W"; ndef[cur]++; next }
	END {
		printf "" > D; printf "" > U; printf "" > NOTES
		for (k in def) { split(k, p, SUBSEP); print p[1] "\t" p[2] "\t" def[k] > D }
		for (k in und) if (!(k in def)) { split(k, p, SUBSEP); print p[1] "\t" p[2] > U }
		for (i = 1; i <= n; i++)
			if (lib[i] in lto) print "lto\t" lib[i] > NOTES
			else if (!ndef[lib[i]]) print "empty\t" lib[i] > NOTES
	}
' "$tmp/nm"/*
if [[ -s $tmp/nm.notes ]]; then
	lto=0
	while IFS="$TAB" read -r what name; do
		if [[ $what == lto ]]; then
			printf '%s: error: library %s holds GCC LTO bytecode that %s could not read\n' "$prog" "$name" "$NM" >&2
			lto=1
		else
			note "library $name defines no global symbol"
		fi
	done <"$tmp/nm.notes"
	((lto == 0)) || die "use an nm with the LTO plugin (e.g. NM=gcc-nm), or build without -flto"
fi

sort -t "$TAB" -k1,1 -k2,2 "$tmp/defs.all" >"$tmp/defs"
sort -t "$TAB" -k1,1 -k2,2 "$tmp/uses.all" >"$tmp/uses"

# ---------------------------------------------------------------------------------------------
# 3. Declared graph: unknown names, base->module declarations, cycles, transitive closure.
#    reach: lib \t other   (other is in the transitive closure of lib's declared dependencies)
# ---------------------------------------------------------------------------------------------
: >"$tmp/v.graph"
: >"$tmp/v.cycle"
awk -F '\t' -v REACH="$tmp/reach" -v VG="$tmp/v.graph" -v VC="$tmp/v.cycle" -v STATS="$tmp/stats" '
	function dfs(u,   i, v, k, path) {
		color[u] = 1; stack[++sp] = u; spos[u] = sp
		for (i = 1; i <= ndep[u]; i++) {
			v = dep[u, i]
			if (!(v in kind)) continue
			if (color[v] == 1) {
				path = v
				for (k = spos[v] + 1; k <= sp; k++) path = path " -> " stack[k]
				print "dependency cycle: " path " -> " v > VC
			} else if (color[v] != 2) dfs(v)
		}
		color[u] = 2; sp--
	}
	{ order[++n] = $1; kind[$1] = $2; ndep[$1] = split($4, tmpd, " "); for (i = 1; i <= ndep[$1]; i++) dep[$1, i] = tmpd[i] }
	END {
		edges = 0
		for (a = 1; a <= n; a++) {
			u = order[a]
			for (i = 1; i <= ndep[u]; i++) {
				v = dep[u, i]
				if (!(v in kind)) {
					hint = ""
					if (v ~ /^mod_/ && (substr(v, 5) in kind)) hint = " (did you mean " substr(v, 5) "?)"
					print u " declares unknown library " v hint > VG
					continue
				}
				edges++
				if (kind[u] == "base" && kind[v] != "base")
					print "base library " u " declares module " v "; a base library may declare only base libraries" > VG
			}
		}
		for (a = 1; a <= n; a++) if (color[order[a]] != 2) dfs(order[a])
		printf "" > REACH
		for (a = 1; a <= n; a++) {
			u = order[a]; delete vis; top = 0
			for (i = 1; i <= ndep[u]; i++) st[++top] = dep[u, i]
			while (top > 0) {
				v = st[top--]
				if ((v in vis) || !(v in kind)) continue
				vis[v] = 1; print u "\t" v > REACH
				for (i = 1; i <= ndep[v]; i++) st[++top] = dep[v, i]
			}
		}
		print n "\t" edges > STATS
	}
' "$tmp/libs"

# ---------------------------------------------------------------------------------------------
# 4. Symbols: ambiguous strong definitions, and uses of symbols owned by undeclared libraries.
# ---------------------------------------------------------------------------------------------
awk -F '\t' '
	function flush() {
		if (ns >= 2) {
			s = strong[1]
			for (i = 2; i < ns; i++) s = s ", " strong[i]
			print "ambiguous ownership: " last " is defined in " s " and " strong[ns]
		}
		ns = 0
	}
	$1 != last { flush(); last = $1 }
	$3 == "S" { strong[++ns] = $2 }
	END { flush() }
' "$tmp/defs" >"$tmp/v.ambig"

# uses x defs on the symbol: sym \t user \t definer \t S|W
join -t "$TAB" -1 1 -2 1 -o 1.1,1.2,2.2,2.3 "$tmp/uses" "$tmp/defs" >"$tmp/joined"
awk -F '\t' -v REACH="$tmp/reach" '
	BEGIN { while ((getline line < REACH) > 0) { split(line, p, "\t"); reach[p[1], p[2]] = 1 } }
	function flush() {
		if (key != "" && !ok) {
			d = (sdef != "") ? sdef : wdef
			print user " uses " sym " defined in " d ", which it does not declare"
		}
	}
	{
		k = $1 SUBSEP $2
		if (k != key) { flush(); key = k; sym = $1; user = $2; ok = 0; sdef = ""; wdef = "" }
		if ((user, $3) in reach) ok = 1
		if ($4 == "S") sdef = sdef (sdef == "" ? "" : " and ") $3
		else wdef = wdef (wdef == "" ? "" : " and ") $3
	}
	END { flush() }
' "$tmp/joined" >"$tmp/v.uses"

# ---------------------------------------------------------------------------------------------
# 5. Include scan (optional SRC_ROOT): base sources under SRC_ROOT/<base>, module sources under
#    SRC_ROOT/modules/<module>.  incl: grep output, <file>:<line>:<text>
# ---------------------------------------------------------------------------------------------
: >"$tmp/v.incl"
if [[ -n $src_root ]]; then
	: >"$tmp/incl"
	: >"$tmp/modfolders"
	declare -A listed_module=()
	dirs=()
	while IFS="$TAB" read -r name kind _ _; do
		if [[ $kind == base ]]; then
			dir=$name
		else
			dir=modules/$name
			listed_module[$name]=1
		fi
		if [[ -d $src_root/$dir ]]; then
			dirs+=("$dir")
		else
			note "no folder $src_root/$dir: include scan skipped for $name"
		fi
	done <"$tmp/libs"
	if [[ -d $src_root/modules ]]; then
		for d in "$src_root"/modules/*/; do
			[[ -d $d ]] || continue
			d=${d%/}
			d=${d##*/}
			printf '%s\n' "$d" >>"$tmp/modfolders"
			[[ -n ${listed_module[$d]:-} ]] ||
				note "modules/$d is not in the layers file: its own includes were not checked"
		done
	fi
	if ((${#dirs[@]})); then
		rc=0
		(cd "$src_root" && grep -rIHnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<][^">]*[">]' -- "${dirs[@]}") \
			>"$tmp/incl" 2>"$tmp/grep.err" || rc=$?
		((rc <= 1)) || die "grep failed under '$src_root': $(head -n 3 "$tmp/grep.err" | tr '\n' ' ')"
	fi

	# grep lines: <file>:<line>:<text>, file relative to SRC_ROOT (<base>/... or modules/<module>/...)
	awk -v LIBS="$tmp/libs" -v REACH="$tmp/reach" -v MODS="$tmp/modfolders" '
		BEGIN {
			while ((getline line < LIBS) > 0) { split(line, p, "\t"); kindof[p[1]] = p[2]; if (p[2] == "module") ismod[p[1]] = 1 }
			while ((getline line < MODS) > 0) ismod[line] = 1
			while ((getline line < REACH) > 0) { split(line, p, "\t"); reach[p[1], p[2]] = 1 }
		}
		{
			if (!match($0, /:[0-9]+:/)) next
			where = substr($0, 1, RSTART + RLENGTH - 2)
			text = substr($0, RSTART + RLENGTH)
			file = substr($0, 1, RSTART - 1)
			if (file ~ /^modules\//) { lib = substr(file, 9); kind = "module" } else { lib = file; kind = "base" }
			sub(/\/.*/, "", lib)
			if (kindof[lib] != kind) next
			if (!match(text, /include[ \t]*["<][^">]*[">]/)) next
			inc = substr(text, RSTART, RLENGTH); sub(/^include[ \t]*/, "", inc)
			path = substr(inc, 2, length(inc) - 2)
			target = ""; viamods = 0
			if (match(path, /(^|\/)modules\/[^\/]+\//)) {
				target = substr(path, RSTART, RLENGTH); sub(/^\/?modules\//, "", target); sub(/\/$/, "", target)
				viamods = 1
			} else if (index(path, "/") > 0) {
				first = substr(path, 1, index(path, "/") - 1)
				if ((first in ismod) || (first in kindof)) target = first
			}
			if (target == "" || target == lib) next
			if (kind == "base" && (viamods || (target in ismod))) {
				print where ": base library " lib " includes " inc " from module " target "; base libraries may not include module headers"
				next
			}
			if (!((lib, target) in reach))
				print where ": " lib " includes " inc " from " target ", which it does not declare"
		}
	' "$tmp/incl" >"$tmp/v.incl"
fi

# ---------------------------------------------------------------------------------------------
# 6. Report.
# ---------------------------------------------------------------------------------------------
IFS="$TAB" read -r nlibs nedges <"$tmp/stats"
: >"$tmp/violations"
for f in v.graph v.cycle v.ambig v.uses; do
	sort -u "$tmp/$f" >>"$tmp/violations"
done
sort -t : -k1,1 -k2,2n -u "$tmp/v.incl" >>"$tmp/violations" # by file, then line number
nviol=$(wc -l <"$tmp/violations")
nviol=${nviol//[[:space:]]/}
if ((nviol == 0)); then
	printf 'layers: %s libraries, %s dependency edges, ok\n' "$nlibs" "$nedges"
	exit 0
fi
cat "$tmp/violations"
printf 'layers: %s libraries, %s dependency edges, %s violation(s)\n' "$nlibs" "$nedges" "$nviol" >&2
exit 1
