from ._app import app  # noqa: F401  (placeholder, replaced by the command module)
