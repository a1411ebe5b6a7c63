/**
 * The database roles Admiral relies on. Roles are cluster-wide in PostgreSQL.
 * - the owner: whoever DATABASE_URL names; owns the tables and runs migrations.
 * - APP_ROLE: NOLOGIN; holds the table privileges; every request's transaction runs as it.
 * - RUNTIME_LOGIN: the login role the server connects as. NOINHERIT, and its only grant is
 *   membership in APP_ROLE, so outside a transaction that sets the role it can read nothing.
 */
export const APP_ROLE = 'admiral_app';
export const RUNTIME_LOGIN = 'admiral_runtime';
