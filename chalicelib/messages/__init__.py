"""Private messages between verified residents of the same neighbourhood."""
