"""What each command does beyond the stages, and what it hands back to the CLI."""
