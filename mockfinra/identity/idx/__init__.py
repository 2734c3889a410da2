"""Okta Identity Engine's IDX protocol (`/idp/idx/*`) over the identity domain (`identity.core`)."""
