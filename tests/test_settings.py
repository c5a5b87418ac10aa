import pytest
from django.core.exceptions import ImproperlyConfigured

from safetyplan import settings as s


def test_bool_helper_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "off")
    assert s.env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "Yes")
    assert s.env_bool("X_FLAG", False) is True


def test_bool_helper_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        s.env_bool("X_FLAG", True)


def test_int_helper_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="整数"):
        s.env_int("X_NUM", 1)


def test_chinese_and_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ


def test_sqlite_gets_wal_and_immediate_transactions():
    config = s.database_config("sqlite:////tmp/x.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_from_database_url_keeps_pooled_connections():
    config = s.database_config("postgres://postgres@127.0.0.1:5432/safetyplan")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "safetyplan" and config["CONN_MAX_AGE"] > 0
    assert "init_command" not in config.get("OPTIONS", {})


def test_postgres_connection_pool_when_asked_for(monkeypatch):
    monkeypatch.setenv("DB_POOL", "true")
    monkeypatch.setenv("DB_POOL_MAX", "8")
    config = s.database_config("postgres://postgres@127.0.0.1:5432/safetyplan")
    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10}
    assert config["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


def test_pool_is_refused_for_sqlite(monkeypatch):
    monkeypatch.setenv("DB_POOL", "true")
    with pytest.raises(ImproperlyConfigured, match="DB_POOL"):
        s.database_config("sqlite:////tmp/x.sqlite3")


def test_figures_age_and_a_shared_cache_outside_tests(settings):
    assert settings.FIGURES_MAX_AGE == 60
    # Tests use memory; the running app a folder every worker shares (see settings.CACHES).
    assert "locmem" in settings.CACHES["default"]["BACKEND"]
