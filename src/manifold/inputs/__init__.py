"""Stages that read the repository: files found and read, documents decoded into models,
environments resolved along their `extends` chains."""
