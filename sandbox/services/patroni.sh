#!/bin/sh
# One Patroni-managed PostgreSQL node; PostgreSQL refuses to run as root.
set -eu
mkdir -p /var/lib/postgresql/data
chown -R postgres:postgres /var/lib/postgresql
chmod 700 /var/lib/postgresql/data
cd /var/lib/postgresql
exec runuser -u postgres -- env HOME=/var/lib/postgresql patroni /opt/pagerdrill/sandbox/database/patroni.yml
