"""The target's credentials as a locustfile reads them, wherever Locust runs (here or
in worker pods): `PAGERDRILL_*` for any platform's locustfile, `IDP_*` for the
reference IDP's."""

from __future__ import annotations

from pydantic import SecretStr

VARIABLES = {
    "PAGERDRILL_USERNAME": "username",
    "PAGERDRILL_PASSWORD": "password",
    "IDP_USERNAME": "username",
    "IDP_PASSWORD": "password",
}
"""Environment variable -> which credential it holds."""


def environment(username: str, password: SecretStr) -> dict[str, str]:
    values = {"username": username, "password": password.get_secret_value()}
    return {variable: values[key] for variable, key in VARIABLES.items()}
