"""Test configuration: hypothesis profiles, JAX in float64, the backend parameter."""

import os

import pytest
from hypothesis import HealthCheck, settings

try:
    import jax

    jax.config.update("jax_enable_x64", True)
    HAVE_JAX = True
except ImportError:  # pragma: no cover - JAX is an optional extra
    HAVE_JAX = False

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=30,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

BACKENDS = ["numpy", "jax", "sympy"] if HAVE_JAX else ["numpy", "sympy"]


@pytest.fixture(params=BACKENDS, scope="session")
def backend(request):
    """Every backend the suite can run on."""
    return request.param
