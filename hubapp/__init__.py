"""hubapp: the Qt-free core of the Early Help hub client.

Everything but drawing lives here (domain rules, data access, services, printing) and is
tested without a screen. Nothing in this package imports Qt; a test enforces it.
"""

__version__ = "0.1.0"
