"""Pure functions over stored numbers: rollups, per-task metrics, insights."""
