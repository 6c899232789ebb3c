"""Database backends: Django's SQLite and PostgreSQL ones, tuned for the serving path."""
