"""Pure-ASGI middleware, one per module (Starlette's layout). `app.create_app` stacks them:

- `mock_time`: `X-Mock-Time` on every response;
- `site_dispatch`: Host validation and serving a site at `/` of its real NTF host name;
- `request_body`: one bounded read of the body (413 over the limit, lone-surrogate JSON refused).
"""
