"""Rules that read one Dockerfile."""
