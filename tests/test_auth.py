"""Editor credentials: hashed, no defaults, wrong passwords refused."""
from layers.editing.auth import authenticate, hash_password, load_editors, verify_password


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


def test_repeated_wrong_passwords_make_each_try_wait_longer_then_lock():
    from layers.editing.throttle import FREE_TRIES, LOCK_AFTER, LOCK_S, SignInThrottle

    now = [1000.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    waits = []
    for _ in range(LOCK_AFTER - 1):
        verdict = throttle.check("wang", "10.0.0.9")
        assert verdict.allowed
        throttle.failed("wang", "10.0.0.9")
        waits.append(throttle.check("wang", "10.0.0.9").wait_s)
        now[0] += waits[-1]  # the guesser waits exactly as long as asked
    assert waits[:FREE_TRIES] == [0.0] * FREE_TRIES
    assert waits[FREE_TRIES:] == sorted(waits[FREE_TRIES:]) and waits[-1] > waits[FREE_TRIES] > 0
    throttle.failed("wang", "10.0.0.9")
    verdict = throttle.check("wang", "10.0.0.9")
    assert verdict.locked and not verdict.allowed and verdict.wait_s == LOCK_S
    # The right password during the lock is not even checked; another client is locked out of
    # the account too, and the same client out of other accounts.
    assert not throttle.check("wang", "10.0.0.7").allowed
    assert not throttle.check("li", "10.0.0.9").allowed
    now[0] += LOCK_S + 1
    assert throttle.check("wang", "10.0.0.9").allowed
    throttle.succeeded("wang", "10.0.0.9")
    assert throttle.check("wang", "10.0.0.9").wait_s == 0.0


def test_the_guide_shows_a_quoting_the_shell_keeps_intact():
    import re
    import subprocess
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "docs" / "gis-staff.md").read_text(encoding="utf-8")
    (assignment,) = re.findall(r"`(HZ_EDITORS=[^`]+)`", readme)
    value = assignment.split("=", 1)[1].strip("'")
    out = subprocess.run(["bash", "-c", f'{assignment}; printf %s "$HZ_EDITORS"'], capture_output=True, text=True)
    assert out.stdout == value and "pbkdf2_sha256$" in out.stdout
