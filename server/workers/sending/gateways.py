"""Gateways to citizens' phones: one interface, `send(message) -> Outcome`, for an SMS
gateway (eSMS.vn's JSON API) and Zalo ZNS, both plain HTTP with `requests`.

An outcome is one of three: `sent` (the gateway accepted it, with its id), `retry` (it
may work later: a timeout, a refused connection, a 5xx, the gateway's own "try again"),
or `failed` (it never will: a bad number, a template Zalo does not know). Each request
carries the message's `ref` (eSMS `RequestId`, ZNS `tracking_id`), the same on every
retry, so a gateway that took a message whose answer was lost recognises the retry as
the same message and does not deliver it twice.

Credentials come from the server's configuration (`LUOT_SMS_*`, `LUOT_ZNS_*`) and are
never logged nor put in an outcome's reason. They travel in the body (eSMS) or a header
(ZNS) of every request, so a redirect is never followed: `requests` would send the same
body, and a custom header, to whatever address the `Location` names. A gateway that
answers 3xx has moved or is not the gateway configured; the message waits (retried with
backoff, the same `ref`) while the administrator checks `LUOT_SMS_URL` / `LUOT_ZNS_URL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from ...models import OutboxMessage


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent" | "retry" | "failed"
    provider_id: str | None = None
    reason: str | None = None

    @classmethod
    def sent(cls, provider_id: str) -> Outcome:
        return cls("sent", provider_id=provider_id)

    @classmethod
    def retry(cls, reason: str) -> Outcome:
        return cls("retry", reason=reason)

    @classmethod
    def failed(cls, reason: str) -> Outcome:
        return cls("failed", reason=reason)


class Gateway(Protocol):
    def send(self, message: OutboxMessage) -> Outcome: ...


class ConfigError(ValueError):
    """A messages setting of the server is malformed; names the variable."""


def check_url(name: str, value: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"LUOT_{name} must be an http:// or https:// URL, not {value!r}")
    return value.rstrip("/")


def digits(phone: str) -> str:
    return re.sub(r"[^0-9]", "", phone or "")


def international(phone: str) -> str:
    """A Vietnamese number as Zalo wants it: 84xxxxxxxxx."""
    number = digits(phone)
    if number.startswith("0"):
        return "84" + number[1:]
    return number


def _post(url: str, timeout: float, **kwargs: Any) -> requests.Response | Outcome:
    """The POST, or the retryable outcome of a transport failure (no URL nor secret in it)."""
    try:
        response = requests.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout:
        return Outcome.retry("the gateway did not answer in time")
    except requests.RequestException as exc:
        return Outcome.retry(f"cannot reach the gateway ({exc.__class__.__name__})")
    if 300 <= response.status_code < 400:
        # Not followed (the credentials would go with it); the Location is not echoed.
        return Outcome.retry(
            f"the gateway answered a redirect (HTTP {response.status_code}), not followed: "
            "check the gateway's URL setting"
        )
    if response.status_code >= 500 or response.status_code == 429:
        return Outcome.retry(f"the gateway answered HTTP {response.status_code}")
    if response.status_code >= 400:
        return Outcome.failed(f"the gateway refused the request (HTTP {response.status_code})")
    return response


def _json(response: requests.Response) -> dict[str, Any] | Outcome:
    try:
        body = response.json()
    except ValueError:
        return Outcome.retry("the gateway's answer is not JSON")
    return body if isinstance(body, dict) else Outcome.retry("the gateway's answer is not JSON")


class Unconfigured:
    """The office chose a channel this server has no credentials for: kept and retried,
    so the messages go out once the administrator sets them (and restarts)."""

    def __init__(self, channel: str, variables: str) -> None:
        self.reason = f"the {channel} gateway is not configured ({variables})"

    def send(self, message: OutboxMessage) -> Outcome:
        return Outcome.retry(self.reason)


class EsmsGateway:
    """eSMS.vn: POST <base>/MainService.svc/json/SendMultipleMessage_V4_post_json/.
    CodeResult "100" is accepted (SMSID its id); "99" (unknown error) is worth a retry."""

    PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    RETRY_CODES = frozenset({"99"})

    def __init__(
        self,
        base_url: str,
        api_key: str,
        secret_key: str,
        brandname: str,
        sms_type: str = "2",
        timeout: float = 10.0,
    ) -> None:
        self.url = base_url.rstrip("/") + self.PATH
        self._api_key, self._secret_key = api_key, secret_key
        self.brandname, self.sms_type, self.timeout = brandname, sms_type, timeout

    def __repr__(self) -> str:  # never the keys
        return f"EsmsGateway({self.url!r}, brandname={self.brandname!r})"

    def send(self, message: OutboxMessage) -> Outcome:
        body = {
            "ApiKey": self._api_key,
            "SecretKey": self._secret_key,
            "Phone": digits(message.phone),
            "Content": message.body,
            "Brandname": self.brandname,
            "SmsType": self.sms_type,
            # Vietnamese with its diacritics is sent as Unicode; plain ASCII as is.
            "IsUnicode": "0" if message.body.isascii() else "1",
            "RequestId": message.ref,
        }
        response = _post(self.url, self.timeout, json=body)
        if isinstance(response, Outcome):
            return response
        answer = _json(response)
        if isinstance(answer, Outcome):
            return answer
        code = str(answer.get("CodeResult", ""))
        if code == "100" and answer.get("SMSID"):
            return Outcome.sent(str(answer["SMSID"]))
        reason = f"eSMS CodeResult {code or '?'}: {str(answer.get('ErrorMessage') or '')[:200]}"
        return Outcome.retry(reason) if code in self.RETRY_CODES else Outcome.failed(reason)


class ZnsGateway:
    """Zalo ZNS: POST <base>/message/template with the OA's `access_token` header.
    `error` 0 is accepted (data.msg_id its id)."""

    # Zalo's own "try later" answers: an internal error, quota or rate limits for now.
    RETRY_CODES = frozenset({-1, -32, -123, -124, -144})

    def __init__(self, base_url: str, access_token: str, timeout: float = 10.0) -> None:
        self.url = base_url.rstrip("/") + "/message/template"
        self._token = access_token
        self.timeout = timeout

    def __repr__(self) -> str:  # never the token
        return f"ZnsGateway({self.url!r})"

    def send(self, message: OutboxMessage) -> Outcome:
        if not message.template_id:
            return Outcome.failed("no ZNS template id")
        body = {
            "phone": international(message.phone),
            "template_id": message.template_id,
            "template_data": message.params or {},
            "tracking_id": message.ref,
        }
        response = _post(
            self.url,
            self.timeout,
            json=body,
            headers={"access_token": self._token, "Content-Type": "application/json"},
        )
        if isinstance(response, Outcome):
            return response
        answer = _json(response)
        if isinstance(answer, Outcome):
            return answer
        error = answer.get("error")
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        if error == 0 and data.get("msg_id"):
            return Outcome.sent(str(data["msg_id"]))
        reason = f"ZNS error {error}: {str(answer.get('message') or '')[:200]}"
        return Outcome.retry(reason) if error in self.RETRY_CODES else Outcome.failed(reason)


def gateways(config: Any) -> dict[str, Gateway]:
    """The server's gateways by channel, from its configuration; a malformed URL stops the
    start with the variable's name (like a malformed LUOT_PRINTER_* setting)."""
    timeout = float(config["MESSAGE_TIMEOUT"])
    sms_url = check_url("SMS_URL", str(config["SMS_URL"]))
    zns_url = check_url("ZNS_URL", str(config["ZNS_URL"]))
    # Values from the environment may come as numbers (from_prefixed_env reads JSON).
    api_key, secret_key = str(config["SMS_API_KEY"] or ""), str(config["SMS_SECRET_KEY"] or "")
    brandname, token = str(config["SMS_BRANDNAME"] or ""), str(config["ZNS_ACCESS_TOKEN"] or "")
    result: dict[str, Gateway] = {}
    if api_key and secret_key and brandname:
        result["sms"] = EsmsGateway(
            sms_url, api_key, secret_key, brandname, str(config["SMS_TYPE"]), timeout
        )
    else:
        result["sms"] = Unconfigured(
            "SMS", "LUOT_SMS_API_KEY, LUOT_SMS_SECRET_KEY, LUOT_SMS_BRANDNAME"
        )
    if token:
        result["zns"] = ZnsGateway(zns_url, token, timeout)
    else:
        result["zns"] = Unconfigured("ZNS", "LUOT_ZNS_ACCESS_TOKEN")
    return result
