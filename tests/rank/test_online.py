"""FTRL-Proximal online logistic regression over hashed features."""

from __future__ import annotations

import numpy as np

from tidings.rank.online import Features, OnlineLogistic, hash_features


def example(model: OnlineLogistic, user: str, topic: str) -> Features:
    return model.features({f"topic={topic}": 1.0, f"user={user}&topic={topic}": 1.0})


def test_hashing_is_stable_and_adds_a_bias() -> None:
    slots, values = hash_features({"a": 2.0, "b": 0.5}, bits=16)
    again, _ = hash_features({"a": 2.0, "b": 0.5}, bits=16)
    assert list(slots) == list(again)
    assert len(slots) == 3 and values[0] == 1.0 and values[1] == 2.0
    assert all(0 <= s < 2**16 for s in slots)


def test_learns_a_readers_taste_from_a_few_events_and_keeps_readers_apart() -> None:
    model = OnlineLogistic(bits=16)
    before = model.predict(example(model, "ann", "science"))
    rng = np.random.default_rng(0)
    for _ in range(60):
        # Ann reads science to the end and skips sport; Bob the opposite.
        model.update(example(model, "ann", "science"), float(rng.random() < 0.8))
        model.update(example(model, "ann", "sport"), float(rng.random() < 0.05))
        model.update(example(model, "bob", "sport"), float(rng.random() < 0.8))
        model.update(example(model, "bob", "science"), float(rng.random() < 0.05))
    assert model.predict(example(model, "ann", "science")) > before
    assert (
        model.predict(example(model, "ann", "science"))
        > model.predict(example(model, "ann", "sport")) + 0.3
    )
    assert (
        model.predict(example(model, "bob", "sport"))
        > model.predict(example(model, "bob", "science")) + 0.3
    )
    contributions = model.contributions(example(model, "ann", "science"))
    assert contributions[2] > 0  # the reader x topic cross carries the taste


def test_fractional_labels_and_state_round_trip() -> None:
    model = OnlineLogistic(bits=12)
    for _ in range(200):
        model.update(example(model, "cy", "climate"), 0.3)
    assert abs(model.predict(example(model, "cy", "climate")) - 0.3) < 0.08
    copy = OnlineLogistic.from_bytes(model.to_bytes())
    assert copy.updates == 200
    assert copy.predict(example(copy, "cy", "climate")) == model.predict(
        example(model, "cy", "climate")
    )
    assert len(model.to_bytes()) < 10_000  # only the used slots are kept


def test_a_model_stored_compressed_by_an_earlier_version_still_loads() -> None:
    import io

    model = OnlineLogistic(bits=12)
    for _ in range(50):
        model.update(example(model, "di", "energy"), 1.0)
    used = np.flatnonzero(model._n)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        meta=np.asarray([12, model.alpha, model.beta, model.l1, model.l2, 50], dtype=np.float64),
        slots=used.astype(np.int64),
        z=model._z[used],
        n=model._n[used],
    )
    copy = OnlineLogistic.from_bytes(buffer.getvalue())
    assert copy.updates == 50
    assert copy.predict(example(copy, "di", "energy")) == model.predict(
        example(model, "di", "energy")
    )
