"""``import markovcat`` loads neither sympy, JAX, hypothesis nor scipy until they are used,
and the exact backend registers itself the first time an exact value is met. Each check
runs in a fresh interpreter (the test process has all of them loaded already); the checks
share three interpreters to keep the file fast."""

import subprocess
import sys

HEAVY = ("sympy", "jax", "hypothesis", "scipy", "pandas", "matplotlib", "urllib.request")


def run(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.strip().splitlines()


def test_import_markovcat_and_its_pytest_plugin_load_no_heavy_dependency_until_asked():
    lines = run(
        "import sys, markovcat\n"
        "print(' '.join(m for m in {heavy!r} if m in sys.modules) or '-')\n"
        "print('markovcat.laws' in sys.modules)\n"
        "import markovcat.pytest_plugin\n"
        "print(' '.join(m for m in {heavy!r} if m in sys.modules) or '-')\n"
        "markovcat.backends.load('sympy'); print('sympy' in sys.modules)".replace(
            "{heavy!r}", repr(HEAVY)
        )
    )
    assert lines[0] == "-", f"import markovcat loaded {lines[0]}"
    assert lines[1] == "False", "import markovcat imported markovcat.laws"
    assert lines[2] == "-", f"the pytest plugin loaded {lines[2]}"
    assert lines[3] == "True", "backends.load('sympy') should import sympy"


def test_registering_the_pytest_plugin_does_not_import_markovcat():
    """pytest imports the plugin in every run wherever markovcat is installed: it must not
    import markovcat (or anything heavy) until a markovcat fixture is used."""
    lines = run(
        "import sys, pytest, markovcat_pytest_plugin as plugin\n"
        "print(' '.join(m for m in ('markovcat', *{heavy!r}) if m in sys.modules) or '-')\n"
        "import markovcat.pytest_plugin\n"
        "print(tuple(plugin.ALL_BACKENDS) == tuple(markovcat.backends.NAMES))\n"
        "print(markovcat.pytest_plugin.mc_check_family is plugin.mc_check_family)".replace(
            "{heavy!r}", repr(HEAVY)
        )
    )
    assert lines == ["-", "True", "True"], lines


def test_exact_values_load_the_exact_backend_on_first_use():
    lines = run(
        "import sys; from fractions import Fraction as F; import markovcat as mc\n"
        "print('sympy' in sys.modules)\n"
        "p = mc.state(mc.Bool, [F(1, 3), F(2, 3)])\n"
        "q = p >> mc.kernel(mc.Bool, mc.Bool, [[F(1, 2), F(1, 2)], [0, 1]])\n"
        "print(p.backend, q.evaluate().array.tolist())\n"
        "print(mc.loads(mc.dumps(p)).array.tolist())\n"
        "print(mc.state(mc.Bool, [0.25, 0.75]).to('sympy').array.tolist())"
    )
    # by hand: P(True) = 1/3 · 1/2 + 2/3 · 1 = 5/6
    assert lines == ["False", "sympy [1/6, 5/6]", "[1/3, 2/3]", "[1/4, 3/4]"]


def test_sympy_values_reaching_a_dispatcher_register_the_exact_backend():
    lines = run(
        "import sys, sympy, markovcat as mc; from markovcat.backends import ops\n"
        "print('markovcat.backends._exact' in sys.modules)\n"
        "print(mc.backends.name(mc.backends.asarray(sympy.Rational(1, 2))),"
        " ops.is_exact(mc.backends.asarray([sympy.Rational(1, 4)])))"
    )
    assert lines == ["False", "sympy True"]
    assert run(
        "import sys, markovcat as mc; mc.backends.load('sympy'); print('sympy' in sys.modules)"
    ) == ["True"]
