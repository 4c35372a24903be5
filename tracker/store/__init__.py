"""The embedded SQLite store: schema, import state and queries."""
