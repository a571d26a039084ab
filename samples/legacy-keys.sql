-- Sample legacy API keys for scope-migrate, default layout (samples/schema.sql).
-- Plain SQL; load after the schema with: psql -v ON_ERROR_STOP=1 -f samples/legacy-keys.sql
--
-- Ids count up: key #N is 00000000-0000-4000-8000-0000000000NN (decimal digits in the last
-- 12 hex digits), so id order is number order.
-- Mapping: mappings/legacy-roles.yaml; cutoff 2026-03-23T00:00:00+01:00 = 2026-03-22T23:00:00Z.
-- Each key's comment gives its expected status without --prune.

BEGIN;

-- #01 change: "Finance Manager", no scopes yet -> adds the 15 finance-manager scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000001', 'acme', 'Nightly invoice export', '2024-01-15 09:30:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000001', 'Finance Manager');

-- #02 change: "Order Manager & Customer Support" (alias), no scopes yet -> adds 11
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000002', 'globex', 'CRM contact sync', '2024-02-03 14:05:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000002', 'Order Manager & Customer Support');

-- #03 change: "Accounts Receivable (AR) Manager" (alias of ar-manager), no scopes yet -> adds 14
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000003', 'initech', 'Dunning run automation', '2024-02-20 07:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000003', 'Accounts Receivable (AR) Manager');

-- #04 change: "AR Manager" (alias of ar-manager), no scopes yet -> adds 14
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000004', 'acme', 'OPOS reconciliation bot', '2024-03-11 18:45:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000004', 'AR Manager');

-- #05 change: "Product Manager", no scopes yet -> adds 5
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000005', 'globex', 'Plan catalogue sync', '2024-04-02 10:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000005', 'Product Manager');

-- #06 change: "Manage users", no scopes yet -> adds access-management r/w
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000006', 'initech', 'User provisioning (SCIM)', '2024-05-17 08:15:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000006', 'Manage users');

-- #07 change: "Manage API credentials", no scopes yet -> adds access-management r/w
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000007', 'acme', 'Key rotation service', '2024-06-01 12:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000007', 'Manage API credentials');

-- #08 change: "Beta preview", no scopes yet -> adds beta-preview
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000008', 'globex', 'Preview feature tester', '2024-06-30 16:20:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000008', 'Beta preview');

-- #09 change: "Auditor", no scopes yet -> adds the 12 *-read scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000009', 'initech', 'External audit read-only', '2024-07-08 09:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000009', 'Auditor');

-- #10 change: "Admin", no scopes yet -> adds 5 (3 privileged)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000010', 'acme', 'Tenant configuration admin', '2024-08-19 11:11:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000010', 'Admin');

-- #11 change: "Super User", no scopes yet -> adds all 26
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000011', 'globex', 'Legacy integration (all access)', '2024-09-09 09:09:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000011', 'Super User');

-- #12 change: "finance_manager" normalises to finance-manager -> adds 15
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000012', 'acme', 'Accounting bridge', '2024-10-01 06:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000012', 'finance_manager');

-- #13 change: "  FINANCE   MANAGER  " (trim, lower-case, space run -> "-") = finance-manager -> adds 15
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000013', 'initech', 'Old ERP connector', '2024-10-14 22:30:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000013', '  FINANCE   MANAGER  ');

-- #14 change: "ar-manager" (canonical name) -> adds 14
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000014', 'globex', 'Receivables webhook', '2024-11-05 13:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000014', 'ar-manager');

-- #15 change: lower-case alias spelling -> order-manager-customer-support, adds 11
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000015', 'initech', 'Ticket triage bot', '2024-11-20 10:00:00-05', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000015', 'order manager & customer support');

-- #16 change: "SUPER_USER" normalises to super-user -> adds all 26
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000016', 'acme', 'Root maintenance job', '2024-12-02 03:00:00+00', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000016', 'SUPER_USER');

-- #17 change: two roles; target = finance-manager U ar-manager (16 scopes)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000017', 'acme', 'Billing back-office', '2025-01-07 08:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000017', 'Finance Manager'),
  ('00000000-0000-4000-8000-000000000017', 'AR Manager');

-- #18 change: three roles; target = union (13 scopes)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000018', 'initech', 'Support desk integration', '2025-01-21 09:30:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000018', 'Order Manager & Customer Support'),
  ('00000000-0000-4000-8000-000000000018', 'Product Manager'),
  ('00000000-0000-4000-8000-000000000018', 'Beta preview');

-- #19 change: three overlapping roles; target = admin scopes (5)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000019', 'globex', 'Ops automation', '2025-02-04 15:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000019', 'Admin'),
  ('00000000-0000-4000-8000-000000000019', 'Manage users'),
  ('00000000-0000-4000-8000-000000000019', 'Manage API credentials');

