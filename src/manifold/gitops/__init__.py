"""The objects that make a GitOps controller (Flux, Argo CD) apply rendered/<env>/.

`kinds` holds their shapes (imported by the schema store, so it imports nothing of the
pipeline); `render` builds them from the environments' `sync` settings.
"""
