"""GraphQL object types, one module per domain. Each wraps an ORM row privately."""
