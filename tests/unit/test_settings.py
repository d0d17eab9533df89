"""Settings come from Pulumi config, then the environment, then defaults; problems are listed at once."""

import pytest

from provider.core.settings import DEFAULT_ENDPOINT, Settings
from provider.errors import ConfigurationError


def test_config_wins_over_the_environment() -> None:
    settings = Settings.load({"adobe:clientId": "from-config"}.get, {"ADOBE_CLIENT_ID": "from-env"})
    assert settings.client_id == "from-config"


def test_environment_fills_what_config_leaves_out() -> None:
    settings = Settings.load(lambda key: None, {"ADOBE_SANDBOX_NAME": "staging"})
    assert settings.sandbox_name == "staging" and settings.endpoint == DEFAULT_ENDPOINT


def test_missing_credentials_are_listed_together_with_how_to_set_them() -> None:
    settings = Settings.load(lambda key: None, {})
    with pytest.raises(ConfigurationError) as error:
        settings.require_credentials()
    message = str(error.value)
    for expected in (
        "adobe:clientId",
        "ADOBE_CLIENT_ID",
        "adobe:imsOrgId",
        "ADOBE_IMS_ORG_ID",
        "adobe:clientSecret",
        "--secret",
        "adobe:accessToken",
    ):
        assert expected in message


def test_an_access_token_replaces_the_client_secret() -> None:
    Settings.load(
        {"adobe:clientId": "c", "adobe:imsOrgId": "o@AdobeOrg", "adobe:accessToken": "t"}.get, {}
    ).require_credentials()


def test_repr_never_shows_secrets() -> None:
    settings = Settings.load({"adobe:clientSecret": "s3cr3t-value", "adobe:accessToken": "tok-value"}.get, {})
    assert "s3cr3t-value" not in repr(settings) and "tok-value" not in repr(settings)


def test_a_malformed_number_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="adobe:maxRetries"):
        Settings.load({"adobe:maxRetries": "many"}.get, {})


def test_a_zero_request_timeout_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="adobe:requestTimeout .* greater than 0"):
        Settings.load({"adobe:requestTimeout": "0"}.get, {})


def test_the_late_write_window_defaults_to_a_minute_and_may_not_be_negative() -> None:
    assert Settings.load(lambda key: None, {}).late_write_window == 60.0
    with pytest.raises(ConfigurationError, match="adobe:lateWriteWindow .* 0 or more"):
        Settings.load({"adobe:lateWriteWindow": "-1"}.get, {})
