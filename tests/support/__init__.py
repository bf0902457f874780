"""What the tests share: stacks, registries, kits of tars and archives, waiting."""
