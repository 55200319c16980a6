"""Kalman filtering and RTS smoothing in markovcat.gauss against hand-written peers, side by
side in one run (ratio = markovcat time / peer time; below 1 means markovcat is faster).

* ``numpy`` — ``gauss.kalman_filter`` + ``gauss.rts_smoother`` (predict by ``>>``, update
  by ``mc.bayes_invert``, smooth by composing with ``bayes_invert(move, filtered_t)``) on a
  4-dimensional constant-velocity state with 2-dimensional readings over T steps, against
  a hand-written numpy Kalman filter (with the log-likelihood, as ``kalman_filter``
  returns it) and RTS smoother. Means and log-likelihoods are checked to agree.
* ``jax scan`` — one filter step written with the markovcat verbs
  (``mc.bayes_invert(look, belief >> move)[y]``) as the body of ``jax.lax.scan`` under
  ``jax.jit``, against the same filter hand-written in ``jax.numpy`` under ``lax.scan``
  (steady state: compiled once, timed after). Means are checked to agree.

    python benchmarks/gauss.py [--steps 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import markovcat as mc
from markovcat import gauss

DT = 0.1
F = np.array([[1, 0, DT, 0], [0, 1, 0, DT], [0, 0, 1, 0], [0, 0, 0, 1]], float)
Q, H, R = 0.02 * np.eye(4), np.eye(2, 4), 0.3 * np.eye(2)


def readings(T: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    x, ys = np.array([0, 0, 1, 0.5]), np.empty((T, 2))
    for t in range(T):
        x = F @ x + rng.multivariate_normal(np.zeros(4), Q)
        ys[t] = H @ x + rng.multivariate_normal(np.zeros(2), R)
    return ys


def numpy_filter_smoother(ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    T = len(ys)
    ms, Ps = np.empty((T, 4)), np.empty((T, 4, 4))
    m, P, loglik = np.zeros(4), np.eye(4), 0.0
    for t in range(T):
        if t:
            m, P = F @ m, F @ P @ F.T + Q
        S = H @ P @ H.T + R
        d = ys[t] - H @ m
        loglik -= (2 * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + d @ np.linalg.solve(S, d)) / 2
        K = P @ H.T @ np.linalg.inv(S)
        m, P = m + K @ (ys[t] - H @ m), P - K @ S @ K.T
        ms[t], Ps[t] = m, P
    sm = ms.copy()
    sP = Ps.copy()
    for t in range(T - 2, -1, -1):
        Pp = F @ Ps[t] @ F.T + Q
        G = Ps[t] @ F.T @ np.linalg.inv(Pp)
        sm[t] = ms[t] + G @ (sm[t + 1] - F @ ms[t])
        sP[t] = Ps[t] + G @ (sP[t + 1] - Pp) @ G.T
    return ms, sm, loglik


def markovcat_filter_smoother(ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    S, O = gauss.Real("state", 4), gauss.Real("reading", 2)
    move, look = gauss.kernel(S, S, F, None, Q), gauss.kernel(S, O, H, None, R)
    filtered, loglik = gauss.kalman_filter(gauss.state(S, np.zeros(4), np.eye(4)), move, look, ys)
    smoothed = gauss.rts_smoother(filtered, move)
    means = np.array([b.mean for b in filtered]), np.array([b.mean for b in smoothed])
    return (*means, float(loglik))


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def bench_numpy(steps: list[int]) -> None:
    print("## numpy: Kalman filter + RTS smoother (4-d state), markovcat verbs vs hand-written")
    print(f"{'T':>8} {'markovcat':>11} {'numpy':>10} {'ratio':>6} {'mc µs/step':>11}")
    for T in steps:
        ys = readings(T)
        t_np, (fm, sm, ll) = timed(numpy_filter_smoother, ys)
        t_mc, (fm2, sm2, ll2) = timed(markovcat_filter_smoother, ys)
        assert np.allclose(fm, fm2, atol=1e-8) and np.allclose(sm, sm2, atol=1e-8)
        assert abs(ll - ll2) <= 1e-8 * max(1.0, abs(ll))
        print(f"{T:>8} {t_mc:10.3f}s {t_np:9.3f}s {t_mc / t_np:6.2f} {t_mc / T * 1e6:11.1f}")


def bench_jax(steps: list[int]) -> None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:  # pragma: no cover - JAX is optional
        print("## jax scan: skipped (JAX is not installed)")
        return
    jax.config.update("jax_enable_x64", True)
    S, O = gauss.Real("state", 4), gauss.Real("reading", 2)
    Fj, Qj, Hj, Rj = (jnp.asarray(a) for a in (F, Q, H, R))

    def mc_step(carry, y):
        m, P = carry
        move, look = gauss.kernel(S, S, Fj, None, Qj), gauss.kernel(S, O, Hj, None, Rj)
        belief = mc.bayes_invert(look, gauss.state(S, m, P) >> move)[y]
        return (belief.mean, belief.cov), belief.mean

    def hand_step(carry, y):
        m, P = carry
        m, P = Fj @ m, Fj @ P @ Fj.T + Qj
        Sx = Hj @ P @ Hj.T + Rj
        K = jnp.linalg.solve(Sx, Hj @ P).T
        m, P = m + K @ (y - Hj @ m), P - K @ Sx @ K.T
        return (m, P), m

    # both start from the belief before the first prediction
    init = (jnp.zeros(4), jnp.eye(4))
    run_mc = jax.jit(lambda ys: jax.lax.scan(mc_step, init, ys)[1])
    run_hand = jax.jit(lambda ys: jax.lax.scan(hand_step, init, ys)[1])
    print("## jax scan: one filter step as the lax.scan body under jit (steady state)")
    print(f"{'T':>8} {'markovcat':>11} {'hand jax':>10} {'ratio':>6}")
    for T in steps:
        ys = jnp.asarray(readings(T))
        a, b = run_mc(ys).block_until_ready(), run_hand(ys).block_until_ready()  # compile
        assert np.allclose(np.asarray(a), np.asarray(b), atol=1e-8)
        t_mc = min(timed(lambda ys=ys: run_mc(ys).block_until_ready())[0] for _ in range(5))
        t_hand = min(timed(lambda ys=ys: run_hand(ys).block_until_ready())[0] for _ in range(5))
        print(f"{T:>8} {t_mc * 1e3:9.2f}ms {t_hand * 1e3:8.2f}ms {t_mc / t_hand:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="1000,10000")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    bench_numpy(steps)
    print()
    bench_jax(steps)


if __name__ == "__main__":
    main()
