"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from workflow.models.base import Base

db = SQLAlchemy(model_class=Base, session_options={"autoflush": False})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
