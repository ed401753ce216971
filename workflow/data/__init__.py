"""Data files shipped with the application."""
