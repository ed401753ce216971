"""Personal access tokens for the JSON API: only a hash of each token is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.users import User


class ApiToken(Base):
    """A bearer token a user made on their account page; it acts exactly as that user."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    #: what the user called it ("Báo cáo tự động")
    name: Mapped[str] = mapped_column(String(80))
    #: SHA-256 (hex) of the whole token; the token itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the token's first characters, so its owner can tell tokens apart in the list
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: refreshed at most once a minute (UTC)
    last_used_at: Mapped[datetime | None] = mapped_column()
    #: None: valid until revoked (UTC)
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
