"""Storage: the SQLite file, its schema, transactions and change history."""
