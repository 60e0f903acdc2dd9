"""The API surface: schema, context, view, permissions, scalars, errors, types, inputs."""
