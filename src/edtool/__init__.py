"""edtool: editorial toolkit for a German tech-news desk."""

__version__ = "0.2.0"
