"""Target platforms: each turns a project instance into that platform's objects."""
