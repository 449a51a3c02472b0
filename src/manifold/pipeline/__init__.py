"""The stages run in order for each environment, and the commands built from them."""
