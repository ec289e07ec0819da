#!/usr/bin/env bash
# fetch-ucr.sh: the seven UCR/UEA time-series data sets that PyPI's aeon wheel ships, as .ts files in
# DIR/NAME/NAME_TRAIN.ts and DIR/NAME/NAME_TEST.ts (the layout `cnnswift train --data DIR/NAME/NAME` reads).
#
# Usage:
#   scripts/fetch-ucr.sh [DIR] [NAME ...]
#     DIR   where to put them (default: ucr)
#     NAME  which ones (default: GunPoint ItalyPowerDemand ArrowHead OSULeaf ACSF1 BasicMotions JapaneseVowels)
#
# The wheel is downloaded with pip (no dependencies, nothing installed) into DIR/.aeon-wheel and the files are
# taken from its aeon/datasets/data folder; aeon itself is neither installed nor run. Data sets already in DIR
# are left as they are.
#
# Examples:
#   scripts/fetch-ucr.sh
#   scripts/fetch-ucr.sh /tmp/ucr GunPoint ItalyPowerDemand
set -euo pipefail

die() { printf 'fetch-ucr: error: %s\n' "$*" >&2; exit 1; }
[[ "${1:-}" == -h || "${1:-}" == --help ]] && { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }
DIR="${1:-ucr}"
shift || true
NAMES=("$@")
(( ${#NAMES[@]} > 0 )) || NAMES=(GunPoint ItalyPowerDemand ArrowHead OSULeaf ACSF1 BasicMotions JapaneseVowels)
for name in "${NAMES[@]}"; do [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || die "'$name': a data set's name is letters, digits and _"; done
missing=()
for name in "${NAMES[@]}"; do
  [[ -f "$DIR/$name/${name}_TRAIN.ts" && -f "$DIR/$name/${name}_TEST.ts" ]] || missing+=("$name")
done
(( ${#missing[@]} > 0 )) || { echo "fetch-ucr: ${NAMES[*]} already in $DIR"; exit 0; }
mkdir -p "$DIR/.aeon-wheel"
if ! compgen -G "$DIR/.aeon-wheel/aeon-*.whl" >/dev/null; then
  echo "fetch-ucr: downloading the aeon wheel from PyPI" >&2
  python3 -m pip download --quiet --no-deps aeon -d "$DIR/.aeon-wheel" >&2 || die "pip download aeon failed"
fi
python3 - "$DIR" "${missing[@]}" <<'PY'
import glob, os, sys, zipfile
folder, names = sys.argv[1], sys.argv[2:]
wheel = sorted(glob.glob(os.path.join(folder, ".aeon-wheel", "aeon-*.whl")))[-1]
with zipfile.ZipFile(wheel) as archive:
    present = set(archive.namelist())
    for name in names:
        for split in ("TRAIN", "TEST"):
            member = f"aeon/datasets/data/{name}/{name}_{split}.ts"
            if member not in present:
                sys.exit(f"fetch-ucr: error: {os.path.basename(wheel)} has no {member}")
            target = os.path.join(folder, name, f"{name}_{split}.ts")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(member) as source, open(target + ".part", "wb") as sink:
                sink.write(source.read())
            os.replace(target + ".part", target)
        print(f"fetch-ucr: {folder}/{name}/{name}_TRAIN.ts and _TEST.ts")
PY
