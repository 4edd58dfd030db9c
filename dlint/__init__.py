"""dlint: a linter for Dockerfiles and Docker Compose files that reads a project as a whole."""

__version__ = "0.2.0"
HOMEPAGE = "https://github.com/dlint-dev/dlint"
DOCS_URL = f"{HOMEPAGE}/blob/v{__version__}/docs/rules"
