"""Editor credentials: hashed, no defaults, wrong passwords refused."""
from layers.auth import authenticate, hash_password, load_editors, verify_password


def test_hash_round_trip_and_wrong_password():
    stored = hash_password("s3cret-湖州")
    assert stored.startswith("pbkdf2_sha256$") and "s3cret" not in stored
    assert verify_password("s3cret-湖州", stored)
    assert not verify_password("wrong", stored)


def test_editors_come_from_secrets_and_environment_and_there_is_no_default():
    assert load_editors({}, None) == {}
    h = hash_password("pw")
    editors = load_editors({"HZ_EDITORS": f"li={h}; bad=plaintext"}, {"editors": {"wang": h}})
    assert set(editors) == {"li", "wang"}  # a plaintext entry is ignored
    assert authenticate("wang", "pw", editors) and not authenticate("wang", "nope", editors)
    assert not authenticate("nobody", "pw", editors)
