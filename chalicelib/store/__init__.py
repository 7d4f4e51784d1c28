"""Data access: the one DynamoDB table and the base of every entity stored in it."""
