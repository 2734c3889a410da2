"""TRAQS: the portal behind MFA sign-in; its API access page issues the refresh token."""
