"""Write the gallery notebooks from their cell sources (keeps them reviewable as code).

Run: python notebooks/make_notebooks.py
"""

import pathlib

import nbformat

HERE = pathlib.Path(__file__).parent
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}


def notebook(name: str, cells: list[tuple[str, str]]) -> None:
    NOTEBOOKS[name] = cells


notebook("01_tour.ipynb", [
    ("md", "# 1. A tour of markovcat\n\nObjects are finite sets, morphisms are Markov kernels. "
           "`>>` composes (first, then), `@` runs side by side; `copy`, `delete` and `swap` "
           "move wires. Every diagram compiles to one tensor contraction."),
    ("code", "import markovcat as mc\nfrom fractions import Fraction\n\n"
             "Disease = mc.Obj('Disease', ('healthy', 'ill'))\nTest = mc.Obj('Test', ('negative', 'positive'))\n"
             "prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name='prior')\n"
             "test = mc.kernel(Disease, Test, [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]], name='test')\n"
             "test"),
    ("md", "Composition pushes the prior through the test: the probability of a positive result."),
    ("code", "evidence = mc.evaluate(prior >> test)\nassert evidence.array[1] == Fraction(117, 2000)\nevidence"),
    ("md", "Copying the disease wire before testing gives the joint state; deleting a wire marginalises it."),
    ("code", "joint = prior >> mc.copy(Disease) >> (mc.identity(Disease) @ test)\nprint(joint)\nmc.evaluate(joint)"),
    ("code", "assert mc.allclose(mc.marginal(joint, [0]), prior)\nmc.marginal(joint, [1])"),
    ("md", "The same model as a program: a wire used twice is copied, one unused is deleted."),
    ("code", "@mc.program(mc.I, Disease @ Test)\ndef screening():\n    d = prior()\n    return d, test(d)\n\n"
             "print(screening)\nassert screening == joint"),
])

notebook("02_bayesian_inference.ipynb", [
    ("md", "# 2. Bayesian inference\n\nConditioning, disintegration and Bayesian inversion, exactly "
           "with sympy and at scale with the compiler. Null events follow one convention: where the "
           "conditioning outcome has probability 0 the row holds the unconditional distribution."),
    ("code", "import numpy as np\nimport sympy\nfrom fractions import Fraction as F\nimport markovcat as mc\n\n"
             "D = mc.Obj('Disease', ('healthy', 'ill'))\nT = mc.Obj('Test', ('neg', 'pos'))\n"
             "prior = mc.state(D, [F(99, 100), F(1, 100)], name='prior')\n"
             "test = mc.kernel(D, T, [[F(19, 20), F(1, 20)], [F(1, 10), F(9, 10)]], name='test')"),
    ("md", "The Bayesian inverse `test†: Test → Disease` answers 'how likely is the disease given the result'."),
    ("code", "inverse = mc.bayes_invert(test, prior)\nassert inverse.array[1, 1] == sympy.Rational(2, 13)\ninverse"),
    ("md", "Bayes' law as an equation of diagrams: both sides are joints on Disease ⊗ Test."),
    ("code", "lhs = prior >> mc.copy(D) >> (mc.identity(D) @ test)\n"
             "rhs = (prior >> test) >> mc.copy(T) >> (inverse @ mc.identity(T))\n"
             "print(lhs)\nprint(rhs)\nassert mc.allclose(lhs, rhs)"),
    ("md", "Disintegration splits the joint into a marginal and a conditional; conditioning observes an outcome."),
    ("code", "marg, cond = mc.disintegrate(lhs, [1])\nprint(marg.array, cond.matrix)\n"
             "mc.condition(lhs, {'Test': 'pos'}, keep=['Disease'])"),
    ("md", "## Filtering and smoothing in a hidden Markov model\n\nThe model is a program: each step applies the "
           "transition kernel and emits an observation. A posterior marginal of one hidden state given 100 "
           "observations is one contraction: the 6^100-entry joint is never built."),
    ("code", "H, O = mc.Obj('H', 3), mc.Obj('O', 2)\nrng = np.random.default_rng(0)\n"
             "init = mc.state(H, [0.5, 0.3, 0.2], name='init')\n"
             "step = mc.kernel(H, H, rng.dirichlet(np.ones(3), size=3), name='step')\n"
             "emit = mc.kernel(H, O, rng.dirichlet(np.ones(2), size=3), name='emit')\nn = 100\n\n"
             "@mc.program(mc.I, mc.product(*[H, O] * n))\ndef hmm():\n    h = init()\n    out = []\n"
             "    for t in range(n):\n        if t:\n            h = step(h)\n        out += [h, emit(h)]\n"
             "    return tuple(out)\n\nobs = rng.integers(0, 2, size=n)\n"
             "evidence = {2 * t + 1: int(o) for t, o in enumerate(obs)}"),
    ("code", "smoothed = [mc.condition(hmm, evidence, keep=[2 * k]).array for k in range(0, n, 10)]\n"
             "np.round(np.array(smoothed), 3)"),
    ("md", "Filtering, step by step, as kernel algebra: predict with `>>`, update with `bayes_invert`."),
    ("code", "belief = init\nfor t in range(n):\n    if t:\n        belief = mc.evaluate(belief >> step)\n"
             "    observed = mc.state(O, np.eye(2)[obs[t]])\n"
             "    belief = mc.evaluate(observed >> mc.bayes_invert(emit, belief))\n"
             "last = mc.condition(hmm, evidence, keep=[2 * (n - 1)])\n"
             "assert mc.allclose(belief, last, atol=1e-9)  # filtering at the end = smoothing at the end\n"
             "belief.array"),
])

