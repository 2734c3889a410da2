"""The `/_mock` control plane (JSON), answered on every site."""