-- #20 change: same role twice (duplicate rows); target = 12 *-read scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000020', 'acme', 'Quarterly audit export', '2025-02-18 07:45:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000020', 'Auditor'),
  ('00000000-0000-4000-8000-000000000020', 'Auditor');

-- #21 change: same role in two spellings; target = finance-manager (15)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000021', 'initech', 'Ledger sync (two spellings)', '2025-03-03 12:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000021', 'Finance Manager'),
  ('00000000-0000-4000-8000-000000000021', 'finance_manager');

-- #22 change: partly converted; has 2 of 5 product-manager scopes -> adds 3
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000022', 'globex', 'Price list importer', '2025-03-25 10:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000022', 'Product Manager');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000022', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000022', 'tenant-management-read');

-- #23 change: partly converted; adds access-management-write
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000023', 'acme', 'Credential broker', '2025-04-08 09:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000023', 'Manage API credentials');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000023', 'access-management-read');

-- #24 change: partly converted; has 6 of 12 *-read scopes -> adds 6
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000024', 'initech', 'Compliance reader', '2025-04-22 14:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000024', 'Auditor');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000024', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000024', 'accounting-clearing-read'),
  ('00000000-0000-4000-8000-000000000024', 'accounting-management-read'),
  ('00000000-0000-4000-8000-000000000024', 'customer-management-read'),
  ('00000000-0000-4000-8000-000000000024', 'document-management-read'),
  ('00000000-0000-4000-8000-000000000024', 'tenant-management-read');

-- #25 change: partly converted and has extra beta-preview; add wins -> change (adds 4, extra kept without --prune)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000025', 'globex', 'Catalogue preview sync', '2025-05-06 11:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000025', 'Product Manager');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000025', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000025', 'beta-preview');

-- #26 unchanged: already has exactly the 5 product-manager scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000026', 'globex', 'Storefront catalogue reader', '2025-05-20 08:30:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000026', 'Product Manager');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000026', 'contract-order-management-read'),
  ('00000000-0000-4000-8000-000000000026', 'document-management-read'),
  ('00000000-0000-4000-8000-000000000026', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000026', 'product-management-write'),
  ('00000000-0000-4000-8000-000000000026', 'tenant-management-read');

-- #27 unchanged: already has access-management r/w
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000027', 'acme', 'HR directory sync', '2025-06-03 17:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000027', 'Manage users');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000027', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000027', 'access-management-write');

-- #28 unchanged: already has beta-preview
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000028', 'initech', 'Beta dashboard widget', '2025-06-17 10:10:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000028', 'Beta preview');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000028', 'beta-preview');

-- #29 unchanged: already has the 5 admin scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000029', 'globex', 'Tenant settings admin', '2025-07-01 09:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000029', 'Admin');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000029', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000029', 'access-management-write'),
  ('00000000-0000-4000-8000-000000000029', 'custom-payment-provider-write'),
  ('00000000-0000-4000-8000-000000000029', 'tenant-management-read'),
  ('00000000-0000-4000-8000-000000000029', 'tenant-management-write');

-- #30 unchanged: already has all 26 scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000030', 'acme', 'Platform migration account', '2025-07-15 06:30:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000030', 'Super User');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000030', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'access-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'accounting-clearing-read'),
  ('00000000-0000-4000-8000-000000000030', 'accounting-clearing-write'),
  ('00000000-0000-4000-8000-000000000030', 'accounting-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'accounting-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'accounts-receivable-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'accounts-receivable-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'beta-preview'),
  ('00000000-0000-4000-8000-000000000030', 'contract-order-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'contract-order-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'custom-payment-provider-write'),
  ('00000000-0000-4000-8000-000000000030', 'customer-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'customer-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'document-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'document-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'draft-document-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'draft-document-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'product-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'report-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'report-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'tax-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'tax-management-write'),
  ('00000000-0000-4000-8000-000000000030', 'tenant-management-read'),
  ('00000000-0000-4000-8000-000000000030', 'tenant-management-write');

-- #31 drift: has all 12 *-read scopes plus beta-preview (not in target); nothing to add
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000031', 'acme', 'Auditor with preview access', '2025-07-29 13:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000031', 'Auditor');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000031', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'accounting-clearing-read'),
  ('00000000-0000-4000-8000-000000000031', 'accounting-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'accounts-receivable-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'contract-order-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'customer-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'document-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'draft-document-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'report-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'tax-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'tenant-management-read'),
  ('00000000-0000-4000-8000-000000000031', 'beta-preview');

