"""Pure-ASGI middleware, one per module (Starlette's layout). `app.create_app` stacks them:

- `mock_time`: `X-Mock-Time` on every response;
- `cors`: CORS for trusted origins on the APIs browser apps call (`/api/v1/authn`, `/oauth2`, `/idp/idx`...);
- `site_dispatch`: Host validation and serving a site at `/` of its real NTF host name;
- `journal`: records each exchange in the request journal (`/_mock/requests`);
- `faults`: fires the injected faults (`/_mock/faults`); `connection` finds the socket for drops and cut bodies,
  `exchange` reads a request's site, parameters and user for both;
- `request_body`: one bounded read of the body (413 over the limit, lone-surrogate JSON refused).
"""
