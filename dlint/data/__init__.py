"""Data files shipped with dlint (the compose-spec JSON schema)."""
