"""The `manifold` command: click options in, one call into the commands, an exit code out."""
