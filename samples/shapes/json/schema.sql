-- Storage shape "json", as Laravel Sanctum stores a token's abilities: a JSON array in a
-- text column; the legacy roles in a jsonb column; `timestamp` without time zone (in UTC)
-- and no revocation column. Layout: layout.yaml beside this file.
-- Plain SQL; load with: psql -v ON_ERROR_STOP=1 -f schema.sql
-- Each key's comment gives its status in a plan with mappings/legacy-roles.yaml (no --prune).
CREATE TABLE personal_access_tokens (
  id           bigint PRIMARY KEY,
  tokenable_id bigint NOT NULL,
  name         text NOT NULL,
  legacy_roles jsonb,
  abilities    text,
  created_at   timestamp(0) without time zone
);

INSERT INTO personal_access_tokens (id, tokenable_id, name, legacy_roles, abilities, created_at) VALUES
  -- change: NULL abilities become the 5 product-manager scopes
  (1, 100, 'catalogue sync', '["Product Manager"]', NULL, '2024-01-15 08:30:00'),
  -- change: "*" stays (outside the target), beta-preview appended; rollback restores '[ "*" ]'
  (2, 100, 'beta', '["Beta preview"]', '[ "*" ]', '2024-02-01 09:00:00'),
  -- blocked: roles value does not parse: a JSON object, not an array
  (3, 101, 'object roles', '{"role": "Admin"}', NULL, '2024-02-02 09:00:00'),
  -- blocked: roles value does not parse: element 2 is a number, not a string
  (4, 101, 'number role', '["Admin", 7]', NULL, '2024-02-03 09:00:00'),
  -- blocked: scopes value does not parse: not JSON
  (5, 102, 'broken abilities', '["Beta preview"]', 'read,write', '2024-02-04 09:00:00'),
  -- blocked: no roles
  (6, 102, 'no roles', NULL, '[]', '2024-02-05 09:00:00'),
  -- change: an empty array gains the auditor's scopes
  (7, 103, 'audit export', '["Auditor"]', '[]', '2024-02-06 09:00:00'),
  -- blocked: unknown role "" (an empty string)
  (8, 103, 'empty role', '[""]', NULL, '2024-02-07 09:00:00'),
  -- excluded: created at the cutoff (2026-03-22 23:00 UTC)
  (9, 104, 'new token', '["Beta preview"]', NULL, '2026-03-22 23:00:00'),
  -- change: half an hour before the cutoff in UTC, whatever the server's TimeZone
  (10, 104, 'last legacy token', '["Beta preview"]', NULL, '2026-03-22 22:30:00');
