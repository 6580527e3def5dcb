"""HTTP layer: FastAPI routes, request parsing/validation, microversions, views, errors."""
