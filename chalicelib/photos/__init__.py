"""Photos for posts and lent items: presigned upload, checking and re-encoding, serving."""
