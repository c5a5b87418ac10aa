import datetime as dt

from importers.schedule import column_deadline, deadline_of, recurrence_of


def test_monthly_wording_is_monthly():
    assert recurrence_of("安委会每月至少召开一次会议。") == "monthly"


def test_the_most_frequent_period_wins():
    text = "区安委会每季度召开一次全体会议；各专业委员会每月召开一次工作例会。"
    assert recurrence_of(text) == "monthly"


def test_quarterly_semiannual_weekly_and_yearly():
    assert recurrence_of("每季度组织一次培训。") == "quarterly"
    assert recurrence_of("一年两次开展专项评估。") == "semiannual"
    assert recurrence_of("每周调度一次。") == "weekly"
    assert recurrence_of("每年开展一次演练。") == "yearly"


def test_dingqi_sets_no_recurrence():
    assert recurrence_of("定期开展应急救援演练。") is None


def test_year_end_is_the_notices_year():
    assert deadline_of("县属企业要于年底前进行安全述职。", 2023) == dt.date(2023, 12, 31)
    assert deadline_of("确保年底明显见效。", 2021) == dt.date(2021, 12, 31)


def test_nianne_is_year_end_but_three_years_is_not():
    assert deadline_of("年内至少开展一次演练。", 2024) == dt.date(2024, 12, 31)
    assert deadline_of("对停用超过3年内的尾矿库进行治理。", 2024) is None
    assert deadline_of("对近3年内发生过较大事故的乡镇开展巡查。", 2024) is None


def test_named_year_overrides_the_notices_year():
    assert deadline_of("力争2025年底完成改造。", 2024) == dt.date(2025, 12, 31)
    assert deadline_of("力争2023年行业企业标准化创建率达50%。", 2023) == dt.date(2023, 12, 31)


def test_sentence_opening_with_a_year_and_a_target_is_due_that_year():
    text = "2021年，全县“零事故”村（社区）比例要达到80%。"
    assert deadline_of(text, 2021) == dt.date(2021, 12, 31)


def test_month_end_and_exact_day_deadlines():
    assert deadline_of("6月底前完成排查。", 2024) == dt.date(2024, 6, 30)
    assert deadline_of("各单位于5月20日前上报。", 2024) == dt.date(2024, 5, 20)
    assert deadline_of("开展自查（完成时限4月20日前）。", 2024) == dt.date(2024, 4, 20)
    assert deadline_of("自即日起至4月8日，开展自查。", 2024) == dt.date(2024, 4, 8)


def test_start_date_is_not_a_deadline():
    assert deadline_of("自4月8日起，组织专项执法检查。", 2024) is None


def test_another_bodys_plan_sets_no_deadline():
    text = "根据国家3年内建成应急管理“一张网”和长治市2020年基本完成平台建设的部署要求,加快建设。"
    assert deadline_of(text, 2020) is None


def test_year_end_needs_a_year_to_resolve():
    assert deadline_of("年底前完成。", None) is None


def test_first_half_of_the_year_is_due_at_the_end_of_june():
    assert deadline_of("上半年完成全部整改。", 2024) == dt.date(2024, 6, 30)


def test_this_year_is_the_notices_year():
    assert deadline_of("今年内完成闭库治理。", 2024) == dt.date(2024, 12, 31)


def test_deadline_column_with_a_bare_month_is_due_at_its_end():
    assert column_deadline("2023年12月", 2023) == dt.date(2023, 12, 31)
    assert column_deadline("6月", 2024) == dt.date(2024, 6, 30)
    assert column_deadline("长期坚持", 2024) is None
