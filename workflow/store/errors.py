"""Domain refusals raised by the engine; views map them to HTTP answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from states.spec import Verdict


class EngineError(Exception):
    message = "Không thực hiện được thao tác."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class NotFound(EngineError):
    """The case does not exist or lies outside the actor's scope (both look the same)."""

    message = "Không tìm thấy hồ sơ."


class PermissionDenied(EngineError):
    message = "Bạn không có quyền thực hiện thao tác này đối với hồ sơ này."


class TransitionNotAllowed(EngineError):
    message = "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ."


class StaleCase(EngineError):
    message = (
        "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem thay đổi rồi "
        "thực hiện lại."
    )


class StaleRecord(EngineError):
    """A record (a person's particulars) changed since the form showing it was loaded."""

    message = "Thông tin vừa được người khác sửa. Tải lại trang rồi sửa lại."


class GuardFailed(EngineError):
    message = "Chưa đủ điều kiện thực hiện."

    def __init__(self, verdicts: Sequence[Verdict]):
        self.verdicts = [v for v in verdicts if not v.ok and v.message]
        super().__init__("; ".join(v.message for v in self.verdicts) or self.message)


class ReauthFailed(EngineError):
    """A signing step was given a wrong password (or none): counted towards the lockout."""

    message = "Mật khẩu không đúng: cần nhập lại mật khẩu để ký."
    field = "password"


class ReauthLocked(ReauthFailed):
    message = "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau ít phút."


class InvalidInput(EngineError):
    message = "Dữ liệu nhập chưa hợp lệ."

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))
