"""The pure rating rules (``states/ratings.py``): the settings in force by date, the quota in
words, the score bands, the discipline cap, the periods, model-cell eligibility."""

from __future__ import annotations

from datetime import date

from states import ratings
from states.ratings import EXCELLENT, FAILED, GOOD, Rules
from states.rules import declared_settings

OLD = Rules.for_day(date(2024, 12, 31))
NEW = Rules.for_day(date(2025, 12, 31))


def test_every_rating_number_is_a_declared_setting_with_a_source():
    declared = declared_settings()
    for key, versions in ratings.SETTINGS.items():
        assert declared[key] == versions
        assert all(setting.source for _since, setting in versions)


def test_the_rules_change_with_qd_366():
    assert (OLD.scored, OLD.kinds, OLD.title) == (False, ("year",), "QĐ 124-QĐ/TW (bốn mức)")
    assert Rules.for_day(date(2022, 12, 31)).title == "QĐ 132-QĐ/TW (bốn mức)"
    assert NEW.scored and NEW.kinds == ("quarter", "year", "term")
    assert [NEW.band(s) for s in (95, 90, 89, 70, 69, 50, 49, 0)] == [
        EXCELLENT, EXCELLENT, GOOD, GOOD, "completed", "completed", FAILED, FAILED,
    ]  # fmt: skip


def test_the_quota_in_words():
    levels = [EXCELLENT] * 3 + [GOOD] * 9
    assert ratings.quota_error("Chi bộ", "đảng viên", levels, OLD) == (
        "Chi bộ có 12 đảng viên xếp loại từ hoàn thành tốt nhiệm vụ trở lên: tối đa 2 đảng "
        "viên hoàn thành xuất sắc (20%); đã đề xuất 3."
    )
    assert ratings.quota_error("Chi bộ", "đảng viên", [EXCELLENT] * 2 + [GOOD] * 10, OLD) is None
    # members rated below good do not widen the base
    assert ratings.quota_error("Chi bộ", "đảng viên", [EXCELLENT] + [FAILED] * 9, OLD)


def test_row_checks():
    assert ratings.row_errors("An", GOOD, None, False, OLD) == []
    assert ratings.row_errors("An", GOOD, 80, False, OLD) == [
        "An: QĐ 124-QĐ/TW (bốn mức) không chấm điểm; để trống cột điểm."
    ]
    assert ratings.row_errors("An", "completed", None, False, OLD, disciplined=True) == [
        "An bị kỷ luật trong kỳ: chỉ được xếp loại không hoàn thành nhiệm vụ."
    ]
    assert ratings.row_errors("An", FAILED, 40, False, NEW, disciplined=True) == []
    assert ratings.row_errors("An", EXCELLENT, 120, True, NEW) == ["An: số điểm từ 0 đến 100."]
    assert ratings.parse_score("85,0") == (85, None)
    assert ratings.parse_score("8,5")[1] == "Số điểm là số nguyên từ 0 đến 100."


def test_periods():
    assert ratings.period_dates("quarter", 2025, 1) == (date(2025, 1, 1), date(2025, 3, 31))
    assert ratings.period_dates("quarter", 2024, 1)[1] == date(2024, 3, 31)
    assert ratings.period_dates("term", 2025) == (date(2021, 1, 1), date(2025, 12, 31))
    assert ratings.period_title("term", 2025) == "Nhiệm kỳ 2021–2025"


def test_model_cell_eligibility():
    years = (2024, 2025)
    check = ratings.model_cell_eligibility
    assert check({2024: EXCELLENT, 2025: GOOD}, years, GOOD, 1) is None
    assert check({2024: GOOD, 2025: GOOD}, years, GOOD, 1).startswith("Cần ít nhất 1 năm")
    assert check({2024: EXCELLENT}, years, GOOD, 1) == "Chưa có kết quả xếp loại năm 2025."
