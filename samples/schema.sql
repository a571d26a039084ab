-- Default layout of scope-migrate (docs/layout.md describes it and the other shapes).
-- Plain SQL; load with: psql -v ON_ERROR_STOP=1 -f samples/schema.sql

CREATE TABLE api_keys (
  id         uuid PRIMARY KEY,        -- any type with a text form; the tool treats ids as text
  tenant_id  text NOT NULL,
  name       text NOT NULL,
  created_at timestamptz,             -- NULL happens on old keys
  revoked_at timestamptz              -- non-NULL: revoked
);
CREATE TABLE api_key_roles (           -- legacy; 0..n rows per key, duplicates possible
  api_key_id uuid NOT NULL REFERENCES api_keys(id),
  role       text NOT NULL
);
CREATE TABLE api_key_scopes (          -- target
  api_key_id uuid NOT NULL REFERENCES api_keys(id),
  scope      text NOT NULL,
  PRIMARY KEY (api_key_id, scope)
);

CREATE INDEX ON api_key_roles(api_key_id);
