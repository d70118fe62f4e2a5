#!/bin/sh
# Run once by the postgres image at its first start (/docker-entrypoint-initdb.d, as its superuser): the job store's
# two roles. IST_DB_MIGRATION_USER owns database ist and its schema (the gateway's Flyway migrates as it);
# IST_DB_USER is the gateway's runtime role and gets no rights here: the migrations grant it SELECT, INSERT, UPDATE,
# DELETE on the job-store tables (gateway db/migration/afterMigrate.sql). Neither is a superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner="$IST_DB_MIGRATION_USER" -v owner_password="$IST_DB_MIGRATION_PASSWORD" \
  -v runtime="$IST_DB_USER" -v runtime_password="$IST_DB_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"runtime" LOGIN PASSWORD :'runtime_password';
ALTER DATABASE ist OWNER TO :"owner";
\connect ist
ALTER SCHEMA public OWNER TO :"owner";
SQL
