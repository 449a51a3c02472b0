"""manifold's benchmark, side by side with kustomize, Kapitan and the floor.

    .venv/bin/python bench/run.py --projects 1000 --envs 3 [--repeats 3] [--json PATH]

`--help` lists the options (bench/cli.py); bench/harness.py says what is measured and how.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, Python puts bench/ first on the path; the package lives one level up.
    sys.path[0] = str(Path(__file__).resolve().parents[1])
    try:
        from bench.cli import main
    except ModuleNotFoundError as missing:
        sys.exit(
            f"bench/run.py: {missing}; run it with the Python of manifold's virtual environment "
            "(`make .venv/.installed`, then `.venv/bin/python bench/run.py ...`)"
        )
    sys.exit(main())
