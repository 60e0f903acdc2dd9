"""Test helpers: a GraphQL client, factories, a fake WeChat, SQL query counting."""
