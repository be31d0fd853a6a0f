"""xaweb: static sites for Vietnam's commune People's Committees."""

__version__ = "0.1.0"
