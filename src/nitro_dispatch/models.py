"""Django sends post_migrate only to apps with a models module: this one creates the entity
tables then (see apps.create_tables). The entities themselves are SQLModel classes."""
