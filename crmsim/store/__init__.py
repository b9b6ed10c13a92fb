"""Where sessions live: the store interface and its SQLite implementation."""
