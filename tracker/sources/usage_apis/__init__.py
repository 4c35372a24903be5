"""Clients for the usage APIs of providers and gateways (one module each), over stdlib HTTP."""