-- #32 drift: has access-management r/w plus report-management-read (not in target)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000032', 'initech', 'Key manager with reports', '2025-08-12 08:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000032', 'Manage API credentials');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000032', 'access-management-read'),
  ('00000000-0000-4000-8000-000000000032', 'access-management-write'),
  ('00000000-0000-4000-8000-000000000032', 'report-management-read');

-- #33 drift: has the 15 finance-manager scopes plus tax-management r/w
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000033', 'globex', 'Finance bot with tax access', '2025-08-26 19:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000033', 'finance-manager');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000033', 'accounting-clearing-read'),
  ('00000000-0000-4000-8000-000000000033', 'accounting-clearing-write'),
  ('00000000-0000-4000-8000-000000000033', 'accounting-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'accounting-management-write'),
  ('00000000-0000-4000-8000-000000000033', 'accounts-receivable-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'contract-order-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'customer-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'document-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'document-management-write'),
  ('00000000-0000-4000-8000-000000000033', 'draft-document-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'draft-document-management-write'),
  ('00000000-0000-4000-8000-000000000033', 'product-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'report-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'report-management-write'),
  ('00000000-0000-4000-8000-000000000033', 'tenant-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'tax-management-read'),
  ('00000000-0000-4000-8000-000000000033', 'tax-management-write');

-- #34 skipped: revoked (would otherwise be a change)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000034', 'acme', 'Retired invoice export', '2023-05-10 10:00:00+02', '2025-11-30 12:00:00+01');
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000034', 'Finance Manager');

-- #35 skipped: revoked; its unknown role "Billing Clerk" does not matter (revoked is checked first)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000035', 'globex', 'Revoked clerk key', '2023-08-01 09:00:00+02', '2024-12-31 23:59:59+01');
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000035', 'Billing Clerk');

-- #36 skipped: revoked; created_at NULL and no roles do not matter (revoked is checked first)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000036', 'initech', 'Revoked orphan key', NULL, '2024-01-01 00:00:00+00');

-- #37 blocked: missing created_at
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000037', 'acme', 'Pre-2020 FTP bridge', NULL, NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000037', 'Finance Manager');

-- #38 blocked: missing created_at (checked before the unknown role "SUPERUSER")
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000038', 'globex', 'Unknown-era superuser', NULL, NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000038', 'SUPERUSER');

-- #39 blocked: no roles
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000039', 'initech', 'Roleless test key', '2024-03-03 03:03:00+01', NULL);

-- #40 blocked: unknown role "SUPERUSER" (SUPERUSER is not super-user; nothing else is folded)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000040', 'acme', 'Superuser (legacy spelling)', '2024-04-14 14:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000040', 'SUPERUSER');

-- #41 blocked: unknown role "Billing Clerk" (fail closed: the known Finance Manager is not applied either)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000041', 'globex', 'Billing clerk export', '2024-05-25 10:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000041', 'Finance Manager'),
  ('00000000-0000-4000-8000-000000000041', 'Billing Clerk');

-- #42 blocked: unknown role "" (empty role string)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000042', 'initech', 'Blank role key', '2024-06-06 06:06:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000042', '');

-- #43 blocked: unknown role "   " (role of three spaces; Auditor alone would be known)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000043', 'acme', 'Whitespace role key', '2024-07-07 07:07:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000043', 'Auditor'),
  ('00000000-0000-4000-8000-000000000043', '   ');

-- #44 change: hostile name; Auditor -> adds 12 *-read scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000044', 'acme', 'x''); DROP TABLE api_keys; --', '2024-08-08 08:08:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000044', 'Auditor');

-- #45 change: name with comma, double quote and newline; adds 15
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000045', 'globex', E'Export, "quarterly"\nsecond line', '2024-09-10 10:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000045', 'Finance Manager');

-- #46 change: non-ASCII name; adds 14
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000046', 'initech', 'Café Müller – Export', '2024-10-11 11:00:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000046', 'AR Manager');

-- #47 blocked: unknown role "Admin'); DELETE FROM api_key_scopes; --" (hostile role string)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000047', 'globex', 'Injected role key', '2024-11-12 12:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000047', 'Admin''); DELETE FROM api_key_scopes; --');

-- #48 blocked: unknown role "Finance "Manager", AR" (raw name has a comma and double quotes; CSV quoting)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000048', 'acme', 'Quoted, "role" key', '2024-12-13 13:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000048', 'Finance "Manager", AR');

-- #49 change: created one hour before the cutoff -> legacy; adds 5
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000049', 'initech', 'Cutoff minus one hour', '2026-03-22 22:00:00+00', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000049', 'Product Manager');

