"""Delivering alerts: freedesktop notifications over D-Bus, or the tray's own message."""
