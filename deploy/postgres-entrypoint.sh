#!/bin/sh
# First start: a cluster with the `mockfinra` role and database (trust on 127.0.0.1: an example, not a
# production setup). Then run the server in the foreground.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --username=postgres --auth=trust --encoding=UTF8 -D "$PGDATA" >/dev/null
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=127.0.0.1 -p $PGPORT" -w start >/dev/null
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE ROLE mockfinra LOGIN PASSWORD 'mockfinra'" >/dev/null
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE mockfinra OWNER mockfinra" >/dev/null
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses=127.0.0.1 -p "$PGPORT" -c max_connections=200
