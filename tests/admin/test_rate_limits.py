"""Exports, downloads and the API are rate limited: per account in the admin, per API key."""

from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import Location
from tests.admin.test_access_matrix import case_a  # noqa: F401  (fixture: a case with a coupon)

SQ = {"Accept-Language": "sq"}
FA = {"Accept-Language": "fa"}


def test_exports_are_limited_per_account_with_a_translated_page(app, shops, signed_in):
    app.config["EXPORT_RATE_LIMIT"] = "2 per minute"
    manager = signed_in("manager_a")
    codes = [manager.get("/admin/exports/responses.csv").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = manager.get("/admin/exports/responses.csv", headers=SQ)
    assert refused.status_code == 429
    assert "Shumë kërkesa. Ju lutemi, prisni një çast." in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers
    # Another account has its own budget, and the export form itself stays open.
    assert signed_in("owner").get("/admin/exports/responses.csv").status_code == 200
    assert manager.get("/admin/exports").status_code == 200


def test_downloads_share_one_budget_per_account(app, shops, signed_in, case_a):  # noqa: F811
    app.config["DOWNLOAD_RATE_LIMIT"] = "3 per minute"
    staff = signed_in("staff_a")
    paths = [
        f"/admin/locations/{shops.a}/poster.png",
        f"/admin/locations/{shops.a}/poster.svg",
        f"/admin/coupons/{case_a['coupon_id']}",
        f"/admin/locations/{shops.a}/poster.png",
    ]
    assert [staff.get(path).status_code for path in paths] == [200, 200, 200, 429]
    assert signed_in("owner").get(paths[0]).status_code == 200


def test_the_api_is_limited_per_key_with_a_json_429(app, client, shops):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    with app.app_context():
        location = db.session.get(Location, shops.a)
        keys = [create_api_key(location, "BI", ("read", "receipts"))[1] for _ in range(2)]
        db.session.commit()
    first, second = ({"Authorization": f"Bearer {key}"} for key in keys)
    codes = [client.get("/api/v1/responses", headers=first).status_code for _ in range(2)]
    body = {"till": 1, "receipt_number": 1, "qr": "none"}
    # One budget across the API's routes: minting a receipt counts too.
    codes.append(client.post("/api/v1/receipts", json=body, headers=first).status_code)
    assert codes == [200, 200, 429]
    refused = client.get("/api/v1/metrics", headers=first | FA)
    assert refused.status_code == 429 and refused.is_json
    assert refused.get_json()["error"] == "درخواست‌ها بیش از حد است. لطفاً کمی صبر کنید."
    assert client.get("/api/v1/responses", headers=second).status_code == 200


def test_guessing_keys_is_limited_per_address(app, shops):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    guesses = [{"Authorization": f"Bearer cpk_guess{n}"} for n in range(3)]
    codes = [guesser.get("/api/v1/responses", headers=guess).status_code for guess in guesses]
    assert codes == [401, 401, 429]
