-- Flyway runs this callback after every migrate, as the migration role (the owner of the schema's tables). It gives
-- the gateway's runtime role (placeholder runtime_role = ist.db.user) only the DML the gateway needs, on every table
-- of the schema, so a table a later migration adds is covered without a grant of its own. The runtime role owns
-- nothing, so it cannot DROP, TRUNCATE or ALTER a table, and it may not touch Flyway's history table.
DO $grants$
DECLARE
    runtime_role text := '${runtime_role}';
    target_schema text := '${flyway:defaultSchema}';
BEGIN
    IF runtime_role = current_user THEN
        RETURN; -- one role for both (single-user setups): it owns everything already
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', target_schema, runtime_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', target_schema, runtime_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', target_schema, runtime_role);
    EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM %I', target_schema, '${flyway:table}', runtime_role);
    -- Before PostgreSQL 15 every role may create tables in schema public: close that where this role owns the schema
    -- (the database owner's schema from 15 on, or one the operator handed over).
    IF has_schema_privilege(runtime_role, target_schema, 'CREATE') THEN
        IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = target_schema), 'USAGE') THEN
            EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', target_schema);
            EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', target_schema, runtime_role);
        END IF;
        IF has_schema_privilege(runtime_role, target_schema, 'CREATE') THEN
            RAISE WARNING 'role % may still create objects in schema % (the schema''s owner can REVOKE CREATE ON SCHEMA % FROM PUBLIC)',
                runtime_role, target_schema, target_schema;
        END IF;
    END IF;
END
$grants$;
