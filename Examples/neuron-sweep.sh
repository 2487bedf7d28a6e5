#!/usr/bin/env bash
# The sheet's claim "with 5 neurons per layer training only sometimes succeeded; with 4 it
# failed", measured: the spiral experiment with 6 ReLU layers of 4, 5 and 6 neurons, 20
# initial weights each, success = test loss below 0.1 after 5,000 epochs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift run -c release backprop sweep --config Examples/spiral-6x6-relu.json \
  --vary 'layers=4x6|5x6|6x6' --seeds 20 --criterion 'test-loss<0.1' --out "${1:-sweep-neurons}"
