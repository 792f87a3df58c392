"""Sweeps the weight of a mixing run (`init_from` + `mix_with`, config.py): the real checks at own size and at the
card's size for each weight, one row per weight. The held-out DPDD pairs choose the weight written into the config;
real-smoke is reported, never used to choose.

  /usr/bin/python3 training/interpolate.py configs/<run>.json --weights 0 0.25 0.5 0.75 1 [--with <state.pt>]
"""
from __future__ import annotations

import argparse
import dataclasses

import torch

from config import RunConfig
from data import input_normalization
from train import build_model, starting_state
from validation import validate

CHECKS = ("real_smoke", "real_dpdd_held_out")


def figures_at(config, weight):
    """The real checks' figures of the mixing run's start at `weight`."""
    config = dataclasses.replace(config, mix_weight=weight)
    model = build_model(config)
    model.load_state_dict(starting_state(config))
    return validate(model, config.input_size, input_normalization(config.model), checks=CHECKS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--weights", type=float, nargs="+", default=[0, 0.25, 0.5, 0.75, 1])
    parser.add_argument("--with", dest="mix_with", help="another fine-tuned state in place of the config's mix_with")
    args = parser.parse_args()
    config = RunConfig.load(args.config)
    if args.mix_with:
        config = dataclasses.replace(config, mix_with=args.mix_with)
    if not config.mix_with:
        raise SystemExit(f"{args.config}: not a mixing run (it has no mix_with)")
    torch.set_num_threads(config.threads)
    columns = [check + suffix for check in CHECKS for suffix in ("_native", "")]
    print("weight," + ",".join(f"{c}_mae,{c}_fbeta" for c in columns), flush=True)
    for weight in args.weights:
        figures = figures_at(config, weight)
        print(f"{weight:g}," + ",".join(f"{figures[c]['mae']:.4f},{figures[c]['fbeta']:.4f}" for c in columns),
              flush=True)


if __name__ == "__main__":
    main()
