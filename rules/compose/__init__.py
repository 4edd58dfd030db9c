"""Rules that read Compose projects (and the Dockerfiles their services build)."""
