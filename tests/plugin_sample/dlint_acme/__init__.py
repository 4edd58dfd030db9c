"""A sample dlint plugin (see tests/test_plugins.py)."""
