-- Storage shape "array": roles and scopes in text[] columns of the keys table, bigint ids.
-- Layout: layout.yaml beside this file. Plain SQL; load with: psql -v ON_ERROR_STOP=1 -f schema.sql
-- Each key's comment gives its status in a plan with mappings/legacy-roles.yaml (no --prune).
CREATE TABLE service_tokens (
  id         bigint PRIMARY KEY,
  tenant     text NOT NULL,
  label      text,
  created_at timestamptz,
  revoked_at timestamptz,
  roles      text[],
  scopes     text[]
);

INSERT INTO service_tokens (id, tenant, label, created_at, revoked_at, roles, scopes) VALUES
  -- change: NULL scopes become the 5 product-manager scopes
  (1, 'acme', 'catalogue sync', '2024-01-15 09:30+01', NULL, '{"Product Manager"}', NULL),
  -- change: beta-preview kept, the manage-users scopes appended
  (2, 'acme', 'user admin', '2024-02-01 10:00+01', NULL, '{"Beta preview","Manage users"}', '{beta-preview}'),
  -- change: a scope outside the target (legacy-export) stays without --prune
  (3, 'globex', 'pricing bot', '2024-02-02 10:00+01', NULL, '{"Product Manager"}', '{product-management-read,legacy-export}'),
  -- blocked: roles value does not parse: element 2 is NULL
  (4, 'globex', 'null element', '2024-02-03 10:00+01', NULL, '{"Finance Manager",NULL}', NULL),
  -- blocked: no roles (empty array)
  (5, 'initech', 'empty roles', '2024-02-04 10:00+01', NULL, '{}', NULL),
  -- blocked: no roles (NULL)
  (6, 'initech', 'null roles', '2024-02-05 10:00+01', NULL, NULL, '{}'),
  -- blocked: roles value does not parse: a multi-dimensional array
  (7, 'initech', 'two dimensions', '2024-02-06 10:00+01', NULL, '{{Admin},{Auditor}}', NULL),
  -- skipped: revoked
  (8, 'acme', 'revoked', '2024-02-07 10:00+01', '2025-01-01 00:00+00', '{"Beta preview"}', NULL),
  -- excluded: created after the cutoff
  (9, 'acme', 'new key', '2026-04-01 10:00+02', NULL, '{"Beta preview"}', '{beta-preview}'),
  -- change: an empty array gains the auditor's scopes
  (10, 'globex', 'audit export', '2024-02-08 10:00+01', NULL, '{Auditor}', '{}'),
  -- unchanged
  (11, 'globex', 'beta tester', '2024-02-09 10:00+01', NULL, '{"Beta preview"}', '{beta-preview}'),
  -- blocked: unknown role "x\"y, z" (quotes and a comma inside one element)
  (12, 'acme', 'odd role', '2024-02-10 10:00+01', NULL, '{"Beta preview","x\"y, z"}', NULL);
