"""The download hosts: `DownloadHandler.ashx` with bearer tokens, and the legacy certificate host."""
