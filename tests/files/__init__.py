"""Writing files: atomic, never over a save made meanwhile, safe under signals."""
