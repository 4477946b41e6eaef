#!/bin/sh
# One PostgreSQL server for the Kubernetes sandbox (its failover drills are the
# Patroni-on-Kubernetes issue's). PostgreSQL refuses to run as root.
set -eu
DATA=/var/lib/postgresql/data
mkdir -p "$DATA" && chown -R postgres:postgres /var/lib/postgresql && chmod 700 "$DATA"
if [ ! -s "$DATA/PG_VERSION" ]; then
  printf '%s\n' "$IDP_DB_PASSWORD" > /tmp/pw && chown postgres /tmp/pw
  runuser -u postgres -- initdb -D "$DATA" -U postgres --auth-host=scram-sha-256 \
    --auth-local=trust --pwfile=/tmp/pw >/dev/null
  rm -f /tmp/pw
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$DATA/pg_hba.conf"
  runuser -u postgres -- pg_ctl -D "$DATA" -o "-c listen_addresses=''" -w start >/dev/null
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v pw="$IDP_DB_PASSWORD" <<'SQL'
CREATE ROLE idp LOGIN PASSWORD :'pw';
CREATE DATABASE idp OWNER idp;
SQL
  runuser -u postgres -- pg_ctl -D "$DATA" -m fast -w stop >/dev/null
fi
exec runuser -u postgres -- postgres -D "$DATA" -c listen_addresses='*'
