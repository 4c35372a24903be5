"""Qt-free value types shared by every layer."""