-- #50 change: created one second before the cutoff (+01 offset) -> legacy; adds 2
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000050', 'acme', 'Cutoff minus one second', '2026-03-22 23:59:59+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000050', 'Manage users');

-- #51 change: local date 23 March but 2026-03-22 22:30 UTC -> legacy; adds beta-preview
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000051', 'globex', 'Late evening Berlin key', '2026-03-23 00:30:00+02', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000051', 'Beta preview');

-- #52 excluded post cutoff: created exactly at the cutoff (not strictly before); roles ignored
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000052', 'globex', 'Exactly at cutoff', '2026-03-22 23:00:00+00', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000052', 'Finance Manager');

-- #53 excluded post cutoff: the same instant as the cutoff, written with +01
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000053', 'initech', 'Exactly at cutoff (CET)', '2026-03-23 00:00:00+01', NULL);
INSERT INTO api_key_roles (api_key_id, role) VALUES
  ('00000000-0000-4000-8000-000000000053', 'Auditor');

-- #54 excluded post cutoff: one hour after the cutoff; new-style key with a scope
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000054', 'acme', 'Cutoff plus one hour', '2026-03-23 00:00:00+00', NULL);
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000054', 'report-management-read');

-- #55 excluded post cutoff: local date 22 March but 2026-03-23 04:30 UTC
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000055', 'initech', 'New York evening key', '2026-03-22 23:30:00-05', NULL);
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000055', 'customer-management-read');

-- #56 excluded post cutoff: new key with scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000056', 'globex', 'Webshop checkout', '2026-04-10 09:00:00+02', NULL);
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000056', 'contract-order-management-read'),
  ('00000000-0000-4000-8000-000000000056', 'contract-order-management-write'),
  ('00000000-0000-4000-8000-000000000056', 'customer-management-read');

-- #57 excluded post cutoff: new key with scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000057', 'initech', 'Reporting dashboard', '2026-05-02 15:00:00+02', NULL);
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000057', 'report-management-read');

-- #58 excluded post cutoff: new key with scopes
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000058', 'acme', 'Payment provider config', '2026-06-15 10:00:00+02', NULL);
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000058', 'custom-payment-provider-write'),
  ('00000000-0000-4000-8000-000000000058', 'tenant-management-read');

-- #59 excluded post cutoff: created after the cutoff (revoked too, but not legacy, so not counted as skipped)
INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES
  ('00000000-0000-4000-8000-000000000059', 'globex', 'Revoked new-style key', '2026-04-01 08:00:00+02', '2026-04-20 08:00:00+02');
INSERT INTO api_key_scopes (api_key_id, scope) VALUES
  ('00000000-0000-4000-8000-000000000059', 'beta-preview');

COMMIT;

-- Expected result with the default mapping (mappings/legacy-roles.yaml), default cutoff,
-- no --prune, no filters:
--
--   keys in api_keys ........................ 59
--   excluded_post_cutoff ....................  8   (#52-#59: created_at >= 2026-03-22 23:00:00+00)
--   keys_read (legacy) ...................... 51   (created before the cutoff, or created_at NULL)
--     change ................................ 31   (#01-#25, #44-#46, #49-#51)
--     unchanged .............................  5   (#26-#30)
--     drift .................................  3   (#31-#33)
--     blocked ...............................  9   (#37-#43, #47, #48)
--         missing created_at  2 (#37, #38); no roles 1 (#39);
--         unknown role        6 (#40 "SUPERUSER", #41 "Billing Clerk", #42 "", #43 "   ", #47, #48)
--     skipped (revoked) .....................  3   (#34-#36)
--   scopes_to_add ........................... 312
--   scopes_to_remove ........................   0
--   privileged scopes granted: access-management-write 8 keys, tenant-management-write 4,
--                              custom-payment-provider-write 4
--
-- With --prune: change 34 (the 3 drift keys become changes), drift 0, scopes_to_remove 5
--   (#25 beta-preview, #31 beta-preview, #32 report-management-read, #33 tax-management-read and
--   tax-management-write); everything else as above.
--
-- Per tenant (legacy keys read / excluded):
--   acme     change 11, unchanged 2, drift 1, blocked 4, skipped 1; excluded 2
--   globex   change 10, unchanged 2, drift 1, blocked 3, skipped 1; excluded 3
--   initech  change 10, unchanged 1, drift 1, blocked 2, skipped 1; excluded 3
--
-- Because blocked keys exist: plan --detailed-exitcode exits 3, apply without --allow-blocked
-- exits 3 and writes nothing. After apply --allow-blocked (no --prune), a new plan shows
-- change 0, unchanged 35, drift 4 (#25 keeps its extra beta-preview), blocked 9, skipped 3.
