#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster (temp dir, free port, trust auth on 127.0.0.1), exports
# TEST_DATABASE_URL, runs the given command, and tears the cluster down on exit — also on failure.
# Needs the PostgreSQL server binaries (Debian: apt-get install -y postgresql).
set -euo pipefail

bindir=""
for candidate in "${PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then bindir="$candidate"; fi
done
if [ -z "$bindir" ]; then
  echo "with-postgres: no PostgreSQL server binaries found (set PG_BINDIR or install postgresql)" >&2
  exit 1
fi

datadir=$(mktemp -d /tmp/ironclaw-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# initdb and postgres refuse to run as root: run them as the postgres (or nobody) user.
run_as=()
if [ "$(id -u)" = "0" ]; then
  user=postgres
  id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$datadir"
  run_as=(runuser -u "$user" --)
fi

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$datadir" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$datadir" -U postgres -A trust --no-sync -E UTF8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
  -o "-p $port -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
