"""Speed without changing a byte: the no-op answer, the project result store, what rendered/
holds, `.manifold/`, and environments rendered in parallel."""
