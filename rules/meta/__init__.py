"""Findings the engine itself reports."""
