"""Fault injection: faults to make a surface fail on purpose (plain Python over the store and the clock).

- `spec`: what a fault is (`FaultSpec`: match rules and one action), validated;
- `matching`: does a request match a fault's rules (site, method, path glob, parameters, user);
- `book`: the faults of one app: create, list, delete, expiry, and the counted decision to fire
  (`skip`, `times`, `probability`), with the active list cached between changes;
- `presets`: named sets of faults ("ntf-maintenance", "api-rate-limit", "slow-download");
- `bodies`: the default error body of a status in the surface's own format;
- `config`: faults loaded at start from the `MOCKFINRA_FAULTS` file.

The firing itself (delays, statuses, dropped and truncated connections) is the pure-ASGI middleware
`mockfinra.middleware.faults`; the control routes are `mockfinra.control.faults`.
"""
