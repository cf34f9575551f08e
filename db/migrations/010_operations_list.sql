-- GET /operations lists a tenant's operations, oldest first (issue 12): an
-- index that serves that order per tenant.
CREATE INDEX operations_tenant_created ON operations (tenant_id, created, id);
