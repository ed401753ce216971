"""The search's tests read the people list through the pages and the API."""

from tests.api.conftest import api  # noqa: F401 (the API's client fixture)
