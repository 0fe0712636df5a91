#!/usr/bin/env python3
"""Writes the challenge variants (domain shift, issue 16) from their nominal challenges.

A variant is its nominal spec, byte for byte, except for the `$schema` and `schema_version`
lines (1.1.0), the name, title and description, and an `evaluation_shift` field added at the
end: so nothing else can drift between a variant and its nominal. For every nominal challenge
in NOMINALS and every variant in VARIANTS this writes
datasets-spec/challenges/<nominal>-<variant>.json. Run it after editing a nominal spec or the
table below, then `python3 scripts/generate_builtin_specs.py` (which embeds every spec into the
Swift sources). The physics and the sizes are argued in datasets-spec/domain-shift.md; the test
ChallengeVariantTests checks that each variant's estimator view is its nominal's.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHALLENGES = ROOT / "datasets-spec" / "challenges"
NOMINALS = ["fair-universe-2024", "fair-universe-2024-mini"]

# name suffix: (title, description, effects)
VARIANTS = {
    "closure": (
        "closure variant (identity shift)",
        "The closure test of the variant machinery: an evaluation shift without effects, so the evaluation pool, "
        "the pseudo-experiments and every result must equal the nominal challenge's bit for bit.",
        []),
    "tau-resolution": (
        "variant with a worse hadronic-tau energy resolution",
        "The evaluation events have a hadronic-tau energy resolution worse than the simulation's: an extra 5% Gaussian "
        "smearing of PRI_had_pt (8% simulated, 9.4% in the shifted data), propagated into the MET. Training and priors "
        "are nominal; no nuisance parameter models a resolution.",
        [{"effect": "tau_energy_resolution", "size": 0.05}]),
    "jet-resolution": (
        "variant with a worse jet energy resolution",
        "The evaluation events have a jet energy resolution worse than the simulation's: an extra 8% Gaussian smearing of "
        "each of the two leading jets' pt, propagated into PRI_jet_all_pt and the MET. Training and priors are nominal; "
        "the jet energy scale nuisance moves every jet together and cannot absorb it.",
        [{"effect": "jet_energy_resolution", "size": 0.08}]),
    "z-pt": (
        "variant with a mismodelled Z pT spectrum",
        "The Z -> tau tau background's transverse-momentum spectrum is harder in the evaluation events than in the "
        "simulation: weights times exp(0.15 DER_pt_h / 100 GeV), renormalised to the nominal Z yield (a pure change of "
        "shape, 16% more weight at 100 GeV than at 0). Training and priors are nominal; the normalisation nuisances "
        "cannot absorb a change of shape.",
        [{"effect": "z_pt_mismodelling", "size": 0.15}]),
}


def variant_text(nominal_text, nominal, suffix, title, description, effects):
    spec = json.loads(nominal_text)
    lines = nominal_text.split("\n")
    replacements = {
        '"$schema"': '  "$schema": "https://fair-uq-bench.example/schemas/1.1.0/challenge.json",',
        '"schema_version"': '  "schema_version": "1.1.0",',
        '"name"': f'  "name": {json.dumps(nominal + "-" + suffix)},',
        '"title"': f'  "title": {json.dumps(spec["title"] + ", " + title)},',
        '"description"': f'  "description": {json.dumps(description)},',
    }
    out, seen = [], set()
    for line in lines:
        key = line.strip().split(":", 1)[0]
        if line.startswith("  ") and not line.startswith("   ") and key in replacements and key not in seen:
            seen.add(key)
            out.append(replacements[key])
        else:
            out.append(line)
    if seen != set(replacements):
        sys.exit(f"generate_variant_specs: {nominal}.json lacks top-level lines for {sorted(set(replacements) - seen)}")
    # The closing brace is the last non-empty line; the shift goes before it.
    end = max(i for i, line in enumerate(out) if line.strip())
    if out[end] != "}":
        sys.exit(f"generate_variant_specs: {nominal}.json does not end with a closing brace")
    effect_lines = ",\n".join(f"      {json.dumps(e)}" for e in effects)
    shift = ('  "evaluation_shift": {\n'
             f'    "variant_of": {json.dumps(nominal)},\n'
             f'    "description": {json.dumps(description)},\n'
             + ('    "effects": [\n' + effect_lines + "\n    ]\n" if effects else '    "effects": []\n')
             + "  }")
    out[end - 1] = out[end - 1] + ","
    out.insert(end, shift)
    text = "\n".join(out)
    json.loads(text)  # a malformed result is a bug here, not a spec to ship
    return text


def main():
    for nominal in NOMINALS:
        nominal_text = (CHALLENGES / f"{nominal}.json").read_text(encoding="utf-8")
        for suffix, (title, description, effects) in VARIANTS.items():
            path = CHALLENGES / f"{nominal}-{suffix}.json"
            text = variant_text(nominal_text, nominal, suffix, title, description, effects)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
