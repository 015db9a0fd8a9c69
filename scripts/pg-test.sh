#!/bin/sh
# pg-test.sh starts a throwaway PostgreSQL 15 with pgvector for the
# integration tests and prints its URL on the last line of output.
#
# Idempotent: each step runs only when its result is missing, and a server
# already answering on the port is reused. Everything but the Debian
# packages lives under .cache/pg in the repository:
#
#   .cache/pg/data     the cluster (initdb -U postgres --auth=trust, owned by postgres)
#   .cache/pg/run      the Unix socket directory
#   .cache/pg/log      the server log
#   .cache/pg/apt      private apt state used only to fetch pgvector's source
#   .cache/pg/pgvector the pgvector build tree
#
# Debian bookworm has PostgreSQL 15 but no pgvector package; pgvector 0.8.0
# is built from Debian trixie's source package, fetched with a private apt
# configuration so the system's sources stay untouched. The server listens
# on 127.0.0.1 only, with fsync off: it holds test data and nothing else.
# Stopping it: runuser -u postgres -- pg_ctl -D .cache/pg/data stop
set -eu

PG_VERSION=15
PG_PORT=${PG_PORT:-55432}
PG_DB=${PG_DB:-townhall_test}
PGVECTOR_VERSION=0.8.0
BIN=/usr/lib/postgresql/$PG_VERSION/bin

cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE=$ROOT/.cache/pg

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

say() { echo "pg-test: $*" >&2; }

# 1. PostgreSQL, its server headers and the build tools.
missing=
for p in postgresql-$PG_VERSION postgresql-server-dev-$PG_VERSION make gcc dpkg-dev; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	say "apt-get install$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# 2. pgvector, built from Debian trixie's source package.
SHAREDIR=$(/usr/bin/pg_config --sharedir)
if [ ! -f "$SHAREDIR/extension/vector.control" ]; then
	say "building pgvector $PGVECTOR_VERSION from Debian trixie's source package"
	APT=$CACHE/apt
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$CACHE/pgvector"
	echo "deb-src http://deb.debian.org/debian trixie main" >"$APT/sources.list"
	set -- -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
		-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache"
	apt-get "$@" update -qq
	(cd "$CACHE/pgvector" && rm -rf src ./*.dsc ./*.tar.* &&
		apt-get "$@" source --download-only pgvector >"$CACHE/pgvector/fetch.log" 2>&1 &&
		dpkg-source -x pgvector_*.dsc src >>"$CACHE/pgvector/fetch.log" 2>&1) || {
		cat "$CACHE/pgvector/fetch.log" >&2
		exit 1
	}
	# apt checked the files against trixie's signed Release; dpkg-source only
	# lacks the uploader's key, which it reports in fetch.log.
	if ! grep -q "default_version = '$PGVECTOR_VERSION'" "$CACHE/pgvector/src/vector.control"; then
		say "trixie's pgvector is not $PGVECTOR_VERSION: $(grep default_version "$CACHE/pgvector/src/vector.control")"
		exit 1
	fi
	make -s -C "$CACHE/pgvector/src" PG_CONFIG=/usr/bin/pg_config OPTFLAGS="" >/dev/null
	$SUDO make -s -C "$CACHE/pgvector/src" PG_CONFIG=/usr/bin/pg_config install >/dev/null
fi

# 3. The cluster, run as the postgres user (PostgreSQL refuses root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		$SUDO -u postgres "$@"
	fi
}
psql_pg() { "$BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
	say "reusing the server already on 127.0.0.1:$PG_PORT"
else
	mkdir -p "$CACHE/run"
	if [ ! -f "$CACHE/data/PG_VERSION" ]; then
		say "initdb $CACHE/data"
		rm -rf "$CACHE/data"
		mkdir -p "$CACHE/data"
		$SUDO chown postgres "$CACHE/data"
		as_pg "$BIN/initdb" -D "$CACHE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
	$SUDO chown postgres "$CACHE/run"
	touch "$CACHE/log" && $SUDO chown postgres "$CACHE/log"
	say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
	as_pg "$BIN/pg_ctl" -D "$CACHE/data" -l "$CACHE/log" -w -t 60 \
		-o "-p $PG_PORT -k $CACHE/run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null
fi

# 4. The test database with the vector extension.
if [ "$(psql_pg -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
	psql_pg -d postgres -c "CREATE DATABASE $PG_DB"
fi
psql_pg -d "$PG_DB" -c "CREATE EXTENSION IF NOT EXISTS vector" 2>/dev/null

echo "postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"
