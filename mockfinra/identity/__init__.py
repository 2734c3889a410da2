"""The NASDAQ MFA service: an Okta-compatible authentication API, users, factors and sessions."""
