"""Provider settings, read at run time from Pulumi config (``adobe:*``) or the environment.

Nothing here is ever stored on the pickled provider: the plugin builds ``Settings`` in
``configure`` and keeps them in memory for the life of the process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..errors import ConfigurationError

DEFAULT_ENDPOINT = "https://platform.adobe.io/data/core/dps"
DEFAULT_IMS_ENDPOINT = "https://ims-na1.adobelogin.com/ims/token/v3"
DEFAULT_SCOPES = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext"
DEFAULT_SANDBOX = "prod"


@dataclass(frozen=True)
class Setting:
    """One setting: its Pulumi config key, its environment variable and its default."""

    config_key: str
    env_var: str
    default: Optional[str] = None
    secret: bool = False


SETTINGS: dict[str, Setting] = {
    "client_id": Setting("adobe:clientId", "ADOBE_CLIENT_ID"),
    "client_secret": Setting("adobe:clientSecret", "ADOBE_CLIENT_SECRET", secret=True),
    "ims_org_id": Setting("adobe:imsOrgId", "ADOBE_IMS_ORG_ID"),
    "sandbox_name": Setting("adobe:sandboxName", "ADOBE_SANDBOX_NAME", DEFAULT_SANDBOX),
    "scopes": Setting("adobe:scopes", "ADOBE_SCOPES", DEFAULT_SCOPES),
    "access_token": Setting("adobe:accessToken", "ADOBE_ACCESS_TOKEN", secret=True),
    "endpoint": Setting("adobe:endpoint", "ADOBE_ENDPOINT", DEFAULT_ENDPOINT),
    "ims_endpoint": Setting("adobe:imsEndpoint", "ADOBE_IMS_ENDPOINT", DEFAULT_IMS_ENDPOINT),
    "request_timeout": Setting("adobe:requestTimeout", "ADOBE_REQUEST_TIMEOUT", "30"),
    "max_retries": Setting("adobe:maxRetries", "ADOBE_MAX_RETRIES", "8"),
    "retry_deadline": Setting("adobe:retryDeadline", "ADOBE_RETRY_DEADLINE", "300"),
    "late_write_window": Setting("adobe:lateWriteWindow", "ADOBE_LATE_WRITE_WINDOW", "60"),
    "max_requests_per_second": Setting("adobe:maxRequestsPerSecond", "ADOBE_MAX_REQUESTS_PER_SECOND", "0"),
    # Decisioning's decision items: the catalog's schema (x-schema-id), its tenant (`_<tenant>`) and its attributes.
    "item_schema_id": Setting("adobe:itemSchemaId", "ADOBE_ITEM_SCHEMA_ID"),
    "tenant_id": Setting("adobe:tenantId", "ADOBE_TENANT_ID"),
    "item_attributes": Setting("adobe:itemAttributes", "ADOBE_ITEM_ATTRIBUTES"),
    # A create takes an identical object of ours that no resource holds (a killed run's) instead of posting.
    "take_leftovers": Setting("adobe:takeLeftovers", "ADOBE_TAKE_LEFTOVERS", "true"),
}


@dataclass(frozen=True)
class Settings:
    """Everything the client needs to reach one Adobe org; ``repr`` never shows a secret."""

    client_id: Optional[str]
    ims_org_id: Optional[str]
    sandbox_name: str
    scopes: str
    endpoint: str
    ims_endpoint: str
    request_timeout: float
    max_retries: int
    retry_deadline: float
    late_write_window: float
    max_requests_per_second: float
    take_leftovers: bool = True
    client_secret: Optional[str] = field(default=None, repr=False)
    access_token: Optional[str] = field(default=None, repr=False)
    item_schema_id: Optional[str] = None
    """``x-schema-id`` of every decision-item call: the AEP schema of the item catalog (opaque)."""
    tenant_id: Optional[str] = None
    """The tenant whose ``_<tenant>`` object holds a decision item's custom attributes."""
    item_attributes: Optional[str] = None
    """The catalog's custom attributes and their types, as JSON (``{"color": "string"}``): checked at plan time."""

    @classmethod
    def load(cls, config_get: Callable[[str], Any], environ: Optional[dict[str, str]] = None) -> "Settings":
        """Config first, then the environment, then the default, for every setting."""
        env = os.environ if environ is None else environ
        values: dict[str, Optional[str]] = {}
        for name, setting in SETTINGS.items():
            value = config_get(setting.config_key)
            if value in (None, ""):
                value = env.get(setting.env_var) or setting.default
            values[name] = None if value is None else str(value)
        return cls(
            client_id=values["client_id"],
            client_secret=values["client_secret"],
            ims_org_id=values["ims_org_id"],
            sandbox_name=values["sandbox_name"] or DEFAULT_SANDBOX,
            scopes=values["scopes"] or DEFAULT_SCOPES,
            access_token=values["access_token"],
            endpoint=(values["endpoint"] or DEFAULT_ENDPOINT).rstrip("/"),
            ims_endpoint=values["ims_endpoint"] or DEFAULT_IMS_ENDPOINT,
            request_timeout=_number(values, "request_timeout", float),
            max_retries=_number(values, "max_retries", int),
            retry_deadline=_number(values, "retry_deadline", float),
            late_write_window=_number(values, "late_write_window", float),
            max_requests_per_second=_number(values, "max_requests_per_second", float),
            item_schema_id=values["item_schema_id"],
            tenant_id=values["tenant_id"],
            item_attributes=values["item_attributes"],
            take_leftovers=_flag(values, "take_leftovers"),
        )

    def require_credentials(self) -> None:
        """Fail once, listing every missing setting and how to set it, before any call is made."""
        missing = []
        if not self.client_id:
            missing.append("client_id")
        if not self.ims_org_id:
            missing.append("ims_org_id")
        if not self.access_token and not self.client_secret:
            missing.append("client_secret")
        if missing:
            lines = [
                f"  - {SETTINGS[name].config_key} (pulumi config set {SETTINGS[name].config_key} <value>"
                f"{' --secret' if SETTINGS[name].secret else ''}) or the environment variable {SETTINGS[name].env_var}"
                for name in missing
            ]
            hint = (
                ""
                if "client_secret" not in missing
                else "\n  (or, instead of a client secret, an access token in adobe:accessToken / ADOBE_ACCESS_TOKEN)"
            )
            raise ConfigurationError("Adobe credentials are not configured; missing:\n" + "\n".join(lines) + hint)


def _number(values: dict[str, Optional[str]], name: str, kind: type) -> Any:
    setting = SETTINGS[name]
    raw = values[name]
    try:
        number = kind(float(str(raw))) if kind is int else kind(str(raw))
    except (TypeError, ValueError):
        raise ConfigurationError(f"{setting.config_key} / {setting.env_var} must be a number, got {raw!r}") from None
    if number < 0 or (number == 0 and name in _POSITIVE):
        bound = "greater than 0" if name in _POSITIVE else "0 or more"
        raise ConfigurationError(f"{setting.config_key} / {setting.env_var} must be {bound}, got {raw!r}")
    return number


def _flag(values: dict[str, Optional[str]], name: str) -> bool:
    setting = SETTINGS[name]
    raw = (values[name] or "").strip().lower()
    if raw not in ("true", "false"):
        raise ConfigurationError(
            f"{setting.config_key} / {setting.env_var} must be true or false, got {values[name]!r}"
        )
    return raw == "true"


# Settings where 0 makes no sense (a zero timeout fails every call); elsewhere 0 means "none".
_POSITIVE = frozenset({"request_timeout", "retry_deadline"})
