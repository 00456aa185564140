"""Files kept outside the database: the encrypted, content-addressed attachment store."""
