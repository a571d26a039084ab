-- Storage shape "ids": the legacy roles are ids into a table of role names; bigint key
-- ids; scopes in a table of scope rows. Layout: layout.yaml beside this file.
-- Plain SQL; load with: psql -v ON_ERROR_STOP=1 -f schema.sql
-- Each key's comment gives its status in a plan with mappings/legacy-roles.yaml (no --prune).
CREATE SCHEMA portal;
CREATE TABLE portal.roles (
  id   integer PRIMARY KEY,
  name text                                   -- NULL: a role nobody named
);
CREATE TABLE portal.keys (
  id         bigint PRIMARY KEY,
  account_id integer NOT NULL,
  title      text,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE TABLE portal.key_roles (
  key_id  bigint NOT NULL REFERENCES portal.keys(id),
  role_id integer NOT NULL                     -- no foreign key: ids may dangle
);
CREATE TABLE portal.key_scopes (
  key_id bigint NOT NULL REFERENCES portal.keys(id),
  scope  text NOT NULL,
  PRIMARY KEY (key_id, scope)
);
CREATE INDEX ON portal.key_roles(key_id);

INSERT INTO portal.roles (id, name) VALUES
  (1, 'Super User'), (3, 'Beta preview'), (5, 'Product Manager'), (10, 'Manage users'),
  (11, NULL);
INSERT INTO portal.keys (id, account_id, title, created_at, revoked_at) VALUES
  (1, 42, 'catalogue sync', '2024-01-15 09:30+01', NULL),   -- change: role 5
  (2, 42, 'user admin', '2024-02-01 10:00+01', NULL),       -- change: roles 3 and 10
  (3, 43, 'dangling', '2024-02-02 10:00+01', NULL),         -- blocked: unknown role id "99"
  (4, 43, 'no roles', '2024-02-03 10:00+01', NULL),         -- blocked: no roles
  (5, 44, 'unnamed', '2024-02-04 10:00+01', NULL),          -- blocked: unknown role id "11"
  (6, 44, 'revoked', '2024-02-05 10:00+01', '2025-01-01 00:00+00'); -- skipped: revoked
INSERT INTO portal.key_roles (key_id, role_id) VALUES
  (1, 5), (2, 3), (2, 10), (3, 3), (3, 99), (5, 11), (6, 1);
INSERT INTO portal.key_scopes (key_id, scope) VALUES (2, 'beta-preview');
