"""treso-xl: a micro-entrepreneur's cash-management cockpit, in Excel or from the command line."""

__version__ = "0.1.0"
