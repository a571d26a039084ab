-- The benchmark's keys (bench/run.sh, bench/fleet.sh): N API keys in the default layout
-- with a realistic role mix, all drawn from hashes of the key's number, so a given N
-- always makes the same data. Needs the schema of samples/schema.sql and role_scope_map
-- (bench/mapping_to_sql.py); psql variables N and cutoff.

-- uniform in [0,1) from (g, salt), deterministic
CREATE FUNCTION bench_rnd(g bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((hashint8extended(g, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;

-- Portal spellings of the ten legacy roles, with a skewed share each ([lo, hi) of [0,1)).
CREATE TEMP TABLE role_weights (role text, lo float8, hi float8);
INSERT INTO role_weights
SELECT role, coalesce(sum(w) OVER (ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
       sum(w) OVER (ORDER BY ord)
FROM (VALUES (1, 'Admin', 0.20), (2, 'Order Manager & Customer Support', 0.15),
             (3, 'Finance Manager', 0.14), (4, 'Manage API credentials', 0.12), (5, 'Auditor', 0.10),
             (6, 'AR Manager', 0.07), (7, 'Product Manager', 0.07),
             (8, 'Accounts Receivable (AR) Manager', 0.05), (9, 'Manage users', 0.04),
             (10, 'Super User', 0.03), (11, 'Beta preview', 0.03)) v(ord, role, w);
UPDATE role_weights SET hi = 1.0 WHERE hi = (SELECT max(hi) FROM role_weights);

-- One row per key with its random draws.
CREATE TEMP TABLE gen AS
SELECT g,
       md5('scope-migrate-bench-key-' || g)::uuid AS id,
       CASE WHEN bench_rnd(g, 1) < 0.005 THEN 'null'
            WHEN bench_rnd(g, 1) < 0.055 THEN 'post' ELSE 'legacy' END AS kind,
       bench_rnd(g, 2) < 0.03 AS revoked,
       1 + (bench_rnd(g, 3) >= 0.6)::int + (bench_rnd(g, 3) >= 0.9)::int AS nroles,
       bench_rnd(g, 4) < 0.005 AS unknown_role,
       CASE WHEN bench_rnd(g, 5) < 0.20 THEN 'partly'
            WHEN bench_rnd(g, 5) < 0.23 THEN 'fully' ELSE 'none' END AS converted,
       bench_rnd(g, 6) < 0.01 AS extra_scope
FROM generate_series(1, :N) g;

INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at)
SELECT id,
       'tenant-' || lpad(floor(50 * bench_rnd(g, 7) ^ 2)::int::text, 2, '0'),  -- ~50, skewed
       'bench key ' || g,
       c.created_at,
       CASE WHEN revoked THEN coalesce(c.created_at, timestamptz '2020-01-01Z') + interval '30 days' END
FROM gen,
LATERAL (SELECT CASE kind
  WHEN 'null' THEN NULL
  WHEN 'post' THEN to_timestamp(extract(epoch FROM :'cutoff'::timestamptz) + floor(bench_rnd(g, 8) * 60 * 86400))
  ELSE to_timestamp(extract(epoch FROM timestamptz '2019-01-01Z') + floor(bench_rnd(g, 8) *
       (extract(epoch FROM :'cutoff'::timestamptz) - extract(epoch FROM timestamptz '2019-01-01Z'))))
  END AS created_at) c
ORDER BY g;

-- Legacy keys (and keys without created_at) carry 1-3 roles; ~0.5% also an unknown one.
-- Keys made after the cutoff carry scopes only.
INSERT INTO api_key_roles (api_key_id, role)
SELECT gen.id, w.role
FROM gen CROSS JOIN LATERAL generate_series(1, gen.nroles) j
JOIN role_weights w ON bench_rnd(gen.g * 4 + j, 10) >= w.lo AND bench_rnd(gen.g * 4 + j, 10) < w.hi
WHERE gen.kind <> 'post'
UNION ALL
SELECT gen.id, 'Billing Clerk' FROM gen WHERE gen.unknown_role AND gen.kind <> 'post';

-- ~20% of the legacy keys were partly converted by hand (each target scope present with
-- probability 1/2), ~3% fully; ~1% carry a scope no role grants (drift).
INSERT INTO api_key_scopes (api_key_id, scope)
SELECT DISTINCT gen.id, m.scope
FROM gen JOIN api_key_roles r ON r.api_key_id = gen.id
JOIN role_scope_map m ON m.role_norm = lower(regexp_replace(btrim(r.role), '[ _-]+', '-', 'g'))
WHERE gen.kind <> 'post' AND (gen.converted = 'fully' OR
      (gen.converted = 'partly' AND bench_rnd(hashtext(m.scope) # gen.g, 11) < 0.5))
UNION
SELECT gen.id, 'tax-management-read' FROM gen WHERE gen.kind <> 'post' AND gen.extra_scope
UNION
SELECT DISTINCT gen.id, m.scope FROM gen JOIN role_scope_map m
  ON m.role_norm = (ARRAY['admin', 'auditor', 'finance-manager', 'product-manager', 'beta-preview'])
                   [1 + floor(5 * bench_rnd(gen.g, 12))::int]
WHERE gen.kind = 'post';

DROP FUNCTION bench_rnd(bigint, bigint);
