"""The HTTP edge: route registration, request parsing, errors as JSON, the OpenAPI document."""
