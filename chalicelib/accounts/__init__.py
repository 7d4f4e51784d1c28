"""Accounts: people who sign in with an emailed code, their sessions and their roles."""
