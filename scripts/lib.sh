# SPDX-License-Identifier: AGPL-3.0-or-later
# Shared helpers for scripts/run and scripts/test (sourced, never executed): Debian packages,
# npm dependencies, private PostgreSQL clusters run as an unprivileged user, CMake presets.
# Functions print what they do on stderr and return non-zero on failure; callers use set -e.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "scripts/lib.sh: must be sourced from bash" >&2
	# shellcheck disable=SC2317
	return 1 2>/dev/null || exit 1
fi

BALADIYA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The unprivileged system user that owns and runs the PostgreSQL clusters when we are root
# (initdb refuses root). It is also the clusters' superuser name, whoever runs initdb, so
# PGUSER is the same for root and for a normal user.
BALADIYA_PG_USER=${BALADIYA_PG_USER:-baladiya}

# Everything a developer machine or CI needs, build and test alike.
# nodejs/npm: a NodeSource nodejs (as on our machines) ships npm itself and conflicts with
# Debian's npm package, so those two are checked by command, not by package.
# fonts-noto-core carries Noto Naskh/Sans/Kufi Arabic, so Arabic pages render in screenshots, and
# Noto Sans Tifinagh, which the build embeds and serves for names written in Tifinagh.
# libvips-dev: the photo pipeline; libvips-tools (the vips command) and libimage-exiftool-perl
# (exiftool) make and inspect test photos, an outside check that no EXIF/GPS is served.
# python3-aiosmtpd is the real SMTP server the mail tests send to; python3-feedparser the
# outside parser that checks every Atom feed (both run with /usr/bin/python3).
# golang-go and golang-golang-x-mod-dev: Go's sumdb/tlog and sumdb/note, the outside check of the
# transparency log's proofs, tiles and signed checkpoints (tests/tlog, offline from /usr/share/gocode).
# nginx: the reverse proxy in front of replicas (deploy/nginx/), run by the tests on loopback as
# the current user (tests/lib/proxy.mjs) and measured by tests/bench/replicas.sh.
BALADIYA_PACKAGES=(
	build-essential cmake pkg-config
	libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libssl-dev libpq-dev
	libargon2-dev argon2 libcmark-dev libcmocka-dev zlib1g-dev libcsv-dev
	libvips-dev libvips-tools libimage-exiftool-perl
	postgresql-15 postgresql-15-postgis-3
	nodejs npm
	chromium wrk docker-compose nginx
	clang libclang-rt-14-dev
	curl ca-certificates fonts-noto-core
	python3 python3-aiosmtpd python3-feedparser
	golang-go golang-golang-x-mod-dev
)

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# package_is_installed NAME
package_is_installed() {
	case "$1" in
	nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
	npm) command -v npm >/dev/null 2>&1 && return 0 ;;
	esac
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# ensure_packages [NAME...]: installs the missing ones (default: BALADIYA_PACKAGES) in one
# apt-get line, updating the package lists only when something is missing. Not root: prints
# the line to run and exits 1.
ensure_packages() {
	local want=("$@") missing=() p
	[ ${#want[@]} -gt 0 ] || want=("${BALADIYA_PACKAGES[@]}")
	for p in "${want[@]}"; do
		package_is_installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		local line="apt-get install -y --no-install-recommends ${missing[*]}"
		if ! is_root; then
			printf 'error: missing Debian packages: %s\nrun as root:\n  apt-get update && %s\n' \
				"${missing[*]}" "$line" >&2
			exit 1
		fi
		say "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
			die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >&2 || die "could not install: ${missing[*]}"
	fi
	# DejaVu claims some Arabic coverage; a real Arabic face is what pages ask for.
	if command -v fc-list >/dev/null 2>&1 &&
		! fc-list :lang=ar family 2>/dev/null | grep -qi arabic; then
		warn "no font with Arabic glyphs found (fonts-noto-core): Arabic screenshots will show boxes"
	fi
}

# ensure_npm DIR: installs DIR/node_modules (DIR relative to the root: "web", "tests") from the
# lock file when it is missing or older than package-lock.json. web/ holds the front-end
# libraries the build embeds (Leaflet), so it must run before building; playwright-core in
# tests/ downloads no browser (we use Debian's chromium).
ensure_npm() {
	local name=${1:?usage: ensure_npm DIR} dir
	dir="$BALADIYA_ROOT/$name"
	[ -f "$dir/package-lock.json" ] || die "$name/package-lock.json is missing"
	if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
		[ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
		say "npm ci in $name/"
		(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2) ||
			die "npm ci failed in $name/"
	fi
}

# build_preset NAME: configure (cheap when nothing changed) and build one CMake preset.
build_preset() {
	local preset=$1
	say "building preset $preset"
	(cd "$BALADIYA_ROOT" && cmake --preset "$preset" >&2 &&
		cmake --build --preset "$preset" -j"$(nproc)" >&2)
}

# --- PostgreSQL clusters --------------------------------------------------------------------

pg_bindir() {
	local d
	d=$(pg_config --bindir 2>/dev/null) || d=
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] || d=/usr/lib/postgresql/15/bin
	[ -x "$d/pg_ctl" ] || die "PostgreSQL 15 server binaries not found (postgresql-15)"
	printf '%s\n' "$d"
}

# ensure_pg_user: creates the unprivileged system user when root and it is missing.
ensure_pg_user() {
	is_root || return 0
	id -u "$BALADIYA_PG_USER" >/dev/null 2>&1 && return 0
	say "creating system user $BALADIYA_PG_USER"
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		"$BALADIYA_PG_USER" 2>/dev/null || id -u "$BALADIYA_PG_USER" >/dev/null 2>&1 ||
		die "could not create system user $BALADIYA_PG_USER"
}

# as_pg_user DIR CMD...: runs CMD from DIR as the cluster owner (ourselves unless root).
as_pg_user() {
	local dir=$1
	shift
	if is_root; then
		(cd "$dir" && runuser -u "$BALADIYA_PG_USER" -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

pg_cluster_exists() { [ -f "$1/PG_VERSION" ]; }

# pg_cluster_init DIR PORT: a new cluster in DIR (created if missing; must be empty), trust
# authentication, listening on 127.0.0.1:PORT only, its Unix socket inside DIR.
pg_cluster_init() {
	local dir=$1 port=$2 bin sock
	if [ -z "$dir" ] || [ -z "$port" ]; then
		die "usage: pg_cluster_init DIR PORT"
	fi
	bin=$(pg_bindir)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if is_root; then
		ensure_pg_user
		chown "$BALADIYA_PG_USER:" "$dir"
		runuser -u "$BALADIYA_PG_USER" -- test -w "$dir" ||
			die "user $BALADIYA_PG_USER cannot reach $dir (a parent folder is not searchable by others)"
	fi
	chmod 700 "$dir"
	say "initdb $dir"
	as_pg_user "$dir" "$bin/initdb" -D "$dir" --username="$BALADIYA_PG_USER" --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 || {
		cat "$dir.initdb.log" >&2
		die "initdb failed for $dir"
	}
	rm -f "$dir.initdb.log"
	# A Unix socket path is limited to 107 bytes; past that the cluster listens on TCP only.
	sock="$dir"
	if [ $((${#dir} + 15)) -gt 100 ]; then
		warn "$dir is too long for a Unix socket; the cluster listens on TCP only"
		sock=
	fi
	as_pg_user "$dir" tee -a "$dir/postgresql.conf" >/dev/null <<EOF

# baladiya: private development cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
shared_buffers = 32MB
max_connections = 50
log_line_prefix = '%m [%p] %d '
EOF
}

# pg_cluster_port DIR: the port written by pg_cluster_init.
pg_cluster_port() {
	sed -n "s/^port = \([0-9][0-9]*\).*/\1/p" "$1/postgresql.conf" | tail -n 1
}

pg_cluster_is_running() {
	as_pg_user "$1" "$(pg_bindir)/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# pg_cluster_start DIR: starts the cluster (no-op when running), waits until it accepts
# connections. Its log is DIR/server.log.
pg_cluster_start() {
	local dir
	dir=$(cd "$1" && pwd) || die "no cluster at $1"
	pg_cluster_exists "$dir" || die "no cluster at $dir"
	pg_cluster_is_running "$dir" && return 0
	say "starting PostgreSQL in $dir (port $(pg_cluster_port "$dir"))"
	as_pg_user "$dir" "$(pg_bindir)/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
		>/dev/null || {
		tail -n 20 "$dir/server.log" >&2 2>/dev/null
		die "could not start PostgreSQL in $dir"
	}
}

# pg_cluster_stop DIR: fast shutdown (no-op when not running).
pg_cluster_stop() {
	local dir=$1
	[ -d "$dir" ] && pg_cluster_exists "$dir" || return 0
	pg_cluster_is_running "$dir" || return 0
	say "stopping PostgreSQL in $dir"
	as_pg_user "$dir" "$(pg_bindir)/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
}

# pg_cluster_createdb DIR PORT NAME: creates database NAME unless it exists.
pg_cluster_createdb() {
	local dir=$1 port=$2 name=$3 bin exists
	[ -n "$name" ] || die "usage: pg_cluster_createdb DIR PORT NAME"
	bin=$(pg_bindir)
	# psql interpolates :'name' (quoted) only in scripts read from stdin, not in -c.
	exists=$("$bin/psql" -X -A -t -h 127.0.0.1 -p "$port" -U "$BALADIYA_PG_USER" -d postgres \
		-v ON_ERROR_STOP=1 -v name="$name" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'") ||
		die "could not query PostgreSQL on port $port ($dir)"
	[ "$exists" = 1 ] && return 0
	say "creating database $name on port $port"
	"$bin/createdb" -h 127.0.0.1 -p "$port" -U "$BALADIYA_PG_USER" -E UTF8 "$name"
}

# pg_env PORT DB: the libpq environment for a daemon or psql, as KEY=VALUE words for env(1).
pg_env() {
	printf '%s\n' PGHOST=127.0.0.1 "PGPORT=$1" "PGDATABASE=$2" "PGUSER=$BALADIYA_PG_USER"
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_healthz URL PID TIMEOUT_S: waits for URL/healthz to answer 200 while PID lives.
wait_healthz() {
	local url=$1 pid=$2 timeout_s=${3:-30} i
	for ((i = 0; i < timeout_s * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		curl -fsS -o /dev/null --max-time 1 "$url/healthz" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
