"""JAX multi-device: batched queries (vmap over tables, soft evidence) and sliced
contractions shard across four CPU devices and give the one-device answers and closed
forms. JAX fixes its device count at import, so each check runs in a fresh interpreter
with ``XLA_FLAGS=--xla_force_host_platform_device_count=4``."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jax")

HERE = Path(__file__).parent


def _run_with_devices(code, devices=4):
    env = {
        **os.environ,
        "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
        "JAX_PLATFORMS": "cpu",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    prelude = "import jax\njax.config.update('jax_enable_x64', True)\n"
    out = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_batch_of_tables_shards_over_four_devices():
    got = _run_with_devices("""
        import json, jax.numpy as jnp, markovcat as mc
        D = mc.Obj("D", ("healthy", "ill"))
        def log_ev(p, sens):
            joint = mc.state(D, p) >> mc.copy(D) >> (mc.identity(D) @ mc.kernel(D, mc.Bool, sens))
            return mc.log_evidence(joint, {1: True})
        ps = jnp.array([[1 - q, q] for q in (0.01, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9)])
        sens = jnp.array([[[0.9, 0.1], [1 - s, s]] for s in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)])
        out = mc.sharded_vmap(log_ev)(ps, sens)
        odd = mc.sharded_vmap(log_ev)(ps[:7], sens[:7])   # 7 rows: padded to 8, cut back
        print(json.dumps({"devices": len(jax.devices()), "on": len(out.sharding.device_set),
                          "out": [float(v) for v in out], "odd": [float(v) for v in odd]}))
    """)
    assert got["devices"] == 4 and got["on"] == 4
    q = np.array([0.01, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9])
    s = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0])
    closed = np.log((1 - q) * 0.1 + q * s)  # P(T = true) by total probability
    np.testing.assert_allclose(got["out"], closed, rtol=1e-13)
    np.testing.assert_allclose(got["odd"], closed[:7], rtol=1e-13)


def test_a_batch_of_soft_evidence_shards_and_matches_bayes_rule():
    got = _run_with_devices("""
        import json, jax.numpy as jnp, markovcat as mc
        D = mc.Obj("D", ("healthy", "ill"))
        prior = mc.state(D, [0.7, 0.3])
        def post(like):   # a predicate D -> Bool: the likelihood of the evidence
            pred = mc.kernel(D, mc.Bool, jnp.stack([1 - like, like], axis=-1))
            return mc.condition(prior, pred).array
        likes = jnp.array([[0.2, 0.9], [0.5, 0.5], [0.9, 0.1], [0.01, 0.99]])
        out = mc.sharded_vmap(post)(likes)
        print(json.dumps({"on": len(out.sharding.device_set), "out": out.tolist()}))
    """)
    likes = np.array([[0.2, 0.9], [0.5, 0.5], [0.9, 0.1], [0.01, 0.99]])
    joint = likes * np.array([0.7, 0.3])
    np.testing.assert_allclose(got["out"], joint / joint.sum(axis=1, keepdims=True), rtol=1e-13)
    assert got["on"] == 4


def test_sliced_contractions_run_one_slice_per_device():
    got = _run_with_devices("""
        import json, numpy as np, jax.numpy as jnp, markovcat as mc
        import markovcat._engine as E
        from test_distributed import _latent_model
        model, jmodel = _latent_model(), _latent_model(array=jnp.asarray)
        ev = {0: 1, 3: 2, 5: 0}
        want = [m.array.tolist() for m in mc.posterior_marginals(model, ev)]
        want_z = float(mc.log_evidence(model, ev))
        calls = []
        inner = E._sharded_slices
        E._sharded_slices = lambda *a: (calls.append(a[2]), inner(*a))[1]
        with mc.config.override(max_elements=16):
            got = [np.asarray(m.array).tolist() for m in mc.posterior_marginals(jmodel, ev)]
            got_z = float(mc.log_evidence(jmodel, ev))
        print(json.dumps({"calls": calls, "want": want, "got": got, "z": [want_z, got_z]}))
    """)
    assert got["calls"] and set(got["calls"]) == {4}, "sliced, four devices wide"
    for a, b in zip(got["got"], got["want"], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-13)
    np.testing.assert_allclose(got["z"][1], got["z"][0], rtol=1e-13)


def test_bad_batches_are_clear_errors():
    import jax.numpy as jnp

    import markovcat as mc

    f = mc.sharded_vmap(lambda a, b: a + b)
    with pytest.raises(mc.InvalidArgumentError, match=r"batch sizes \[2, 3\]"):
        f(jnp.ones(2), jnp.ones(3))
    with pytest.raises(mc.InvalidArgumentError, match="in_axes of 0 or None"):
        mc.sharded_vmap(lambda a: a, in_axes=(1,))(jnp.ones((2, 2)))
    with pytest.raises(mc.InvalidArgumentError, match="non-empty leading"):
        f(jnp.ones(()), jnp.ones(()))
    np.testing.assert_allclose(f(jnp.ones(3), jnp.arange(3.0)), [1.0, 2.0, 3.0])
