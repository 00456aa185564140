-- The database roles of a production instance (README: "The database roles").
-- dossier_owner owns the schema and is used only by `flask dossier init` (migrations);
-- dossier_app is the DATABASE_URL of the web workers and the scheduler. It owns no table,
-- so it can neither switch the audit trail's append-only triggers off nor rewrite events.
-- Run in the dossier database, as dossier_owner, after `flask dossier init`.
GRANT USAGE ON SCHEMA public TO dossier_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dossier_app;
REVOKE UPDATE, DELETE ON audit_event FROM dossier_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO dossier_app;
ALTER DEFAULT PRIVILEGES FOR ROLE dossier_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dossier_app;
ALTER DEFAULT PRIVILEGES FOR ROLE dossier_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO dossier_app;
