"""A complete production configuration for tests that start the app as production: the app
refuses to start without a long secret, an https:// BASE_URL and the town's identity
(config.validate_production). The town is fictitious."""

from __future__ import annotations

import os

from config import ProductionConfig

SECRET = "a-production-secret-used-only-by-the-test-suite"
BASE_URL = "https://skm.example"
TOWN = {
    "TOWN_NAME": "Teststadt",
    "OFFICE_NAME": "Büro für Integration",
    "OFFICE_EMAIL": "integration@teststadt.example",
    "OFFICE_PHONE": "+49 9999 000-0",
    "OFFICE_ADDRESS": "Marktplatz 7, 99999 Teststadt",
    "IMPRINT_REPRESENTATIVE": "Der Bürgermeister der Stadt Teststadt",
    "IMPRINT_CONTENT_RESPONSIBLE": "Büro für Integration der Stadt Teststadt",
    "IMPRINT_SUPERVISORY_AUTHORITY": "Kommunalaufsicht Testkreis",
    "PRIVACY_CONTACT": "Datenschutz Teststadt, datenschutz@teststadt.example",
    "PRIVACY_AUTHORITY": "Datenschutzaufsicht Testland",
}


def production_env(**settings: str) -> dict[str, str]:
    """The environment of a production process: this process's, completed, then `settings`."""
    return {**os.environ, "FLASK_CONFIG": "production", "SECRET_KEY": SECRET,
            "BASE_URL": BASE_URL, **TOWN, **settings}


# ProductionConfig with everything production requires (subclass it in tests)
ProductionTestConfig = type("ProductionTestConfig", (ProductionConfig,), {
    "SECRET_KEY": SECRET, "BASE_URL": BASE_URL, "SQLALCHEMY_DATABASE_URI": "sqlite://", **TOWN,
})
