"""The vocabulary every other package speaks: diagnostics, JSON paths, errors, YAML in and out,
secrets. It imports nothing else of manifold, so anything may import it."""
