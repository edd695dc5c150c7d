"""Runnable experiments behind the ``tensorgrad`` command."""
