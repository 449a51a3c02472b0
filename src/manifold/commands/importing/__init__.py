"""`manifold import`: objects a cluster already runs, brought into manifold's input files
so that a team adopting manifold does not start from a blank file (see docs/import.md)."""
