-- Storage shape "delimited", as Doorkeeper stores an OAuth token's scopes: one string,
-- space-separated; the legacy roles in a ";"-separated string. Layout: layout.yaml.
-- Plain SQL; load with: psql -v ON_ERROR_STOP=1 -f schema.sql
-- Each key's comment gives its status in a plan with mappings/legacy-roles.yaml (no --prune).
CREATE TABLE oauth_access_tokens (
  id                bigint PRIMARY KEY,
  resource_owner_id bigint NOT NULL,
  created_at        timestamptz NOT NULL,
  revoked_at        timestamptz,
  previous_roles    text,
  scopes            varchar(2000)
);

INSERT INTO oauth_access_tokens (id, resource_owner_id, created_at, revoked_at, previous_roles, scopes) VALUES
  -- change: NULL scopes become "product-management-read product-management-write ..."
  (1, 7, '2024-01-15 09:30+01', NULL, 'Product Manager', NULL),
  -- change: "read  write" keeps its bytes; the new scopes are appended with one space
  (2, 7, '2024-02-01 10:00+01', NULL, 'Beta preview; Manage users', 'read  write'),
  -- change: empty elements in the roles are ignored; '' gains beta-preview (rollback: '' again)
  (3, 8, '2024-02-02 10:00+01', NULL, ' ; Beta preview ;; ', ''),
  -- blocked: unknown role "Super" (the separator inside "Super;User" splits it: no guess)
  (4, 8, '2024-02-03 10:00+01', NULL, 'AR Manager;Super;User', NULL),
  -- skipped: revoked
  (5, 9, '2024-02-04 10:00+01', '2025-06-01 00:00+00', 'Beta preview', NULL),
  -- change: "Order Manager & Customer Support" (an alias with "&")
  (6, 9, '2024-02-05 10:00+01', NULL, 'Order Manager & Customer Support', 'openid'),
  -- blocked: no roles (only separators and spaces)
  (7, 9, '2024-02-06 10:00+01', NULL, ' ; ; ', 'openid');
