"""Backups that restore: a consistent copy of the database and the photo store, with a manifest."""
