"""Web forms. They import ``states/`` and never the application or the database."""
