"""The vocabulary every other package speaks: diagnostics, JSON paths, errors, YAML in and out,
secrets, the objects targets render (`Manifest`), and what a command is asked (`options`) and
hands back (`outcome`). It imports nothing else of manifold, so anything may import it."""
