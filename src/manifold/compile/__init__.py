"""Stages that turn one environment's inputs into rendered objects: overlays, templates,
references, finalising, patches, schema validation, layout. No disk writes and no cache here."""
