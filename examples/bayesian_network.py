"""A Bayesian network from a BIF file, and a diagnostic query on it.

The "asia" chest-clinic network of Lauritzen and Spiegelhalter (1988): a visit to Asia
raises the risk of tuberculosis, smoking that of lung cancer and bronchitis; an X-ray
and shortness of breath (dyspnoea) are the symptoms a doctor sees.

    python examples/bayesian_network.py
"""

import markovcat as mc

ASIA = """
network asia { }
variable asia   { type discrete [ 2 ] { yes, no }; }
variable tub    { type discrete [ 2 ] { yes, no }; }
variable smoke  { type discrete [ 2 ] { yes, no }; }
variable lung   { type discrete [ 2 ] { yes, no }; }
variable bronc  { type discrete [ 2 ] { yes, no }; }
variable either { type discrete [ 2 ] { yes, no }; }
variable xray   { type discrete [ 2 ] { yes, no }; }
variable dysp   { type discrete [ 2 ] { yes, no }; }
probability ( asia )  { table 0.01, 0.99; }
probability ( tub | asia )  { (yes) 0.05, 0.95; (no) 0.01, 0.99; }
probability ( smoke ) { table 0.5, 0.5; }
probability ( lung | smoke )  { (yes) 0.1, 0.9; (no) 0.01, 0.99; }
probability ( bronc | smoke ) { (yes) 0.6, 0.4; (no) 0.3, 0.7; }
probability ( either | lung, tub ) {
  (yes, yes) 1.0, 0.0; (no, yes) 1.0, 0.0; (yes, no) 1.0, 0.0; (no, no) 0.0, 1.0;
}
probability ( xray | either ) { (yes) 0.98, 0.02; (no) 0.05, 0.95; }
probability ( dysp | bronc, either ) {
  (yes, yes) 0.9, 0.1; (no, yes) 0.7, 0.3; (yes, no) 0.8, 0.2; (no, no) 0.1, 0.9;
}
"""


def main() -> None:
    net = mc.read_bif(ASIA)  # a string diagram I → asia ⊗ tub ⊗ … ⊗ dysp; nothing evaluated
    print("variables:", net.cod)

    # a smoker who has not been to Asia, short of breath, with a positive X-ray
    evidence = {"asia": "no", "smoke": "yes", "dysp": "yes", "xray": "yes"}
    marginals = mc.posterior_marginals(net, evidence)  # all variables in one pass
    print("\nP(disease = yes | evidence):")
    for factor, m in zip(net.cod.factors, marginals):
        if factor.name in ("tub", "lung", "bronc"):
            print(f"  {factor.name:<6} {float(m.array[0]):.4f}")

    # the joint posterior of the two lung diseases: are they competing explanations?
    joint = mc.posterior(net, evidence, keep=["tub", "lung"])
    print("\nP(tub, lung | evidence):")
    print(joint.array.round(4))

    # the network written back out reads in again to the same joint state
    again = mc.read_bif(mc.write_bif(net))
    print("\nround trip keeps the joint:", mc.allclose(again, net, atol=1e-15))


if __name__ == "__main__":
    main()
