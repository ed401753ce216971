"""Web tests share the suite's fixtures (tests/conftest.py)."""
