"""The published OpenAPI document (`/_mock/openapi.json`): every JSON API, every page and both download hosts,
with the status codes, error bodies and content types the server really sends.

FastAPI describes what the decorators say (a 200 and a 422 that this app never sends). `install(app)`
replaces `app.openapi` with `document.build`, which starts from FastAPI's document over every route (pages
included) and then, in one place, states the truth:

- `surfaces`: what every operation on a surface (see `mockfinra.errors.surface_for`) can answer: the surface's
  error body (Okta, OAuth, IDX, control plane, plain text, HTML) for 400 (validation is a 400 here, never a
  422) and 413 (the body limit), 401 where a route is guarded by a token, 404 where a path parameter names
  something. New routes get these without being listed anywhere.
- `table`: what a given operation answers besides (redirects, pages, downloads, domain errors such as 409
  or 429) and the form bodies of endpoints that read their form themselves.
- `schemas`: the error bodies' schemas.
- `objects`: the Okta and OAuth objects the success responses carry (authn transaction, user, session,
  tokens, key set, introspection, userinfo), where FastAPI would say "any JSON".

The schemathesis run in tests/test_schemathesis.py holds the document to the server.
"""

from mockfinra.openapi.document import install

__all__ = ["install"]
