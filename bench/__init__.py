"""manifold's benchmark: a synthetic repository at monorepo scale, rendered by manifold and by
its peers (kustomize, Kapitan) and against the floor (emit and write, nothing else).

Run it as `python bench/run.py --projects 1000 --envs 3`; docs/performance.md explains it.
"""
