"""OME objects read back into entries of manifold's input files, each proven by rendering it
again with this package's renderer (`entries`); `manifold import` (`commands.importing`)
reads, checks and writes around it."""
