"""dlint: a linter for Dockerfiles and Docker Compose files that reads a project as a whole."""

__version__ = "0.1.0"
