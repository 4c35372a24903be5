"""Tokenworth."""
