"""Comments on posts and thanks."""
