#!/bin/sh
# Run once by Patroni on the node that bootstraps the cluster: the app's role and database.
set -eu
psql "$1" -q -v ON_ERROR_STOP=1 -v pw="$IDP_DB_PASSWORD" <<'SQL'
CREATE ROLE idp LOGIN PASSWORD :'pw';
CREATE DATABASE idp OWNER idp;
SQL
