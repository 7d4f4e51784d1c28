"""Who publishes in the commune\x27s channel: the commune\x27s services and vetted partner organisations, and their signed links."""
