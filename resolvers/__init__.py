"""Business rules, one package per domain; imports models, never strawberry."""
