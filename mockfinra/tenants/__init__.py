"""Tenants: one instance serves many isolated worlds (docs/tenants.md).

A tenant is chosen by a path prefix (`/t/{name}/...`, on every site; the links it is sent follow the prefix)
or by the `X-Mock-Tenant` header (links carry no prefix: the client keeps sending the header). Each tenant is a
whole app of its own (`create_app` with settings derived for it): its own store, clock, outbox, faults, journal
and seed. Requests without a tenant reach the default world exactly as before.

- `names`: what a tenant name may be;
- `storage`: where a tenant's store lives (a sibling SQLite file, its own in-memory store, its own PostgreSQL
  schema), made and dropped as a whole;
- `book`: the registry of known tenants, rows of the default store's `meta` table (so a list survives a
  restart and every worker process sees creations and deletions);
- `registry`: this process's running tenant apps (built, seeded and started on first use, re-checked against
  the book, stopped and dropped on deletion);
- `dispatch`: the outermost ASGI middleware that picks the tenant and forwards to its app;
- `routes`: the control plane `/_mock/tenants` (on the default world).
"""
