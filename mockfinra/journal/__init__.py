"""The request journal: every exchange with the sites (not the control plane), kept in a bounded ring in
the store, for `GET /_mock/requests`, its live page and the HAR export. Plain Python over the store.

- `masking`: secrets out of headers, query strings and bodies before anything is kept;
- `recorder`: one insert per exchange, the ring trimmed in batches;
- `query`: filters (site, method, path glob, status, since), the newest `journal_size` only;
- `views`: an entry as JSON; `har`: the HAR 1.2 export.

What is recorded is the `mockfinra.middleware.journal` middleware's job.
"""
