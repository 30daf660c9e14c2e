"""Receipt codes without HTTP: round trip, tampering, expiry, reuse, and the reference."""

import importlib.util
import json
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveys.capture.responses import Tap, record_tap
from surveys.channels.receipt_codes import CODE_LENGTH, ReceiptFields, encode_code
from surveys.channels.receipts import mint_receipt, receipt_source, verify_receipt_code
from surveys.db import db
from surveys.errors import AlreadyAnswered, CodeExpired, CodeInvalid, SubmissionInvalid
from surveys.models import Location, Response, utcnow

DOCS = Path(__file__).resolve().parents[3] / "docs"
REFERENCE = DOCS / "receipt_code_reference.py"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def load_reference():
    """The standalone reference implementation, imported from its file."""
    spec = importlib.util.spec_from_file_location("receipt_code_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_vectors() -> list[dict]:
    """The test vectors as docs/receipt-codes.md lists them."""
    text = (DOCS / "receipt-codes.md").read_text(encoding="utf-8")
    block = re.search(r"## Test vectors.*?```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)


@pytest.fixture
def location(app, demo):
    """The demo location, inside an app context."""
    with app.app_context():
        yield db.session.get(Location, demo.location_id)


def test_a_minted_code_reads_back_as_the_same_receipt(location, demo):
    issued = utcnow().replace(microsecond=0) - timedelta(hours=2)
    staff = demo.staff_ids["Ravi"]
    minted = mint_receipt(location, till=3, number=48213, issued_at=issued, staff_id=staff)
    receipt = verify_receipt_code(minted.code)
    assert len(minted.code) == CODE_LENGTH == 36
    assert re.fullmatch(r"[A-Za-z0-9_-]{36}", minted.code)
    assert minted.url == f"http://localhost/r/{minted.code}"
    assert (receipt.location.id, receipt.till, receipt.number) == (location.id, 3, 48213)
    assert (receipt.issued_at, receipt.staff_id) == (issued, staff)


def test_every_changed_character_is_refused(location):
    code = mint_receipt(location, till=1, number=7).code
    for position, original in enumerate(code):
        for replacement in (BASE64URL[(BASE64URL.index(original) + 1) % 64], "=", "%", "~"):
            tampered = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(CodeInvalid):
                verify_receipt_code(tampered)


@pytest.mark.parametrize("cut", [1, 10, 35])
def test_truncated_and_lengthened_codes_are_refused(location, cut):
    code = mint_receipt(location, till=1, number=7).code
    for broken in (code[:cut], code + code[:cut], "", " " + code[1:]):
        with pytest.raises(CodeInvalid):
            verify_receipt_code(broken)


def test_a_code_signed_with_another_locations_secret_is_refused(location):
    other = Location(name="Other shop", languages=["en"])
    db.session.add(other)
    db.session.flush()
    # Claims the demo location but is signed with the other shop's secret.
    fields = ReceiptFields(location.id, 1, 7, int(time.time()))
    with pytest.raises(CodeInvalid):
        verify_receipt_code(encode_code(fields, other.receipt_secret))
    # A genuine code of the other shop is not one of the demo location's.
    assert verify_receipt_code(mint_receipt(other, till=1, number=7).code).location == other


def test_codes_expire_after_the_locations_validity_period(location):
    location.receipt_valid_days = 30
    code = mint_receipt(location, till=1, number=1, issued_at=utcnow() - timedelta(days=29)).code
    assert verify_receipt_code(code)
    with pytest.raises(CodeExpired) as expired:
        verify_receipt_code(code, now=utcnow() + timedelta(days=2))
    assert expired.value.status == 410 and expired.value.valid_days == 30
    location.receipt_valid_days = 60
    assert verify_receipt_code(code, now=utcnow() + timedelta(days=2))


def test_a_code_stamped_far_in_the_future_is_refused(location):
    stamp = int(time.time()) + 3 * 24 * 3600
    code = encode_code(ReceiptFields(location.id, 1, 1, stamp), location.receipt_secret)
    with pytest.raises(CodeInvalid):
        verify_receipt_code(code)


def test_a_staff_id_from_another_location_is_ignored(location):
    other = Location(name="Other shop", languages=["en"])
    db.session.add(other)
    db.session.flush()
    stamp = int(time.time())
    code = encode_code(ReceiptFields(location.id, 1, 1, stamp, 999), location.receipt_secret)
    assert verify_receipt_code(code).staff_id is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"till": 70_000}, "till"),
        ({"till": -1}, "till"),
        ({"number": 2**32}, "receipt_number"),
        ({"number": "12"}, "receipt_number"),
        ({"staff_id": 999}, "staff_id"),
        ({"issued_at": utcnow() - timedelta(days=31)}, "issued_at"),
        ({"issued_at": utcnow() + timedelta(days=2)}, "issued_at"),
    ],
)
def test_minting_refuses_what_a_code_cannot_carry(location, changes, field):
    with pytest.raises(SubmissionInvalid) as refused:
        mint_receipt(location, **({"till": 1, "number": 1} | changes))
    assert field in refused.value.errors


def a_tap(demo, rating=1):
    return Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), str(rating), "en")


def test_a_receipt_takes_one_response(location, demo):
    code = mint_receipt(location, till=1, number=5).code
    first_tap = a_tap(demo)
    first = record_tap(receipt_source(code), first_tap)
    db.session.commit()
    assert record_tap(receipt_source(code), first_tap) is first  # a resend, not a second
    with pytest.raises(AlreadyAnswered):
        record_tap(receipt_source(code), a_tap(demo, rating=5))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_reference_and_the_server_agree_on_the_documented_vectors(app):
    reference = load_reference()
    vectors = documented_vectors()
    assert len(vectors) >= 5
    for vector in vectors:
        fields = {k: vector[k] for k in ReceiptFields.__dataclass_fields__}
        server = encode_code(ReceiptFields(**fields), vector["secret"])
        assert server == reference.make_code(vector["secret"], **fields) == vector["code"]
        assert reference.check_code(vector["secret"], vector["code"]) == fields
        tampered = vector["code"][:-1] + ("A" if vector["code"][-1] != "A" else "B")
        assert reference.check_code(vector["secret"], tampered) is None


def test_the_reference_runs_as_a_script(app):
    vector = documented_vectors()[3]
    numbers = [vector[k] for k in ("location_id", "till", "receipt_number", "issued_at")]
    args = [vector["secret"], *map(str, numbers), str(vector["staff_id"])]
    printed = subprocess.run(
        [sys.executable, str(REFERENCE), *args], capture_output=True, text=True, check=True
    )
    assert printed.stdout.strip() == vector["code"]


def test_a_code_the_reference_makes_opens_on_the_server(location):
    reference = load_reference()
    stamp = int(time.time())
    code = reference.make_code(location.receipt_secret, location.id, 9, 123, stamp)
    receipt = verify_receipt_code(code)
    assert (receipt.till, receipt.number, receipt.staff_id) == (9, 123, None)
