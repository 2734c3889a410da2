"""The identity domain: users, factors, authn transactions, lockout, sessions and recovery (see `identity`)."""