notebook("07_jax_and_exact.ipynb", [
    ("md", "# 7. Three kinds of numbers: floats, JAX and exact sympy\n\nThe same diagrams run on numpy, "
           "differentiate and compile with JAX, and compute exactly (even symbolically) with sympy."),
    ("code", "import jax, jax.numpy as jnp\njax.config.update('jax_enable_x64', True)\n"
             "import numpy as np, sympy\nimport markovcat as mc\n\n"
             "D = mc.Obj('Disease', ('healthy', 'ill'))\nT = mc.Obj('Test', ('neg', 'pos'))"),
    ("md", "Fit a sensor to data by gradient descent on the log-likelihood; `kernel_from_logits` keeps rows stochastic."),
    ("code", "counts = np.array([[940., 60.], [11., 89.]])\n\n"
             "def nll(logits):\n    sensor = mc.kernel_from_logits(D, T, logits)\n"
             "    return -jnp.sum(counts * jnp.log(mc.evaluate(sensor).array)) / counts.sum()\n\n"
             "step = jax.jit(jax.value_and_grad(nll))\nlogits = jnp.zeros((2, 2))\n"
             "for _ in range(300):\n    loss, g = step(logits)\n    logits = logits - 2.0 * g\n"
             "fitted = mc.kernel_from_logits(D, T, logits)\n"
             "assert np.allclose(fitted.array, counts / counts.sum(1, keepdims=True), atol=1e-3)\nfitted"),
    ("md", "`vmap` over a batch of priors, `grad` of a posterior with respect to the prior."),
    ("code", "test = mc.kernel(D, T, jnp.array([[0.95, 0.05], [0.1, 0.9]]))\n"
             "def p_ill_given_pos(p):\n    return mc.bayes_invert(test, mc.state(D, jnp.stack([1 - p, p]))).array[1, 1]\n"
             "jax.vmap(p_ill_given_pos)(jnp.array([0.001, 0.01, 0.1])), jax.grad(p_ill_given_pos)(0.01)"),
    ("md", "Exactly: the disease test gives P(positive) = 117/2000; with a symbolic prevalence θ the posterior is a formula."),
    ("code", "theta = sympy.Symbol('theta', positive=True)\n"
             "prior = mc.state(D, [1 - theta, theta])\n"
             "test = mc.kernel(D, T, [[sympy.Rational(19, 20), sympy.Rational(1, 20)], [sympy.Rational(1, 10), sympy.Rational(9, 10)]])\n"
             "p_pos = mc.evaluate(prior >> test).array[1]\n"
             "assert p_pos.subs(theta, sympy.Rational(1, 100)) == sympy.Rational(117, 2000)\n"
             "sympy.simplify(mc.bayes_invert(test, prior).array[1, 1])"),
])


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src) for kind, src in cells]
        nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    main()
