"""The embedded SQLite store. ``tracker.store.store.Store`` is its one front door: named parts
(usage, tasks, links, alerts, prices, meta, files) own every SQL statement. Also here: the
schema and its migrations, import state, and the import's writer."""
